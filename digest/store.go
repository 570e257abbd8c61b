package digest

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The store keeps, in the bot's bbolt state file, the subscriptions, when
// each article entered the corpus, and the record of every digest run.
// Every change is one transaction, and bbolt syncs each commit to disk,
// so the record survives kill -9 and a power cut.

var (
	bucketSubs      = []byte("digest.subscriptions")
	bucketFirstSeen = []byte("digest.first_seen")
	bucketRuns      = []byte("digest.runs")
	// bucketEnded remembers, per channel, where the window of a removed
	// subscription ended, so that subscribing again does not repeat it.
	bucketEnded = []byte("digest.ended")
	bucketMeta  = []byte("digest.meta")
)

// Keys of bucketMeta.
var (
	// metaHighWater is the latest end of any digest's window. First-seen
	// times are kept above it, so an article noticed while a digest is
	// being composed, or after the clock stepped back, falls in the next
	// window instead of none.
	metaHighWater = []byte("high_water")
	// metaSource names the corpus the first-seen times are about.
	metaSource = []byte("source")
)

// Subscription is a channel's daily digest.
type Subscription struct {
	GuildID   string `json:"guild_id"`
	ChannelID string `json:"channel_id"`
	// ChannelName is the channel's name when it was subscribed, for lists.
	ChannelName string    `json:"channel_name,omitempty"`
	Time        TimeOfDay `json:"time"`
	// Zone is a name ParseZone returned.
	Zone  string `json:"zone"`
	Topic string `json:"topic,omitempty"`
	// By is who subscribed, for lists.
	By      string    `json:"by,omitempty"`
	Created time.Time `json:"created"`
	// Since is where the next digest's window starts: the end of the last
	// digest's window, or a day before the first digest.
	Since time.Time `json:"since"`
	// Paused says why posting stopped (the bot may not post in the
	// channel, or the channel was deleted); "" while active.
	Paused   string    `json:"paused,omitempty"`
	PausedAt time.Time `json:"paused_at,omitzero"`
	// ChannelGone says the channel was deleted: the paused subscription
	// is shown for a while (see goneKeep), then removed.
	ChannelGone bool `json:"channel_gone,omitempty"`
	// Rescheduled is when the time or zone last changed, or a paused
	// subscription was resumed: a run due before it is not caught up,
	// so a change never posts at once what the schedule says is next.
	Rescheduled time.Time `json:"rescheduled,omitzero"`
	// Pending is the day of the run being sent, if one is: it is
	// finished before any other, whatever the schedule says now.
	Pending Day `json:"pending,omitempty"`
}

// key is the subscription's key in the store: one per channel.
func (s Subscription) key() string { return subKey(s.GuildID, s.ChannelID) }

func subKey(guildID, channelID string) string { return guildID + "/" + channelID }

// owes reports whether a run due at due is the subscription's to post:
// due after it was made (its first digest is the next run after) and
// after its time or zone last changed (the new schedule decides).
func (s Subscription) owes(due time.Time) bool {
	return due.After(s.Created) && due.After(s.Rescheduled)
}

// Location returns the subscription's time zone.
func (s Subscription) Location() (*time.Location, error) { return LoadZone(s.Zone) }

// The states of a run.
const (
	runSending = "sending" // recorded before posting; parts may be out
	runSent    = "sent"    // every part posted
	runEmpty   = "empty"   // nothing new, nothing posted
	runSkipped = "skipped" // found more than the catch-up window late
	runFailed  = "failed"  // given up; its articles go into the next one
)

// run is the record of one subscription's digest for one day.
type run struct {
	Day     Day       `json:"day"`
	Due     time.Time `json:"due"`
	State   string    `json:"state"`
	Since   time.Time `json:"since"`
	Through time.Time `json:"through"`
	// Posted are the IDs of the parts Discord accepted, in order.
	Posted []string `json:"posted,omitempty"`
	// Attempts counts failed attempts at the current part; NextAttempt
	// is when to try again.
	Attempts    int       `json:"attempts,omitempty"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	// Uncertain is when an attempt at the current part began that ended
	// without knowing whether Discord created the message (zero when
	// none did).
	Uncertain time.Time `json:"uncertain,omitzero"`
	// Attempting is when the attempt at the current part in progress
	// began. It is cleared when the outcome is recorded, so finding it
	// set means the process stopped mid-post: the outcome is unknown.
	Attempting time.Time `json:"attempting,omitzero"`
	// Zone and Topic are the subscription's when the run was recorded:
	// every attempt at it reads the same.
	Zone  string `json:"zone,omitempty"`
	Topic string `json:"topic,omitempty"`
	// Plain says Discord refused the run's messages with their links:
	// they go without them.
	Plain   bool      `json:"plain,omitempty"`
	Updated time.Time `json:"updated"`
	Note    string    `json:"note,omitempty"`
}

func (r *run) done() bool { return r.State != runSending }

// zone is the zone the run was recorded in (sub's, for runs recorded
// before runs kept their zone).
func (r *run) zone(sub Subscription) string {
	if r.Zone != "" {
		return r.Zone
	}
	return sub.Zone
}

// forDay reports whether the run is sub's run for day in loc. A run
// recorded in another zone (the subscription moved) is for day only when
// its local date in the new zone is day; in the same zone it always is,
// even when day had no such time (a zone that skipped a date).
func (r *run) forDay(sub Subscription, loc *time.Location, day Day) bool {
	if r.Zone != "" && r.Zone == sub.Zone {
		return r.Day == day
	}
	return Day(r.Due.In(loc).Format(time.DateOnly)) == day
}

func runKey(sub Subscription, day Day) []byte { return []byte(sub.key() + "/" + string(day)) }

// Store is the digest state in a bbolt file. It is safe for concurrent
// use.
type Store struct{ db *bolt.DB }

// NewStore returns a Store in db, creating its buckets.
func NewStore(db *bolt.DB) (*Store, error) {
	err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketSubs, bucketFirstSeen, bucketRuns, bucketEnded, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("digest store: %w", err)
	}
	return &Store{db: db}, nil
}

func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	data := b.Get(key)
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("record %q: %w", key, err)
	}
	return true, nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func getTime(b *bolt.Bucket, key []byte) time.Time {
	var t time.Time
	if v := b.Get(key); v != nil {
		t.UnmarshalBinary(v)
	}
	return t
}

func putTime(b *bolt.Bucket, key []byte, t time.Time) error {
	v, err := t.UTC().MarshalBinary()
	if err != nil {
		return err
	}
	return b.Put(key, v)
}

// upsert saves a channel's subscription in one transaction. A channel
// that has one keeps its place (Created, Since: nothing is sent twice)
// and is resumed if paused; a new one starts its window a day before
// firstRun, or where the channel's last subscription ended if later.
func (s *Store) upsert(sub Subscription, firstRun time.Time) (Subscription, bool, error) {
	var existed bool
	err := s.db.Update(func(tx *bolt.Tx) error {
		subs := tx.Bucket(bucketSubs)
		var cur Subscription
		ok, err := getJSON(subs, []byte(sub.key()), &cur)
		if err != nil {
			return err
		}
		if existed = ok; ok {
			if cur.Time != sub.Time || cur.Zone != sub.Zone || cur.Paused != "" {
				cur.Rescheduled = sub.Created
			}
			cur.ChannelName, cur.Time, cur.Zone, cur.Topic, cur.By = sub.ChannelName, sub.Time, sub.Zone, sub.Topic, sub.By
			cur.Paused, cur.PausedAt, cur.ChannelGone = "", time.Time{}, false
			sub = cur
		} else {
			sub.Since = firstRun.Add(-24 * time.Hour)
			if ended := getTime(tx.Bucket(bucketEnded), []byte(sub.key())); ended.After(sub.Since) {
				sub.Since = ended
			}
		}
		return putJSON(subs, []byte(sub.key()), sub)
	})
	return sub, existed, err
}

// Source names the corpus the first-seen times are about ("" before the
// first observation).
func (s *Store) Source() (string, error) {
	var src string
	err := s.db.View(func(tx *bolt.Tx) error {
		src = string(tx.Bucket(bucketMeta).Get(metaSource))
		return nil
	})
	return src, err
}

// subscription returns a channel's subscription.
func (s *Store) subscription(guildID, channelID string) (Subscription, bool, error) {
	var sub Subscription
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		ok, err = getJSON(tx.Bucket(bucketSubs), []byte(subKey(guildID, channelID)), &sub)
		return err
	})
	return sub, ok, err
}

// remove deletes a channel's subscription and its runs, remembers where
// its window ended, and reports whether there was one.
func (s *Store) remove(guildID, channelID string) (bool, error) {
	key := subKey(guildID, channelID)
	var existed bool
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubs)
		var sub Subscription
		ok, err := getJSON(b, []byte(key), &sub)
		if err != nil || !ok {
			return err
		}
		existed = true
		// Where the window ended: past a run under way whose articles
		// may be in the channel already (parts out, or an unknown
		// outcome), so that subscribing again does not repeat them.
		ended := sub.Since
		if sub.Pending != "" {
			var r run
			if ok, err := getJSON(tx.Bucket(bucketRuns), []byte(key+"/"+string(sub.Pending)), &r); err == nil && ok && !r.done() &&
				(len(r.Posted) > 0 || !r.Uncertain.IsZero() || !r.Attempting.IsZero()) && r.Through.After(ended) {
				ended = r.Through
			}
		}
		if err := putTime(tx.Bucket(bucketEnded), []byte(key), ended); err != nil {
			return err
		}
		if err := b.Delete([]byte(key)); err != nil {
			return err
		}
		runs := tx.Bucket(bucketRuns)
		c := runs.Cursor()
		prefix := []byte(key + "/")
		var old [][]byte
		for k, _ := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), string(prefix)); k, _ = c.Next() {
			old = append(old, append([]byte(nil), k...))
		}
		for _, k := range old {
			if err := runs.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	return existed, err
}

// pause marks a subscription paused, in one transaction; gone says its
// channel was deleted. It reports whether there was one to pause.
func (s *Store) pause(sub Subscription, reason string, at time.Time, gone bool) (bool, error) {
	var found bool
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubs)
		var cur Subscription
		ok, err := getJSON(b, []byte(sub.key()), &cur)
		if err != nil || !ok {
			return err
		}
		found = true
		if cur.Paused != "" && (cur.ChannelGone || !gone) {
			return nil // paused already: keep the first reason and time (deleted stays deleted)
		}
		cur.Paused, cur.PausedAt, cur.ChannelGone = reason, at, gone
		return putJSON(b, []byte(cur.key()), cur)
	})
	return found, err
}

// subscriptions lists the subscriptions of a guild ("" for all), by
// channel name.
func (s *Store) subscriptions(guildID string) ([]Subscription, error) {
	var out []Subscription
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSubs).ForEach(func(k, v []byte) error {
			if guildID != "" && !strings.HasPrefix(string(k), guildID+"/") {
				return nil
			}
			var sub Subscription
			if err := json.Unmarshal(v, &sub); err != nil {
				return fmt.Errorf("subscription %q: %w", k, err)
			}
			out = append(out, sub)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].ChannelName != out[j].ChannelName {
			return out[i].ChannelName < out[j].ChannelName
		}
		return out[i].key() < out[j].key()
	})
	return out, err
}

// errGone is returned by an update of a subscription that was removed
// meanwhile.
var errGone = errors.New("the subscription was removed")

// beginRun reads a subscription and its run for day and lets decide
// record a new run, in one transaction. decide gets the end of the new
// run's window (the later of now and every window end so far) and
// returns whether to save; saving a run in the sending state raises the
// high-water mark first-seen times are kept above.
func (s *Store) beginRun(sub Subscription, day Day, now time.Time, decide func(cur *Subscription, r *run, found bool, through time.Time) bool) (Subscription, run, error) {
	var cur Subscription
	var r run
	err := s.db.Update(func(tx *bolt.Tx) error {
		subs, runs, meta := tx.Bucket(bucketSubs), tx.Bucket(bucketRuns), tx.Bucket(bucketMeta)
		ok, err := getJSON(subs, []byte(sub.key()), &cur)
		if err != nil {
			return err
		}
		if !ok {
			return errGone
		}
		found, err := getJSON(runs, runKey(sub, day), &r)
		if err != nil {
			return err
		}
		through := now
		if hw := getTime(meta, metaHighWater); hw.After(through) {
			through = hw
		}
		if !decide(&cur, &r, found, through) {
			return nil
		}
		if r.State == runSending {
			if err := putTime(meta, metaHighWater, r.Through); err != nil {
				return err
			}
			cur.Pending = day
			if err := putJSON(subs, []byte(cur.key()), cur); err != nil {
				return err
			}
		}
		return putJSON(runs, runKey(cur, day), r)
	})
	return cur, r, err
}

// updateRun reads a subscription's run for day and lets fn change both
// in one transaction; fn returns whether to save. It fails with errGone
// when the subscription or the run was removed (an unsubscribe, perhaps
// followed by a new subscription, while the run was under way). A run
// that is no longer being sent is no longer the subscription's pending
// one.
func (s *Store) updateRun(sub Subscription, day Day, fn func(sub *Subscription, r *run, found bool) bool) (Subscription, run, error) {
	var cur Subscription
	var r run
	err := s.db.Update(func(tx *bolt.Tx) error {
		subs, runs := tx.Bucket(bucketSubs), tx.Bucket(bucketRuns)
		ok, err := getJSON(subs, []byte(sub.key()), &cur)
		if err != nil {
			return err
		}
		if !ok {
			return errGone
		}
		found, err := getJSON(runs, runKey(sub, day), &r)
		if err != nil {
			return err
		}
		if !found {
			return errGone
		}
		if !fn(&cur, &r, found) {
			return nil
		}
		if r.done() && cur.Pending == day {
			cur.Pending = ""
		}
		if err := putJSON(subs, []byte(cur.key()), cur); err != nil {
			return err
		}
		return putJSON(runs, runKey(cur, day), r)
	})
	return cur, r, err
}

// run returns a subscription's run for day.
func (s *Store) run(sub Subscription, day Day) (run, bool, error) {
	var r run
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		ok, err = getJSON(tx.Bucket(bucketRuns), runKey(sub, day), &r)
		return err
	})
	return r, ok, err
}

// lastRun returns a subscription's latest recorded run.
func (s *Store) lastRun(sub Subscription) (run, bool, error) {
	var r run
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRuns).Cursor()
		prefix := sub.key() + "/"
		// Days sort as text; the last key under the prefix is the latest.
		k, v := c.Seek([]byte(prefix + "\xff"))
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		if k == nil || !strings.HasPrefix(string(k), prefix) {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &r)
	})
	return r, ok, err
}

// seenArticle is an article as observe records it.
type seenArticle struct {
	ID, Hash, Title string
	Modified        time.Time
}

// firstSeenRecord is the value of a first-seen entry.
type firstSeenRecord struct {
	At    time.Time `json:"at"`
	Hash  string    `json:"hash,omitempty"`
	Title string    `json:"title,omitempty"`
	// Gone says the article left the corpus. Its record stays, so that
	// the article coming back under its ID (a file restored, or fixed
	// after it could not be read) keeps its time; another article saved
	// under its ID is new.
	Gone bool `json:"gone,omitempty"`
}

// observe records the corpus as it is now: the first-seen time of the
// articles not seen before (an article that left and came back under its
// ID with its content or headline is not new), read from the clock inside the transaction
// and kept above every digest window already closed, and which recorded
// articles have left. An article whose content is that of one seen
// before (a file moved, renamed or restored) keeps the earlier time.
// On the first observation of a corpus (a new state file, or a corpus
// from another source), an article's time is its file's modification
// time when that is earlier, so a corpus that was there before the bot
// is not all new.
func (s *Store) observe(articles []seenArticle, source string, now func() time.Time) (int, error) {
	added := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, meta := tx.Bucket(bucketFirstSeen), tx.Bucket(bucketMeta)
		at := now()
		if hw := getTime(meta, metaHighWater); !at.After(hw) {
			at = hw.Add(time.Millisecond)
		}
		old := meta.Get(metaSource)
		first := old == nil || string(old) != source
		if first {
			if err := meta.Put(metaSource, []byte(source)); err != nil {
				return err
			}
		}
		present := make(map[string]bool, len(articles))
		var byHash map[string]time.Time
		for _, a := range articles {
			present[a.ID] = true
			var rec firstSeenRecord
			ok, err := getJSON(b, []byte(a.ID), &rec)
			if err != nil {
				return err
			}
			if ok && !rec.Gone {
				continue
			}
			if ok && (rec.Hash == a.Hash && a.Hash != "" || rec.Title == a.Title && a.Title != "") {
				// Back: as it was, or edited under the same headline.
				rec.Gone, rec.Hash, rec.Title = false, a.Hash, a.Title
				if err := putJSON(b, []byte(a.ID), rec); err != nil {
					return err
				}
				continue
			}
			if byHash == nil {
				byHash = map[string]time.Time{}
				b.ForEach(func(k, v []byte) error {
					var r firstSeenRecord
					if json.Unmarshal(v, &r) == nil && r.Hash != "" {
						if t, ok := byHash[r.Hash]; !ok || r.At.Before(t) {
							byHash[r.Hash] = r.At
						}
					}
					return nil
				})
			}
			rec = firstSeenRecord{At: at, Hash: a.Hash, Title: a.Title}
			if t, ok := byHash[a.Hash]; ok && a.Hash != "" {
				rec.At = t
			} else if first && !a.Modified.IsZero() && a.Modified.Before(at) {
				rec.At = a.Modified
			}
			if err := putJSON(b, []byte(a.ID), rec); err != nil {
				return err
			}
			if a.Hash != "" {
				byHash[a.Hash] = rec.At
			}
			added++
		}
		// Mark the articles that left. Keys are cheap to walk; only the
		// few that left are decoded.
		var left []string
		b.ForEach(func(k, _ []byte) error {
			if !present[string(k)] {
				left = append(left, string(k))
			}
			return nil
		})
		for _, id := range left {
			var rec firstSeenRecord
			if ok, err := getJSON(b, []byte(id), &rec); err != nil || !ok || rec.Gone {
				continue
			}
			rec.Gone = true
			if err := putJSON(b, []byte(id), rec); err != nil {
				return err
			}
		}
		return nil
	})
	return added, err
}

// firstSeen returns when each recorded article entered the corpus.
func (s *Store) firstSeen() (map[string]time.Time, error) {
	out := map[string]time.Time{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFirstSeen).ForEach(func(k, v []byte) error {
			var r firstSeenRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("first seen %q: %w", k, err)
			}
			if !r.Gone {
				out[string(k)] = r.At
			}
			return nil
		})
	})
	return out, err
}
