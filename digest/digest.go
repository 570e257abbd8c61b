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
	// It returns an error wrapping ErrNoAccess when the channel is gone
	// or the bot may not post there.
	Post(ctx context.Context, channelID string, m Message, nonce string) (string, error)
}

// ErrNoAccess is wrapped by Poster errors that retrying cannot fix: the
// channel was deleted, or the bot lost access to it.
var ErrNoAccess = errors.New("no access to the channel")

// InputError is a problem with what a user asked for, in words for them.
type InputError struct {
	// Field is the option at fault: "time", "timezone", "channel".
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
	doneDay  map[string]Day       // the latest day each subscription is done with
	retryAt  map[string]time.Time // after a failed attempt
	attempts map[string]int
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
		doneDay:  map[string]Day{},
		retryAt:  map[string]time.Time{},
		attempts: map[string]int{},
	}
}

// Observe records when articles entered the corpus: now, for those not
// seen before. Call it after every sync of the index.
func (s *Service) Observe(articles []search.ArticleInfo) error {
	m := make(map[string]time.Time, len(articles))
	for _, a := range articles {
		m[a.ID] = a.Modified
	}
	n, err := s.store.observe(m, s.now())
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
// with its next run. Bad input gives an *InputError. Replacing keeps the
// channel's place: articles already sent are not sent again.
func (s *Service) Subscribe(req Request) (Subscription, time.Time, error) {
	if req.GuildID == "" || req.ChannelID == "" {
		return Subscription{}, time.Time{}, &InputError{"channel", "Digests are for server channels: run this in a server."}
	}
	timeText := strings.TrimSpace(req.Time)
	if timeText == "" {
		timeText = s.cfg.DefaultTime
	}
	at, err := ParseTimeOfDay(timeText)
	if err != nil {
		return Subscription{}, time.Time{}, &InputError{"time", err.Error()}
	}
	zoneText := strings.TrimSpace(req.Zone)
	if zoneText == "" {
		zoneText = s.cfg.DefaultZone
	}
	zone, loc, err := ParseZone(zoneText)
	if err != nil {
		return Subscription{}, time.Time{}, &InputError{"timezone", err.Error()}
	}
	now := s.now()
	sub := Subscription{
		GuildID: req.GuildID, ChannelID: req.ChannelID, ChannelName: req.ChannelName,
		Time: at, Zone: zone, Topic: strings.TrimSpace(req.Topic), By: req.By,
		Created: now, Since: now.Add(-24 * time.Hour),
	}
	old, existed, err := s.store.subscription(req.GuildID, req.ChannelID)
	if err != nil {
		return Subscription{}, time.Time{}, err
	}
	if existed {
		sub.Since = old.Since
	}
	if err := s.store.put(sub); err != nil {
		return Subscription{}, time.Time{}, fmt.Errorf("save subscription: %w", err)
	}
	s.mu.Lock()
	delete(s.retryAt, sub.key())
	delete(s.attempts, sub.key())
	delete(s.doneDay, sub.key())
	s.mu.Unlock()
	s.poke()
	next, _ := Next(at, loc, now)
	s.log.Info("digest subscribed", "guild", sub.GuildID, "channel", sub.ChannelID, "time", at.String(), "zone", zone, "topic", sub.Topic, "next", next)
	return sub, next, nil
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
	// LastDay and LastState describe the latest digest ("" when none
	// yet): sent, empty, skipped, failed or sending.
	LastDay   Day
	LastState string
}

// List returns the subscriptions of a guild with their next runs.
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
			st.Next, _ = Next(sub.Time, loc, now)
		}
		if r, ok, err := s.store.lastRun(sub); err == nil && ok {
			st.LastDay, st.LastState = r.Day, r.State
		}
		out = append(out, st)
	}
	return out, nil
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

// Preview returns exactly what the channel's digest would post now (for
// a channel without one, a digest of the last 24 h in UTC), and the
// digest it shows. Nothing new gives a line that says so, even when the
// digest itself would post nothing.
func (s *Service) Preview(ctx context.Context, guildID, channelID string) ([]Message, *Digest, error) {
	now := s.now()
	since, topic, loc := now.Add(-24*time.Hour), "", time.UTC
	if sub, ok, err := s.store.subscription(guildID, channelID); err != nil {
		return nil, nil, err
	} else if ok {
		since, topic = sub.Since, sub.Topic
		if l, err := sub.Location(); err == nil {
			loc = l
		}
	}
	d, err := s.Compose(ctx, since, now, topic)
	if err != nil {
		return nil, nil, err
	}
	return render(d, loc, true), d, nil
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
		if !due.After(sub.Created) {
			continue // the subscription's first digest is still to come
		}
		key := sub.key()
		s.mu.Lock()
		busy := s.inflight[key] || s.doneDay[key] == day
		retry, waiting := s.retryAt[key]
		if waiting && now.Before(retry) {
			busy = true
			if retry.Before(next) {
				next = retry
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
// accepted part is recorded after Discord accepts it, and the run is
// marked sent when all are out. A crash anywhere resumes from the record
// with the same nonces.
func (s *Service) deliver(ctx context.Context, sub Subscription, loc *time.Location, due time.Time, day Day) {
	now := s.now()
	key := sub.key()
	log := s.log.With("guild", sub.GuildID, "channel", sub.ChannelID, "day", string(day))
	// Most ticks find the day done: look before taking a write lock.
	if r, ok, err := s.store.run(sub, day); err == nil && ok && r.done() {
		s.markDone(key, day)
		return
	}
	wrote := false
	sub, r, err := s.store.updateRun(sub, day, func(cur *Subscription, r *run, found bool) (bool, error) {
		if found {
			return false, nil
		}
		wrote = true
		if late := now.Sub(due); late > s.cfg.CatchUp {
			*r = run{Day: day, Due: due, State: runSkipped, Since: cur.Since, Updated: now,
				Note: fmt.Sprintf("found %s late, more than digest.catch_up (%s)", late.Round(time.Minute), s.cfg.CatchUp)}
			return true, nil
		}
		*r = run{Day: day, Due: due, State: runSending, Since: cur.Since, Through: now, Updated: now}
		return true, nil
	})
	switch {
	case errors.Is(err, errGone):
		return
	case err != nil:
		log.Error("record digest", "err", err)
		return
	case r.State == runSkipped && wrote:
		s.markDone(key, day)
		log.Warn("missed digest skipped: too late to post; its articles go into the next digest", "due", due, "note", r.Note)
		return
	case r.done():
		s.markDone(key, day)
		return
	}
	if late := now.Sub(due); late > s.cfg.CatchUp {
		s.finish(sub, day, runFailed, fmt.Sprintf("not finished within digest.catch_up (%s)", s.cfg.CatchUp), false)
		log.Error("digest given up: it could not be posted within the catch-up window; its articles go into the next digest", "due", due, "parts_posted", len(r.Posted))
		return
	}
	if s.cfg.Poster == nil {
		return
	}
	d, err := s.Compose(ctx, r.Since, r.Through, sub.Topic)
	if err != nil {
		log.Error("compose digest", "err", err)
		s.retryLater(key, now)
		return
	}
	msgs := render(d, loc, s.cfg.PostEmpty)
	if len(msgs) == 0 {
		s.finish(sub, day, runEmpty, "", true)
		log.Info("digest: nothing new", "since", r.Since)
		return
	}
	for i := len(r.Posted); i < len(msgs); i++ {
		pctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
		id, err := s.cfg.Poster.Post(pctx, sub.ChannelID, msgs[i], nonce(sub, day, i))
		cancel()
		if errors.Is(err, ErrNoAccess) {
			reason := "Dossier cannot post in this channel (" + err.Error() + "); run /digest subscribe again once it can"
			s.pause(sub, reason)
			s.finish(sub, day, runFailed, reason, false)
			log.Warn("digest paused: the channel is gone or the bot may not post there", "err", err)
			return
		}
		if err != nil {
			n := s.retryLater(key, now)
			log.Warn("digest not posted; will retry", "part", i+1, "of", len(msgs), "attempt", n, "err", err)
			return
		}
		if _, _, err := s.store.updateRun(sub, day, func(_ *Subscription, r *run, found bool) (bool, error) {
			r.Posted = append(r.Posted, id)
			r.Updated = s.now()
			return found, nil
		}); err != nil {
			log.Error("record posted digest part", "err", err)
			return
		}
	}
	s.finish(sub, day, runSent, "", true)
	s.mu.Lock()
	delete(s.retryAt, key)
	delete(s.attempts, key)
	s.mu.Unlock()
	log.Info("digest posted", "articles", len(d.Items), "messages", len(msgs))
}

// markDone remembers that a subscription is done with day.
func (s *Service) markDone(key string, day Day) {
	s.mu.Lock()
	s.doneDay[key] = day
	s.mu.Unlock()
}

// finish marks a run done; advance moves the subscription's window on to
// the end of the run's.
func (s *Service) finish(sub Subscription, day Day, state, note string, advance bool) {
	_, _, err := s.store.updateRun(sub, day, func(cur *Subscription, r *run, found bool) (bool, error) {
		if !found {
			return false, nil
		}
		r.State, r.Note, r.Updated = state, note, s.now()
		if advance && r.Through.After(cur.Since) {
			cur.Since = r.Through
		}
		return true, nil
	})
	if err != nil && !errors.Is(err, errGone) {
		s.log.Error("record digest", "channel", sub.ChannelID, "day", string(day), "err", err)
		return
	}
	s.markDone(sub.key(), day)
}

// pause stops a subscription's digests, saying why.
func (s *Service) pause(sub Subscription, reason string) {
	cur, ok, err := s.store.subscription(sub.GuildID, sub.ChannelID)
	if err != nil || !ok {
		return
	}
	cur.Paused, cur.PausedAt = reason, s.now()
	if err := s.store.put(cur); err != nil {
		s.log.Error("pause digest", "channel", sub.ChannelID, "err", err)
	}
}

// retryLater backs off after a failed attempt: 1, 2, 4 ... up to 30
// minutes. It returns the number of attempts so far.
func (s *Service) retryLater(key string, now time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts[key]++
	n := s.attempts[key]
	wait := min(time.Minute<<min(n-1, 5), 30*time.Minute)
	s.retryAt[key] = now.Add(wait)
	return n
}
