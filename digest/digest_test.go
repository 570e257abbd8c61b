package digest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/dossier-bot/dossier/internal/fakeclock"
	"github.com/dossier-bot/dossier/search"
)

// post is a message a fake channel holds.
type post struct {
	id      string
	at      time.Time
	message Message
}

// fakeDiscord is a Poster with Discord's nonce rule: a create with a
// nonce the channel has seen returns the first message. fail, when set,
// can refuse a post before it reaches the channel, or after (a reply
// lost on the way back).
type fakeDiscord struct {
	mu     sync.Mutex
	now    func() time.Time
	posts  map[string][]post
	nonces map[string]nonceSeen
	calls  int
	// before runs before a post is made; an error stops it.
	before func(channel string) error
	// refuse, when set, is Discord's check of the message; an error
	// stops the post.
	refuse func(m Message) error
	// after runs once the post is made; an error is returned instead of
	// the message's ID.
	after func(channel string) error
}

func newFakeDiscord(now func() time.Time) *fakeDiscord {
	return &fakeDiscord{now: now, posts: map[string][]post{}, nonces: map[string]nonceSeen{}}
}

type nonceSeen struct {
	id string
	at time.Time
}

// finder is a fakeDiscord that can also look for a message in a channel,
// as a bot with Read Message History can.
type finder struct {
	*fakeDiscord
	err error
}

func (f finder) Find(ctx context.Context, channel string, m Message) (string, bool, error) {
	if f.err != nil {
		return "", false, f.err
	}
	for _, p := range f.channel(channel) {
		if p.message.Content == m.Content && len(p.message.Embeds) == len(m.Embeds) {
			return p.id, true, nil
		}
	}
	return "", false, nil
}

func (f *fakeDiscord) Post(ctx context.Context, channel string, m Message, nonce string) (string, error) {
	f.mu.Lock()
	f.calls++
	before, after, refuse := f.before, f.after, f.refuse
	f.mu.Unlock()
	if before != nil {
		if err := before(channel); err != nil {
			return "", err
		}
	}
	if refuse != nil {
		if err := refuse(m); err != nil {
			return "", err
		}
	}
	f.mu.Lock()
	seen, dup := f.nonces[channel+"/"+nonce]
	id := seen.id
	if !dup || f.now().Sub(seen.at) > 5*time.Minute {
		// Discord remembers a nonce for a few minutes only.
		id = fmt.Sprintf("m%d", f.calls)
		f.nonces[channel+"/"+nonce] = nonceSeen{id: id, at: f.now()}
		f.posts[channel] = append(f.posts[channel], post{id: id, at: f.now(), message: m})
	}
	f.mu.Unlock()
	if after != nil {
		if err := after(channel); err != nil {
			return "", err
		}
	}
	return id, nil
}

func (f *fakeDiscord) channel(id string) []post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]post(nil), f.posts[id]...)
}

// articleText makes a plain-text article about subject.
func articleText(title, subject string) string {
	return fmt.Sprintf("%s\n\nMarch 4, 2025\n\nBy Ada Reporter\n\n"+
		"The council met on Tuesday to discuss the %[2]s, which residents have raised at every meeting this year.\n\n"+
		"\"We cannot wait another winter for the %[2]s,\" said Mara Quill, chair of the residents' association.\n\n"+
		"Officials said the %[2]s would cost more than planned, and a decision is due next month.\n", title, subject)
}

// harness is a Service over an index of fsys, a fake clock and a fake
// Discord, with a state file that outlives "restarts".
type harness struct {
	t       *testing.T
	ix      *search.Index
	db      *bolt.DB
	store   *Store
	clock   *fakeclock.Clock
	discord *fakeDiscord
	logs    *bytes.Buffer
	logMu   *sync.Mutex
	cfg     Config
	svc     *Service
	// seen are the articles in the corpus as the service knows it.
	seen map[string]bool
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func newHarness(t *testing.T, fsys fstest.MapFS, start time.Time, mod func(*Config)) *harness {
	t.Helper()
	dir := t.TempDir()
	ix, err := search.Open(filepath.Join(dir, "index"), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.Sync(context.Background(), fsys); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(dir, "state.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store, err := NewStore(db)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, ix: ix, db: db, store: store, clock: fakeclock.New(start), logs: &bytes.Buffer{}, logMu: &sync.Mutex{}}
	h.discord = newFakeDiscord(h.clock.Now)
	h.cfg = Config{
		Store: store, Corpus: ix, Poster: h.discord, Now: h.clock.Now,
		Logger: slog.New(slog.NewTextHandler(lockedWriter{h.logMu, h.logs}, nil)),
	}
	if mod != nil {
		mod(&h.cfg)
	}
	h.svc = New(h.cfg)
	return h
}

// restart makes a new Service on the same state, as a restarted bot.
func (h *harness) restart() { h.svc = New(h.cfg) }

// tick runs the scheduler at t and waits for its posts.
func (h *harness) tick(t time.Time) {
	h.clock.Set(t)
	h.svc.Tick(context.Background())
	h.svc.Wait()
}

// readChannels gives the service a Poster that can also look in a
// channel for a message (a bot with Read Message History).
func (h *harness) readChannels() {
	h.cfg.Poster = finder{h.discord, nil}
	h.restart()
}

// tickLosingReplies runs the scheduler at t with every post made but its
// reply lost on the way back: the bot cannot tell it was posted.
func (h *harness) tickLosingReplies(t time.Time) {
	h.discord.mu.Lock()
	h.discord.after = func(string) error { return errors.New("connection reset") }
	h.discord.mu.Unlock()
	h.tick(t)
	h.discord.mu.Lock()
	h.discord.after = nil
	h.discord.mu.Unlock()
}

// syncCorpus indexes fsys and has the service observe the whole corpus,
// as serve does after every sync.
func (h *harness) syncCorpus(fsys fstest.MapFS) {
	h.t.Helper()
	if _, err := h.ix.Sync(context.Background(), fsys); err != nil {
		h.t.Fatal(err)
	}
	if err := h.svc.Observe(h.ix.Articles()); err != nil {
		h.t.Fatal(err)
	}
}

// observe has the service notice that the articles ids entered the
// corpus, which also holds those noticed before.
func (h *harness) observe(ids ...string) {
	h.t.Helper()
	if h.seen == nil {
		h.seen = map[string]bool{}
	}
	var infos []search.ArticleInfo
	found := 0
	for _, a := range h.ix.Articles() {
		for _, id := range ids {
			if a.ID == id {
				h.seen[id] = true
				found++
			}
		}
		if h.seen[a.ID] {
			infos = append(infos, a)
		}
	}
	if found != len(ids) {
		h.t.Fatalf("observe %v: found %d articles", ids, found)
	}
	if err := h.svc.Observe(infos); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) subscribe(channel, at, zone, topic string) Subscription {
	h.t.Helper()
	sub, _, _, err := h.svc.Subscribe(Request{GuildID: "g1", ChannelID: channel, ChannelName: channel, Time: at, Zone: zone, Topic: topic})
	if err != nil {
		h.t.Fatal(err)
	}
	return sub
}

func (h *harness) log() string {
	h.logMu.Lock()
	defer h.logMu.Unlock()
	return h.logs.String()
}

// titles lists the headlines a digest message shows, in full or listed.
func titles(m Message) string {
	var b strings.Builder
	for _, e := range m.Embeds {
		b.WriteString(e.Title + "\n" + e.Description + "\n")
	}
	return b.String()
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// threeArticles is a corpus of three articles. Their files have no
// modification time, so the first observation dates them when it is
// made; oldArticles dates them long before.
func threeArticles() fstest.MapFS { return articlesAt(time.Time{}) }

func oldArticles() fstest.MapFS { return articlesAt(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) }

func articlesAt(old time.Time) fstest.MapFS {
	return fstest.MapFS{
		"bridge.txt":  {Data: []byte(articleText("Bridge Repairs Delayed Again", "bridge repairs")), ModTime: old},
		"library.txt": {Data: []byte(articleText("Library Hours Cut", "library hours")), ModTime: old},
		"harbour.txt": {Data: []byte(articleText("Harbour Dredging Approved", "harbour dredging")), ModTime: old},
	}
}

func TestOneDigestADayWithWhatIsNew(t *testing.T) {
	h := newHarness(t, oldArticles(), utc("2025-06-01 07:00"), nil)
	h.observe("bridge", "library", "harbour") // before the bot: old news
	h.subscribe("c1", "09:00", "UTC", "")
	h.tick(utc("2025-06-01 08:00"))
	h.observe() // nothing new yet
	if n := len(h.discord.channel("c1")); n != 0 {
		t.Fatalf("%d posts before the digest time", n)
	}
	// Two articles arrive in the morning... (re-observed: no change)
	h.clock.Set(utc("2025-06-01 08:30"))
	fsys := oldArticles()
	fsys["tram.txt"] = &fstest.MapFile{Data: []byte(articleText("Tram Line Extended", "tram line")), ModTime: utc("2025-06-01 08:30")}
	if _, err := h.ix.Sync(context.Background(), fsys); err != nil {
		t.Fatal(err)
	}
	h.observe("tram")
	for _, at := range []string{"2025-06-01 09:00", "2025-06-01 09:01", "2025-06-01 12:00", "2025-06-01 23:59"} {
		h.tick(utc(at))
	}
	posts := h.discord.channel("c1")
	if len(posts) != 1 {
		t.Fatalf("%d posts on the first day; want 1", len(posts))
	}
	if got := titles(posts[0].message); !strings.Contains(got, "Tram Line Extended") || strings.Contains(got, "Bridge Repairs") {
		t.Errorf("digest shows:\n%s\nwant the tram article only (the others were first seen more than a day before)", got)
	}
	if !posts[0].at.Equal(utc("2025-06-01 09:00")) {
		t.Errorf("posted at %v; want 09:00", posts[0].at)
	}
	// The next day: nothing new, so by default nothing is posted.
	h.tick(utc("2025-06-02 09:00"))
	if n := len(h.discord.channel("c1")); n != 1 {
		t.Errorf("%d posts after a day with nothing new; want still 1", n)
	}
	// A restart on the same state posts nothing again.
	h.restart()
	h.tick(utc("2025-06-02 09:30"))
	if n := len(h.discord.channel("c1")); n != 1 {
		t.Errorf("%d posts after a restart; want still 1", n)
	}
}

func TestNothingNewCanSaySo(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), func(c *Config) { c.PostEmpty = true })
	h.observe("bridge", "library", "harbour")
	h.clock.Set(utc("2025-06-02 07:00"))
	h.subscribe("c1", "09:00", "UTC", "")
	h.tick(utc("2025-06-02 09:00"))
	posts := h.discord.channel("c1")
	if len(posts) != 1 || !strings.Contains(posts[0].message.Content, "Nothing new") || len(posts[0].message.Embeds) != 0 {
		t.Fatalf("posts %+v; want one short nothing-new line", posts)
	}
}

// TestDaylightSavingDays runs the scheduler every ten minutes across the
// days the clocks change in two zones: one digest each local day, at the
// time asked for or at the first instant after the jump.
func TestDaylightSavingDays(t *testing.T) {
	for _, c := range []struct {
		zone, at   string
		from, to   string
		wantLocals []string // local times of the posts
	}{
		{"America/New_York", "02:30", "2025-03-07 12:00", "2025-03-11 12:00",
			[]string{"2025-03-08 02:30 EST", "2025-03-09 03:00 EDT", "2025-03-10 02:30 EDT", "2025-03-11 02:30 EDT"}},
		{"America/New_York", "01:30", "2025-10-31 12:00", "2025-11-04 12:00",
			[]string{"2025-11-01 01:30 EDT", "2025-11-02 01:30 EDT", "2025-11-03 01:30 EST", "2025-11-04 01:30 EST"}},
		{"Europe/London", "01:30", "2025-03-28 12:00", "2025-04-01 12:00",
			[]string{"2025-03-29 01:30 GMT", "2025-03-30 02:00 BST", "2025-03-31 01:30 BST", "2025-04-01 01:30 BST"}},
		{"Europe/London", "01:30", "2025-10-24 12:00", "2025-10-28 12:00",
			[]string{"2025-10-25 01:30 BST", "2025-10-26 01:30 BST", "2025-10-27 01:30 GMT", "2025-10-28 01:30 GMT"}},
		{"Asia/Tokyo", "00:00", "2025-12-30 12:00", "2026-01-02 12:00",
			[]string{"2025-12-31 00:00 JST", "2026-01-01 00:00 JST", "2026-01-02 00:00 JST"}},
	} {
		t.Run(c.zone+" "+c.at+" "+c.from[:10], func(t *testing.T) {
			h := newHarness(t, threeArticles(), utc(c.from), func(cfg *Config) { cfg.PostEmpty = true })
			h.subscribe("c1", c.at, c.zone, "")
			loc := mustZone(t, c.zone)
			for now := utc(c.from); !now.After(utc(c.to)); now = now.Add(10 * time.Minute) {
				h.tick(now)
			}
			var got []string
			for _, p := range h.discord.channel("c1") {
				got = append(got, p.at.In(loc).Format("2006-01-02 15:04 MST"))
			}
			if strings.Join(got, ", ") != strings.Join(c.wantLocals, ", ") {
				t.Errorf("posts at %v; want %v", got, c.wantLocals)
			}
		})
	}
}

func TestCatchUpAfterDowntime(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.subscribe("c1", "09:00", "UTC", "")
	h.observe("bridge")
	// Down from 08:00 to 14:30: five and a half hours late is within the
	// catch-up window, so the digest goes out once at start.
	h.tick(utc("2025-06-01 08:00"))
	h.restart()
	h.tick(utc("2025-06-01 14:30"))
	h.tick(utc("2025-06-01 14:31"))
	if n := len(h.discord.channel("c1")); n != 1 {
		t.Fatalf("%d posts after 5.5 h of downtime; want 1", n)
	}
	// Down for the whole next morning: the digest of 2 June is 7 h late,
	// skipped and logged, and its article waits for 3 June.
	h.clock.Set(utc("2025-06-01 20:00"))
	h.observe("library")
	h.restart()
	h.tick(utc("2025-06-02 16:00"))
	if n := len(h.discord.channel("c1")); n != 1 {
		t.Fatalf("%d posts; the digest 7 h late should have been skipped", n)
	}
	if !strings.Contains(h.log(), "missed digest skipped") {
		t.Errorf("the skip was not logged:\n%s", h.log())
	}
	h.tick(utc("2025-06-03 09:00"))
	posts := h.discord.channel("c1")
	if len(posts) != 2 || !strings.Contains(titles(posts[1].message), "Library Hours Cut") {
		t.Fatalf("posts %d; want the 3 June digest with the article of the skipped day", len(posts))
	}
	// Down for three days: nothing is posted in a burst.
	h.restart()
	h.tick(utc("2025-06-06 20:00"))
	if n := len(h.discord.channel("c1")); n != 2 {
		t.Errorf("%d posts after three days down; want no burst", n)
	}
}

// TestCrashBetweenRecordAndPost simulates the two crashes that matter:
// after the run is recorded but before Discord has the message, and
// after Discord has it but before the bot records that.
func TestCrashBetweenRecordAndPost(t *testing.T) {
	errKilled := errors.New("killed")
	for _, c := range []struct {
		name          string
		before, after func(string) error
	}{
		{"before the post", func(string) error { return errKilled }, nil},
		{"after the post", nil, func(string) error { return errKilled }},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
			h.subscribe("c1", "09:00", "UTC", "")
			h.observe("bridge")
			h.discord.before, h.discord.after = c.before, c.after
			h.tick(utc("2025-06-01 09:00"))
			// The process is gone; a new one starts a minute later.
			h.discord.before, h.discord.after = nil, nil
			h.restart()
			h.tick(utc("2025-06-01 09:01"))
			h.tick(utc("2025-06-01 09:30"))
			posts := h.discord.channel("c1")
			if len(posts) != 1 {
				t.Fatalf("%d posts; want exactly 1", len(posts))
			}
			if !strings.Contains(titles(posts[0].message), "Bridge Repairs") {
				t.Errorf("the digest lost its article: %q", titles(posts[0].message))
			}
		})
	}
}

func TestTransientErrorsAreRetried(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.subscribe("c1", "09:00", "UTC", "")
	h.observe("bridge")
	fails := 2
	h.discord.before = func(string) error {
		if fails > 0 {
			fails--
			return errors.New("502 Bad Gateway")
		}
		return nil
	}
	for now := utc("2025-06-01 09:00"); now.Before(utc("2025-06-01 09:30")); now = now.Add(30 * time.Second) {
		h.tick(now)
	}
	if n := len(h.discord.channel("c1")); n != 1 {
		t.Errorf("%d posts after two failures; want 1", n)
	}
	if h.discord.calls > 4 {
		t.Errorf("%d attempts in 30 minutes; want backing off", h.discord.calls)
	}
}

func TestLostChannelPausesOnlyThatSubscription(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.subscribe("gone", "09:00", "UTC", "")
	h.subscribe("ok", "09:00", "UTC", "")
	h.observe("bridge")
	h.discord.before = func(ch string) error {
		if ch == "gone" {
			return fmt.Errorf("404 Unknown Channel: %w", ErrNoAccess)
		}
		return nil
	}
	for _, at := range []string{"2025-06-01 09:00", "2025-06-01 10:00", "2025-06-02 09:00"} {
		h.tick(utc(at))
	}
	if n := len(h.discord.channel("ok")); n != 1 {
		t.Errorf("the working channel got %d posts; want 1", n)
	}
	if h.discord.calls != 2 {
		t.Errorf("%d post attempts; want one for each channel, no retrying the lost one", h.discord.calls)
	}
	list, err := h.svc.List("g1")
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range list {
		if (st.ChannelID == "gone") != (st.Paused != "") {
			t.Errorf("channel %s paused %q", st.ChannelID, st.Paused)
		}
	}
	// Subscribing again resumes it.
	h.discord.before = nil
	h.subscribe("gone", "09:00", "UTC", "")
	h.clock.Set(utc("2025-06-02 12:00"))
	h.observe("library")
	h.tick(utc("2025-06-03 09:00"))
	if n := len(h.discord.channel("gone")); n != 1 {
		t.Errorf("the resubscribed channel got %d posts; want 1", n)
	}
}

// TestSlowChannelDoesNotHoldUpOthers blocks one channel's post and checks
// the others are posted meanwhile.
func TestSlowChannelDoesNotHoldUpOthers(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), func(c *Config) { c.Workers = 2 })
	release := make(chan struct{})
	h.discord.before = func(ch string) error {
		if ch == "slow" {
			<-release
		}
		return nil
	}
	h.subscribe("slow", "09:00", "UTC", "")
	for i := 0; i < 10; i++ {
		h.subscribe(fmt.Sprintf("c%d", i), "09:00", "UTC", "")
	}
	h.observe("bridge")
	h.clock.Set(utc("2025-06-01 09:00"))
	h.svc.Tick(context.Background())
	deadline := time.Now().Add(10 * time.Second)
	for {
		done := 0
		for i := 0; i < 10; i++ {
			done += len(h.discord.channel(fmt.Sprintf("c%d", i)))
		}
		if done == 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of 10 channels posted while one was stuck", done)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(release)
	h.svc.Wait()
	if n := len(h.discord.channel("slow")); n != 1 {
		t.Errorf("the slow channel got %d posts; want 1", n)
	}
}

// TestManySubscriptions runs 120 subscriptions over a day in 24 zones,
// ticking every five minutes (their times are on the five minutes): each
// gets its one digest, at its own time.
func TestManySubscriptions(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 00:00"), func(c *Config) { c.PostEmpty = true; c.Workers = 8 })
	zones := []string{"UTC", "Europe/London", "Europe/Paris", "Europe/Kyiv", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney",
		"Pacific/Auckland", "America/New_York", "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo",
		"Africa/Lagos", "Asia/Kathmandu", "Pacific/Chatham", "America/St_Johns", "Asia/Dubai", "Asia/Singapore",
		"Europe/Moscow", "Pacific/Honolulu", "+05:30", "-03:00", "Australia/Lord_Howe", "Atlantic/Azores"}
	want := map[string]time.Time{}
	start := utc("2025-06-01 00:00")
	for i := 0; i < 120; i++ {
		ch := fmt.Sprintf("c%03d", i)
		at := TimeOfDay{(i * 7) % 24, (i * 35) % 60}
		sub := h.subscribe(ch, at.String(), zones[i%len(zones)], "")
		loc, _ := sub.Location()
		want[ch], _ = Next(at, loc, start)
	}
	for now := start.Add(5 * time.Minute); !now.After(start.Add(24 * time.Hour)); now = now.Add(5 * time.Minute) {
		h.tick(now)
	}
	for ch, at := range want {
		posts := h.discord.channel(ch)
		if len(posts) != 1 || !posts[0].at.Equal(at) {
			var when []time.Time
			for _, p := range posts {
				when = append(when, p.at)
			}
			t.Errorf("%s: posts at %v; want one at %v", ch, when, at)
		}
	}
}

func TestTopicKeepsMatchingArticles(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.subscribe("c1", "09:00", "UTC", "harbour")
	h.observe("bridge", "library", "harbour")
	h.tick(utc("2025-06-01 09:00"))
	posts := h.discord.channel("c1")
	if len(posts) != 1 {
		t.Fatalf("%d posts; want 1", len(posts))
	}
	if got := titles(posts[0].message); !strings.Contains(got, "Harbour Dredging") || strings.Contains(got, "Library") || strings.Contains(got, "Bridge") {
		t.Errorf("topic digest shows:\n%s\nwant only the harbour article", got)
	}
}

func TestSubscribeRejectsBadInput(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	for _, c := range []struct {
		req   Request
		field string
	}{
		{Request{GuildID: "g", ChannelID: "c", Time: "25:00", Zone: "UTC"}, "time"},
		{Request{GuildID: "g", ChannelID: "c", Time: "09:00", Zone: "Mars/Base"}, "timezone"},
		{Request{ChannelID: "c", Time: "09:00", Zone: "UTC"}, "channel"},
	} {
		_, _, _, err := h.svc.Subscribe(c.req)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != c.field || ie.UserMessage() == "" {
			t.Errorf("Subscribe(%+v) = %v; want an InputError for %s", c.req, err, c.field)
		}
	}
	sub, next, _, err := h.svc.Subscribe(Request{GuildID: "g", ChannelID: "c"})
	if err != nil || sub.Time.String() != "09:00" || sub.Zone != "UTC" || !next.Equal(utc("2025-06-01 09:00")) {
		t.Errorf("Subscribe with defaults = %+v, next %v, %v; want 09:00 UTC today", sub, next, err)
	}
}

// TestFirstSeenSurvivesRestartAndReindex checks that articles keep the
// time they entered the corpus: a new state file dates an existing corpus
// by its files, and later observations never move a date.
func TestFirstSeenSurvivesRestartAndReindex(t *testing.T) {
	h := newHarness(t, oldArticles(), utc("2025-06-01 07:00"), nil)
	h.observe("bridge", "library", "harbour")
	seen, err := h.store.firstSeen()
	if err != nil {
		t.Fatal(err)
	}
	if !seen["bridge"].Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first observation dated bridge %v; want its file's time", seen["bridge"])
	}
	h.clock.Set(utc("2025-06-05 07:00"))
	fsys := oldArticles()
	fsys["tram.txt"] = &fstest.MapFile{Data: []byte(articleText("Tram Line Extended", "tram line")), ModTime: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := h.ix.Rebuild(); err != nil {
		t.Fatal(err)
	}
	if _, err := h.ix.Sync(context.Background(), fsys); err != nil {
		t.Fatal(err)
	}
	h.restart()
	if err := h.svc.Observe(h.ix.Articles()); err != nil {
		t.Fatal(err)
	}
	seen, _ = h.store.firstSeen()
	if !seen["bridge"].Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("a re-index moved bridge's first-seen time to %v", seen["bridge"])
	}
	if !seen["tram"].Equal(utc("2025-06-05 07:00")) {
		t.Errorf("tram first seen %v; want when it was noticed, not its old file time", seen["tram"])
	}
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}

// TestUnknownOutcomeBeyondTheNonceMemory loses the reply to the first
// post and fails the retries until Discord has forgotten the nonce: the
// bot then looks in the channel before posting again, and without a way
// to look it gives the digest up rather than post it twice.
func TestUnknownOutcomeBeyondTheNonceMemory(t *testing.T) {
	for _, c := range []struct {
		name      string
		canFind   bool
		findErr   error
		wantPosts int
		wantState string
	}{
		{"finds the lost post", true, nil, 1, runSent},
		{"cannot look", false, nil, 1, runFailed},
		{"looking fails", true, errors.New("403 Missing Access"), 1, runFailed},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
			if c.canFind {
				h.cfg.Poster = finder{h.discord, c.findErr}
				h.restart()
			}
			h.subscribe("c1", "09:00", "UTC", "")
			h.observe("bridge")
			calls := 0
			h.discord.after = func(string) error {
				calls++
				if calls == 1 {
					return errors.New("connection reset after sending")
				}
				return nil
			}
			h.discord.before = func(string) error {
				if calls >= 1 {
					calls++
					return errors.New("503 Service Unavailable")
				}
				return nil
			}
			for now := utc("2025-06-01 09:00"); now.Before(utc("2025-06-01 09:20")); now = now.Add(10 * time.Second) {
				if now.After(utc("2025-06-01 09:06")) {
					h.discord.before = nil // Discord is back
				}
				h.tick(now)
			}
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

// TestArticlesNoticedDuringADigestAreNotLost observes an article while a
// digest is being composed, and another after the clock stepped back:
// both are in the next digest.
func TestArticlesNoticedDuringADigestAreNotLost(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.observe("bridge")
	h.subscribe("c1", "09:00", "UTC", "")
	// A corpus that notices "library" just as the digest reads it, with
	// a clock that reads a moment earlier than the digest's.
	var once sync.Once
	h.cfg.Corpus = hookCorpus{Corpus: h.ix, hook: func() {
		once.Do(func() {
			h.clock.Set(utc("2025-06-01 08:59"))
			h.observe("library")
		})
	}}
	h.restart()
	h.tick(utc("2025-06-01 09:00"))
	h.clock.Set(utc("2025-06-01 08:30")) // the clock steps back
	h.observe("harbour")
	h.tick(utc("2025-06-02 09:00"))
	var all string
	for _, p := range h.discord.channel("c1") {
		all += titles(p.message)
	}
	for _, title := range []string{"Bridge Repairs", "Library Hours", "Harbour Dredging"} {
		if strings.Count(all, title) != 1 {
			t.Errorf("%q appears %d times in the digests; want once:\n%s", title, strings.Count(all, title), all)
		}
	}
}

// hookCorpus runs hook whenever the articles are listed.
type hookCorpus struct {
	Corpus
	hook func()
}

func (c hookCorpus) Articles() []search.ArticleInfo {
	out := c.Corpus.Articles()
	c.hook()
	return out
}

func TestResubscribing(t *testing.T) {
	t.Run("after unsubscribing, nothing is sent twice", func(t *testing.T) {
		h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
		h.subscribe("c1", "09:00", "UTC", "")
		h.observe("bridge")
		h.tick(utc("2025-06-01 09:00"))
		h.clock.Set(utc("2025-06-01 10:00"))
		if _, err := h.svc.Unsubscribe("g1", "c1"); err != nil {
			t.Fatal(err)
		}
		h.subscribe("c1", "18:00", "UTC", "")
		h.tick(utc("2025-06-01 18:00"))
		if n := len(h.discord.channel("c1")); n != 1 {
			t.Errorf("%d posts; the bridge article was sent again", n)
		}
	})
	t.Run("a first digest covers one day", func(t *testing.T) {
		h := newHarness(t, threeArticles(), utc("2025-05-31 08:00"), nil)
		h.observe("bridge") // 25 h before the first digest
		h.clock.Set(utc("2025-06-01 10:00"))
		h.observe("library") // 23 h before
		h.subscribe("c1", "09:00", "UTC", "")
		h.tick(utc("2025-06-02 09:00"))
		posts := h.discord.channel("c1")
		if len(posts) != 1 || !strings.Contains(titles(posts[0].message), "Library") || strings.Contains(titles(posts[0].message), "Bridge") {
			t.Errorf("first digest %+v; want the last 24 hours only", posts)
		}
	})
	t.Run("a later time the same day waits for tomorrow, and says so", func(t *testing.T) {
		h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
		h.subscribe("c1", "09:00", "UTC", "")
		h.observe("bridge")
		h.tick(utc("2025-06-01 09:00"))
		h.clock.Set(utc("2025-06-01 10:00"))
		_, next, replaced, err := h.svc.Subscribe(Request{GuildID: "g1", ChannelID: "c1", Time: "18:00", Zone: "UTC"})
		if err != nil || !replaced || !next.Equal(utc("2025-06-02 18:00")) {
			t.Errorf("replacing: next %v, replaced %v, %v; want tomorrow 18:00", next, replaced, err)
		}
		h.observe("library")
		h.tick(utc("2025-06-01 18:00"))
		if n := len(h.discord.channel("c1")); n != 1 {
			t.Errorf("%d posts on the first day; want 1", n)
		}
		h.tick(utc("2025-06-02 18:00"))
		if n := len(h.discord.channel("c1")); n != 2 {
			t.Errorf("%d posts after the second day; want 2", n)
		}
	})
	t.Run("a new zone gets its own local day", func(t *testing.T) {
		h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
		h.subscribe("c1", "09:00", "UTC", "")
		h.observe("bridge")
		h.tick(utc("2025-06-01 09:00")) // 31 May 23:00 in Honolulu
		h.clock.Set(utc("2025-06-01 10:00"))
		h.subscribe("c1", "08:00", "Pacific/Honolulu", "")
		h.observe("library")
		h.tick(utc("2025-06-01 18:00")) // 1 June 08:00 in Honolulu
		posts := h.discord.channel("c1")
		if len(posts) != 2 || !strings.Contains(titles(posts[1].message), "Library") {
			t.Errorf("%d posts; want Honolulu's 1 June digest with the library article", len(posts))
		}
	})
	t.Run("resubscribing while a post is retried keeps today's digest", func(t *testing.T) {
		h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
		h.subscribe("c1", "09:00", "UTC", "")
		h.observe("bridge")
		h.discord.before = func(string) error { return &NotPostedError{Err: errors.New("400 Bad Request")} }
		h.tick(utc("2025-06-01 09:00"))
		h.discord.before = nil
		h.clock.Set(utc("2025-06-01 09:00").Add(30 * time.Second))
		h.subscribe("c1", "09:00", "UTC", "")
		for now := utc("2025-06-01 09:01"); now.Before(utc("2025-06-01 09:10")); now = now.Add(time.Minute) {
			h.tick(now)
		}
		if n := len(h.discord.channel("c1")); n != 1 {
			t.Errorf("%d posts; want today's digest", n)
		}
	})
}

func TestTopicWithoutWordsIsRefused(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	_, _, _, err := h.svc.Subscribe(Request{GuildID: "g", ChannelID: "c", Topic: "the of"})
	var ie *InputError
	if !errors.As(err, &ie) || ie.Field != "topic" {
		t.Errorf("Subscribe with topic %q = %v; want an InputError for the topic", "the of", err)
	}
}

// TestDeletedChannelPausesTheSubscription: a deleted channel is tried
// once, its digest paused and listed with the reason, then removed a
// week later, since /digest unsubscribe cannot name it any more.
func TestDeletedChannelPausesTheSubscription(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.subscribe("c1", "09:00", "UTC", "")
	h.observe("bridge")
	h.discord.before = func(string) error { return fmt.Errorf("404 Unknown Channel: %w", ErrChannelGone) }
	h.tick(utc("2025-06-01 09:00"))
	h.tick(utc("2025-06-02 09:00"))
	h.tick(utc("2025-06-05 09:00"))
	list, _ := h.svc.List("g1")
	if len(list) != 1 || !strings.Contains(list[0].Paused, "deleted") || !list[0].Next.IsZero() {
		t.Fatalf("subscriptions %+v; want the deleted channel's paused, saying why, with no next run", list)
	}
	if h.discord.calls != 1 || !strings.Contains(h.log(), "digest paused: its channel was deleted") {
		t.Errorf("%d attempts, log:\n%s\nwant one attempt and the pause logged", h.discord.calls, h.log())
	}
	h.tick(utc("2025-06-08 09:30"))
	if list, _ := h.svc.List("g1"); len(list) != 0 {
		t.Errorf("subscriptions %+v a week later; want it removed", list)
	}
	if h.discord.calls != 1 {
		t.Errorf("%d attempts; want no more after the first", h.discord.calls)
	}
}

// TestChannelDeletedEvent pauses the digest of a channel Discord reports
// deleted, and subscribing the channel again (were it restored) resumes
// it.
func TestChannelDeletedEvent(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.subscribe("c1", "09:00", "UTC", "")
	h.observe("bridge")
	if !h.svc.ChannelDeleted("g1", "c1") || h.svc.ChannelDeleted("g1", "c2") {
		t.Fatal("ChannelDeleted: want true for the subscribed channel only")
	}
	h.tick(utc("2025-06-01 09:00"))
	if h.discord.calls != 0 {
		t.Errorf("%d attempts at a deleted channel; want none", h.discord.calls)
	}
	h.subscribe("c1", "10:00", "UTC", "")
	h.tick(utc("2025-06-01 10:00"))
	if n := len(h.discord.channel("c1")); n != 1 {
		t.Errorf("%d posts after subscribing again; want 1", n)
	}
}

// TestMovedOrRenamedFilesAreNotNew checks that an article keeps its
// first-seen time when its file moves, and that switching to another
// corpus dates its articles by their files.
func TestMovedOrRenamedFilesAreNotNew(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.observe("bridge", "library", "harbour")
	h.subscribe("c1", "09:00", "UTC", "")
	fsys := threeArticles()
	fsys["2024/bridge.txt"] = fsys["bridge.txt"]
	delete(fsys, "bridge.txt")
	h.clock.Set(utc("2025-06-02 08:00"))
	h.syncCorpus(fsys)
	seen, _ := h.store.firstSeen()
	if !seen["2024/bridge"].Equal(utc("2025-06-01 07:00")) {
		t.Errorf("the moved file is first seen at %v; want its first time", seen["2024/bridge"])
	}

	// Another corpus: its articles are dated by their files.
	h.cfg.Source = "/srv/newsroom"
	h.restart()
	old := oldArticles()
	other := fstest.MapFS{"archive/tram.txt": &fstest.MapFile{Data: []byte(articleText("Tram Line Extended", "tram line")), ModTime: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}}
	for k, v := range old {
		other[k] = v
	}
	h.syncCorpus(other)
	seen, _ = h.store.firstSeen()
	if !seen["archive/tram"].Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("an article of the new corpus is first seen at %v; want its file's time", seen["archive/tram"])
	}
}
