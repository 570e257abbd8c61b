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
	// digest's window, or a day before Created.
	Since time.Time `json:"since"`
	// Paused says why posting stopped (the channel is gone, or the bot
	// may not post there); "" while active.
	Paused   string    `json:"paused,omitempty"`
	PausedAt time.Time `json:"paused_at,omitzero"`
}

// key is the subscription's key in the store: one per channel.
func (s Subscription) key() string { return s.GuildID + "/" + s.ChannelID }

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
	Posted   []string  `json:"posted,omitempty"`
	Attempts int       `json:"attempts,omitempty"`
	Updated  time.Time `json:"updated"`
	Note     string    `json:"note,omitempty"`
}

func (r *run) done() bool { return r.State != runSending }

func runKey(sub Subscription, day Day) []byte { return []byte(sub.key() + "/" + string(day)) }

// Store is the digest state in a bbolt file. It is safe for concurrent
// use.
type Store struct{ db *bolt.DB }

// NewStore returns a Store in db, creating its buckets.
func NewStore(db *bolt.DB) (*Store, error) {
	err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketSubs, bucketFirstSeen, bucketRuns} {
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

// put saves a subscription, replacing the channel's earlier one.
func (s *Store) put(sub Subscription) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketSubs), []byte(sub.key()), sub)
	})
}

// subscription returns a channel's subscription.
func (s *Store) subscription(guildID, channelID string) (Subscription, bool, error) {
	var sub Subscription
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		ok, err = getJSON(tx.Bucket(bucketSubs), []byte(guildID+"/"+channelID), &sub)
		return err
	})
	return sub, ok, err
}

// remove deletes a channel's subscription and its runs, and reports
// whether there was one.
func (s *Store) remove(guildID, channelID string) (bool, error) {
	key := guildID + "/" + channelID
	var existed bool
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubs)
		existed = b.Get([]byte(key)) != nil
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

// updateRun reads a subscription's run for day (zero when there is none)
// and lets fn change both in one transaction; fn returns whether to save.
func (s *Store) updateRun(sub Subscription, day Day, fn func(sub *Subscription, r *run, found bool) (bool, error)) (Subscription, run, error) {
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
		save, err := fn(&cur, &r, found)
		if err != nil || !save {
			return err
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

// observe records the first-seen time of the articles not seen before.
// On the first observation of all (a new state file), an article's time
// is its file's modification time when that is earlier than now, so
// that a corpus which was there before the bot is not all new.
func (s *Store) observe(articles map[string]time.Time, now time.Time) (int, error) {
	added := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFirstSeen)
		k, _ := b.Cursor().First()
		first := k == nil
		for id, modified := range articles {
			if b.Get([]byte(id)) != nil {
				continue
			}
			at := now
			if first && !modified.IsZero() && modified.Before(now) {
				at = modified
			}
			v, err := at.UTC().MarshalBinary()
			if err != nil {
				return err
			}
			if err := b.Put([]byte(id), v); err != nil {
				return err
			}
			added++
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
			var t time.Time
			if err := t.UnmarshalBinary(v); err != nil {
				return fmt.Errorf("first seen %q: %w", k, err)
			}
			out[string(k)] = t
			return nil
		})
	})
	return out, err
}
