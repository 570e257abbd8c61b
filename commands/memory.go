package commands

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Memory keeps what a message's buttons need once the message is sent:
// the question, its filters and the page shown. It lives in a bbolt
// bucket of the state file, so buttons keep working across restarts;
// entries expire after a week. Keys are random, so a custom_id cannot be
// guessed into someone else's answer. Memory is safe for concurrent use.
type Memory struct {
	db  *bolt.DB
	now func() time.Time
	ttl time.Duration
	n   int
}

var bucketButtons = []byte("buttons")

// memoryTTL is how long a button keeps working.
const memoryTTL = 7 * 24 * time.Hour

// NewMemory returns a Memory in db. now is the clock (time.Now in
// production).
func NewMemory(db *bolt.DB, now func() time.Time) (*Memory, error) {
	err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketButtons)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create button memory: %w", err)
	}
	return &Memory{db: db, now: now, ttl: memoryTTL}, nil
}

type memoryEntry struct {
	Expires int64           `json:"exp"`
	Value   json.RawMessage `json:"v"`
}

// Put stores v and returns its key.
func (m *Memory) Put(v any) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("remember: %w", err)
	}
	var b [9]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("remember: %w", err)
	}
	key := base64.RawURLEncoding.EncodeToString(b[:])
	entry, _ := json.Marshal(memoryEntry{Expires: m.now().Add(m.ttl).Unix(), Value: raw})
	err = m.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketButtons)
		m.n++
		if m.n%256 == 0 {
			m.prune(bk)
		}
		return bk.Put([]byte(key), entry)
	})
	if err != nil {
		return "", fmt.Errorf("remember: %w", err)
	}
	return key, nil
}

// Get loads the value stored under key into v. It reports false for a key
// it does not know or that has expired.
func (m *Memory) Get(key string, v any) (bool, error) {
	var entry memoryEntry
	found := false
	err := m.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketButtons).Get([]byte(key))
		if raw == nil {
			return nil
		}
		found = true
		return json.Unmarshal(raw, &entry)
	})
	if err != nil || !found || entry.Expires < m.now().Unix() {
		return false, err
	}
	if err := json.Unmarshal(entry.Value, v); err != nil {
		return false, fmt.Errorf("recall %s: %w", key, err)
	}
	return true, nil
}

// prune deletes expired entries.
func (m *Memory) prune(bk *bolt.Bucket) {
	now := m.now().Unix()
	c := bk.Cursor()
	for k, v := c.First(); k != nil; {
		var e memoryEntry
		if json.Unmarshal(v, &e) == nil && e.Expires < now {
			if err := c.Delete(); err != nil {
				return
			}
			k, v = c.Seek(k)
			continue
		}
		k, v = c.Next()
	}
}
