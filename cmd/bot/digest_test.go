package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/digest"
	"github.com/dossier-bot/dossier/internal/fakeclock"
	"github.com/dossier-bot/dossier/internal/fakediscord"
	bolt "go.etcd.io/bbolt"
)

// These tests run `dossier serve` against the fake Discord with a fake
// clock: digests are subscribed to with the slash command, the clock is
// moved, and what lands in the channel is checked.

const digestChannel = "1200000000000000021"

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// corpusOfSeeds copies the seed articles into a new folder, dated long
// ago, so that they are old news to a digest.
func corpusOfSeeds(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, _ := filepath.Glob("../../seeds/*.txt")
	old := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, filepath.Base(f))
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(dst, old, old)
	}
	return dir
}

// newsArticle writes an article about subject into the corpus.
func newsArticle(t *testing.T, dir, name, title, subject string) {
	t.Helper()
	text := fmt.Sprintf("%s\n\nJune 1, 2025\n\nBy Ada Reporter\n\n"+
		"The county council voted on Thursday to cut the %[2]s from six services a day to two, citing rising costs.\n\n"+
		"\"The %[2]s is not a luxury for us, it is the road to the hospital,\" said Ewan Rae, who chairs the community council.\n\n"+
		"Officials said the change to the %[2]s would take effect in September unless new funding is found.\n", title, subject)
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// member is the member who runs the commands: an administrator of the
// test server.
func member() map[string]any {
	return map[string]any{
		"user":        map[string]any{"id": "1200000000000000042", "username": "ana", "discriminator": "0", "global_name": "Ana"},
		"roles":       []any{},
		"permissions": "2251799813685247",
		"joined_at":   "2024-11-02T09:15:31.224000+00:00",
	}
}

// slash is a slash command interaction as Discord delivers it.
func slash(data map[string]any) map[string]any {
	return map[string]any{
		"type":            2,
		"guild_id":        serveGuild,
		"channel_id":      "1200000000000000020",
		"channel":         map[string]any{"id": "1200000000000000020", "type": 0, "guild_id": serveGuild, "name": "newsroom"},
		"member":          member(),
		"app_permissions": "562949953421311",
		"locale":          "en-US",
		"data":            data,
	}
}

func subscribeInteraction(channel, clock, zone string) map[string]any {
	return slash(map[string]any{
		"id": "1150000000000000020", "name": "digest", "type": 1,
		"options": []any{map[string]any{"name": "subscribe", "type": 1, "options": []any{
			map[string]any{"name": "channel", "type": 7, "value": channel},
			map[string]any{"name": "time", "type": 3, "value": clock},
			map[string]any{"name": "timezone", "type": 3, "value": zone},
		}}},
		"resolved": map[string]any{"channels": map[string]any{channel: map[string]any{
			"id": channel, "name": "briefing", "type": 0, "permissions": "2251799813685247", "guild_id": serveGuild,
		}}},
	})
}

// digestRig is a serve run with a fake clock, a fake Discord on the same
// clock, and a corpus folder of its own.
type digestRig struct {
	t      *testing.T
	fake   *fakediscord.Server
	clock  *fakeclock.Clock
	corpus string
	data   string
	env    []string
	s      *server
}

func newDigestRig(t *testing.T, start time.Time) *digestRig {
	t.Helper()
	clock := fakeclock.New(start)
	fake := fakediscord.New(fakediscord.Options{Token: serveToken, GuildIDs: []string{serveGuild}, Now: clock.Now})
	t.Cleanup(func() {
		for _, v := range fake.Violations() {
			t.Errorf("request broke Discord's contract: %s", v)
		}
		fake.Close()
	})
	fake.SetChannel(map[string]any{"id": digestChannel, "type": 0, "guild_id": serveGuild, "name": "briefing"})
	r := &digestRig{t: t, fake: fake, clock: clock, corpus: corpusOfSeeds(t), data: t.TempDir(),
		env: []string{"DOSSIER_DISCORD_TOKEN=" + serveToken, "DOSSIER_DISCORD_API_BASE_URL=" + fake.URL(), "DOSSIER_DISCORD_GUILD_ID=" + serveGuild,
			"DOSSIER_LIMITS_QUESTIONS=0"}} // the fake clock stands still
	r.start()
	return r
}

func (r *digestRig) start() {
	r.t.Helper()
	r.s = startServeWith(r.t, serveOptions{corpus: r.corpus, data: r.data, now: r.clock.Now, poll: 10 * time.Millisecond}, r.env...)
	r.s.waitLog(r.t, `dossier is serving`)
}

func (r *digestRig) restart() {
	r.t.Helper()
	if code := r.s.shutdown(r.t); code != 0 {
		r.t.Fatalf("exit %d:\n%s", code, r.s.stderr)
	}
	r.start()
}

// interact sends an interaction and returns the bot's message: the
// callback's, or the edit of a deferred one.
func (r *digestRig) interact(in map[string]any) (int, map[string]any) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cb, err := r.fake.Interact(ctx, in)
	if err != nil {
		r.t.Fatalf("interaction: %v", err)
	}
	data := cb.Data
	if cb.Type == 5 {
		if data, err = r.fake.WaitEdit(ctx, cb.Token); err != nil {
			r.t.Fatalf("deferred answer: %v", err)
		}
	}
	var m map[string]any
	json.Unmarshal(data, &m)
	return cb.Type, m
}

// text is a message's content and embeds as plain text.
func text(m map[string]any) string {
	b, _ := json.Marshal(m)
	var out struct {
		Content string
		Embeds  []struct{ Title, Description string }
	}
	json.Unmarshal(b, &out)
	s := out.Content
	for _, e := range out.Embeds {
		s += "\n" + e.Title + "\n" + e.Description
	}
	// As a reader sees it: no bold markers, no escapes.
	s = strings.ReplaceAll(s, "**", "")
	return reEscape.ReplaceAllString(s, "$1")
}

var reEscape = regexp.MustCompile(`\\(.)`)

// posts returns the messages in the digest channel.
func (r *digestRig) posts() []string {
	var out []string
	for _, raw := range r.fake.ChannelMessages(digestChannel) {
		var m map[string]any
		json.Unmarshal(raw, &m)
		out = append(out, text(m))
	}
	return out
}

// eventually polls cond for up to 15 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// settle gives the scheduler time to act on the clock, for checks that
// something did not happen.
func settle() { time.Sleep(200 * time.Millisecond) }

// askFinds asks until the answer mentions want: new files are indexed
// within seconds.
func (r *digestRig) askFinds(question, want string) {
	r.t.Helper()
	last := ""
	defer func() {
		if r.t.Failed() {
			r.t.Logf("last answer: %s\nlog:\n%s", last, r.s.stderr)
		}
	}()
	eventually(r.t, fmt.Sprintf("/ask %q to find %q", question, want), func() bool {
		_, m := r.interact(askInteraction(question))
		last = text(m)
		return strings.Contains(last, want)
	})
}

func TestDigestEndToEnd(t *testing.T) {
	r := newDigestRig(t, at("2025-06-02 07:00"))
	typ, m := r.interact(subscribeInteraction(digestChannel, "09:00", "Europe/London"))
	if typ != 4 || !strings.Contains(text(m), "<#"+digestChannel+">") {
		t.Fatalf("subscribe answered %d %q", typ, text(m))
	}
	// An article dropped into the folder is found by /ask within seconds.
	newsArticle(t, r.corpus, "ferry.txt", "Ferry Service to Holm Island Cut", "Holm Island ferry")
	r.askFinds("What did the council decide about the Holm Island ferry?", "Holm Island ferry")

	// 09:00 in London is 08:00 UTC.
	r.clock.Set(at("2025-06-02 07:59"))
	settle()
	if n := len(r.posts()); n != 0 {
		t.Fatalf("%d posts before the digest's time", n)
	}
	r.clock.Set(at("2025-06-02 08:00"))
	eventually(t, "the digest", func() bool { return len(r.posts()) == 1 })
	first := r.posts()[0]
	if !strings.Contains(first, "Ferry Service to Holm Island Cut") || strings.Contains(first, "Putin") {
		t.Errorf("digest:\n%s\nwant the new article only", first)
	}
	r.clock.Set(at("2025-06-02 08:10"))
	settle()
	// A restart on the same data directory posts nothing again.
	r.restart()
	r.clock.Set(at("2025-06-02 09:30"))
	settle()
	if n := len(r.posts()); n != 1 {
		t.Fatalf("%d posts after a restart; want still 1", n)
	}
	// The next day brings the next article, and only that.
	newsArticle(t, r.corpus, "tram.txt", "Tram Line Extended to the Harbour", "harbour tram line")
	r.askFinds("When will the harbour tram line change?", "harbour tram line")
	r.clock.Set(at("2025-06-03 08:00"))
	eventually(t, "the second digest", func() bool { return len(r.posts()) == 2 })
	if second := r.posts()[1]; !strings.Contains(second, "Tram Line Extended") || strings.Contains(second, "Holm Island") {
		t.Errorf("second digest:\n%s\nwant the tram article only", second)
	}
	// The bot logs the post once Discord has answered, a moment after
	// the fake has the message.
	eventually(t, "the log to say a digest was posted", func() bool { return strings.Contains(r.s.stderr.String(), "digest posted") })
}

// TestDigestIsPostedOnceWhenTheReplyIsLost has Discord take the digest
// but lose its answer, then the bot stops before it can retry: the
// restarted bot retries with the same nonce and the channel still has one
// digest.
func TestDigestIsPostedOnceWhenTheReplyIsLost(t *testing.T) {
	r := newDigestRig(t, at("2025-06-02 07:00"))
	r.interact(subscribeInteraction(digestChannel, "09:00", "UTC"))
	newsArticle(t, r.corpus, "ferry.txt", "Ferry Service to Holm Island Cut", "Holm Island ferry")
	r.askFinds("What happened to the Holm Island ferry?", "Holm Island ferry")
	r.fake.LoseNextReply(http.MethodPost, "/channels/*/messages", http.StatusInternalServerError)
	r.clock.Set(at("2025-06-02 09:00"))
	eventually(t, "the first attempt", func() bool { return len(r.posts()) == 1 })
	eventually(t, "the bot to see the failure", func() bool { return strings.Contains(r.s.stderr.String(), "will retry") })
	// Killed before the retry; back two minutes later.
	r.restart()
	r.clock.Set(at("2025-06-02 09:02"))
	eventually(t, "the retry", func() bool {
		n := 0
		for _, req := range r.fake.Requests() {
			if req.Method == http.MethodPost && strings.HasSuffix(req.Path, "/channels/"+digestChannel+"/messages") {
				n++
			}
		}
		return n >= 2
	})
	settle()
	if n := len(r.posts()); n != 1 {
		t.Errorf("%d digests in the channel; want exactly 1", n)
	}
}

// TestDigestCatchUpAfterDowntime stops the bot over its digest time and
// starts it again within, then beyond, the catch-up window.
func TestDigestCatchUpAfterDowntime(t *testing.T) {
	r := newDigestRig(t, at("2025-06-02 07:00"))
	r.interact(subscribeInteraction(digestChannel, "09:00", "UTC"))
	newsArticle(t, r.corpus, "ferry.txt", "Ferry Service to Holm Island Cut", "Holm Island ferry")
	r.askFinds("What happened to the Holm Island ferry?", "Holm Island ferry")
	r.s.shutdown(t)
	r.clock.Set(at("2025-06-02 14:00")) // 5 h late: posted once at start
	r.start()
	eventually(t, "the late digest", func() bool { return len(r.posts()) == 1 })
	r.s.shutdown(t)
	r.clock.Set(at("2025-06-03 16:00")) // 7 h late: skipped
	r.start()
	eventually(t, "the skip to be logged", func() bool { return strings.Contains(r.s.stderr.String(), "missed digest skipped") })
	settle()
	if n := len(r.posts()); n != 1 {
		t.Errorf("%d posts; the digest 7 h late should have been skipped", n)
	}
}

func TestAddEndToEnd(t *testing.T) {
	r := newDigestRig(t, at("2025-06-02 07:00"))

	// The form.
	typ, modal := r.interact(slash(map[string]any{"id": "1150000000000000030", "name": "add", "type": 1,
		"options": []any{map[string]any{"name": "url", "type": 3, "value": "https://example.com/ferry"}}}))
	if typ != 9 {
		t.Fatalf("/add answered %d; want a form (9)", typ)
	}
	values := map[string]string{
		"title": "Ferry Service to Holm Island Cut", "publication": "Island Post", "author": "Ada Reporter", "date": "June 1, 2025",
		"text": "The county council voted on Thursday to cut the Holm Island ferry from six crossings a day to two.\n\n" +
			"\"The ferry is the road to the hospital,\" said Ewan Rae, who chairs the community council.",
	}
	var rows []any
	for _, row := range modal["components"].([]any) {
		for _, c := range row.(map[string]any)["components"].([]any) {
			id := c.(map[string]any)["custom_id"].(string)
			rows = append(rows, map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": id, "value": values[id]}}})
		}
	}
	submit := slash(map[string]any{"custom_id": modal["custom_id"], "components": rows})
	submit["type"] = 5
	_, m := r.interact(submit)
	if !strings.Contains(text(m), "Added Ferry Service to Holm Island Cut") || !strings.Contains(text(m), "Ewan Rae") {
		t.Fatalf("form answered %q", text(m))
	}
	files, _ := filepath.Glob(filepath.Join(r.corpus, "*holm-island*.md"))
	if len(files) != 1 {
		t.Fatalf("files %v; want the article saved as Markdown", files)
	}
	saved, _ := os.ReadFile(files[0])
	if !bytes.Contains(saved, []byte("https://example.com/ferry")) || !bytes.Contains(saved, []byte("Island Post")) {
		t.Errorf("saved article:\n%s\nwant the URL and publication in its front matter", saved)
	}
	r.askFinds("Who chairs the community council on Holm Island?", "Ewan Rae")

	// An attached file, served as Discord's CDN serves it.
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		io := "---\ntitle: Tram Line Extended to the Harbour\ndate: 2025-06-01\n---\n\nThe city will extend the harbour tram line by two stops, the transport office said on Monday.\n"
		w.Write([]byte(io))
	}))
	defer cdn.Close()
	_, m = r.interact(slash(map[string]any{"id": "1150000000000000030", "name": "add", "type": 1,
		"options": []any{map[string]any{"name": "file", "type": 11, "value": "1300000000000000901"}},
		"resolved": map[string]any{"attachments": map[string]any{"1300000000000000901": map[string]any{
			"id": "1300000000000000901", "filename": "tram.md", "size": 140, "url": cdn.URL + "/attachments/tram.md",
			"proxy_url": cdn.URL + "/attachments/tram.md", "content_type": "text/markdown; charset=utf-8",
		}}}}))
	if !strings.Contains(text(m), "Added Tram Line Extended to the Harbour") {
		t.Fatalf("attachment answered %q", text(m))
	}
	if _, err := os.Stat(filepath.Join(r.corpus, "tram.md")); err != nil {
		t.Errorf("the attached file was not saved under its own name: %v", err)
	}
	r.askFinds("How many stops will the harbour tram line get?", "two stops")
}

func TestDigestPreviewCommand(t *testing.T) {
	dir := corpusOfSeeds(t)
	newsArticle(t, dir, "ferry.txt", "Ferry Service to Holm Island Cut", "Holm Island ferry")
	data := t.TempDir()
	var stdout, stderr bytes.Buffer
	a := &app{stdout: &stdout, stderr: &stderr, env: []string{"PATH=" + os.Getenv("PATH")}}
	if code := a.run(context.Background(), []string{"--corpus", dir, "--data", data, "digest", "preview", "--since", "24h"}); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, "Ferry Service to Holm Island Cut") || !strings.Contains(out, "Ewan Rae") || strings.Contains(out, "Putin") {
		t.Errorf("preview:\n%s\nwant the new article with its quotation, and not the old ones", out)
	}
	stdout.Reset()
	a = &app{stdout: &stdout, stderr: &stderr, env: []string{"PATH=" + os.Getenv("PATH")}}
	if code := a.run(context.Background(), []string{"--corpus", dir, "--data", data, "digest", "preview", "--since", "7d", "--json"}); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var d struct {
		Articles []struct {
			Article struct{ Title string }
			Summary []string
			Quote   *struct{ Speaker string }
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &d); err != nil {
		t.Fatalf("--json: %v\n%s", err, stdout.String())
	}
	if len(d.Articles) != 1 || len(d.Articles[0].Summary) != 2 || d.Articles[0].Quote == nil || d.Articles[0].Quote.Speaker != "Ewan Rae" {
		t.Errorf("--json %+v; want the ferry article with a two-sentence summary and Ewan Rae's quotation", d)
	}
	a = &app{stdout: &stdout, stderr: &stderr, env: []string{"PATH=" + os.Getenv("PATH")}}
	for _, bad := range [][]string{{"--since", "soon"}, {"--since", "-5h"}, {"--since", "1000000h"}, {"--topic", "the"}} {
		stderr.Reset()
		args := append([]string{"--corpus", dir, "--data", data, "digest", "preview"}, bad...)
		if code := a.run(context.Background(), args); code != 2 || !strings.Contains(stderr.String(), bad[0]) {
			t.Errorf("%v: exit %d, %q; want 2 and a message naming %s", bad, code, stderr.String(), bad[0])
		}
	}
}

// TestDigestRespectsRateLimits answers the digest's first post with a
// 429: the post waits as long as Discord asks and goes out once.
func TestDigestRespectsRateLimits(t *testing.T) {
	r := newDigestRig(t, at("2025-06-02 07:00"))
	r.interact(subscribeInteraction(digestChannel, "09:00", "UTC"))
	newsArticle(t, r.corpus, "ferry.txt", "Ferry Service to Holm Island Cut", "Holm Island ferry")
	r.askFinds("What happened to the Holm Island ferry?", "Holm Island ferry")
	r.fake.FailNext(http.MethodPost, "/channels/*/messages", http.StatusTooManyRequests,
		`{"message": "You are being rate limited.", "retry_after": 20, "global": false}`,
		map[string]string{"Retry-After": "20", "X-RateLimit-Scope": "user"})
	r.clock.Set(at("2025-06-02 09:00"))
	eventually(t, "the rate-limited attempt", func() bool { return len(r.postAttempts()) == 1 })
	r.clock.Set(at("2025-06-02 09:00").Add(10 * time.Second))
	settle()
	if n := len(r.postAttempts()); n != 1 {
		t.Fatalf("%d attempts 10 s after a 429 that asked for 20 s; want the bot to wait", n)
	}
	r.clock.Set(at("2025-06-02 09:00").Add(21 * time.Second))
	eventually(t, "the digest", func() bool { return len(r.posts()) == 1 })
	settle()
	if n := len(r.posts()); n != 1 {
		t.Errorf("%d digests; want 1", n)
	}
}

// postAttempts lists the bot's requests to post in the digest channel.
func (r *digestRig) postAttempts() []fakediscord.Request {
	var out []fakediscord.Request
	for _, req := range r.fake.Requests() {
		if req.Method == http.MethodPost && strings.HasSuffix(req.Path, "/channels/"+digestChannel+"/messages") {
			out = append(out, req)
		}
	}
	return out
}

// TestDigestLostChannel loses the digest's channel: deleted (found on
// posting, or reported by the gateway) or closed to the bot. Each pauses
// the subscription, which /digest list shows with the reason, and none
// is retried.
func TestDigestLostChannel(t *testing.T) {
	for _, c := range []struct {
		name      string
		lose      func(r *digestRig)
		wantLog   string
		wantList  string
		wantPosts int
	}{
		{"deleted", func(r *digestRig) { r.fake.RemoveChannel(digestChannel) }, "digest paused: its channel was deleted", "its channel was deleted", 1},
		{"deleted, as the gateway says", func(r *digestRig) {
			r.fake.RemoveChannel(digestChannel)
			if err := r.fake.Dispatch("CHANNEL_DELETE", map[string]any{"id": digestChannel, "type": 0, "guild_id": serveGuild, "name": "briefing"}); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the pause on CHANNEL_DELETE", func() bool { return strings.Contains(r.s.stderr.String(), "digest paused") })
		}, "digest paused: its channel was deleted", "its channel was deleted", 0},
		{"closed to the bot", func(r *digestRig) {
			r.fake.FailNext(http.MethodPost, "/channels/*/messages", http.StatusForbidden, `{"message": "Missing Access", "code": 50001}`, nil)
		}, "digest paused", "Paused", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newDigestRig(t, at("2025-06-02 07:00"))
			r.interact(subscribeInteraction(digestChannel, "09:00", "UTC"))
			newsArticle(t, r.corpus, "ferry.txt", "Ferry Service to Holm Island Cut", "Holm Island ferry")
			r.askFinds("What happened to the Holm Island ferry?", "Holm Island ferry")
			c.lose(r)
			r.clock.Set(at("2025-06-02 09:00"))
			eventually(t, "the log to say "+c.wantLog, func() bool { return strings.Contains(r.s.stderr.String(), c.wantLog) })
			r.clock.Set(at("2025-06-03 10:00"))
			settle()
			_, m := r.interact(slash(map[string]any{"id": "1150000000000000020", "name": "digest", "type": 1,
				"options": []any{map[string]any{"name": "list", "type": 1}}}))
			if !strings.Contains(text(m), c.wantList) {
				t.Errorf("/digest list shows %q; want %q", text(m), c.wantList)
			}
			if n := len(r.postAttempts()); n != c.wantPosts {
				t.Errorf("%d attempts to post; want %d", n, c.wantPosts)
			}
		})
	}
}

// TestDigestPreviewInTheChannel previews a channel's own digest with
// /digest preview used in that channel.
func TestDigestPreviewInTheChannel(t *testing.T) {
	r := newDigestRig(t, at("2025-06-02 07:00"))
	r.interact(subscribeInteraction(digestChannel, "09:00", "UTC"))
	newsArticle(t, r.corpus, "ferry.txt", "Ferry Service to Holm Island Cut", "Holm Island ferry")
	r.askFinds("What happened to the Holm Island ferry?", "Holm Island ferry")
	in := slash(map[string]any{"id": "1150000000000000020", "name": "digest", "type": 1,
		"options": []any{map[string]any{"name": "preview", "type": 1}}})
	in["channel_id"] = digestChannel
	in["channel"] = map[string]any{"id": digestChannel, "type": 0, "guild_id": serveGuild, "name": "briefing"}
	_, m := r.interact(in)
	got := text(m)
	if !strings.Contains(got, "what this channel's digest would post now") || !strings.Contains(got, "Ferry Service to Holm Island Cut") {
		t.Errorf("/digest preview shows %q; want this channel's digest with the new article", got)
	}
	if flags, _ := m["flags"].(float64); int(flags)&64 == 0 {
		t.Errorf("the preview is not private")
	}

	// Once the digest is out, nothing is new: the preview says the
	// digest would post nothing (digest.post_empty is off).
	r.clock.Set(at("2025-06-02 09:00"))
	eventually(t, "the digest posted", func() bool { return strings.Contains(r.s.stderr.String(), "digest posted") })
	_, m = r.interact(in)
	if got := text(m); !strings.Contains(got, "would post nothing") || strings.Contains(got, "Ferry Service") {
		t.Errorf("/digest preview after the digest shows %q; want it to say nothing would be posted", got)
	}
}

// TestDigestPreviewOfAnotherCorpusLeavesTheStateAlone previews another
// corpus on the bot's data directory: the record of when the bot's
// articles arrived is not rewritten.
func TestDigestPreviewOfAnotherCorpusLeavesTheStateAlone(t *testing.T) {
	mine, other := corpusOfSeeds(t), t.TempDir()
	newsArticle(t, other, "ferry.txt", "Ferry Service to Holm Island Cut", "Holm Island ferry")
	data := t.TempDir()
	var stdout, stderr bytes.Buffer
	for _, dir := range []string{mine, other} {
		stdout.Reset()
		a := &app{stdout: &stdout, stderr: &stderr, env: []string{"PATH=" + os.Getenv("PATH")}}
		if code := a.run(context.Background(), []string{"--corpus", dir, "--data", data, "digest", "preview", "--since", "24h"}); code != 0 {
			t.Fatalf("preview of %s: exit %d: %s", dir, code, stderr.String())
		}
	}
	if !strings.Contains(stdout.String(), "Ferry Service") {
		t.Errorf("preview of the other corpus:\n%s\nwant its new article", stdout.String())
	}
	db, err := bolt.Open(filepath.Join(data, "state.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store, err := digest.NewStore(db)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(mine)
	if src, _ := store.Source(); src != abs {
		t.Errorf("the state file is about %q; want it still about %q", src, abs)
	}
}
