package digest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/dossier-bot/dossier/search"
)

// TestKilledAfterDiscordAcceptedThePost stops the process after Discord
// created the message and before the bot recorded it, then starts again
// on the same state: soon (Discord still remembers the nonce) and late
// (it does not, so the channel is read first). The channel gets one
// digest either way; without a way to read the channel, the bot gives
// the day up rather than risk a second post.
func TestKilledAfterDiscordAcceptedThePost(t *testing.T) {
	for _, c := range []struct {
		name      string
		restart   time.Duration
		canFind   bool
		wantPosts int
		wantState string
	}{
		{"restart within the nonce's life", 2 * time.Minute, false, 1, runSent},
		{"restart after it, channel readable", 40 * time.Minute, true, 1, runSent},
		{"restart after it, channel unreadable", 40 * time.Minute, false, 1, runFailed},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
			if c.canFind {
				h.cfg.Poster = finder{h.discord, nil}
			}
			h.subscribe("c1", "09:00", "UTC", "")
			h.observe("bridge")

			// The first process posts and never hears back.
			killed := make(chan struct{})
			posted := make(chan struct{})
			h.discord.after = func(string) error { close(posted); <-killed; return errors.New("killed") }
			old := New(h.cfg)
			h.clock.Set(utc("2025-06-01 09:00"))
			old.Tick(context.Background())
			<-posted
			h.discord.mu.Lock()
			h.discord.after = nil
			h.discord.mu.Unlock()

			// The second process starts on the same state file.
			h.restart()
			start := utc("2025-06-01 09:00").Add(c.restart)
			for now := start; now.Before(start.Add(2 * time.Hour)); now = now.Add(time.Minute) {
				h.tick(now)
			}
			close(killed)
			old.Wait()

			if n := len(h.discord.channel("c1")); n != c.wantPosts {
				t.Errorf("%d posts; want %d", n, c.wantPosts)
			}
			sub, _, _ := h.store.subscription("g1", "c1")
			if r, _, _ := h.store.run(sub, "2025-06-01"); r.State != c.wantState {
				t.Errorf("run %s (%s); want %s", r.State, r.Note, c.wantState)
			}
		})
	}
}

// TestZoneThatSkippedADay: Samoa skipped 30 December 2011. Its digest
// is posted once, at the first instant after, and a restart does not
// post it again.
func TestZoneThatSkippedADay(t *testing.T) {
	start := time.Date(2011, 12, 28, 12, 0, 0, 0, time.UTC)
	h := newHarness(t, threeArticles(), start, func(c *Config) { c.PostEmpty = true })
	h.subscribe("c1", "09:00", "Pacific/Apia", "")
	loc, _ := LoadZone("Pacific/Apia")
	end := time.Date(2012, 1, 2, 12, 0, 0, 0, time.UTC)
	for now := start; now.Before(end); now = now.Add(10 * time.Minute) {
		if now.Minute() == 0 {
			h.restart() // every hour, as if the bot were restarted
		}
		h.tick(now)
	}
	days := map[string]int{}
	for _, p := range h.discord.channel("c1") {
		days[p.at.In(loc).Format(time.DateOnly)+" "+p.at.In(loc).Format("15:04")]++
	}
	// 28 and 29 Dec 09:00, 31 Dec 00:00 (for the 30th, which did not
	// exist), 31 Dec 09:00, 1 and 2 Jan 09:00.
	want := map[string]int{"2011-12-28 09:00": 1, "2011-12-29 09:00": 1, "2011-12-31 00:00": 1, "2011-12-31 09:00": 1, "2012-01-01 09:00": 1, "2012-01-02 09:00": 1}
	if fmt.Sprint(days) != fmt.Sprint(want) {
		t.Errorf("posts (Apia time) %v; want %v", days, want)
	}
}

// TestReaddedPathIsNew: an article deleted and another added under the
// same file name is new; the same article restored keeps its old time.
func TestReaddedPathIsNew(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.syncCorpus(threeArticles())
	h.subscribe("c1", "09:00", "UTC", "")
	h.tick(utc("2025-06-01 09:00"))

	without := threeArticles()
	delete(without, "bridge.txt")
	h.clock.Set(utc("2025-06-01 10:00"))
	h.syncCorpus(without)
	h.clock.Set(utc("2025-06-01 11:00"))
	h.syncCorpus(threeArticles()) // the same bridge article, restored
	h.tick(utc("2025-06-02 09:00"))
	if n := len(h.discord.channel("c1")); n != 1 {
		t.Errorf("%d posts after an article was restored; want none beyond the first day's", n-1)
	}

	h.clock.Set(utc("2025-06-02 10:00"))
	h.syncCorpus(without)
	replaced := threeArticles()
	replaced["bridge.txt"] = &fstest.MapFile{Data: []byte(articleText("Ferry Timetable Changes", "ferry timetable"))}
	h.clock.Set(utc("2025-06-02 11:00"))
	h.syncCorpus(replaced)
	h.tick(utc("2025-06-03 09:00"))
	posts := h.discord.channel("c1")
	if len(posts) != 2 || !strings.Contains(titles(posts[1].message), "Ferry Timetable") {
		t.Errorf("%d posts; want the new article under the old file name in the 3 June digest", len(posts))
	}
}

// TestRescheduling: changing the time or zone, or resuming a paused
// digest, never posts at once a run the new schedule puts in the past;
// the next digest is when the reply says, with nothing lost.
func TestRescheduling(t *testing.T) {
	for _, c := range []struct {
		name       string
		first      [2]string // time and zone before
		at         string    // when the change is made (UTC)
		then       [2]string // after
		wantNext   string    // UTC
		pauseFirst bool
	}{
		{"earlier in the day, already past", [2]string{"18:00", "UTC"}, "2025-06-02 10:00", [2]string{"09:00", "UTC"}, "2025-06-03 09:00", false},
		{"to a zone where the time has passed", [2]string{"09:00", "Asia/Tokyo"}, "2025-06-02 10:00", [2]string{"09:00", "UTC"}, "2025-06-03 09:00", false},
		{"later the same day", [2]string{"09:00", "UTC"}, "2025-06-02 08:00", [2]string{"18:00", "UTC"}, "2025-06-02 18:00", false},
		{"resumed after a pause", [2]string{"09:00", "UTC"}, "2025-06-02 10:00", [2]string{"09:00", "UTC"}, "2025-06-03 09:00", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
			h.observe("bridge")
			h.subscribe("c1", c.first[0], c.first[1], "")
			h.tick(utc("2025-06-01 23:00")) // the first day's digest
			if c.pauseFirst {
				sub, _, _ := h.store.subscription("g1", "c1")
				h.store.pause(sub, "no access", utc("2025-06-02 08:00"), false)
			}
			h.clock.Set(utc("2025-06-01 23:30"))
			h.observe("library")
			h.clock.Set(utc(c.at))
			_, next, _, err := h.svc.Subscribe(Request{GuildID: "g1", ChannelID: "c1", Time: c.then[0], Zone: c.then[1]})
			if err != nil {
				t.Fatal(err)
			}
			if !next.Equal(utc(c.wantNext)) {
				t.Errorf("next %v; want %s", next.UTC(), c.wantNext)
			}
			before := len(h.discord.channel("c1"))
			for now := utc(c.at); now.Before(utc(c.wantNext).Add(time.Hour)); now = now.Add(10 * time.Minute) {
				h.tick(now)
			}
			posts := h.discord.channel("c1")[before:]
			if len(posts) != 1 || posts[0].at.Before(next) {
				var at []string
				for _, p := range posts {
					at = append(at, p.at.UTC().Format(time.DateTime))
				}
				t.Fatalf("posts at %v; want one, at %v", at, next.UTC())
			}
			if !strings.Contains(titles(posts[0].message), "Library Hours") {
				t.Errorf("digest %q; want the article that came in meanwhile", titles(posts[0].message))
			}
		})
	}
}

// TestRefusedMessage: Discord refuses a message as malformed. The
// digest is tried once more without links, which posts it when a link
// was the cause; otherwise it is given up, and its articles do not hold
// up the next digests.
func TestRefusedMessage(t *testing.T) {
	refused := fmt.Errorf("HTTP 400 Bad Request, {\"code\": 50035}: %w", ErrRejected)
	withURL := threeArticles()
	delete(withURL, "bridge.txt")
	withURL["bridge.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Bridge Repairs Delayed Again\nurl: https://news.example/bridge\n---\n\n" +
		"The council met on Tuesday to discuss the bridge repairs, which residents have raised at every meeting this year.\n")}
	t.Run("a link was the cause", func(t *testing.T) {
		h := newHarness(t, withURL, utc("2025-06-01 07:00"), nil)
		h.subscribe("c1", "09:00", "UTC", "")
		h.observe("bridge")
		h.discord.refuse = func(m Message) error {
			for _, e := range m.Embeds {
				if e.URL != "" {
					return refused
				}
			}
			return nil
		}
		h.tick(utc("2025-06-01 09:00"))
		posts := h.discord.channel("c1")
		if len(posts) != 1 || !strings.Contains(titles(posts[0].message), "Bridge Repairs") {
			t.Fatalf("%d posts; want the digest, without its links", len(posts))
		}
		if h.discord.calls != 2 {
			t.Errorf("%d attempts; want 2 (with links, then without)", h.discord.calls)
		}
	})
	t.Run("refused whatever", func(t *testing.T) {
		h := newHarness(t, withURL, utc("2025-06-01 07:00"), nil)
		h.subscribe("c1", "09:00", "UTC", "")
		h.observe("bridge")
		h.discord.refuse = func(Message) error { return refused }
		for now := utc("2025-06-01 09:00"); now.Before(utc("2025-06-01 12:00")); now = now.Add(time.Minute) {
			h.tick(now)
		}
		if h.discord.calls != 2 {
			t.Errorf("%d attempts at a refused message; want 2", h.discord.calls)
		}
		if list, _ := h.svc.List("g1"); len(list) != 1 || !strings.Contains(list[0].Last, "refused") {
			t.Errorf("list %+v; want the refusal shown", list)
		}
		h.discord.refuse = nil
		h.clock.Set(utc("2025-06-01 20:00"))
		h.observe("library")
		h.tick(utc("2025-06-02 09:00"))
		posts := h.discord.channel("c1")
		if len(posts) != 1 || strings.Contains(titles(posts[0].message), "Bridge") || !strings.Contains(titles(posts[0].message), "Library") {
			t.Errorf("%d posts; want the next day's digest with the new article only", len(posts))
		}
		if !strings.Contains(h.log(), "Discord refused the message") {
			t.Errorf("log:\n%s\nwant the refusal logged", h.log())
		}
	})
}

// TestDaysMissedWhileDownAreLogged: after three days down, the latest
// missed digest is posted (within the catch-up window) and the earlier
// ones are logged, not posted.
func TestDaysMissedWhileDownAreLogged(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.subscribe("c1", "09:00", "UTC", "")
	h.observe("bridge")
	h.tick(utc("2025-06-01 09:00"))
	h.clock.Set(utc("2025-06-01 12:00"))
	h.observe("library")
	h.restart()
	h.tick(utc("2025-06-04 10:00"))
	posts := h.discord.channel("c1")
	if len(posts) != 2 || !strings.Contains(titles(posts[1].message), "Library") {
		t.Errorf("%d posts; want the 4 June digest, with what came in while down", len(posts))
	}
	if log := h.log(); !strings.Contains(log, "earlier digests were missed") || !strings.Contains(log, "missed=2") {
		t.Errorf("log:\n%s\nwant the two missed days logged", log)
	}
}

// TestPreviewShowsWhatWouldBePosted: with nothing new, a preview shows
// no message when such a day posts none, and the line when it posts one.
func TestPreviewShowsWhatWouldBePosted(t *testing.T) {
	for _, postEmpty := range []bool{false, true} {
		h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), func(c *Config) { c.PostEmpty = postEmpty })
		h.subscribe("c1", "09:00", "UTC", "")
		h.clock.Set(utc("2025-06-01 08:00"))
		p, err := h.svc.Preview(context.Background(), "g1", "c1")
		if err != nil {
			t.Fatal(err)
		}
		if got := len(p.Messages); (got == 1) != postEmpty || got > 1 {
			t.Errorf("post_empty %v: %d messages; want %d", postEmpty, got, map[bool]int{true: 1}[postEmpty])
		}
		if !p.Since.Equal(utc("2025-05-31 09:00")) {
			t.Errorf("since %v; want a day before the first digest", p.Since)
		}
	}
}

// TestArticleBackUnderItsHeadline: an article dropped for a while (its
// file unreadable, or moved away) and back edited under the same
// headline keeps its time.
func TestArticleBackUnderItsHeadline(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.syncCorpus(threeArticles())
	h.subscribe("c1", "09:00", "UTC", "")
	h.tick(utc("2025-06-01 09:00"))
	without := threeArticles()
	delete(without, "bridge.txt")
	h.clock.Set(utc("2025-06-01 10:00"))
	h.syncCorpus(without)
	edited := threeArticles()
	edited["bridge.txt"] = &fstest.MapFile{Data: []byte(articleText("Bridge Repairs Delayed Again", "bridge repairs and their cost"))}
	h.clock.Set(utc("2025-06-01 11:00"))
	h.syncCorpus(edited)
	h.tick(utc("2025-06-02 09:00"))
	if posts := h.discord.channel("c1"); len(posts) != 1 {
		t.Errorf("%d digests; want the edited article not announced again", len(posts))
	}
}

// TestGuildChannelsMarksDeletedPausedDigests: a digest paused for lost
// access whose channel is missing from the guild's list when the bot
// connects is marked deleted; active ones are left to find out at their
// next post.
func TestGuildChannelsMarksDeletedPausedDigests(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	for _, c := range []string{"c1", "c2", "c3"} {
		h.subscribe(c, "09:00", "UTC", "")
	}
	sub, _, _ := h.store.subscription("g1", "c2")
	h.store.pause(sub, "no access", utc("2025-06-01 08:00"), false)
	if n := h.svc.GuildChannels("g1", []string{"c3"}); n != 1 {
		t.Errorf("GuildChannels marked %d; want 1", n)
	}
	list, _ := h.svc.List("g1")
	for _, st := range list {
		gone := strings.Contains(st.Paused, "deleted")
		if gone != (st.ChannelID == "c2") {
			t.Errorf("%s: paused %q; want only c2 marked deleted", st.ChannelID, st.Paused)
		}
	}
}

// TestZoneChangeWhileARetryIsPending keeps the run under way when the
// zone changes to one where its day is another date: a post whose
// outcome is unknown is looked for, not made again.
func TestZoneChangeWhileARetryIsPending(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.readChannels()
	h.subscribe("c1", "23:00", "UTC", "")
	h.observe("bridge")
	h.tickLosingReplies(utc("2025-06-01 23:00"))
	h.clock.Set(utc("2025-06-01 23:01"))
	if _, _, _, err := h.svc.Subscribe(Request{GuildID: "g1", ChannelID: "c1", Time: "09:00", Zone: "Asia/Tokyo"}); err != nil {
		t.Fatal(err)
	}
	for now := utc("2025-06-01 23:10"); now.Before(utc("2025-06-03 02:00")); now = now.Add(10 * time.Minute) {
		h.tick(now)
	}
	n := 0
	for _, p := range h.discord.channel("c1") {
		n += strings.Count(titles(p.message), "Bridge")
	}
	if n != 1 {
		t.Errorf("the article was posted %d times; want once", n)
	}
}

// TestLateUncertainDigestIsCheckedNotRepeated: a digest whose outcome is
// unknown and whose catch-up window has passed is looked for in the
// channel; found, it counts as posted and its articles are not
// announced again the next day.
func TestLateUncertainDigestIsCheckedNotRepeated(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.readChannels()
	h.subscribe("c1", "09:00", "UTC", "")
	h.observe("bridge")
	h.tickLosingReplies(utc("2025-06-01 09:00"))
	h.restart()
	h.tick(utc("2025-06-01 16:00")) // seven hours later
	h.tick(utc("2025-06-02 09:00"))
	n := 0
	for _, p := range h.discord.channel("c1") {
		n += strings.Count(titles(p.message), "Bridge")
	}
	if n != 1 {
		t.Errorf("the article was posted %d times; want once", n)
	}
}

// TestTopicChangeWhileARetryIsPending: the run under way keeps the topic
// it began with, so its unconfirmed post is found, not made again.
func TestTopicChangeWhileARetryIsPending(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.readChannels()
	h.subscribe("c1", "09:00", "UTC", "")
	h.observe("bridge", "harbour")
	h.tickLosingReplies(utc("2025-06-01 09:00"))
	h.clock.Set(utc("2025-06-01 09:01"))
	h.subscribe("c1", "09:00", "UTC", "harbour")
	for now := utc("2025-06-01 09:10"); now.Before(utc("2025-06-01 12:00")); now = now.Add(10 * time.Minute) {
		h.tick(now)
	}
	if n := len(h.discord.channel("c1")); n != 1 {
		t.Errorf("%d posts; want 1", n)
	}
}

// TestRunUnderWayWhenTheScheduleChanges: a digest being retried when the
// time or zone changes is finished as it began (not judged late against
// the new schedule), and the new schedule's digests then follow, none
// skipped.
func TestRunUnderWayWhenTheScheduleChanges(t *testing.T) {
	for _, c := range []struct {
		name         string
		first        [2]string
		failAt       string
		then         [2]string
		until        string
		wantArticles []string // in the posts, in any order, once each
	}{
		{"time moved earlier", [2]string{"18:00", "UTC"}, "2025-06-01 18:00", [2]string{"09:00", "UTC"}, "2025-06-02 10:00", []string{"Bridge", "Library"}},
		{"to a zone ahead, its date past", [2]string{"23:00", "UTC"}, "2025-06-01 23:00", [2]string{"18:00", "Asia/Tokyo"}, "2025-06-02 10:00", []string{"Bridge", "Library"}},
		{"to a zone ahead, same date", [2]string{"23:00", "UTC"}, "2025-06-01 23:00", [2]string{"09:00", "Asia/Tokyo"}, "2025-06-03 01:00", []string{"Bridge", "Library"}},
		{"to a zone behind", [2]string{"01:00", "UTC"}, "2025-06-02 01:00", [2]string{"20:00", "America/New_York"}, "2025-06-03 03:00", []string{"Bridge", "Library"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, threeArticles(), utc("2025-05-31 12:00"), nil)
			h.subscribe("c1", c.first[0], c.first[1], "")
			h.clock.Set(utc(c.failAt).Add(-2 * time.Hour))
			h.observe("bridge")
			h.discord.before = func(string) error { return &NotPostedError{Err: errors.New("503")} }
			h.tick(utc(c.failAt))
			h.discord.before = nil
			h.clock.Set(utc(c.failAt).Add(30 * time.Second))
			if _, _, _, err := h.svc.Subscribe(Request{GuildID: "g1", ChannelID: "c1", Time: c.then[0], Zone: c.then[1]}); err != nil {
				t.Fatal(err)
			}
			h.clock.Set(utc(c.failAt).Add(time.Minute))
			h.observe("library")
			for now := utc(c.failAt).Add(5 * time.Minute); now.Before(utc(c.until)); now = now.Add(5 * time.Minute) {
				h.tick(now)
			}
			var all string
			var at []string
			for _, p := range h.discord.channel("c1") {
				all += titles(p.message)
				at = append(at, p.at.UTC().Format("01-02 15:04"))
			}
			for _, a := range c.wantArticles {
				if n := strings.Count(all, a); n != 1 {
					t.Errorf("%q posted %d times (posts at %v); want once", a, n, at)
				}
			}
			if len(at) == 0 || at[0] != utc(c.failAt).Add(5*time.Minute).Format("01-02 15:04") {
				t.Errorf("posts at %v; want the digest under way finished at the next tick", at)
			}
		})
	}
}

// brokenCorpus cannot read its articles.
type brokenCorpus struct{ Corpus }

func (brokenCorpus) Article(string) (*search.Article, bool, error) {
	return nil, false, errors.New("catalog: corrupt record")
}

// TestDigestThatCannotBeComposedIsGivenUp: a digest that cannot be
// composed is retried within the catch-up window, then given up; the
// next days are still tried.
func TestDigestThatCannotBeComposedIsGivenUp(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.subscribe("c1", "09:00", "UTC", "")
	h.observe("bridge")
	h.cfg.Corpus = brokenCorpus{h.ix}
	h.restart()
	for now := utc("2025-06-01 09:00"); now.Before(utc("2025-06-03 10:00")); now = now.Add(10 * time.Minute) {
		h.tick(now)
	}
	sub, _, _ := h.store.subscription("g1", "c1")
	for _, d := range []Day{"2025-06-01", "2025-06-02", "2025-06-03"} {
		if r, ok, _ := h.store.run(sub, d); !ok || r.State != runFailed && d != "2025-06-03" {
			t.Errorf("%s: recorded %v, %s after %d attempts; want each day tried and the past ones given up", d, ok, r.State, r.Attempts)
		}
	}
}
