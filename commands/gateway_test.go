package commands

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/internal/fakediscord"
)

// These tests drive the real discordgo session through the fake Discord:
// the gateway delivers interactions, the router answers through REST, and
// the fake checks every request against Discord's contract.

const (
	testToken = "MTEwMDAwMDAwMDAwMDAwMDAwMg.fake.token-for-tests"
	testGuild = "1200000000000000010"
)

// gateway is a router connected to a fake Discord by a discordgo session.
type gateway struct {
	fake    *fakediscord.Server
	session *discordgo.Session
	router  *Router
	rest    *REST
	log     *testLogger
}

// startGateway connects a router over searcher (changed by mod) to a new
// fake Discord. When the test ends it checks that the fake saw no breach
// of Discord's contract, in any request.
func startGateway(t *testing.T, searcher Searcher, mod func(*Config)) *gateway {
	t.Helper()
	fake := fakediscord.New(fakediscord.Options{Token: testToken, GuildIDs: []string{testGuild}})
	r, lg := newTestRouter(t, searcher, mod)
	s, err := discordgo.New("Bot " + testToken)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTransport(fake.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Client = &http.Client{Transport: tr, Timeout: 10 * time.Second}
	s.Identify.Intents = discordgo.IntentsGuilds
	s.LogLevel = -1 // the tests check outcomes; dropped connections are expected
	ctx, cancel := context.WithCancel(context.Background())
	rest := NewREST(s)
	remove := r.ServeGateway(ctx, s, rest)
	t.Cleanup(func() {
		// As a shutdown does: stop taking interactions, finish those in
		// flight, then disconnect.
		remove()
		r.Drain(5 * time.Second)
		cancel()
		s.Close()
		for _, v := range fake.Violations() {
			t.Errorf("request broke Discord's contract: %s", v)
		}
		fake.Close()
	})
	if err := s.Open(); err != nil {
		t.Fatalf("open session: %v", err)
	}
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := fake.WaitReady(wctx); err != nil {
		t.Fatal(err)
	}
	return &gateway{fake: fake, session: s, router: r, rest: rest, log: lg}
}

// fixture reads an interaction payload from testdata, without its id and
// token so that the fake gives it fresh ones.
func fixture(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "interactions", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "id")
	delete(m, "token")
	return m
}

// withOption sets the value of a top-level option of a command payload.
func withOption(t *testing.T, in map[string]any, name string, value any) map[string]any {
	t.Helper()
	data := in["data"].(map[string]any)
	opts, _ := data["options"].([]any)
	for _, o := range opts {
		o := o.(map[string]any)
		if o["name"] == name {
			o["value"] = value
			return in
		}
	}
	t.Fatalf("fixture has no option %q", name)
	return nil
}

// clickOn makes a button interaction for customID on a message.
func clickOn(t *testing.T, customID string, ephemeral bool) map[string]any {
	t.Helper()
	in := fixture(t, "button-stale.json")
	in["data"].(map[string]any)["custom_id"] = customID
	if ephemeral {
		in["message"].(map[string]any)["flags"] = flagEphemeral
	}
	return in
}

// interact sends an interaction and returns the bot's callback, which
// the fake must have accepted.
func (g *gateway) interact(t *testing.T, in map[string]any) *fakediscord.Callback {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cb, err := g.fake.Interact(ctx, in)
	if err != nil {
		t.Fatalf("interaction: %v", err)
	}
	if cb.Status != http.StatusNoContent {
		t.Fatalf("the fake answered the callback with %d", cb.Status)
	}
	return cb
}

// answer sends an interaction and returns the message the bot answered
// with: the callback's message, or the edit of a deferred one.
func (g *gateway) answer(t *testing.T, in map[string]any) (wireMessageOut, *fakediscord.Callback) {
	t.Helper()
	cb := g.interact(t, in)
	var m wireMessageOut
	switch cb.Type {
	case callbackMessage:
		if err := json.Unmarshal(cb.Data, &m); err != nil {
			t.Fatal(err)
		}
	case callbackDeferred:
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		body, err := g.fake.WaitEdit(ctx, cb.Token)
		if err != nil {
			t.Fatalf("deferred answer: %v", err)
		}
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		var flags struct{ Flags int }
		json.Unmarshal(cb.Data, &flags)
		m.Flags |= flags.Flags
	default:
		t.Fatalf("callback type %d; want a message (4) or a deferral (5)", cb.Type)
	}
	return m, cb
}

// buttonIDs returns the first custom_id of each action on a message.
func buttonIDs(t *testing.T, m wireMessageOut) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, row := range m.Components {
		for _, b := range row.Components {
			act, _, _, ok := parseCustomID(b.CustomID)
			if !ok {
				t.Fatalf("button %q: custom_id %q does not parse", b.Label, b.CustomID)
			}
			if ids[act] == "" {
				ids[act] = b.CustomID
			}
		}
	}
	return ids
}

func TestGatewayCommands(t *testing.T) {
	g := startGateway(t, seedIndex(t), nil)
	t.Run("ask", func(t *testing.T) {
		for _, c := range []struct{ q, want string }{
			{"Who was killed by polonium poisoning?", "Litvinenko"},
			{"Where were the Serbian nationals arrested?", "two Serbian nationals"},
		} {
			m, _ := g.answer(t, withOption(t, fixture(t, "ask.json"), "question", c.q))
			if len(m.Embeds) == 0 || !strings.Contains(plain(m.Embeds[0].Description), c.want) {
				t.Errorf("%q: first passage %q; want one about %q", c.q, firstDescription(m), c.want)
			}
			if m.Flags&flagEphemeral != 0 {
				t.Errorf("%q: the answer is private", c.q)
			}
		}
	})
	t.Run("quote", func(t *testing.T) {
		m, _ := g.answer(t, fixture(t, "quote.json"))
		if len(m.Embeds) == 0 || !strings.Contains(allText(m), "Tashjian") {
			t.Errorf("/quote: %q; want Fiona Tashjian's quotations", allText(m))
		}
	})
	t.Run("sources", func(t *testing.T) {
		m, _ := g.answer(t, fixture(t, "sources.json"))
		for _, title := range []string{"Iran Accused of Hiring Criminal Gangs", "Putin"} {
			if !strings.Contains(allText(m), title) {
				t.Errorf("/sources lacks %q: %q", title, allText(m))
			}
		}
	})
	t.Run("help", func(t *testing.T) {
		m, _ := g.answer(t, fixture(t, "help.json"))
		if m.Flags&flagEphemeral == 0 || !strings.Contains(allText(m), "/ask") {
			t.Errorf("/help: flags %d, %q; want private help naming /ask", m.Flags, allText(m))
		}
	})
	t.Run("find in articles", func(t *testing.T) {
		m, _ := g.answer(t, fixture(t, "find.json"))
		if m.Flags&flagEphemeral == 0 || len(m.Embeds) == 0 || !strings.Contains(plain(allText(m)), "Skripal") {
			t.Errorf("Find in articles: %q; want private passages about Skripal", allText(m))
		}
	})
	t.Run("autocomplete", func(t *testing.T) {
		for _, c := range []struct{ fixture, want string }{
			{"autocomplete-source-empty.json", "Iran Accused of Hiring Criminal Gangs"},
			{"autocomplete-speaker.json", "Colin Clarke"},
		} {
			cb := g.interact(t, fixture(t, c.fixture))
			var d wireAutocomplete
			json.Unmarshal(cb.Data, &d)
			names := ""
			for _, ch := range d.Choices {
				names += ch.Name + "\n"
			}
			if cb.Type != callbackAutocomplete || !strings.Contains(names, c.want) {
				t.Errorf("%s: type %d, choices %q; want %q", c.fixture, cb.Type, names, c.want)
			}
		}
	})
	t.Run("buttons", func(t *testing.T) {
		m, _ := g.answer(t, withOption(t, fixture(t, "ask-private.json"), "question", "What did Carl Bildt say about the attacks?"))
		ids := buttonIDs(t, m)
		for _, act := range []string{"more", "ctx", "post"} {
			if ids[act] == "" {
				t.Fatalf("the private answer has no %s button", act)
			}
		}
		more, _ := g.answer(t, clickOn(t, ids["more"], true))
		if len(more.Embeds) == 0 || more.Embeds[0].Description == m.Embeds[0].Description {
			t.Errorf("More: %q; want the next results", allText(more))
		}
		ctx, _ := g.answer(t, clickOn(t, ids["ctx"], true))
		if len(ctx.Embeds) != 1 || ctx.Flags&flagEphemeral == 0 {
			t.Errorf("Context: %q; want one private embed", allText(ctx))
		}
		post, _ := g.answer(t, clickOn(t, ids["post"], true))
		if post.Flags&flagEphemeral != 0 || !strings.HasPrefix(post.Content, "Shared by") {
			t.Errorf("Post to channel: flags %d, %q; want a public message saying who shared it", post.Flags, post.Content)
		}
		stale, _ := g.answer(t, fixture(t, "button-stale.json"))
		if stale.Flags&flagEphemeral == 0 || !strings.Contains(stale.Content, "expired") {
			t.Errorf("stale button: %q; want a private note that it expired", stale.Content)
		}
	})
	t.Run("hostile input", func(t *testing.T) {
		for _, in := range []map[string]any{
			withOption(t, fixture(t, "ask.json"), "question", "@everyone [free](https://evil.example) <@&1200000000000000031> polonium"),
			withOption(t, fixture(t, "ask.json"), "question", strings.Repeat("**spoiler** ||x|| ", 400)),
			fixture(t, "ask-spaces.json"),
			fixture(t, "ask-missing-option.json"),
			fixture(t, "unknown-command.json"),
		} {
			m, _ := g.answer(t, in)
			if allText(m) == "" {
				t.Error("an empty reply")
			}
		}
		m, _ := g.answer(t, withOption(t, fixture(t, "ask.json"), "question", "Who was killed by polonium poisoning?"))
		if len(m.Embeds) == 0 {
			t.Error("no answer after hostile input")
		}
	})
}

// TestGatewayDeferredAnswer checks that a slow answer is deferred within
// Discord's 3 s and then delivered as an edit of the original response.
func TestGatewayDeferredAnswer(t *testing.T) {
	g := startGateway(t, slowSearcher{Searcher: seedIndex(t), delay: 300 * time.Millisecond}, func(c *Config) {
		c.DeferAfter = 50 * time.Millisecond
	})
	m, cb := g.answer(t, fixture(t, "ask-private.json"))
	if cb.Type != callbackDeferred {
		t.Fatalf("callback type %d; want a deferral (5)", cb.Type)
	}
	if len(m.Embeds) == 0 || m.Flags&flagEphemeral == 0 {
		t.Errorf("deferred answer: %q flags %d; want the private answer as the edit", allText(m), m.Flags)
	}
}

// TestGatewayFaults checks that a dropped connection, a reconnect request,
// an invalidated session and a 429 on the callback do not lose answers.
func TestGatewayFaults(t *testing.T) {
	g := startGateway(t, seedIndex(t), nil)
	ask := func(t *testing.T) {
		t.Helper()
		m, _ := g.answer(t, withOption(t, fixture(t, "ask.json"), "question", "Who was killed by polonium poisoning?"))
		if len(m.Embeds) == 0 || !strings.Contains(plain(m.Embeds[0].Description), "Litvinenko") {
			t.Errorf("answer %q; want the Litvinenko passage", firstDescription(m))
		}
	}
	t.Run("dropped connection", func(t *testing.T) {
		resumes := g.fake.Resumes()
		g.fake.Drop()
		// Dispatched while the bot is away; replayed when it resumes.
		ask(t)
		if g.fake.Resumes() <= resumes {
			t.Errorf("the session was not resumed (%d resumes)", g.fake.Resumes())
		}
	})
	t.Run("op 7 reconnect", func(t *testing.T) {
		resumes := g.fake.Resumes()
		g.fake.SendReconnect()
		waitFor(t, func() bool { return g.fake.Resumes() > resumes })
		ask(t)
	})
	t.Run("op 9 invalid session", func(t *testing.T) {
		identifies := g.fake.Identifies()
		g.fake.SendInvalidSession(false)
		waitFor(t, func() bool { return g.fake.Identifies() > identifies })
		ask(t)
	})
	t.Run("429 on the callback", func(t *testing.T) {
		g.fake.FailNext(http.MethodPost, "/interactions/*/*/callback", http.StatusTooManyRequests,
			`{"message": "You are being rate limited.", "retry_after": 0.2, "global": false}`,
			map[string]string{"Retry-After": "1", "X-RateLimit-Scope": "user"})
		ask(t)
		got := 0
		for _, r := range g.fake.Requests() {
			if strings.HasSuffix(r.Path, "/callback") && r.Status == http.StatusTooManyRequests {
				got++
			}
		}
		if got != 1 {
			t.Errorf("%d callbacks got a 429; the test meant to inject one", got)
		}
	})
}

// waitFor polls cond for up to 15 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRegisterOnlyWhenChanged checks that commands are written once, with
// definitions Discord accepts, and not again on a restart.
func TestRegisterOnlyWhenChanged(t *testing.T) {
	g := startGateway(t, seedIndex(t), nil)
	ctx := context.Background()
	appID := fakediscord.DefaultApplicationID
	for i, want := range []bool{true, false, false} {
		changed, err := g.router.Register(ctx, g.rest, appID, testGuild)
		if err != nil {
			t.Fatal(err)
		}
		if changed != want {
			t.Errorf("registration %d wrote %v; want %v", i+1, changed, want)
		}
	}
	if n := g.fake.CommandWrites(); n != 1 {
		t.Errorf("%d bulk overwrites; want 1", n)
	}
	names := map[string]bool{}
	for _, raw := range g.fake.Commands(testGuild) {
		var c struct{ Name string }
		json.Unmarshal(raw, &c)
		names[c.Name] = true
	}
	for _, n := range []string{"ask", "quote", "sources", "help", "Find in articles"} {
		if !names[n] {
			t.Errorf("command %q not registered; have %v", n, names)
		}
	}
	// Another scope is another registration.
	if changed, err := g.router.Register(ctx, g.rest, appID, ""); err != nil || !changed {
		t.Errorf("global registration: changed %v, err %v; want a write", changed, err)
	}
}

// TestPostAndFindMessage posts in a channel with a nonce, posts again
// with the same nonce, finds the message in the channel's history, and
// maps a missing channel and a closed one to their errors.
func TestPostAndFindMessage(t *testing.T) {
	g := startGateway(t, seedIndex(t), nil)
	const ch = "1200000000000000021"
	g.fake.SetChannel(map[string]any{"id": ch, "type": 0, "guild_id": testGuild, "name": "briefing"})
	ctx := context.Background()
	m := Message{Content: "**Daily digest** · 1 new article", Embeds: []Embed{{Title: "Ferry Service Cut", Description: "@everyone it is cut"}}}
	id, err := g.rest.PostMessage(ctx, ch, m, "n-2025-06-01-0")
	if err != nil {
		t.Fatal(err)
	}
	again, err := g.rest.PostMessage(ctx, ch, m, "n-2025-06-01-0")
	if err != nil || again != id || len(g.fake.ChannelMessages(ch)) != 1 {
		t.Errorf("a retry with the same nonce gave %q, %v and %d messages; want the first message", again, err, len(g.fake.ChannelMessages(ch)))
	}
	found, ok, err := g.rest.FindMessage(ctx, ch, m)
	if err != nil || !ok || found != id {
		t.Errorf("FindMessage = %q, %v, %v; want %q", found, ok, err, id)
	}
	other := m
	other.Embeds = []Embed{{Title: "Another Story"}}
	if _, ok, err := g.rest.FindMessage(ctx, ch, other); ok || err != nil {
		t.Errorf("FindMessage of a message never posted = %v, %v; want not found", ok, err)
	}
	if _, err := g.rest.PostMessage(ctx, "1200000000000000099", m, "x"); !errors.Is(err, ErrUnknownChannel) {
		t.Errorf("posting in a missing channel: %v; want ErrUnknownChannel", err)
	}
	g.fake.FailNext(http.MethodPost, "/channels/*/messages", http.StatusForbidden, `{"message": "Missing Permissions", "code": 50013}`, nil)
	if _, err := g.rest.PostMessage(ctx, ch, m, "y"); !errors.Is(err, ErrNoAccess) {
		t.Errorf("posting where the bot may not: %v; want ErrNoAccess", err)
	}
	if err := g.rest.CanPost(ctx, testGuild, "1200000000000000099"); err == nil {
		t.Error("CanPost of a missing channel: no error")
	} else if _, ok := isUserError(err); !ok {
		t.Errorf("CanPost of a missing channel: %v; want an error for the user", err)
	}
}

// TestRateLimitWaitHonoursTheContext exhausts a channel's bucket with a
// 429 whose headers say it resets in ten seconds: the next post with a
// short deadline gives up at the deadline, as a rate limit (nothing was
// sent), instead of sleeping the ten seconds out.
func TestRateLimitWaitHonoursTheContext(t *testing.T) {
	g := startGateway(t, seedIndex(t), nil)
	const ch = "1200000000000000021"
	g.fake.SetChannel(map[string]any{"id": ch, "type": 0, "guild_id": testGuild, "name": "briefing"})
	g.fake.FailNext(http.MethodPost, "/channels/*/messages", http.StatusTooManyRequests,
		`{"message": "You are being rate limited.", "retry_after": 10, "global": false}`,
		map[string]string{"Retry-After": "10", "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "10", "X-RateLimit-Bucket": "abc"})
	m := Message{Content: "**Daily digest** · 1 new article"}
	var rl *discordgo.RateLimitError
	if _, err := g.rest.PostMessage(context.Background(), ch, m, "n1"); !errors.As(err, &rl) {
		t.Fatalf("first post: %v; want the 429 as a RateLimitError", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := g.rest.PostMessage(ctx, ch, m, "n1")
	if took := time.Since(start); !errors.As(err, &rl) || took > 3*time.Second {
		t.Errorf("post during the limit: %v after %v; want a RateLimitError at the 200 ms deadline", err, took)
	}
	if n := len(g.fake.ChannelMessages(ch)); n != 0 {
		t.Errorf("%d messages in the channel; want none", n)
	}
}
