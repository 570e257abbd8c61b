package fakediscord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

const testToken = "MTEwMDAwMDAwMDAwMDAwMDAwMg.fake.token"

// rewrite sends requests for https://discord.com to the fake, as the bot's
// own transport does with discord.api_base_url.
type rewrite struct{ to *url.URL }

func (t rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == "discord.com" {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = t.to.Scheme, t.to.Host, t.to.Host
	}
	return http.DefaultTransport.RoundTrip(r)
}

// newFake starts a fake Discord that is closed when the test ends.
func newFake(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Token == "" {
		opts.Token = testToken
	}
	s := New(opts)
	t.Cleanup(s.Close)
	return s
}

// newSession returns a discordgo session for token that talks to s.
func newSession(t *testing.T, s *Server, token string) *discordgo.Session {
	t.Helper()
	dg, err := discordgo.New("Bot " + token)
	if err != nil {
		t.Fatalf("discordgo.New: %v", err)
	}
	u, err := url.Parse(s.URL())
	if err != nil {
		t.Fatalf("parse %s: %v", s.URL(), err)
	}
	dg.Client = &http.Client{Transport: rewrite{to: u}, Timeout: 10 * time.Second}
	dg.Identify.Intents = discordgo.IntentsGuilds
	dg.LogLevel = -1 // discordgo's reconnect chatter is expected here
	return dg
}

// openSession connects a discordgo session to s and waits for READY. The
// session is closed when the test ends (which costs discordgo a second).
func openSession(t *testing.T, s *Server) (*discordgo.Session, *discordgo.Ready) {
	t.Helper()
	dg := newSession(t, s, testToken)
	ready := make(chan *discordgo.Ready, 4)
	dg.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { ready <- r })
	if err := dg.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { dg.Close() })
	select {
	case r := <-ready:
		return dg, r
	case <-time.After(5 * time.Second):
		t.Fatal("no READY within 5s")
	}
	return nil, nil
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func noViolations(t *testing.T, s *Server) {
	t.Helper()
	if v := s.Violations(); len(v) > 0 {
		t.Errorf("got violations:\n%s\nwant none", strings.Join(v, "\n"))
	}
}

func hasViolation(t *testing.T, s *Server, want string) {
	t.Helper()
	for _, v := range s.Violations() {
		if strings.Contains(v, want) {
			return
		}
	}
	t.Errorf("got violations %q; want one containing %q", s.Violations(), want)
}

// cleanMessage is a message body that breaks no rule.
func cleanMessage(content string) map[string]any {
	return map[string]any{"content": content, "allowed_mentions": map[string]any{"parse": []string{}}}
}

func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func commandInteraction(name string) map[string]any {
	return map[string]any{
		"type": 2, "guild_id": "900", "channel_id": "901",
		"member": map[string]any{"user": map[string]any{"id": "902", "username": "reader"}},
		"data":   map[string]any{"id": "903", "name": name, "type": 1},
	}
}

func TestReadyAndInteractionThroughDiscordgo(t *testing.T) {
	t.Parallel()
	s := newFake(t, Options{GuildIDs: []string{"900"}})
	dg, ready := openSession(t, s)
	if err := s.WaitReady(testContext(t)); err != nil {
		t.Fatalf("WaitReady: %v", err)
	}
	if ready.SessionID == "" || ready.User == nil || ready.User.ID != DefaultBotUserID || !ready.User.Bot {
		t.Errorf("got READY session %q user %+v; want a session and bot user %s", ready.SessionID, ready.User, DefaultBotUserID)
	}
	if ready.Application == nil || ready.Application.ID != DefaultApplicationID {
		t.Errorf("got READY application %+v; want ID %s", ready.Application, DefaultApplicationID)
	}
	if len(ready.Guilds) != 1 || ready.Guilds[0].ID != "900" || !ready.Guilds[0].Unavailable {
		t.Errorf("got READY guilds %+v; want guild 900 unavailable", ready.Guilds)
	}

	handlerErr := make(chan error, 8)
	dg.AddHandler(func(dg *discordgo.Session, i *discordgo.InteractionCreate) {
		switch i.ApplicationCommandData().Name {
		case "raw": // a hand-built body through discordgo's REST client
			endpoint := discordgo.EndpointInteractionResponse(i.ID, i.Token)
			_, err := dg.RequestWithBucketID(http.MethodPost, endpoint,
				map[string]any{"type": 4, "data": cleanMessage("pong")}, endpoint)
			handlerErr <- err
		case "typed": // discordgo's own types, used so that they pass
			err := dg.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
			})
			if err == nil {
				content := "the answer"
				_, err = dg.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Content: &content, AllowedMentions: noMentions()})
			}
			if err == nil {
				_, err = dg.FollowupMessageCreate(i.Interaction, true, &discordgo.WebhookParams{Content: "more", AllowedMentions: noMentions()})
			}
			handlerErr <- err
		}
	})

	ctx := testContext(t)
	cb, err := s.Interact(ctx, commandInteraction("raw"))
	if err != nil {
		t.Fatalf("Interact raw: %v", err)
	}
	if err := <-handlerErr; err != nil {
		t.Errorf("raw callback: %v", err)
	}
	if cb.Type != 4 || cb.Status != http.StatusNoContent || !strings.Contains(string(cb.Data), `"pong"`) {
		t.Errorf("got callback type %d status %d data %s; want type 4, 204, pong", cb.Type, cb.Status, cb.Data)
	}

	in := commandInteraction("typed")
	in["token"] = "typed-token"
	cb, err = s.Interact(ctx, in)
	if err != nil {
		t.Fatalf("Interact typed: %v", err)
	}
	if cb.Type != 5 || cb.Token != "typed-token" || !strings.Contains(string(cb.Data), `"flags":64`) {
		t.Errorf("got callback type %d token %q data %s; want type 5 with flags 64", cb.Type, cb.Token, cb.Data)
	}
	edit, err := s.WaitEdit(ctx, "typed-token")
	if err != nil {
		t.Fatalf("WaitEdit: %v", err)
	}
	if !strings.Contains(string(edit), "the answer") {
		t.Errorf("got edit %s; want the answer", edit)
	}
	if err := <-handlerErr; err != nil {
		t.Errorf("typed responses: %v", err)
	}
	if got := s.FollowUps("typed-token"); len(got) != 1 || !strings.Contains(string(got[0]), "more") {
		t.Errorf("got follow-ups %s; want one with more", got)
	}
	noViolations(t, s)
}

func TestDiscordgoDefaultsBreakAllowedMentions(t *testing.T) {
	t.Parallel()
	s := newFake(t, Options{})
	dg, _ := openSession(t, s)
	errs := make(chan error, 1)
	dg.AddHandler(func(dg *discordgo.Session, i *discordgo.InteractionCreate) {
		errs <- dg.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "hi"},
		})
	})
	cb, err := s.Interact(testContext(t), commandInteraction("ask"))
	if err == nil || cb == nil || cb.Status != http.StatusBadRequest {
		t.Fatalf("got callback %+v, error %v; want a rejected callback", cb, err)
	}
	var rest *discordgo.RESTError
	if err := <-errs; !errors.As(err, &rest) || rest.Response.StatusCode != http.StatusBadRequest {
		t.Errorf("got InteractionRespond error %v; want HTTP 400", err)
	}
	hasViolation(t, s, "/callback: data.allowed_mentions: missing")
}

func TestResumeAfterDrop(t *testing.T) {
	t.Parallel()
	s := newFake(t, Options{})
	dg, _ := openSession(t, s)
	guilds := make(chan string, 4)
	dg.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { guilds <- g.ID })
	if err := s.Dispatch("GUILD_CREATE", map[string]any{"id": "1", "name": "before"}); err != nil {
		t.Fatalf("Dispatch: %v", err)
	}
	if got := <-guilds; got != "1" {
		t.Fatalf("got guild %s; want 1", got)
	}

	s.Drop()
	// Sent while the connection is down: kept for the RESUME to replay.
	if err := s.Dispatch("GUILD_CREATE", map[string]any{"id": "2", "name": "missed"}); err != nil {
		t.Fatalf("Dispatch while down: %v", err)
	}
	if err := s.WaitReady(testContext(t)); err != nil {
		t.Fatalf("WaitReady after Drop: %v", err)
	}
	select {
	case got := <-guilds:
		if got != "2" {
			t.Errorf("got replayed guild %s; want 2", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the missed dispatch was not replayed")
	}
	if got, want := s.Resumes(), 1; got != want {
		t.Errorf("got %d resumes; want %d", got, want)
	}
	if got, want := s.Identifies(), 1; got != want {
		t.Errorf("got %d identifies; want %d", got, want)
	}
	if err := s.Dispatch("GUILD_CREATE", map[string]any{"id": "3"}); err != nil {
		t.Fatalf("Dispatch after resume: %v", err)
	}
	if got := <-guilds; got != "3" {
		t.Errorf("got guild %s; want 3", got)
	}
	noViolations(t, s)
}

func TestReconnectOp7Resumes(t *testing.T) {
	t.Parallel()
	s := newFake(t, Options{})
	dg, _ := openSession(t, s)
	s.SendReconnect()
	if err := s.WaitReady(testContext(t)); err != nil {
		t.Fatalf("WaitReady after op 7: %v", err)
	}
	if got := s.Resumes(); got != 1 {
		t.Errorf("got %d resumes after op 7; want 1", got)
	}
	if got := s.Identifies(); got != 1 {
		t.Errorf("got %d identifies after op 7; want 1", got)
	}

	// discordgo's Close sends close code 1000, which ends the session.
	if err := dg.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for err := s.Dispatch("GUILD_CREATE", map[string]any{"id": "1"}); !errors.Is(err, ErrNoSession); err = s.Dispatch("GUILD_CREATE", map[string]any{"id": "1"}) {
		if time.Now().After(deadline) {
			t.Fatalf("got Dispatch error %v after the client closed with 1000; want ErrNoSession", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := s.Interact(testContext(t), commandInteraction("ask")); !errors.Is(err, ErrNoSession) {
		t.Errorf("got Interact error %v with no session; want ErrNoSession", err)
	}
	noViolations(t, s)
}

func TestInvalidSessionReidentifies(t *testing.T) {
	t.Parallel()
	s := newFake(t, Options{})
	dg, first := openSession(t, s)
	again := make(chan *discordgo.Ready, 1)
	dg.AddHandlerOnce(func(_ *discordgo.Session, r *discordgo.Ready) { again <- r })
	s.SendInvalidSession(false)
	if err := s.Dispatch("GUILD_CREATE", map[string]any{"id": "1"}); !errors.Is(err, ErrNoSession) {
		t.Errorf("got Dispatch error %v after op 9; want ErrNoSession", err)
	}
	select {
	case r := <-again:
		if r.SessionID == first.SessionID {
			t.Errorf("got the same session %s after op 9; want a new one", r.SessionID)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no second READY after op 9")
	}
	if got := s.Identifies(); got != 2 {
		t.Errorf("got %d identifies; want 2", got)
	}
	noViolations(t, s)
}

func TestCloseCodeEndingSessionLeadsToIdentify(t *testing.T) {
	t.Parallel()
	s := newFake(t, Options{})
	openSession(t, s)
	s.CloseGateway(4009) // session timed out: RESUME gets op 9, then IDENTIFY
	if err := s.WaitReady(testContext(t)); err != nil {
		t.Fatalf("WaitReady: %v", err)
	}
	if got, want := s.Resumes(), 1; got != want {
		t.Errorf("got %d resumes; want %d", got, want)
	}
	if got, want := s.Identifies(), 2; got != want {
		t.Errorf("got %d identifies; want %d", got, want)
	}
	noViolations(t, s)
}

func TestWrongTokenFailsOpen(t *testing.T) {
	t.Parallel()
	s := newFake(t, Options{})
	dg := newSession(t, s, "not-the-token")
	err := dg.Open()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4004 {
		t.Fatalf("got Open error %v; want close 4004", err)
	}
	if got := s.Identifies(); got != 1 {
		t.Errorf("got %d identifies; want 1", got)
	}
	if err := s.Dispatch("READY", nil); !errors.Is(err, ErrNoSession) {
		t.Errorf("got Dispatch error %v; want ErrNoSession", err)
	}
	noViolations(t, s)
}

func TestHeartbeatsAreAcknowledged(t *testing.T) {
	t.Parallel()
	s := newFake(t, Options{HeartbeatInterval: 100 * time.Millisecond})
	dg, _ := openSession(t, s)
	start := time.Now()
	// discordgo reconnects when no ACK comes for 5 intervals (500 ms here).
	time.Sleep(750 * time.Millisecond)
	dg.RLock()
	last := dg.LastHeartbeatAck
	dg.RUnlock()
	if !last.After(start) {
		t.Errorf("got last heartbeat ACK at %v; want after %v", last, start)
	}
	if got := s.Identifies() + s.Resumes(); got != 1 {
		t.Errorf("got %d identifies and resumes; want 1 (no reconnect)", got)
	}
	noViolations(t, s)
}

func TestRateLimitedCallbackIsRetried(t *testing.T) {
	t.Parallel()
	s := newFake(t, Options{})
	dg, _ := openSession(t, s)
	dg.AddHandler(func(dg *discordgo.Session, i *discordgo.InteractionCreate) {
		endpoint := discordgo.EndpointInteractionResponse(i.ID, i.Token)
		dg.RequestWithBucketID(http.MethodPost, endpoint, map[string]any{"type": 4, "data": cleanMessage("after a wait")}, endpoint)
	})
	s.FailNext(http.MethodPost, "/interactions/*/*/callback", http.StatusTooManyRequests,
		`{"message":"You are being rate limited.","retry_after":0.05,"global":false}`,
		map[string]string{"Retry-After": "1", "X-RateLimit-Scope": "user"})
	cb, err := s.Interact(testContext(t), commandInteraction("ask"))
	if err != nil {
		t.Fatalf("Interact: %v", err)
	}
	if cb.Status != http.StatusNoContent || !strings.Contains(string(cb.Data), "after a wait") {
		t.Errorf("got callback status %d data %s; want 204 with the answer", cb.Status, cb.Data)
	}
	var statuses []int
	for _, r := range s.Requests() {
		if strings.HasSuffix(r.Path, "/callback") {
			statuses = append(statuses, r.Status)
		}
	}
	if len(statuses) != 2 || statuses[0] != 429 || statuses[1] != 204 {
		t.Errorf("got callback statuses %v; want [429 204]", statuses)
	}
	noViolations(t, s)
}

func TestDiscordgoRetriesOnlyBadGateway(t *testing.T) {
	t.Parallel()
	s := newFake(t, Options{})
	dg := newSession(t, s, testToken) // REST only: no gateway needed
	s.FailNext("GET", "/users/@me", http.StatusBadGateway, "", nil)
	if u, err := dg.User("@me"); err != nil || u.ID != DefaultBotUserID {
		t.Errorf("got user %+v, error %v after a 502; want the bot after a retry", u, err)
	}
	s.SetChannel(map[string]any{"id": "42", "type": 0, "name": "news"})
	s.FailNext("POST", "/api/v9/channels/*/messages", http.StatusInternalServerError, `{"message":"500: Internal Server Error","code":0}`, nil)
	_, err := dg.ChannelMessageSendComplex("42", &discordgo.MessageSend{Content: "x", AllowedMentions: noMentions()})
	var rest *discordgo.RESTError
	if !errors.As(err, &rest) || rest.Response.StatusCode != 500 {
		t.Errorf("got error %v; want the 500, not retried", err)
	}
	if got := len(s.ChannelMessages("42")); got != 0 {
		t.Errorf("got %d messages; want 0", got)
	}
	noViolations(t, s)
}

func TestCommandsBulkOverwrite(t *testing.T) {
	t.Parallel()
	s := newFake(t, Options{GuildIDs: []string{"900"}})
	dg := newSession(t, s, testToken)
	cmds := []*discordgo.ApplicationCommand{
		{Name: "ask", Description: "Ask the articles", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "What to ask", Required: true},
			{Type: discordgo.ApplicationCommandOptionString, Name: "source", Description: "Only this source", Autocomplete: true},
			{Type: discordgo.ApplicationCommandOptionBoolean, Name: "private", Description: "Only you see it"},
		}},
		{Name: "Find in articles", Type: discordgo.MessageApplicationCommand},
	}
	got, err := dg.ApplicationCommandBulkOverwrite(DefaultApplicationID, "900", cmds)
	if err != nil {
		t.Fatalf("bulk overwrite: %v", err)
	}
	if len(got) != 2 || got[0].ID == "" || got[0].Name != "ask" || got[1].Type != discordgo.MessageApplicationCommand {
		t.Errorf("got commands %+v; want ask and Find in articles with IDs", got)
	}
	again, err := dg.ApplicationCommandBulkOverwrite(DefaultApplicationID, "900", cmds)
	if err != nil || again[0].ID != got[0].ID {
		t.Errorf("got second overwrite %+v, %v; want the same IDs", again, err)
	}
	if n := len(s.Commands("900")); n != 2 {
		t.Errorf("got %d guild commands; want 2", n)
	}
	if n := len(s.Commands("")); n != 0 {
		t.Errorf("got %d global commands; want 0", n)
	}
	if n := s.CommandWrites(); n != 2 {
		t.Errorf("got %d command writes; want 2", n)
	}
	noViolations(t, s)

	// discordgo marshals DefaultMemberPermissions as a JSON string; the
	// OpenAPI description wants an integer.
	perms := int64(discordgo.PermissionManageChannels)
	cmds[0].DefaultMemberPermissions = &perms
	if _, err := dg.ApplicationCommandBulkOverwrite(DefaultApplicationID, "900", cmds); err == nil {
		t.Error("got no error for a string default_member_permissions; want 400")
	}
	hasViolation(t, s, "[0].default_member_permissions: is a string")

	if _, err := dg.ApplicationCommandBulkOverwrite(DefaultApplicationID, "901", cmds[1:]); err == nil {
		t.Error("got no error writing commands of a guild the bot is not in; want 403")
	}
	hasViolation(t, s, "guild 901 is not one of the bot's guilds")
}

func TestChannelsAndNonce(t *testing.T) {
	t.Parallel()
	s := newFake(t, Options{})
	dg := newSession(t, s, testToken)
	s.SetChannel(map[string]any{"id": "42", "type": 0, "name": "news", "guild_id": "900"})
	ch, err := dg.Channel("42")
	if err != nil || ch.Name != "news" {
		t.Fatalf("got channel %+v, %v; want news", ch, err)
	}
	_, err = dg.Channel("43")
	var rest *discordgo.RESTError
	if !errors.As(err, &rest) || rest.Message == nil || rest.Message.Code != 10003 {
		t.Errorf("got error %v for an unknown channel; want code 10003", err)
	}

	body := cleanMessage("Today's digest")
	body["nonce"] = "digest-2025-05-15"
	body["enforce_nonce"] = true
	var ids []string
	for range 2 {
		resp, err := dg.RequestWithBucketID(http.MethodPost, discordgo.EndpointChannelMessages("42"), body, "messages")
		if err != nil {
			t.Fatalf("post: %v", err)
		}
		var m discordgo.Message
		if err := json.Unmarshal(resp, &m); err != nil {
			t.Fatalf("decode message: %v", err)
		}
		ids = append(ids, m.ID)
	}
	if ids[0] == "" || ids[0] != ids[1] {
		t.Errorf("got message IDs %v for the same nonce; want one message", ids)
	}
	if got := len(s.ChannelMessages("42")); got != 1 {
		t.Errorf("got %d messages; want 1", got)
	}
	body["nonce"] = "another"
	if _, err := dg.RequestWithBucketID(http.MethodPost, discordgo.EndpointChannelMessages("42"), body, "messages"); err != nil {
		t.Fatalf("post: %v", err)
	}
	if got := len(s.ChannelMessages("42")); got != 2 {
		t.Errorf("got %d messages; want 2", got)
	}
	noViolations(t, s)
}

// do sends a raw REST request to the fake.
func do(t *testing.T, s *Server, method, path, auth, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", "DiscordBot (https://example.org, 1)")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRESTRoutesAndAuth(t *testing.T) {
	t.Parallel()
	s := newFake(t, Options{Token: "Bot " + testToken}) // the prefix is ignored
	tests := []struct {
		method, path, auth string
		status             int
		violation          string
	}{
		{"GET", "/api/v9/gateway", "", 200, ""},
		{"GET", "/api/v10/gateway/bot", "Bot " + testToken, 200, ""},
		{"GET", "/api/v9/users/@me", "Bot " + testToken, 200, ""},
		{"GET", "/api/v10/users/@me", "Bot " + testToken, 200, ""},
		{"GET", "/api/v9/users/@me", "", 401, "GET /api/v9/users/@me: no Authorization header"},
		{"GET", "/api/v9/gateway/bot", testToken, 401, "lacks the \"Bot \" prefix"},
		{"GET", "/api/v9/applications/" + DefaultApplicationID + "/commands", "Bot wrong", 401, "does not hold"},
		{"GET", "/api/v9/applications/" + DefaultApplicationID + "/commands", "Bot " + testToken, 200, ""},
		{"POST", "/api/v9/applications/" + DefaultApplicationID + "/commands", "Bot " + testToken, 404, "unexpected request POST /api/v9/applications/"},
		{"GET", "/api/v8/users/@me", "Bot " + testToken, 404, "unexpected request GET /api/v8/users/@me"},
		{"DELETE", "/api/v9/channels/1", "Bot " + testToken, 404, "unexpected request DELETE /api/v9/channels/1"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			before := len(s.Violations())
			status, body := do(t, s, tt.method, tt.path, tt.auth, "")
			if status != tt.status {
				t.Errorf("got status %d (%s); want %d", status, body, tt.status)
			}
			got := s.Violations()[before:]
			switch {
			case tt.violation == "" && len(got) > 0:
				t.Errorf("got violations %q; want none", got)
			case tt.violation != "" && (len(got) != 1 || !strings.Contains(got[0], tt.violation)):
				t.Errorf("got violations %q; want one containing %q", got, tt.violation)
			}
		})
	}
	_, body := do(t, s, "GET", "/api/v9/gateway", "", "")
	if !strings.Contains(body, `"ws://127.0.0.1:`) {
		t.Errorf("got gateway %s; want a loopback ws URL", body)
	}
	if reqs := s.Requests(); len(reqs) < len(tests) || reqs[0].Path != "/api/v9/gateway" || reqs[0].Status != 200 {
		t.Errorf("got first request %+v of %d; want GET /api/v9/gateway 200", reqs[0], len(reqs))
	}
}

// rawClient is a minimal gateway client for tests that need an
// identified session but not discordgo.
type rawClient struct {
	ws     *websocket.Conn
	frames chan map[string]any
}

func dialRaw(t *testing.T, s *Server) *rawClient {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(s.URL(), "http")+"/gateway/?v=10&encoding=json", nil)
	if err != nil {
		t.Fatalf("dial gateway: %v", err)
	}
	c := &rawClient{ws: ws, frames: make(chan map[string]any, 64)}
	go func() {
		defer close(c.frames)
		for {
			var f map[string]any
			if err := ws.ReadJSON(&f); err != nil {
				return
			}
			c.frames <- f
		}
	}()
	t.Cleanup(func() { ws.Close() })
	return c
}

func (c *rawClient) send(t *testing.T, v any) {
	t.Helper()
	if err := c.ws.WriteJSON(v); err != nil {
		t.Fatalf("send: %v", err)
	}
}

func (c *rawClient) next(t *testing.T) map[string]any {
	t.Helper()
	select {
	case f, ok := <-c.frames:
		if !ok {
			t.Fatal("gateway closed")
		}
		return f
	case <-time.After(5 * time.Second):
		t.Fatal("no gateway frame within 5s")
	}
	return nil
}

// identifyRaw connects a raw client and identifies it.
func identifyRaw(t *testing.T, s *Server) *rawClient {
	t.Helper()
	c := dialRaw(t, s)
	if f := c.next(t); f["op"] != 10.0 {
		t.Fatalf("got first frame %v; want HELLO", f)
	}
	c.send(t, map[string]any{"op": 2, "d": map[string]any{
		"token": testToken, "intents": 1, "properties": map[string]any{"os": "linux", "browser": "test", "device": "test"},
	}})
	if f := c.next(t); f["t"] != "READY" || f["s"] != 1.0 {
		t.Fatalf("got %v; want READY with s 1", f)
	}
	return c
}

func TestRawGatewayProtocol(t *testing.T) {
	t.Parallel()
	s := newFake(t, Options{})
	c := identifyRaw(t, s)
	c.send(t, map[string]any{"op": 1, "d": 1})
	if f := c.next(t); f["op"] != 11.0 {
		t.Errorf("got %v; want heartbeat ACK", f)
	}
	for i := range 3 {
		if err := s.Dispatch("TEST_EVENT", map[string]any{"n": i}); err != nil {
			t.Fatal(err)
		}
		if f := c.next(t); f["s"] != float64(i+2) || f["t"] != "TEST_EVENT" {
			t.Errorf("got %v; want TEST_EVENT with s %d", f, i+2)
		}
	}
	var sessionID string
	s.mu.Lock()
	sessionID = s.sess.id
	s.mu.Unlock()

	s.Drop()
	if err := s.Dispatch("TEST_EVENT", map[string]any{"n": 3}); err != nil {
		t.Fatal(err)
	}
	c2 := dialRaw(t, s)
	c2.next(t) // HELLO
	c2.send(t, map[string]any{"op": 6, "d": map[string]any{"token": "Bot " + testToken, "session_id": sessionID, "seq": 3}})
	var got []string
	for {
		f := c2.next(t)
		got = append(got, f["t"].(string))
		if f["t"] == "RESUMED" {
			break
		}
	}
	if want := []string{"TEST_EVENT", "TEST_EVENT", "RESUMED"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("got replay %v; want %v", got, want)
	}
	c2.send(t, map[string]any{"op": 2, "d": map[string]any{"token": testToken, "intents": 1, "properties": map[string]any{}}})
	if f, ok := <-c2.frames; ok {
		t.Errorf("got %v after a second IDENTIFY; want the connection closed", f)
	}
	hasViolation(t, s, "IDENTIFY on a connection that is already authenticated")

	c3 := dialRaw(t, s)
	c3.next(t)
	c3.send(t, map[string]any{"op": 6, "d": map[string]any{"token": testToken, "session_id": "nope", "seq": 1}})
	if f := c3.next(t); f["op"] != 9.0 || f["d"] != false {
		t.Errorf("got %v for an unknown session; want op 9 false", f)
	}
	c3.send(t, map[string]any{"op": 42})
	if _, ok := <-c3.frames; ok {
		t.Error("got a frame after an unknown opcode; want the connection closed")
	}
	hasViolation(t, s, "gateway: unknown opcode 42")
}

// answer posts a callback body for an interaction and returns the status.
func answer(t *testing.T, s *Server, id, token, body string) (int, string) {
	t.Helper()
	return do(t, s, "POST", "/api/v10/interactions/"+id+"/"+token+"/callback", "", body)
}

func TestInteractionContract(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Date(2025, 5, 15, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	advance := func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(d)
	}
	s := newFake(t, Options{Now: clock})
	identifyRaw(t, s)
	ctx := testContext(t)

	// interact dispatches an interaction and returns its callback result
	// through a channel, as Interact blocks until the callback.
	interact := func(id, token string, itype int) chan error {
		done := make(chan error, 1)
		go func() {
			_, err := s.Interact(ctx, map[string]any{"id": id, "token": token, "type": itype, "channel_id": "901"})
			done <- err
		}()
		for {
			s.mu.Lock()
			ok := s.interactions[id] != nil
			s.mu.Unlock()
			if ok {
				return done
			}
			time.Sleep(time.Millisecond)
		}
	}
	app := DefaultApplicationID

	done := interact("11", "tok11", 2)
	if status, body := do(t, s, "PATCH", "/api/v9/webhooks/"+app+"/tok11/messages/@original", "", `{"content":"early","allowed_mentions":{"parse":[]}}`); status != 404 {
		t.Errorf("got %d %s for an edit before the callback; want 404", status, body)
	}
	hasViolation(t, s, "webhook used before the interaction was answered")
	if status, body := answer(t, s, "11", "tok11", `{"type":5}`); status != 204 {
		t.Fatalf("got %d %s; want 204", status, body)
	}
	if err := <-done; err != nil {
		t.Errorf("Interact: %v", err)
	}
	if status, body := answer(t, s, "11", "tok11", `{"type":5}`); status != 400 || !strings.Contains(body, "40060") {
		t.Errorf("got %d %s for a second callback; want 400 code 40060", status, body)
	}
	hasViolation(t, s, "interaction 11 was already acknowledged")
	status, body := do(t, s, "PATCH", "/api/v9/webhooks/"+app+"/tok11/messages/@original", "", `{"content":"done","allowed_mentions":{"parse":[]}}`)
	if status != 200 || !strings.Contains(body, `"content":"done"`) || !strings.Contains(body, `"flags":0`) {
		t.Errorf("got %d %s for the edit; want 200 with the content and the loading flag cleared", status, body)
	}
	if edit, err := s.WaitEdit(ctx, "tok11"); err != nil || !strings.Contains(string(edit), "done") {
		t.Errorf("got edit %s, %v; want done", edit, err)
	}
	if status, _ := do(t, s, "PATCH", "/api/v9/webhooks/"+app+"/tok11/messages/@original", "", `{"content":"","allowed_mentions":{"parse":[]}}`); status != 400 {
		t.Errorf("got %d for an edit that empties the message; want 400", status)
	}
	if _, err := s.WaitEdit(ctx, "tok11"); err == nil {
		t.Error("got no error from WaitEdit for a rejected edit; want one")
	}
	if status, _ := do(t, s, "POST", "/api/v9/webhooks/"+app+"/tok11", "", `{"content":"more","allowed_mentions":{"parse":[]},"flags":64}`); status != 200 {
		t.Errorf("got %d for a follow-up; want 200", status)
	}
	if status, _ := do(t, s, "POST", "/api/v9/webhooks/999/tok11", "", `{"content":"more","allowed_mentions":{"parse":[]}}`); status != 404 {
		t.Errorf("got %d for a follow-up to another application; want 404", status)
	}
	hasViolation(t, s, "application 999 in the path is not the bot's")
	advance(16 * time.Minute)
	if status, _ := do(t, s, "POST", "/api/v9/webhooks/"+app+"/tok11", "", `{"content":"late","allowed_mentions":{"parse":[]}}`); status != 401 {
		t.Errorf("got %d for a follow-up after 16 min; want 401", status)
	}
	hasViolation(t, s, "interaction token used 16m0s after the interaction")
	if got := len(s.FollowUps("tok11")); got != 1 {
		t.Errorf("got %d follow-ups; want 1", got)
	}

	done = interact("12", "tok12", 2)
	advance(4 * time.Second)
	if status, _ := answer(t, s, "12", "tok12", `{"type":4,"data":{"content":"slow","allowed_mentions":{"parse":[]}}}`); status != 404 {
		t.Errorf("got %d for a callback after 4 s; want 404", status)
	}
	if err := <-done; err == nil || !strings.Contains(err.Error(), "Discord allows 3s") {
		t.Errorf("got Interact error %v; want the 3 s deadline", err)
	}

	done = interact("13", "tok13", 4)
	if status, _ := answer(t, s, "13", "tok13", `{"type":4,"data":{"content":"x","allowed_mentions":{"parse":[]}}}`); status != 400 {
		t.Errorf("got %d for a message answering autocomplete; want 400", status)
	}
	if err := <-done; err == nil {
		t.Error("got no Interact error for a rejected callback; want one")
	}
	hasViolation(t, s, "callback type 4 cannot answer an interaction of type 4")
	if status, _ := answer(t, s, "13", "tok13", `{"type":8,"data":{"choices":[{"name":"Reuters","value":"reuters"}]}}`); status != 204 {
		t.Errorf("got %d for autocomplete choices; want 204", status)
	}
	if status, _ := answer(t, s, "77", "nope", `{"type":1}`); status != 404 {
		t.Errorf("got %d for an unknown interaction; want 404", status)
	}
	hasViolation(t, s, "unknown interaction 77")
}

func TestViolationsNameRouteAndRule(t *testing.T) {
	t.Parallel()
	s := newFake(t, Options{})
	s.SetChannel(map[string]any{"id": "42"})
	body := `{"content":"hi","allowed_mentions":{"parse":["everyone"]},"flags":64}`
	status, resp := do(t, s, "POST", "/api/v9/channels/42/messages", "Bot "+testToken, body)
	if status != 400 || !strings.Contains(resp, "50035") {
		t.Errorf("got %d %s; want 400 Invalid Form Body", status, resp)
	}
	want := []string{
		`POST /api/v9/channels/42/messages: allowed_mentions.parse: ["everyone"]; want [] (no mention type may be parsed)`,
		`POST /api/v9/channels/42/messages: flags: 64; only 0 or 4 (SUPPRESS_EMBEDS) may be set here`,
	}
	if got := s.Violations(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got violations\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := len(s.ChannelMessages("42")); n != 0 {
		t.Errorf("got %d accepted messages; want 0", n)
	}
	if status, _ := do(t, s, "POST", "/api/v9/channels/41/messages", "Bot "+testToken, `{"content":"hi","allowed_mentions":{"parse":[]}}`); status != 404 {
		t.Errorf("got %d for an unknown channel; want 404", status)
	}
	if status, _ := do(t, s, "POST", "/api/v9/channels/42/messages", "Bot "+testToken, `{"content":`); status != 400 {
		t.Errorf("got %d for broken JSON; want 400", status)
	}
	hasViolation(t, s, "body is not valid JSON")
}

func TestMultipartPayloadJSON(t *testing.T) {
	t.Parallel()
	s := newFake(t, Options{})
	s.SetChannel(map[string]any{"id": "42"})
	dg := newSession(t, s, testToken)
	_, err := dg.ChannelMessageSendComplex("42", &discordgo.MessageSend{
		Content:         "with a file",
		AllowedMentions: noMentions(),
		Files:           []*discordgo.File{{Name: "a.txt", ContentType: "text/plain", Reader: bytes.NewReader([]byte("hello"))}},
	})
	if err != nil {
		t.Fatalf("send with file: %v", err)
	}
	if got := s.ChannelMessages("42"); len(got) != 1 || !strings.Contains(string(got[0]), "with a file") {
		t.Errorf("got %s; want the payload_json of the message", got)
	}
	noViolations(t, s)
}
