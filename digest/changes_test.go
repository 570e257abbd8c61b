package digest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// postsAt lists a channel's posts with their times and headlines.
func postsAt(h *harness, ch string) []string {
	var at []string
	for _, p := range h.discord.channel(ch) {
		var ts []string
		for _, e := range p.message.Embeds {
			ts = append(ts, e.Title)
		}
		at = append(at, p.at.UTC().Format("01-02 15:04:05")+" "+strings.Join(ts, "+"))
	}
	return at
}

// TestNextWhileRetrying moves the time later while the day's digest is
// being retried: that digest is finished, and the next time the reply
// gives is when the next digest posts.
func TestNextWhileRetrying(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.subscribe("c1", "09:00", "UTC", "")
	h.observe("bridge")
	h.discord.before = func(string) error { return &NotPostedError{Err: errors.New("503")} }
	h.tick(utc("2025-06-01 09:00"))
	h.discord.before = nil
	h.clock.Set(utc("2025-06-01 09:00").Add(30 * time.Second))
	_, next, _, err := h.svc.Subscribe(Request{GuildID: "g1", ChannelID: "c1", Time: "18:00", Zone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	list, _ := h.svc.List("g1")
	if !list[0].Next.Equal(next) {
		t.Errorf("List says next %v, Subscribe %v; want the same", list[0].Next, next)
	}
	h.clock.Set(utc("2025-06-01 10:00"))
	h.observe("library")
	for now := utc("2025-06-01 09:05"); now.Before(utc("2025-06-02 19:00")); now = now.Add(5 * time.Minute) {
		h.tick(now)
	}
	posts := h.discord.channel("c1")
	if len(posts) != 2 || posts[0].at.After(utc("2025-06-01 09:05")) || !posts[1].at.Equal(next) {
		t.Errorf("posts %v; want the digest under way at once, then one at %v", postsAt(h, "c1"), next.UTC())
	}
}

// TestUnsubscribeDuringRetryThenResubscribe: a digest whose post is
// unconfirmed when the channel unsubscribes and subscribes again is not
// repeated by the new subscription.
func TestUnsubscribeDuringRetryThenResubscribe(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
	h.readChannels()
	h.subscribe("c1", "09:00", "UTC", "")
	h.clock.Set(utc("2025-06-01 08:00"))
	h.observe("bridge")
	h.tickLosingReplies(utc("2025-06-01 09:00"))
	h.clock.Set(utc("2025-06-01 09:01"))
	if _, err := h.svc.Unsubscribe("g1", "c1"); err != nil {
		t.Fatal(err)
	}
	h.subscribe("c1", "18:00", "UTC", "")
	h.clock.Set(utc("2025-06-01 10:00"))
	h.observe("library")
	for now := utc("2025-06-01 09:05"); now.Before(utc("2025-06-02 19:00")); now = now.Add(10 * time.Minute) {
		h.tick(now)
	}
	all := ""
	for _, p := range h.discord.channel("c1") {
		all += titles(p.message)
	}
	if n := strings.Count(all, "Bridge"); n != 1 || !strings.Contains(all, "Library") {
		t.Errorf("posts %v; want Bridge once and Library", postsAt(h, "c1"))
	}
}

// TestUnsubscribeDuringPostInFlight unsubscribes and subscribes again
// while a post is in flight, with and without a restart after: the new
// subscription's first digest posts when due, and nothing twice.
func TestUnsubscribeDuringPostInFlight(t *testing.T) {
	for _, restart := range []bool{false, true} {
		h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), nil)
		h.subscribe("c1", "09:00", "UTC", "")
		h.clock.Set(utc("2025-06-01 08:00"))
		h.observe("bridge")
		release := make(chan struct{})
		inPost := make(chan struct{})
		h.discord.before = func(string) error { close(inPost); <-release; return nil }
		h.clock.Set(utc("2025-06-01 09:00"))
		h.svc.Tick(context.Background())
		<-inPost
		h.discord.mu.Lock()
		h.discord.before = nil
		h.discord.mu.Unlock()
		if _, err := h.svc.Unsubscribe("g1", "c1"); err != nil {
			t.Fatal(err)
		}
		h.subscribe("c1", "18:00", "UTC", "")
		close(release)
		h.svc.Wait()
		if restart {
			h.restart()
		}
		h.clock.Set(utc("2025-06-01 10:00"))
		h.observe("library")
		for now := utc("2025-06-01 09:05"); now.Before(utc("2025-06-02 19:00")); now = now.Add(5 * time.Minute) {
			h.tick(now)
		}
		all, on1at18 := "", false
		for _, p := range h.discord.channel("c1") {
			all += titles(p.message)
			on1at18 = on1at18 || p.at.Equal(utc("2025-06-01 18:00")) && strings.Contains(titles(p.message), "Library")
		}
		if !on1at18 || strings.Count(all, "Bridge") != 1 {
			t.Errorf("restart %v: posts %v; want Bridge once, and the library article at 1 June 18:00", restart, postsAt(h, "c1"))
		}
	}
}

// TestRescheduleWhileWaitingForAWorker changes the schedule while a due
// digest waits for a worker: the new schedule decides.
func TestRescheduleWhileWaitingForAWorker(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), func(c *Config) { c.Workers = 1 })
	h.subscribe("a0", "08:59", "UTC", "") // holds the only worker
	h.subscribe("c1", "09:00", "UTC", "")
	h.clock.Set(utc("2025-06-01 08:00"))
	h.observe("bridge")
	release := make(chan struct{})
	inPost := make(chan struct{})
	h.discord.before = func(ch string) error {
		if ch == "a0" {
			close(inPost)
			<-release
		}
		return nil
	}
	h.clock.Set(utc("2025-06-01 08:59"))
	h.svc.Tick(context.Background())
	<-inPost
	h.clock.Set(utc("2025-06-01 09:00"))
	h.svc.Tick(context.Background()) // c1 waits for the worker
	time.Sleep(50 * time.Millisecond)
	h.clock.Set(utc("2025-06-01 09:00").Add(20 * time.Second))
	_, next, _, err := h.svc.Subscribe(Request{GuildID: "g1", ChannelID: "c1", Time: "18:00", Zone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Set(utc("2025-06-01 09:00").Add(30 * time.Second))
	close(release)
	h.svc.Wait()
	h.discord.mu.Lock()
	h.discord.before = nil
	h.discord.mu.Unlock()
	h.clock.Set(utc("2025-06-01 10:00"))
	h.observe("library")
	for now := utc("2025-06-01 09:05"); now.Before(utc("2025-06-01 19:00")); now = now.Add(5 * time.Minute) {
		h.tick(now)
	}
	posts := h.discord.channel("c1")
	if len(posts) != 1 || !posts[0].at.Equal(next) {
		t.Errorf("posts %v; want one, at %v", postsAt(h, "c1"), next.UTC())
	}
}

// TestRunUnderWayDatedBeforeTheLastOne: after a move from Tokyo to Los
// Angeles the run under way is dated before the last one done; a
// further change still finishes it, and nothing is posted twice.
func TestRunUnderWayDatedBeforeTheLastOne(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-05-31 07:00"), nil)
	h.readChannels()
	h.subscribe("c1", "09:00", "Asia/Tokyo", "")
	h.tick(utc("2025-06-01 00:00")) // Tokyo 06-01, nothing
	h.clock.Set(utc("2025-06-01 12:00"))
	h.observe("harbour")
	h.tick(utc("2025-06-02 00:00")) // Tokyo 06-02: harbour
	h.clock.Set(utc("2025-06-02 00:30"))
	h.svc.Subscribe(Request{GuildID: "g1", ChannelID: "c1", Time: "18:00", Zone: "America/Los_Angeles"})
	h.clock.Set(utc("2025-06-02 00:40"))
	h.observe("bridge")
	h.tickLosingReplies(utc("2025-06-02 01:00")) // LA 06-01 18:00
	h.clock.Set(utc("2025-06-02 01:01"))
	h.svc.Subscribe(Request{GuildID: "g1", ChannelID: "c1", Time: "18:00", Zone: "UTC"})
	for now := utc("2025-06-02 01:05"); now.Before(utc("2025-06-04 19:00")); now = now.Add(10 * time.Minute) {
		h.tick(now)
	}
	all := ""
	for _, p := range h.discord.channel("c1") {
		all += titles(p.message)
	}
	if n := strings.Count(all, "Bridge"); n != 1 {
		t.Errorf("posts %v; want Bridge once", postsAt(h, "c1"))
	}
}

// TestClockSteppedBack: a run begun while the clock was days ahead does
// not hold up the real days once the clock is set right.
func TestClockSteppedBack(t *testing.T) {
	h := newHarness(t, threeArticles(), utc("2025-06-01 07:00"), func(c *Config) { c.PostEmpty = true })
	h.subscribe("c1", "09:00", "UTC", "")
	h.clock.Set(utc("2025-06-01 08:00"))
	h.observe("bridge")
	h.discord.before = func(string) error { return &NotPostedError{Err: errors.New("503")} }
	h.tick(utc("2025-06-05 09:00")) // clock 4 days ahead
	h.discord.before = nil
	// NTP steps back to the real time.
	for now := utc("2025-06-01 09:00"); now.Before(utc("2025-06-03 10:00")); now = now.Add(10 * time.Minute) {
		h.tick(now)
	}
	if n := len(h.discord.channel("c1")); n != 3 {
		t.Errorf("posts %v; want the digests of 1, 2 and 3 June", postsAt(h, "c1"))
	}
}
