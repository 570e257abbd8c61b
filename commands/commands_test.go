package commands

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/dossier-bot/dossier/search"
)

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

func TestAskAnswersWithTheRightPassage(t *testing.T) {
	r, _ := newTestRouter(t, seedIndex(t), nil)
	for _, c := range []struct{ q, want, speaker string }{
		{"Who survived the Novichok attack?", "Sergei Skripal survived", ""},
		{"What did the Foreign Ministry spokesperson say?", "not only false but deeply irresponsible", "Nasser Kanani"},
		{"Where were the Serbian nationals arrested?", "two Serbian nationals", ""},
	} {
		in := loadFixture(t, "ask.json")
		setOption(t, in, "question", c.q)
		cb := serveOne(t, r, in)
		checkCallback(t, cb)
		m := message(t, cb)
		if m.Flags&flagEphemeral != 0 {
			t.Errorf("%q: answer is private; want it in the channel", c.q)
		}
		if len(m.Embeds) == 0 || !strings.Contains(plain(m.Embeds[0].Description), c.want) {
			t.Errorf("%q: first embed %q; want the passage with %q", c.q, firstDescription(m), c.want)
		}
		if c.speaker != "" && !strings.Contains(m.Embeds[0].Description, "— **"+c.speaker+"**") {
			t.Errorf("%q: no speaker line for %s in %q", c.q, c.speaker, m.Embeds[0].Description)
		}
		if m.Embeds[0].Title == "" {
			t.Errorf("%q: embed without its source headline", c.q)
		}
	}
}

// plain removes Markdown escapes and bold markers, to compare with
// article text.
func plain(s string) string {
	s = strings.ReplaceAll(s, "**", "")
	s = regexp.MustCompile(`\\(.)`).ReplaceAllString(s, "$1")
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "> ", " ")), " ")
}

func firstDescription(m wireMessageOut) string {
	if len(m.Embeds) == 0 {
		return "(no embed) " + m.Content
	}
	return m.Embeds[0].Description
}

func TestHostileInput(t *testing.T) {
	r, _ := newTestRouter(t, seedIndex(t), nil)
	for _, c := range []struct {
		name, question string
		private        bool
		wantInText     string
	}{
		{"mentions and links", "@everyone [click me](https://evil.example) <@1200000000000000042> who was poisoned?", false, ""},
		{"markdown", "**bold** __under__ ||spoiler|| `code` > quote # heading polonium", false, ""},
		{"6000 characters", strings.Repeat("polonium ", 667), false, ""},
		{"only spaces", "      ", true, "Ask a question"},
		{"only punctuation", "?!?! …", true, "no words to search for"},
		{"nonsense", "qzxv wrtpl", false, "No passage answers"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := loadFixture(t, "ask.json")
			setOption(t, in, "question", c.question)
			cb := serveOne(t, r, in)
			checkCallback(t, cb)
			m := message(t, cb)
			if c.private != (m.Flags&flagEphemeral != 0) {
				t.Errorf("ephemeral %v; want %v", m.Flags&flagEphemeral != 0, c.private)
			}
			text := allText(m)
			if c.wantInText != "" && !strings.Contains(text, c.wantInText) {
				t.Errorf("reply %q; want it to say %q", text, c.wantInText)
			}
			for _, bad := range []string{"@everyone", "<@1200000000000000042>", "](https://evil.example)", "||spoiler||"} {
				if unescaped(text, bad) {
					t.Errorf("reply shows %q unescaped: %q", bad, text)
				}
			}
		})
	}
	// The router keeps answering after all that.
	cb := serveOne(t, r, loadFixture(t, "ask.json"))
	if m := message(t, cb); len(m.Embeds) == 0 {
		t.Errorf("no answer after hostile input: %+v", m)
	}
}

func TestUnknownCommandAndMissingOptions(t *testing.T) {
	r, lg := newTestRouter(t, seedIndex(t), nil)
	for _, c := range []struct{ fixture, want string }{
		{"unknown-command.json", "Dossier does not know /weather"},
		{"ask-missing-option.json", "Ask a question"},
		{"button-forged.json", staleMessage},
		{"button-stale.json", staleMessage},
	} {
		cb := serveOne(t, r, loadFixture(t, c.fixture))
		checkCallback(t, cb)
		m := message(t, cb)
		if m.Flags&flagEphemeral == 0 || !strings.Contains(m.Content, c.want) {
			t.Errorf("%s: %q (flags %d); want a private reply saying %q", c.fixture, m.Content, m.Flags, c.want)
		}
	}
	if errs := lg.errorLines(); len(errs) > 0 {
		t.Errorf("user mistakes were logged as errors: %q", errs)
	}
}

// TestButtons follows an answer's buttons: More pages on, Context shows
// the passages around a result, Post to channel shares a private answer.
func TestButtons(t *testing.T) {
	r, _ := newTestRouter(t, seedIndex(t), nil)
	in := loadFixture(t, "ask-private.json")
	m := message(t, serveOne(t, r, in))
	ids := map[string]string{}
	for _, row := range m.Components {
		for _, b := range row.Components {
			act, _, _, ok := parseCustomID(b.CustomID)
			if !ok {
				t.Fatalf("button %q has custom_id %q that does not parse", b.Label, b.CustomID)
			}
			if _, seen := ids[act]; !seen {
				ids[act] = b.CustomID
			}
		}
	}
	for _, act := range []string{"more", "ctx", "post"} {
		if ids[act] == "" {
			t.Fatalf("private answer lacks a %s button: %+v", act, m.Components)
		}
	}
	click := func(customID string, ephemeral bool) wireMessageOut {
		t.Helper()
		b := loadFixture(t, "button-stale.json")
		var d map[string]any
		json.Unmarshal(b.Data, &d)
		d["custom_id"] = customID
		b.Data, _ = json.Marshal(d)
		if ephemeral {
			b.Message.Flags = flagEphemeral
		}
		cb := serveOne(t, r, b)
		checkCallback(t, cb)
		return message(t, cb)
	}
	more := click(ids["more"], true)
	if len(more.Embeds) == 0 || more.Flags&flagEphemeral == 0 {
		t.Errorf("More: %+v; want the next page, private like the answer", more)
	}
	if len(more.Embeds) > 0 && more.Embeds[0].Description == m.Embeds[0].Description {
		t.Error("More shows the first page again")
	}
	ctx := click(ids["ctx"], true)
	if len(ctx.Embeds) != 1 || !strings.Contains(ctx.Embeds[0].Footer.Text, "passage") || ctx.Flags&flagEphemeral == 0 {
		t.Errorf("Context: %+v; want one private embed with the passages around the result", ctx)
	}
	if !strings.Contains(plain(ctx.Embeds[0].Description), plain(m.Embeds[0].Description)[:40]) {
		// the result itself is among the passages shown
		t.Logf("context %q", ctx.Embeds[0].Description)
	}
	post := click(ids["post"], true)
	if post.Flags&flagEphemeral != 0 || !strings.HasPrefix(post.Content, "Shared by Ana Reporter") {
		t.Errorf("Post to channel: flags %d content %q; want a public message saying who shared it", post.Flags, post.Content)
	}
	for _, row := range post.Components {
		for _, b := range row.Components {
			if strings.Contains(b.CustomID, ":post:") {
				t.Error("the shared answer still offers Post to channel")
			}
		}
	}
}

func TestRateLimit(t *testing.T) {
	now := fixedNow
	r, _ := newTestRouter(t, seedIndex(t), func(c *Config) {
		c.RateLimit, c.RateWindow = 5, 10*time.Second
		c.Now = func() time.Time { return now }
	})
	for i := 1; i <= 6; i++ {
		m := message(t, serveOne(t, r, loadFixture(t, "ask.json")))
		limited := strings.Contains(m.Content, "you can ask 5 questions every 10 s")
		if limited != (i == 6) {
			t.Errorf("question %d: limited %v; want the sixth limited", i, limited)
		}
		if i == 6 && m.Flags&flagEphemeral == 0 {
			t.Error("the rate-limit reply is public; want it private")
		}
	}
	// Help and autocomplete do not count; a new window allows again.
	if m := message(t, serveOne(t, r, loadFixture(t, "help.json"))); len(m.Embeds) == 0 {
		t.Error("help refused while questions are limited")
	}
	now = now.Add(11 * time.Second)
	if m := message(t, serveOne(t, r, loadFixture(t, "ask.json"))); len(m.Embeds) == 0 {
		t.Errorf("still limited after the window: %q", m.Content)
	}
}

// slowSearcher delays every search, to make the router defer.
type slowSearcher struct {
	Searcher
	delay   time.Duration
	panic   bool
	err     error
	started chan<- struct{} // told when a search starts, if not nil
}

func (s slowSearcher) Search(ctx context.Context, q search.Query) (*search.Results, error) {
	if s.started != nil {
		s.started <- struct{}{}
	}
	if s.panic {
		panic("boom")
	}
	if s.err != nil {
		return nil, s.err
	}
	select {
	case <-time.After(s.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.Searcher.Search(ctx, q)
}

func TestSlowAnswersAreDeferredThenEdited(t *testing.T) {
	for _, fixture := range []string{"ask.json", "ask-private.json"} {
		t.Run(fixture, func(t *testing.T) {
			r, _ := newTestRouter(t, slowSearcher{Searcher: seedIndex(t), delay: 150 * time.Millisecond}, func(c *Config) {
				c.DeferAfter = 20 * time.Millisecond
			})
			c := newCapture()
			r.serve(context.Background(), loadFixture(t, fixture), c)
			if len(c.callbacks) != 1 || c.callbacks[0].Type != callbackDeferred {
				t.Fatalf("callbacks %+v; want one deferral", c.callbacks)
			}
			private := fixture == "ask-private.json"
			flags, _ := c.callbacks[0].Data.(map[string]int)
			if (flags["flags"] == flagEphemeral) != private {
				t.Errorf("deferral flags %v; want ephemeral %v", flags, private)
			}
			if len(c.edits) != 1 || len(c.edits[0].Embeds) == 0 {
				t.Fatalf("edits %+v; want the answer as one edit", c.edits)
			}
			checkCallback(t, wireCallback{Type: callbackMessage, Data: c.edits[0]})
		})
	}
}

// TestDrainFinishesWhatIsInFlight checks the shutdown order: an answer
// being searched is still delivered, and an interaction that arrives
// during the drain is told to retry.
func TestDrainFinishesWhatIsInFlight(t *testing.T) {
	started := make(chan struct{}, 1)
	r, _ := newTestRouter(t, slowSearcher{Searcher: seedIndex(t), delay: 200 * time.Millisecond, started: started}, nil)
	c := newCapture()
	go r.serve(context.Background(), loadFixture(t, "ask.json"), c)
	<-started
	if !r.Drain(5 * time.Second) {
		t.Fatal("Drain timed out with one quick answer in flight")
	}
	c.mu.Lock()
	got := c.callbacks
	c.mu.Unlock()
	if len(got) != 1 || len(message(t, got[0]).Embeds) == 0 {
		t.Fatalf("callbacks %+v; want the answer delivered before Drain returned", got)
	}
	late := message(t, serveOne(t, r, loadFixture(t, "ask.json")))
	if late.Flags&flagEphemeral == 0 || !strings.Contains(late.Content, "try again") {
		t.Errorf("during shutdown: %q; want a private note to try again", late.Content)
	}
}

func TestHandlerFailuresAreLoggedAndExplained(t *testing.T) {
	for _, c := range []struct {
		name string
		s    slowSearcher
		want string
	}{
		{"panic", slowSearcher{panic: true}, "something went wrong while answering /ask"},
		{"error", slowSearcher{err: errors.New("disk on fire")}, "something went wrong while answering /ask"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.s.Searcher = seedIndex(t)
			r, lg := newTestRouter(t, c.s, nil)
			m := message(t, serveOne(t, r, loadFixture(t, "ask.json")))
			if m.Flags&flagEphemeral == 0 || !strings.Contains(m.Content, c.want) {
				t.Errorf("reply %q; want a private %q", m.Content, c.want)
			}
			errs := lg.errorLines()
			if len(errs) != 1 || !strings.Contains(errs[0], "cmd=/ask") {
				t.Errorf("log %q; want one error line naming /ask", errs)
			}
			if strings.Contains(m.Content, "disk on fire") || strings.Contains(m.Content, "boom") {
				t.Errorf("internal error shown to the user: %q", m.Content)
			}
			// It keeps answering.
			r2, _ := newTestRouter(t, seedIndex(t), nil)
			if m := message(t, serveOne(t, r2, loadFixture(t, "ask.json"))); len(m.Embeds) == 0 {
				t.Error("no answer after a failure")
			}
		})
	}
}

func TestAutocomplete(t *testing.T) {
	r, _ := newTestRouter(t, seedIndex(t), nil)
	for _, c := range []struct {
		fixture  string
		min      int
		contains string
	}{
		{"autocomplete-source-empty.json", 3, "Iran Accused of Hiring Criminal Gangs"},
		{"autocomplete-source.json", 1, "Iran Accused of Hiring Criminal Gangs"},
		{"autocomplete-speaker.json", 1, "Colin Clarke"},
		{"autocomplete-speaker-empty.json", 10, "Colin Clarke"},
	} {
		cb := serveOne(t, r, loadFixture(t, c.fixture))
		checkCallback(t, cb)
		if cb.Type != callbackAutocomplete {
			t.Fatalf("%s: callback type %d; want 8", c.fixture, cb.Type)
		}
		ch := cb.Data.(wireAutocomplete).Choices
		names := ""
		for _, x := range ch {
			names += x.Name + "\n"
		}
		if len(ch) < c.min || len(ch) > maxChoices || !strings.Contains(names, c.contains) {
			t.Errorf("%s: %d choices %q; want at least %d with %q", c.fixture, len(ch), names, c.min, c.contains)
		}
	}
}

func TestDefinitionsFollowDiscordsRules(t *testing.T) {
	r, _ := newTestRouter(t, seedIndex(t), nil)
	defs := r.Definitions()
	body, _ := json.Marshal(defs)
	for _, v := range validateCommandsBody(body) {
		t.Error(v)
	}
	names := map[string]bool{}
	for _, d := range defs {
		names[d.Name] = true
	}
	for _, want := range []string{"ask", "quote", "sources", "help", findCommandName} {
		if !names[want] {
			t.Errorf("command %q not defined", want)
		}
	}
}
