package commands

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/dossier-bot/dossier/internal/fakediscord"
)

// fakeDigests is a hand-written Digests with function fields; nil fields
// behave plausibly.
type fakeDigests struct {
	mu         sync.Mutex
	subscribed []DigestRequest
	canPost    func(channelID string) error
}

type inputError struct{ msg string }

func (e *inputError) Error() string       { return "input: " + e.msg }
func (e *inputError) UserMessage() string { return e.msg }

func (f *fakeDigests) Subscribe(ctx context.Context, req DigestRequest) (DigestInfo, error) {
	if req.Time == "25:99" {
		return DigestInfo{}, &inputError{`"25:99" is not a time of day: write it as HH:MM on a 24-hour clock, like 09:00`}
	}
	f.mu.Lock()
	f.subscribed = append(f.subscribed, req)
	f.mu.Unlock()
	return DigestInfo{ChannelID: req.ChannelID, ChannelName: req.ChannelName, Time: "09:00", Zone: "Europe/London", Topic: req.Topic,
		Next: time.Date(2025, 6, 2, 8, 0, 0, 0, time.UTC)}, nil
}

func (f *fakeDigests) Unsubscribe(ctx context.Context, guildID, channelID string) (bool, error) {
	return channelID == "1200000000000000021", nil
}

func (f *fakeDigests) List(ctx context.Context, guildID string) ([]DigestInfo, error) {
	return []DigestInfo{
		{ChannelID: "1200000000000000021", ChannelName: "briefing", Time: "09:00", Zone: "Europe/London", Topic: "Iran **sanctions**",
			Next: time.Date(2025, 6, 2, 8, 0, 0, 0, time.UTC), Last: "posted on 2025-06-01"},
		{ChannelID: "1200000000000000022", ChannelName: "old", Time: "18:30", Zone: "UTC+02:00", Paused: "Dossier cannot post in this channel (Missing Access)"},
	}, nil
}

func (f *fakeDigests) Preview(ctx context.Context, guildID, channelID string) (DigestPreview, error) {
	return DigestPreview{Subscribed: true, Messages: []Message{
		{Content: "**Daily digest** · 2 new articles since Sat 31 May, 10:00 BST", Embeds: []Embed{{Title: "Ferry Service Cut", Description: "The council voted to cut the ferry.", Footer: "Island Post · 2025-05-02"}}},
		{Content: "**Daily digest**, continued (2/2)", Embeds: []Embed{{Title: "1 more new article", Description: "• **Library Hours Cut**"}}},
	}}, nil
}

func (f *fakeDigests) Zones(typed string, limit int) []string {
	var out []string
	for _, z := range []string{"UTC", "Europe/London", "America/New_York", "America/Argentina/Buenos_Aires"} {
		if strings.Contains(strings.ToLower(z), strings.ToLower(typed)) && len(out) < limit {
			out = append(out, z)
		}
	}
	return out
}

func (f *fakeDigests) CanPost(ctx context.Context, guildID, channelID string) error {
	if f.canPost != nil {
		return f.canPost(channelID)
	}
	return nil
}

// fakeLibrary is a Library that records what it was given.
type fakeLibrary struct {
	mu    sync.Mutex
	added []NewArticle
	err   error
}

func (f *fakeLibrary) Add(ctx context.Context, a NewArticle) (*AddedArticle, error) {
	if f.err != nil {
		return nil, f.err
	}
	f.mu.Lock()
	f.added = append(f.added, a)
	f.mu.Unlock()
	title := a.Title
	if title == "" {
		title = "Ferry Service Cut"
	}
	return &AddedArticle{ID: "2025-05-02-ferry-service-cut", Path: "2025-05-02-ferry-service-cut.md", Title: title, Published: "2025-05-02",
		Passages: 4, Quotes: 2, Speakers: []string{"Ewan Rae", "Island Council"}}, nil
}

// roundTrip is an http.RoundTripper from a function.
type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// cdn serves every URL with body, as Discord's CDN serves attachments.
func cdn(body string) *http.Client {
	return &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Status: "200 OK", Body: io.NopCloser(strings.NewReader(body)), Header: http.Header{}, Request: r}, nil
	})}
}

// withDigestsAndLibrary adds /digest and /add to a test router.
func withDigestsAndLibrary(d *fakeDigests, l *fakeLibrary) func(*Config) {
	return func(c *Config) {
		c.Digests, c.Library, c.AddPermission = d, l, permManageMessages
		c.HTTPClient = cdn("---\ntitle: Ferry Service Cut\n---\n\nThe council voted to cut the ferry service.\n")
	}
}

func TestDigestSubscribe(t *testing.T) {
	d := &fakeDigests{}
	r, _ := newTestRouter(t, seedIndex(t), withDigestsAndLibrary(d, &fakeLibrary{}))
	m := message(t, serveOne(t, r, loadFixture(t, "digest-subscribe.json")))
	if len(d.subscribed) != 1 {
		t.Fatalf("%d subscriptions; want 1", len(d.subscribed))
	}
	got := d.subscribed[0]
	if got.ChannelID != "1200000000000000021" || got.ChannelName != "briefing" || got.Time != "9am" || got.Zone != "Europe/London" || got.Topic != "Iran" || got.GuildID == "" {
		t.Errorf("subscribed %+v; want the options as given", got)
	}
	if m.Flags&flagEphemeral == 0 || !strings.Contains(m.Content, "<#1200000000000000021>") || !strings.Contains(m.Content, "<t:") {
		t.Errorf("reply %q; want a private confirmation naming the channel and the first digest's time", m.Content)
	}

	// Without Manage Channels: refused at run time, whatever the server's settings.
	d.subscribed = nil
	m = message(t, serveOne(t, r, loadFixture(t, "digest-subscribe-no-permission.json")))
	if len(d.subscribed) != 0 || !strings.Contains(m.Content, "Manage Channels") {
		t.Errorf("reply %q and %d subscriptions; want a refusal naming Manage Channels", m.Content, len(d.subscribed))
	}

	// A channel the bot cannot post in.
	d.canPost = func(string) error {
		return userErr("Dossier cannot see <#1200000000000000021>: give it the View Channel permission there.")
	}
	m = message(t, serveOne(t, r, loadFixture(t, "digest-subscribe.json")))
	if len(d.subscribed) != 0 || !strings.Contains(m.Content, "cannot see") {
		t.Errorf("reply %q; want the reason the bot cannot post", m.Content)
	}
}

// TestDigestSubscribeChecksTheBotsOwnPermissions subscribes the channel
// the command was used in, where the interaction says what the bot may
// do.
func TestDigestSubscribeChecksTheBotsOwnPermissions(t *testing.T) {
	d := &fakeDigests{canPost: func(string) error { t.Error("asked Discord about the channel the interaction came from"); return nil }}
	r, _ := newTestRouter(t, seedIndex(t), withDigestsAndLibrary(d, &fakeLibrary{}))
	in := loadFixture(t, "digest-subscribe.json")
	in.ChannelID = "1200000000000000021"
	in.AppPermissions = "1024" // View Channel only
	m := message(t, serveOne(t, r, in))
	if len(d.subscribed) != 0 || !strings.Contains(m.Content, "Send Messages") {
		t.Errorf("reply %q; want a refusal naming the missing permissions", m.Content)
	}
}

// TestDigestManagePermissionIsTheTargetChannels checks Manage Channels
// where the digest goes: a channel's overwrites can grant or withhold it
// apart from the channel the command was used in.
func TestDigestManagePermissionIsTheTargetChannels(t *testing.T) {
	const all, viewSend = "2251799813685247", "3072"
	tests := []struct {
		name              string
		member, inChannel string // "" leaves the channel's permissions out
		want              bool
	}{
		{"manager everywhere", all, all, true},
		{"manager here, not in the target channel", all, viewSend, false},
		{"granted by the target channel's overwrites", viewSend, "3088", true},
		{"administrator", "8", "8", true},
		{"no channel permissions sent: the member's count", all, "", true},
		{"no channel permissions sent, not a manager", viewSend, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "interactions", "digest-subscribe.json"))
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			doc["member"].(map[string]any)["permissions"] = tt.member
			ch := doc["data"].(map[string]any)["resolved"].(map[string]any)["channels"].(map[string]any)["1200000000000000021"].(map[string]any)
			if tt.inChannel == "" {
				delete(ch, "permissions")
			} else {
				ch["permissions"] = tt.inChannel
			}
			raw, _ = json.Marshal(doc)
			in, err := ParseInteraction(raw)
			if err != nil {
				t.Fatal(err)
			}
			d := &fakeDigests{}
			r, _ := newTestRouter(t, seedIndex(t), withDigestsAndLibrary(d, &fakeLibrary{}))
			m := message(t, serveOne(t, r, in))
			if got := len(d.subscribed) == 1; got != tt.want {
				t.Errorf("subscribed %v, reply %q; want subscribed %v", got, m.Content, tt.want)
			}
			if !tt.want && !strings.Contains(m.Content, "Manage Channels") {
				t.Errorf("reply %q; want the missing permission named", m.Content)
			}
		})
	}
}

func TestDigestDefinitionIsForManagers(t *testing.T) {
	r, _ := newTestRouter(t, seedIndex(t), withDigestsAndLibrary(&fakeDigests{}, &fakeLibrary{}))
	body, _ := json.Marshal(r.Definitions())
	for _, v := range validateCommandsBody(body) {
		t.Error(v)
	}
	var defs []struct {
		Name                     string
		DefaultMemberPermissions json.RawMessage `json:"default_member_permissions"`
	}
	json.Unmarshal(body, &defs)
	perms := map[string]string{}
	for _, d := range defs {
		perms[d.Name] = string(d.DefaultMemberPermissions)
	}
	if perms["digest"] != "16" || perms["add"] != "8192" || perms["ask"] != "" {
		t.Errorf("default_member_permissions %v; want digest 16 (Manage Channels), add 8192 (Manage Messages), ask unset", perms)
	}
}

func TestAddFromAFile(t *testing.T) {
	l := &fakeLibrary{}
	r, _ := newTestRouter(t, seedIndex(t), withDigestsAndLibrary(&fakeDigests{}, l))
	m := message(t, serveOne(t, r, loadFixture(t, "add-file.json")))
	if len(l.added) != 1 || l.added[0].FileName != "ferry-cut.md" || !strings.Contains(string(l.added[0].Data), "ferry service") {
		t.Fatalf("library got %+v; want the downloaded file", l.added)
	}
	if !strings.Contains(m.Content, "Added **Ferry Service Cut**") || !strings.Contains(m.Content, "Ewan Rae") {
		t.Errorf("reply %q; want what was parsed", m.Content)
	}
	// The library's own complaints reach the user.
	l.err = &inputError{"file: attach a .txt or .md file"}
	m = message(t, serveOne(t, r, loadFixture(t, "add-file.json")))
	if m.Flags&flagEphemeral == 0 || !strings.Contains(m.Content, "attach a .txt or .md file") {
		t.Errorf("reply %q; want the library's reason, privately", m.Content)
	}
}

// TestAddWithTheForm opens the form, fills it in and submits it.
func TestAddWithTheForm(t *testing.T) {
	l := &fakeLibrary{}
	r, _ := newTestRouter(t, seedIndex(t), withDigestsAndLibrary(&fakeDigests{}, l))
	cb := serveOne(t, r, loadFixture(t, "add.json"))
	checkCallback(t, cb)
	if cb.Type != callbackModal {
		t.Fatalf("callback type %d; want a form (9)", cb.Type)
	}
	modal := cb.Data.(wireModal)
	if len(modal.Components) != 5 {
		t.Errorf("form has %d fields; want 5", len(modal.Components))
	}
	submit := loadFixture(t, "add-modal-expired.json")
	var d map[string]any
	json.Unmarshal(submit.Data, &d)
	d["custom_id"] = modal.CustomID
	submit.Data, _ = json.Marshal(d)
	m := message(t, serveOne(t, r, submit))
	if len(l.added) != 1 {
		t.Fatalf("library got %d articles; want 1 (reply %q)", len(l.added), m.Content)
	}
	a := l.added[0]
	if a.Title != "Ferry Service Cut" || a.Publication != "Island Post" || a.Date != "May 2, 2025" || a.URL != "https://example.com/ferry" || a.Text == "" {
		t.Errorf("library got %+v; want the form's fields and the url option", a)
	}
	if m.Flags&flagEphemeral != 0 || !strings.Contains(m.Content, "Added") {
		t.Errorf("reply %q; want a public note of what was added", m.Content)
	}
}

func TestAddNeedsPermission(t *testing.T) {
	l := &fakeLibrary{}
	r, _ := newTestRouter(t, seedIndex(t), withDigestsAndLibrary(&fakeDigests{}, l))
	in := loadFixture(t, "add-file.json")
	in.Member.Permissions = "2048"
	m := message(t, serveOne(t, r, in))
	if len(l.added) != 0 || !strings.Contains(m.Content, "Manage Messages") {
		t.Errorf("reply %q, %d added; want a refusal naming Manage Messages", m.Content, len(l.added))
	}
}

// TestDigestPreviewShowsEveryPart checks that a digest of two messages is
// previewed as two private messages, in order.
func TestDigestPreviewShowsEveryPart(t *testing.T) {
	r, _ := newTestRouter(t, seedIndex(t), withDigestsAndLibrary(&fakeDigests{}, &fakeLibrary{}))
	c := newCapture()
	r.serve(context.Background(), loadFixture(t, "digest-preview.json"), c)
	if len(c.callbacks) != 1 || len(c.followUps) != 1 {
		t.Fatalf("%d replies and %d follow-ups; want 1 and 1", len(c.callbacks), len(c.followUps))
	}
	first := message(t, c.callbacks[0])
	if first.Flags&flagEphemeral == 0 || !strings.Contains(first.Content, "Preview") || first.Embeds[0].Title != "Ferry Service Cut" {
		t.Errorf("first part %+v; want the private preview of the first message", first)
	}
	if f := c.followUps[0]; f.Flags&flagEphemeral == 0 || !strings.Contains(f.Content, "continued") {
		t.Errorf("follow-up %+v; want the second message, private", f)
	}
	body, _ := json.Marshal(c.followUps[0])
	for _, v := range fakediscord.ValidateMessage(body) {
		t.Error(v)
	}
}

// TestChannelErrorTrustsDiscordsCodesOnly: a channel is gone or closed
// to the bot only when Discord's error code says so, not on a bare status
// from a proxy on the way.
func TestChannelErrorTrustsDiscordsCodesOnly(t *testing.T) {
	rest := func(status, code int) error {
		re := &discordgo.RESTError{Response: &http.Response{StatusCode: status, Status: http.StatusText(status)}}
		if code >= 0 { // a JSON error from Discord; -1 for a page from a proxy
			re.Message = &discordgo.APIErrorMessage{Code: code, Message: "from Discord"}
		}
		return re
	}
	for _, c := range []struct {
		err        error
		gone, shut bool
	}{
		{rest(404, 10003), true, false},
		{rest(404, 0), false, false},  // "404: Not Found": a wrong route, not a channel
		{rest(404, -1), false, false}, // a proxy's page
		{rest(403, 50001), false, true},
		{rest(403, 50013), false, true},
		{rest(403, 0), false, true}, // "403: Forbidden"
		{rest(403, -1), false, false},
		{rest(500, -1), false, false},
	} {
		err := channelError(c.err)
		if errors.Is(err, ErrUnknownChannel) != c.gone || errors.Is(err, ErrNoAccess) != c.shut {
			t.Errorf("channelError(%v) = %v; want gone %v, no access %v", c.err, err, c.gone, c.shut)
		}
	}
}
