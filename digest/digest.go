package digest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/dossier-bot/dossier/search"
)

// Poster posts a digest message to a channel. The digest package talks
// to Discord only through it.
type Poster interface {
	// Post creates m in the channel with nonce, asking Discord to enforce
	// it (so a retried create with the same nonce returns the first
	// message instead of posting twice), and returns the message's ID.
	// Its errors say what is known of the outcome: they wrap
	// ErrChannelGone, ErrNoAccess, or a *NotPostedError when Discord
	// certainly did not create the message; any other error leaves the
	// outcome unknown.
	Post(ctx context.Context, channelID string, m Message, nonce string) (string, error)
}

// Finder is implemented by a Poster that can look for a message already
// in a channel (in its latest messages). When a post's outcome stayed
// unknown for longer than Discord remembers nonces, the scheduler asks
// before posting again; without a Finder it gives that digest up rather
// than risk posting it twice.
type Finder interface {
	Find(ctx context.Context, channelID string, m Message) (id string, found bool, err error)
}

var (
	// ErrNoAccess is wrapped by Poster errors that retrying cannot fix:
	// the bot may not see or post in the channel. The subscription is
	// paused.
	ErrNoAccess = errors.New("no access to the channel")
	// ErrChannelGone is wrapped by Poster errors for a deleted channel.
	// The subscription is paused, and removed a week later.
	ErrChannelGone = errors.New("the channel was deleted")
	// ErrRejected is wrapped by Poster errors for a message Discord
	// refused as malformed: the same message would be refused again.
	// That day's digest is given up.
	ErrRejected = errors.New("Discord refused the message")
)

// NotPostedError is an error after which Discord certainly did not create
// the message (it refused the request, or the request never reached it),
// so a retry cannot post twice.
type NotPostedError struct {
	// RetryAfter, when set, is how long Discord asked to wait.
	RetryAfter time.Duration
	Err        error
}

func (e *NotPostedError) Error() string { return "not posted: " + e.Err.Error() }
func (e *NotPostedError) Unwrap() error { return e.Err }

// nonceMemory is how long Discord is trusted to remember a nonce: it
// says "a few minutes".
const nonceMemory = 4 * time.Minute

// InputError is a problem with what a user asked for, in words for them.
type InputError struct {
	// Field is the option at fault: "time", "timezone", "topic",
	// "channel".
	Field   string
	Message string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Message }

// UserMessage is the text to show the user.
func (e *InputError) UserMessage() string { return e.Message }

// Config configures a Service.
type Config struct {
	Store  *Store
	Corpus Corpus
	// Source names the corpus (its folder, or the built-in seeds): when
	// it changes, articles are dated by their files, not announced as new.
	Source string
	// Poster posts digests; nil for a Service that only composes them.
	Poster Poster
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// CatchUp is how late a missed digest may still be posted (default
	// 6 h); older misses are skipped and logged.
	CatchUp time.Duration
	// PostEmpty posts a short line when nothing is new, instead of
	// nothing.
	PostEmpty bool
	// DefaultTime and DefaultZone are used when a subscription does not
	// give its own (default 09:00 UTC).
	DefaultTime string
	DefaultZone string
	// Poll is how often Run looks at the clock at the least (default
	// 30 s); it also wakes up exactly when a digest is due.
	Poll time.Duration
	// Workers is how many channels are posted to at once (default 4), so
	// that a slow channel does not hold up the others.
	Workers int
	// Timeout bounds one attempt at posting a digest (default 1 min).
	Timeout time.Duration
}

// Service schedules, composes and posts the digests. It is safe for
// concurrent use.
type Service struct {
	cfg   Config
	store *Store
	log   *slog.Logger
	now   func() time.Time

	wake chan struct{}
	sem  chan struct{}
	wg   sync.WaitGroup

	mu       sync.Mutex
	inflight map[string]bool      // subscriptions being posted
	doneDay  map[string]string    // the latest run each subscription is done with (doneMark)
	wakeAt   map[string]time.Time // when a waiting retry is due
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.CatchUp <= 0 {
		cfg.CatchUp = 6 * time.Hour
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 30 * time.Second
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	if cfg.DefaultTime == "" {
		cfg.DefaultTime = "09:00"
	}
	if cfg.DefaultZone == "" {
		cfg.DefaultZone = "UTC"
	}
	return &Service{
		cfg: cfg, store: cfg.Store, log: cfg.Logger, now: cfg.Now,
		wake:     make(chan struct{}, 1),
		sem:      make(chan struct{}, cfg.Workers),
		inflight: map[string]bool{},
		doneDay:  map[string]string{},
		wakeAt:   map[string]time.Time{},
	}
}

// Observe records when articles entered the corpus: now, for those not
// seen before. Call it after every sync of the index.
func (s *Service) Observe(articles []search.ArticleInfo) error {
	seen := make([]seenArticle, len(articles))
	for i, a := range articles {
		seen[i] = seenArticle{ID: a.ID, Hash: a.Hash, Title: a.Title, Modified: a.Modified}
	}
	n, err := s.store.observe(seen, s.cfg.Source, s.now)
	if err != nil {
		return fmt.Errorf("record new articles: %w", err)
	}
	if n > 0 {
		s.log.Debug("articles entered the corpus", "new", n)
	}
	return nil
}

// Request asks for a subscription. Time and Zone are as the user typed
// them; empty means the configured defaults.
type Request struct {
	GuildID, ChannelID, ChannelName string
	Time, Zone, Topic               string
	By                              string
}

// Subscribe creates or replaces the digest of a channel and returns it
// with its next run, and whether it replaced one. Bad input gives an
// *InputError. Replacing keeps the channel's place: articles already
// sent are not sent again, and a day already done is not done twice.
func (s *Service) Subscribe(req Request) (Subscription, time.Time, bool, error) {
	if req.GuildID == "" || req.ChannelID == "" {
		return Subscription{}, time.Time{}, false, &InputError{"channel", "Digests are for server channels: run this in a server."}
	}
	timeText := strings.TrimSpace(req.Time)
	if timeText == "" {
		timeText = s.cfg.DefaultTime
	}
	at, err := ParseTimeOfDay(timeText)
	if err != nil {
		return Subscription{}, time.Time{}, false, &InputError{"time", err.Error()}
	}
	zoneText := strings.TrimSpace(req.Zone)
	if zoneText == "" {
		zoneText = s.cfg.DefaultZone
	}
	zone, loc, err := ParseZone(zoneText)
	if err != nil {
		return Subscription{}, time.Time{}, false, &InputError{"timezone", err.Error()}
	}
	topic := strings.Join(strings.Fields(req.Topic), " ")
	if topic != "" && len(search.Terms(topic)) == 0 {
		return Subscription{}, time.Time{}, false, &InputError{"topic", fmt.Sprintf("%q has no word to match articles by; give a subject, such as Iran or elections, or leave the topic out", topic)}
	}
	now := s.now()
	first, _ := Next(at, loc, now)
	sub, replaced, err := s.store.upsert(Subscription{
		GuildID: req.GuildID, ChannelID: req.ChannelID, ChannelName: req.ChannelName,
		Time: at, Zone: zone, Topic: topic, By: req.By, Created: now,
	}, first)
	if err != nil {
		return Subscription{}, time.Time{}, false, fmt.Errorf("save subscription: %w", err)
	}
	s.mu.Lock()
	delete(s.doneDay, sub.key())
	delete(s.wakeAt, sub.key())
	s.mu.Unlock()
	s.poke()
	next := s.nextRun(sub, loc, now)
	s.log.Info("digest subscribed", "guild", sub.GuildID, "channel", sub.ChannelID, "time", at.String(), "zone", zone, "topic", sub.Topic, "next", next, "replaced", replaced)
	return sub, next, replaced, nil
}

// nextRun is when a subscription's next digest is due: the next run
// whose day is not done already.
func (s *Service) nextRun(sub Subscription, loc *time.Location, now time.Time) time.Time {
	next, day := Next(sub.Time, loc, now)
	if r, ok, err := s.store.run(sub, day); err == nil && ok && r.forDay(sub, loc, day) {
		next, _ = Next(sub.Time, loc, next)
	}
	return next
}

// Unsubscribe removes a channel's digest and reports whether it had one.
func (s *Service) Unsubscribe(guildID, channelID string) (bool, error) {
	ok, err := s.store.remove(guildID, channelID)
	if err != nil {
		return false, fmt.Errorf("remove subscription: %w", err)
	}
	if ok {
		s.log.Info("digest unsubscribed", "guild", guildID, "channel", channelID)
	}
	return ok, nil
}

// Status is a subscription as /digest list shows it.
type Status struct {
	Subscription
	// Next is when the next digest is due (zero when paused).
	Next time.Time
	// Last describes the latest digest in words ("" when none yet):
	// "posted 2025-06-01", "nothing new on 2025-06-01", "retrying", ...
	Last string
}

// List returns the subscriptions of a guild ("" for all) with their next
// runs.
func (s *Service) List(guildID string) ([]Status, error) {
	subs, err := s.store.subscriptions(guildID)
	if err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	now := s.now()
	out := make([]Status, 0, len(subs))
	for _, sub := range subs {
		st := Status{Subscription: sub}
		if loc, err := sub.Location(); err == nil && sub.Paused == "" {
			st.Next = s.nextRun(sub, loc, now)
		}
		if r, ok, err := s.store.lastRun(sub); err == nil && ok {
			st.Last = describe(r)
		}
		out = append(out, st)
	}
	return out, nil
}

// describe says what became of a run.
func describe(r run) string {
	switch r.State {
	case runSent:
		return "posted on " + string(r.Day)
	case runEmpty:
		return "nothing new on " + string(r.Day)
	case runSkipped:
		return "skipped on " + string(r.Day) + ": " + r.Note
	case runFailed:
		return "not posted on " + string(r.Day) + ": " + r.Note
	case runSending:
		if r.Attempts > 0 {
			return fmt.Sprintf("posting the digest of %s: %d failed %s, retrying", r.Day, r.Attempts, plural(r.Attempts, "attempt", "attempts"))
		}
		return "posting the digest of " + string(r.Day)
	}
	return r.State
}

// Compose builds the digest of the articles that entered the corpus in
// (since, through] and match topic (all when "").
func (s *Service) Compose(ctx context.Context, since, through time.Time, topic string) (*Digest, error) {
	seen, err := s.store.firstSeen()
	if err != nil {
		return nil, err
	}
	return compose(ctx, s.cfg.Corpus, seen, since, through, topic)
}

// Preview is what a channel's digest would post now.
type Preview struct {
	// Messages are the messages, in order; none when nothing is new and
	// such a day posts nothing (Config.PostEmpty).
	Messages []Message
	Digest   *Digest
	// Since is where the digest's window starts.
	Since time.Time
	// Subscribed reports whether the channel has a digest; without one,
	// the preview covers the last 24 hours in UTC.
	Subscribed bool
	// Paused says why the channel's digest is paused, if it is.
	Paused string
}

// Preview composes what the channel's digest would post now.
func (s *Service) Preview(ctx context.Context, guildID, channelID string) (*Preview, error) {
	now := s.now()
	since, topic, loc := now.Add(-24*time.Hour), "", time.UTC
	sub, ok, err := s.store.subscription(guildID, channelID)
	if err != nil {
		return nil, err
	}
	p := &Preview{Subscribed: ok}
	if ok {
		since, topic, p.Paused = sub.Since, sub.Topic, sub.Paused
		if l, err := sub.Location(); err == nil {
			loc = l
		}
	}
	if p.Digest, err = s.Compose(ctx, since, now, topic); err != nil {
		return nil, err
	}
	p.Since = since
	p.Messages = render(p.Digest, loc, s.cfg.PostEmpty)
	return p, nil
}

// Render returns the messages that post d, in loc's times; nil when d is
// empty, unless postEmpty.
func Render(d *Digest, loc *time.Location, postEmpty bool) []Message {
	return render(d, loc, postEmpty)
}

// poke wakes Run to look at the schedule again.
func (s *Service) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run posts the digests when they are due until ctx is done, then waits
// for posts in flight. At start it posts a missed digest that is less
// than CatchUp late, once.
func (s *Service) Run(ctx context.Context) error {
	defer s.Wait()
	for {
		next := s.Tick(ctx)
		wait := min(max(next.Sub(s.now()), 0), s.cfg.Poll)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-s.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// Wait waits for the digests being posted.
func (s *Service) Wait() { s.wg.Wait() }

// Tick starts posting every digest that is due and returns when the next
// one will be. Posts run in the background (see Wait), a few channels at
// a time.
func (s *Service) Tick(ctx context.Context) time.Time {
	now := s.now()
	next := now.Add(s.cfg.Poll)
	subs, err := s.store.subscriptions("")
	if err != nil {
		s.log.Error("read digest subscriptions", "err", err)
		return next
	}
	for _, sub := range subs {
		if sub.Paused != "" {
			if sub.ChannelGone && now.Sub(sub.PausedAt) > goneKeep {
				if _, err := s.store.remove(sub.GuildID, sub.ChannelID); err != nil {
					s.log.Error("remove digest of a deleted channel", "channel", sub.ChannelID, "err", err)
				} else {
					s.log.Info("digest of a deleted channel removed", "guild", sub.GuildID, "channel", sub.ChannelID, "paused_at", sub.PausedAt)
				}
			}
			continue
		}
		loc, err := sub.Location()
		if err != nil {
			s.log.Error("digest subscription has a bad time zone", "channel", sub.ChannelID, "zone", sub.Zone, "err", err)
			continue
		}
		if n, _ := Next(sub.Time, loc, now); n.Before(next) {
			next = n
		}
		due, day := Latest(sub.Time, loc, now)
		zone := sub.Zone
		if pending, ok := s.pendingRun(sub); ok {
			// A run still under way (retrying) is finished first, as it
			// began, whatever the schedule now says (the time or zone may
			// have moved under it), so its articles go out once.
			due, day = pending.Due, pending.Day
			if pending.Zone != "" {
				zone = pending.Zone
			}
		} else if !sub.owes(due) {
			continue
		}
		key := sub.key()
		s.mu.Lock()
		busy := s.inflight[key] || s.doneDay[key] == doneMark(zone, day)
		if w, ok := s.wakeAt[key]; ok && now.Before(w) && w.Sub(now) <= maxRetryWait {
			busy = true
			if w.Before(next) {
				next = w
			}
		}
		if !busy {
			s.inflight[key] = true
		}
		s.mu.Unlock()
		if busy {
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.inflight, key)
				s.mu.Unlock()
			}()
			select {
			case s.sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-s.sem }()
			s.deliver(ctx, sub, loc, due, day)
		}()
	}
	return next
}

// nonce is the digest part's nonce: the same for every attempt at the
// same part of the same day's digest of the same subscription, so that
// Discord turns a retried create into the first one. Discord allows 25
// characters.
func nonce(sub Subscription, day Day, part int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/%s/%d", sub.key(), day, part))
	return hex.EncodeToString(sum[:12])
}

// deliver posts one subscription's digest for day, due at due, exactly
// once: the run is recorded as being sent before the first post, each
// attempt at a part is recorded before it is made and its outcome after,
// and the run is marked sent when all parts are out. A crash anywhere
// resumes from the record with the same nonces; an attempt whose outcome
// is unknown (it failed in an unknown way, or the process stopped during
// it) is retried while Discord still remembers its nonce, and after that
// only once the channel shows the message is not there.
func (s *Service) deliver(ctx context.Context, sub Subscription, loc *time.Location, due time.Time, day Day) {
	now := s.now()
	key := sub.key()
	log := s.log.With("guild", sub.GuildID, "channel", sub.ChannelID, "day", string(day))
	// Most ticks find the day done, or a retry not yet due: look before
	// taking a write lock.
	if r, ok, err := s.store.run(sub, day); err == nil && ok && r.forDay(sub, loc, day) {
		if r.done() {
			s.markDone(key, r.zone(sub), day)
			return
		}
		if !retryDue(r, now) {
			s.wakeUp(key, r.NextAttempt)
			return
		}
	}
	created, stale := false, false
	sub, r, err := s.store.beginRun(sub, day, now, func(cur *Subscription, r *run, found bool, through time.Time) bool {
		if found && (r.forDay(*cur, loc, day) || !r.done()) {
			return false // the day's run, or one under way: carry on with it
		}
		if cur.Time != sub.Time || cur.Zone != sub.Zone || !cur.owes(due) {
			// The subscription changed since this delivery was started
			// (it waited for a worker): the new schedule decides.
			stale = true
			return false
		}
		created = true
		if late := now.Sub(due); late > s.cfg.CatchUp {
			*r = run{Day: day, Due: due, State: runSkipped, Since: cur.Since, Zone: cur.Zone, Updated: now,
				Note: fmt.Sprintf("the bot was down at %s and came back %s late, beyond digest.catch_up (%s)", due.In(loc).Format("15:04 MST"), roundLate(late), s.cfg.CatchUp)}
			return true
		}
		// The first post follows at once: record its attempt now.
		*r = run{Day: day, Due: due, State: runSending, Since: cur.Since, Through: through, Zone: cur.Zone, Topic: cur.Topic, Attempting: now, Updated: now}
		return true
	})
	switch {
	case errors.Is(err, errGone) || stale:
		return
	case err != nil:
		log.Error("record digest", "err", err)
		return
	}
	if !created && !r.done() && r.Due.After(now) {
		// Recorded while the clock was ahead; it has stepped back.
		s.finish(sub, day, runFailed, "the clock stepped back from "+r.Due.Format(time.RFC3339), len(r.Posted) > 0 || !r.Uncertain.IsZero())
		log.Warn("digest given up: it was begun while the clock was ahead", "due", r.Due)
		return
	}
	if created {
		if missed := s.missedBefore(sub, loc, due); len(missed) > 0 {
			log.Warn("earlier digests were missed while the bot was down and are not posted; their articles are in this one",
				"missed", len(missed), "first", string(missed[len(missed)-1]), "last", string(missed[0]))
		}
	}
	switch {
	case r.State == runSkipped && created:
		s.markDone(key, r.zone(sub), day)
		log.Warn("missed digest skipped: too late to post; its articles go into the next digest", "due", due, "note", r.Note)
		return
	case r.done():
		s.markDone(key, r.zone(sub), day)
		return
	case !retryDue(r, now):
		s.wakeUp(key, r.NextAttempt)
		return
	}
	if !created && !r.Attempting.IsZero() {
		// The process stopped during an attempt: whether Discord created
		// the message is unknown.
		if r, err = s.interrupted(sub, day); err != nil {
			log.Error("record interrupted digest attempt", "err", err)
			return
		}
		log.Warn("digest post was interrupted by a stop; its outcome is unknown, so the channel is checked before posting again")
	}
	if s.cfg.Poster == nil {
		return
	}
	topic := sub.Topic
	if r.Zone != "" {
		topic = r.Topic // recorded with the run (since runs record their zone)
	}
	d, err := s.Compose(ctx, r.Since, r.Through, topic)
	if err != nil && now.Sub(due) > s.cfg.CatchUp {
		s.finish(sub, day, runFailed, "it could not be composed ("+err.Error()+")", len(r.Posted) > 0 || !r.Uncertain.IsZero())
		log.Error("digest given up: it could not be composed within the catch-up window; its articles go into the next digest", "err", err)
		return
	}
	if err != nil {
		log.Error("compose digest", "err", err)
		s.attemptFailed(sub, day, now, time.Minute, false)
		return
	}
	// Rendered in the zone the run began in: every attempt at a part
	// reads the same, so the channel can be searched for it.
	rloc := loc
	if r.Zone != "" && r.Zone != sub.Zone {
		if l, err := LoadZone(r.Zone); err == nil {
			rloc = l
		}
	}
	msgs := render(d, rloc, s.cfg.PostEmpty)
	if r.Plain {
		msgs = withoutLinks(msgs)
	}
	if len(msgs) == 0 {
		s.finish(sub, day, runEmpty, "", true)
		log.Info("digest: nothing new", "since", r.Since)
		return
	}
	late := now.Sub(due) > s.cfg.CatchUp
	recorded := created // the attempt at the next part is on record
	for i := len(r.Posted); i < len(msgs); i++ {
		if !r.Uncertain.IsZero() && (late || now.Sub(r.Uncertain) > nonceMemory) {
			// Discord may have forgotten the nonce: look before posting.
			id, found, err := s.find(ctx, sub.ChannelID, msgs[i])
			if err != nil {
				// It was probably posted (most such failures are a lost
				// reply): its articles are not held back, so as not to
				// announce them twice either.
				note := "Discord did not confirm it, and the bot could not check the channel (" + err.Error() + "); not posted again, to avoid posting it twice"
				s.finish(sub, day, runFailed, note, true)
				log.Error("digest given up: unknown whether it was posted, and the channel could not be checked", "part", i+1, "err", err)
				return
			}
			if found {
				if r, err = s.partPosted(sub, day, id, false); err != nil {
					s.recordErr(log, err)
					return
				}
				recorded = false
				continue
			}
		}
		if late {
			// Parts already out keep their articles out of the next
			// digest; with none out, all go into it.
			s.finish(sub, day, runFailed, fmt.Sprintf("it could not be posted within digest.catch_up (%s)", s.cfg.CatchUp), len(r.Posted) > 0)
			log.Error("digest given up: it could not be posted within the catch-up window", "due", due, "parts_posted", len(r.Posted), "parts", len(msgs))
			return
		}
		if !recorded {
			if err := s.attempting(sub, day); err != nil {
				log.Error("record digest attempt", "err", err)
				return
			}
		}
		pctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
		id, err := s.cfg.Poster.Post(pctx, sub.ChannelID, msgs[i], nonce(sub, day, i))
		cancel()
		var np *NotPostedError
		switch {
		case errors.Is(err, ErrChannelGone):
			s.channelGone(sub, err)
			s.finish(sub, day, runFailed, "the channel was deleted", false)
			return
		case errors.Is(err, ErrNoAccess):
			reason := "Dossier may not post in this channel; give it View Channel, Send Messages and Embed Links there, then run /digest subscribe again"
			if _, err := s.store.pause(sub, reason, s.now(), false); err != nil {
				log.Error("pause digest", "err", err)
			}
			s.finish(sub, day, runFailed, "the bot may not post in the channel", len(r.Posted) > 0)
			log.Warn("digest paused: the bot may not post in the channel", "err", err)
			return
		case errors.Is(err, ErrRejected) && !r.Plain:
			// Most likely a link Discord would not take: try again at
			// once without the headlines' links (the same parts, as
			// links do not count towards Discord's limits).
			if r, err = s.plain(sub, day); err != nil {
				log.Error("record digest attempt", "err", err)
				return
			}
			log.Warn("Discord refused the digest; posting it without links", "part", i+1, "of", len(msgs))
			msgs = withoutLinks(msgs)
			i--
			recorded = false
			continue
		case errors.Is(err, ErrRejected):
			// The same message would be refused again: retrying cannot
			// help, and holding its articles back would block every
			// later digest too.
			s.finish(sub, day, runFailed, "Discord refused the message ("+err.Error()+")", true)
			log.Error("digest given up: Discord refused the message; its articles are not posted", "part", i+1, "of", len(msgs), "err", err)
			return
		case errors.As(err, &np):
			n := s.attemptFailed(sub, day, now, np.RetryAfter, false)
			log.Warn("digest not posted; will retry", "part", i+1, "of", len(msgs), "attempt", n, "err", err)
			return
		case err != nil:
			n := s.attemptFailed(sub, day, now, 0, true)
			log.Warn("digest post unconfirmed; will retry with the same nonce", "part", i+1, "of", len(msgs), "attempt", n, "err", err)
			return
		}
		more := i+1 < len(msgs)
		if r, err = s.partPosted(sub, day, id, more); err != nil {
			s.recordErr(log, err)
			return
		}
		recorded = more
	}
	s.finish(sub, day, runSent, "", true)
	log.Info("digest posted", "articles", len(d.Items), "messages", len(msgs))
}

// missedBefore returns the days before the run due at due, latest
// first, whose runs were due after the subscription began (or was last
// rescheduled) but were never recorded: the bot was down. It looks back
// a month at most.
func (s *Service) missedBefore(sub Subscription, loc *time.Location, due time.Time) []Day {
	var out []Day
	at := due
	for range 31 {
		prev, day := Latest(sub.Time, loc, at.Add(-time.Second))
		if prev.IsZero() || !sub.owes(prev) {
			break
		}
		if _, ok, err := s.store.run(sub, day); err != nil || ok {
			break
		}
		out = append(out, day)
		at = prev
	}
	return out
}

// channelGone pauses a subscription whose channel was deleted. It
// reports whether there was one.
func (s *Service) channelGone(sub Subscription, cause error) bool {
	now := s.now()
	reason := fmt.Sprintf("its channel was deleted; it leaves this list after %s", now.Add(goneKeep).UTC().Format(time.DateOnly))
	ok, err := s.store.pause(sub, reason, now, true)
	log := s.log.With("guild", sub.GuildID, "channel", sub.ChannelID)
	switch {
	case err != nil:
		log.Error("pause digest of a deleted channel", "err", err)
	case ok:
		log.Warn("digest paused: its channel was deleted", "cause", cause)
	}
	return ok
}

// ChannelDeleted pauses the digest of a channel Discord says was
// deleted, and reports whether it had one.
func (s *Service) ChannelDeleted(guildID, channelID string) bool {
	return s.channelGone(Subscription{GuildID: guildID, ChannelID: channelID}, errors.New("Discord reported the channel deleted"))
}

// GuildChannels takes a guild's channels as Discord lists them when the
// bot connects, and marks deleted the paused digests of channels not
// among them: a digest paused because the bot lost access never posts
// again, so it would not otherwise learn that its channel was deleted
// while the bot was away (and /digest unsubscribe cannot name it). An
// active digest learns it at its next post. It returns how many it
// marked.
func (s *Service) GuildChannels(guildID string, channelIDs []string) int {
	subs, err := s.store.subscriptions(guildID)
	if err != nil {
		s.log.Error("read digest subscriptions", "err", err)
		return 0
	}
	have := make(map[string]bool, len(channelIDs))
	for _, id := range channelIDs {
		have[id] = true
	}
	n := 0
	for _, sub := range subs {
		if sub.Paused != "" && !sub.ChannelGone && !have[sub.ChannelID] && s.channelGone(sub, errors.New("the channel is no longer in the server's channel list")) {
			n++
		}
	}
	return n
}

// goneKeep is how long the paused digest of a deleted channel stays
// listed: /digest unsubscribe cannot name a channel that no longer
// exists, so the bot removes it.
const goneKeep = 7 * 24 * time.Hour

// find asks the Poster whether a message is already in the channel.
// Every message of a digest reads differently from those of other days
// (render), so a match is this digest's.
func (s *Service) find(ctx context.Context, channelID string, m Message) (string, bool, error) {
	f, ok := s.cfg.Poster.(Finder)
	if !ok {
		return "", false, errors.New("it cannot read channels")
	}
	fctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	return f.Find(fctx, channelID, m)
}

// plain records that a run's messages go without links from now on.
func (s *Service) plain(sub Subscription, day Day) (run, error) {
	_, r, err := s.store.updateRun(sub, day, func(_ *Subscription, r *run, found bool) bool {
		r.Plain, r.Attempting, r.Updated = true, time.Time{}, s.now()
		return found
	})
	return r, err
}

// withoutLinks returns msgs without their embeds' links.
func withoutLinks(msgs []Message) []Message {
	out := make([]Message, len(msgs))
	for i, m := range msgs {
		m.Embeds = append([]Embed(nil), m.Embeds...)
		for j := range m.Embeds {
			m.Embeds[j].URL = ""
		}
		out[i] = m
	}
	return out
}

// partPosted records that Discord accepted the next part of a run and,
// when more follow, that the attempt at the next one begins.
func (s *Service) partPosted(sub Subscription, day Day, id string, more bool) (run, error) {
	_, r, err := s.store.updateRun(sub, day, func(_ *Subscription, r *run, found bool) bool {
		now := s.now()
		r.Posted = append(r.Posted, id)
		r.Attempts, r.NextAttempt, r.Uncertain, r.Attempting = 0, time.Time{}, time.Time{}, time.Time{}
		if more {
			r.Attempting = now
		}
		r.Updated = now
		return found
	})
	return r, err
}

// attempting records that an attempt at a run's current part begins.
func (s *Service) attempting(sub Subscription, day Day) error {
	_, _, err := s.store.updateRun(sub, day, func(_ *Subscription, r *run, found bool) bool {
		r.Attempting, r.Updated = s.now(), s.now()
		return found
	})
	return err
}

// interrupted records that the attempt on record never reported back:
// its outcome is unknown from when it began.
func (s *Service) interrupted(sub Subscription, day Day) (run, error) {
	_, r, err := s.store.updateRun(sub, day, func(_ *Subscription, r *run, found bool) bool {
		if !found || r.Attempting.IsZero() {
			return false
		}
		if r.Uncertain.IsZero() || r.Attempting.Before(r.Uncertain) {
			r.Uncertain = r.Attempting
		}
		r.Attempting, r.Updated = time.Time{}, s.now()
		return true
	})
	return r, err
}

// attemptFailed records a failed attempt at a run's current part and
// when to try again: after wait when Discord said how long, else backing
// off —
// quickly while an unknown outcome can still be settled by the nonce
// (15 s, 30 s, 1 min, 2 min), else 1, 2, 4 ... up to 30 min. It returns
// the number of failed attempts.
func (s *Service) attemptFailed(sub Subscription, day Day, now time.Time, wait time.Duration, uncertain bool) int {
	n := 0
	_, r, err := s.store.updateRun(sub, day, func(_ *Subscription, r *run, found bool) bool {
		if !found {
			return false
		}
		r.Attempts++
		n = r.Attempts
		backoff := min(time.Minute<<min(r.Attempts-1, 5), 30*time.Minute)
		began := r.Attempting
		if began.IsZero() {
			began = now
		}
		r.Attempting = time.Time{}
		if uncertain {
			if r.Uncertain.IsZero() {
				r.Uncertain = began
			}
			backoff = 15 * time.Second << min(r.Attempts-1, 4)
		}
		if wait > 0 && !uncertain {
			backoff = wait // Discord said when
		}
		r.NextAttempt = now.Add(backoff)
		r.Updated = now
		return true
	})
	if err != nil {
		s.log.Error("record failed digest attempt", "channel", sub.ChannelID, "day", string(day), "err", err)
		return n
	}
	s.wakeUp(sub.key(), r.NextAttempt)
	return n
}

// pendingRun returns the run sub is sending, if any.
func (s *Service) pendingRun(sub Subscription) (run, bool) {
	if sub.Pending == "" {
		return run{}, false
	}
	r, ok, err := s.store.run(sub, sub.Pending)
	if err != nil || !ok || r.done() {
		return run{}, false
	}
	return r, true
}

// maxRetryWait bounds the wait for a retry: a retry time further off
// comes from a clock that was ahead.
const maxRetryWait = 30 * time.Minute

// retryDue reports whether a run's retry is due at now.
func retryDue(r run, now time.Time) bool {
	return !r.NextAttempt.After(now) || r.NextAttempt.Sub(now) > maxRetryWait
}

// doneMark names a run in Service.doneDay: the same date in another zone
// is another run.
func doneMark(zone string, day Day) string { return zone + "|" + string(day) }

// markDone remembers that a subscription is done with its run of day in
// zone.
func (s *Service) markDone(key, zone string, day Day) {
	s.mu.Lock()
	s.doneDay[key] = doneMark(zone, day)
	delete(s.wakeAt, key)
	s.mu.Unlock()
}

// wakeUp remembers when a subscription's retry is due.
func (s *Service) wakeUp(key string, at time.Time) {
	if limit := s.now().Add(maxRetryWait); at.After(limit) {
		at = limit
	}
	s.mu.Lock()
	s.wakeAt[key] = at
	s.mu.Unlock()
}

// recordErr logs a failure to record a digest's progress; a run that
// was removed meanwhile (unsubscribed) just stops.
func (s *Service) recordErr(log *slog.Logger, err error) {
	if errors.Is(err, errGone) {
		log.Info("digest stopped: the subscription was removed or replaced while it was being posted")
		return
	}
	log.Error("record digest", "err", err)
}

// finish marks a run done; advance moves the subscription's window on to
// the end of the run's.
func (s *Service) finish(sub Subscription, day Day, state, note string, advance bool) {
	cur, r, err := s.store.updateRun(sub, day, func(cur *Subscription, r *run, found bool) bool {
		if !found {
			return false
		}
		r.State, r.Note, r.Updated = state, note, s.now()
		if advance && r.Through.After(cur.Since) {
			cur.Since = r.Through
		}
		return true
	})
	if err != nil {
		if !errors.Is(err, errGone) {
			s.log.Error("record digest", "channel", sub.ChannelID, "day", string(day), "err", err)
		}
		return
	}
	s.markDone(sub.key(), r.zone(cur), day)
}

// roundLate shows a delay in hours and minutes.
func roundLate(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}
