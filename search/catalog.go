package search

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The catalog is a bbolt file beside the bleve index. It holds what the
// index does not store: each article's metadata and content hash, and the
// text of every passage with its sentences and quotations. bleve holds
// only the inverted index, so hits are turned into passages here.
//
// Each version of an article has a generation (from its path and content)
// in the IDs of its bleve documents and the keys of its catalog passages,
// and the article record says which generation is current; a search
// ignores hits of any other generation. An update therefore never shows a
// half-written article, and a search running through it loses nothing:
//
//  1. the new generation's documents are marked pending in the catalog,
//  2. bleve indexes them (invisible: the record still names the old
//     generation),
//  3. one catalog transaction stores the new passages and record, clears
//     the pending mark and lists the old generation as garbage (its
//     passages stay readable for searches that found its documents),
//  4. bleve deletes the garbage documents, then the catalog its passages.
//
// At open and before every sync, pending generations (a crash between 1
// and 3) and garbage (a crash between 3 and 4) are deleted, so the index
// always converges on the catalog.

var (
	bucketMeta     = []byte("meta")
	bucketArticles = []byte("articles")
	bucketPassages = []byte("passages")
	bucketPending  = []byte("pending")
	bucketGarbage  = []byte("garbage")
	keyVersion     = []byte("version")
)

// articleRec is the catalog record of an article.
type articleRec struct {
	ID          string   `json:"id"`
	Path        string   `json:"path"`
	Title       string   `json:"title"`
	Author      string   `json:"author,omitempty"`
	Publication string   `json:"publication,omitempty"`
	Published   string   `json:"published,omitempty"` // YYYY-MM-DD
	URL         string   `json:"url,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	Dateline    string   `json:"dateline,omitempty"`
	Hash        string   `json:"hash"`
	Gen         string   `json:"gen"` // generation: in the IDs of its documents
	Size        int64    `json:"size"`
	ModTime     int64    `json:"mtime"` // Unix nanoseconds
	Passages    int      `json:"passages"`
	Quotes      int      `json:"quotes"`
	Tokens      int      `json:"tokens"` // indexed words, for passage length statistics
}

func (r *articleRec) published() time.Time {
	t, _ := time.Parse(time.DateOnly, r.Published)
	return t
}

// passageRec is the catalog record of a passage.
type passageRec struct {
	Gen       string  `json:"g"`
	Section   string  `json:"s,omitempty"`
	Kind      Kind    `json:"k"`
	Text      string  `json:"t"`
	Sentences []Span  `json:"n"`
	Quotes    []Quote `json:"q,omitempty"`
}

type catalog struct {
	db *bolt.DB
}

func openCatalog(path string) (*catalog, error) {
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketArticles, bucketPassages, bucketPending, bucketGarbage} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("init catalog %s: %w", path, err)
	}
	return &catalog{db: db}, nil
}

func (c *catalog) close() error { return c.db.Close() }

func (c *catalog) version() (string, error) {
	var v string
	err := c.db.View(func(tx *bolt.Tx) error {
		v = string(tx.Bucket(bucketMeta).Get(keyVersion))
		return nil
	})
	return v, err
}

func (c *catalog) setVersion(v string) error {
	return c.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyVersion, []byte(v))
	})
}

// articles loads every article record.
func (c *catalog) articles() (map[string]*articleRec, error) {
	out := make(map[string]*articleRec)
	err := c.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketArticles).ForEach(func(k, v []byte) error {
			var r articleRec
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("article %q: %w", k, err)
			}
			out[r.ID] = &r
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	return out, nil
}

// docSet names the documents of one generation of an article: IDs
// docID(id, gen, 0) to docID(id, gen, n-1).
type docSet struct {
	id, gen string
	n       int
}

func (s docSet) key() []byte { return []byte(s.id + "\x00" + s.gen) }

func encodeCount(n int) []byte {
	var v [4]byte
	binary.BigEndian.PutUint32(v[:], uint32(n))
	return v[:]
}

func readDocSets(b *bolt.Bucket) ([]docSet, error) {
	var out []docSet
	err := b.ForEach(func(k, v []byte) error {
		i := bytes.IndexByte(k, 0)
		if i < 0 || len(v) != 4 {
			return nil
		}
		out = append(out, docSet{id: string(k[:i]), gen: string(k[i+1:]), n: int(binary.BigEndian.Uint32(v))})
		return nil
	})
	return out, err
}

// leftovers returns the document sets an interrupted update left in the
// index: pending ones never committed and garbage never deleted.
func (c *catalog) leftovers() ([]docSet, error) {
	var out []docSet
	err := c.db.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketPending, bucketGarbage} {
			sets, err := readDocSets(tx.Bucket(name))
			if err != nil {
				return err
			}
			out = append(out, sets...)
		}
		return nil
	})
	return out, err
}

// markPending records document sets bleve is about to index.
func (c *catalog) markPending(sets []docSet) error {
	return c.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPending)
		for _, s := range sets {
			if err := b.Put(s.key(), encodeCount(s.n)); err != nil {
				return err
			}
		}
		return nil
	})
}

// forget removes document sets from the pending and garbage lists, with
// their passages, once bleve has deleted their documents.
func (c *catalog) forget(sets []docSet) error {
	return c.db.Update(func(tx *bolt.Tx) error {
		for _, s := range sets {
			if err := deletePrefix(tx.Bucket(bucketPassages), passagePrefix(s.id, s.gen)); err != nil {
				return err
			}
			if err := tx.Bucket(bucketPending).Delete(s.key()); err != nil {
				return err
			}
			if err := tx.Bucket(bucketGarbage).Delete(s.key()); err != nil {
				return err
			}
		}
		return nil
	})
}

// catalogChange is one article's new state: rec and passages to store, or
// rec nil to remove the article. old is the generation it replaces.
type catalogChange struct {
	id       string
	rec      *articleRec
	passages []Passage
	old      docSet
}

// apply commits the changes in one transaction: records and passages
// stored, pending marks cleared, replaced generations listed as garbage.
func (c *catalog) apply(changes []catalogChange) error {
	return c.db.Update(func(tx *bolt.Tx) error {
		arts, ps := tx.Bucket(bucketArticles), tx.Bucket(bucketPassages)
		pend, garbage := tx.Bucket(bucketPending), tx.Bucket(bucketGarbage)
		for _, ch := range changes {
			newGen := ""
			if ch.rec != nil {
				newGen = ch.rec.Gen
			}
			if ch.old.n > 0 && ch.old.gen != newGen {
				if err := garbage.Put(ch.old.key(), encodeCount(ch.old.n)); err != nil {
					return err
				}
			}
			if ch.rec == nil {
				if err := arts.Delete([]byte(ch.id)); err != nil {
					return err
				}
			} else {
				v, err := json.Marshal(ch.rec)
				if err != nil {
					return err
				}
				if err := arts.Put([]byte(ch.id), v); err != nil {
					return err
				}
				// The new generation is live: neither pending nor garbage,
				// whatever an interrupted update left behind.
				if err := pend.Delete(docSet{id: ch.id, gen: ch.rec.Gen}.key()); err != nil {
					return err
				}
				if err := garbage.Delete(docSet{id: ch.id, gen: ch.rec.Gen}.key()); err != nil {
					return err
				}
				if err := deletePrefix(ps, passagePrefix(ch.id, ch.rec.Gen)); err != nil {
					return err
				}
				for i := range ch.passages {
					p := &ch.passages[i]
					v, err := json.Marshal(passageRec{Gen: ch.rec.Gen, Section: p.Section, Kind: p.Kind, Text: p.Text, Sentences: p.Sentences, Quotes: p.Quotes})
					if err != nil {
						return err
					}
					if err := ps.Put(passageKey(ch.id, ch.rec.Gen, p.Index), v); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

// touch updates the size and modification time of unchanged articles, so
// the next sync can skip hashing them.
func (c *catalog) touch(recs []*articleRec) error {
	if len(recs) == 0 {
		return nil
	}
	return c.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketArticles)
		for _, r := range recs {
			v, err := json.Marshal(r)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(r.ID), v); err != nil {
				return err
			}
		}
		return nil
	})
}

// passages reads the passages of the given (article, generation, index)
// keys in one transaction. Missing passages are returned as nil.
func (c *catalog) passages(keys []passageRef) ([]*passageRec, error) {
	out := make([]*passageRec, len(keys))
	err := c.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPassages)
		for i, k := range keys {
			v := b.Get(passageKey(k.article, k.gen, k.index))
			if v == nil {
				continue
			}
			var p passageRec
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("passage %s#%s#%d: %w", k.article, k.gen, k.index, err)
			}
			out[i] = &p
		}
		return nil
	})
	return out, err
}

// articlePassages reads the passages of one generation of an article, in
// order.
func (c *catalog) articlePassages(id, gen string) ([]Passage, error) {
	var out []Passage
	err := c.db.View(func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketPassages).Cursor()
		prefix := passagePrefix(id, gen)
		for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			var p passageRec
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("passage %s: %w", k, err)
			}
			idx := int(binary.BigEndian.Uint32(k[len(prefix):]))
			out = append(out, Passage{Index: idx, Section: p.Section, Kind: p.Kind, Text: p.Text, Sentences: p.Sentences, Quotes: p.Quotes})
		}
		return nil
	})
	return out, err
}

// eachPassage calls fn for every passage of the given generations of
// articles (id -> generation), in article ID order.
func (c *catalog) eachPassage(gens map[string]string, fn func(id string, idx int, p *passageRec) error) error {
	return c.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPassages).ForEach(func(k, v []byte) error {
			i := bytes.IndexByte(k, 0)
			if i < 0 || len(k) < i+6 {
				return nil
			}
			j := i + 1 + bytes.IndexByte(k[i+1:], 0)
			if j <= i || len(k) != j+5 || gens[string(k[:i])] != string(k[i+1:j]) {
				return nil
			}
			var p passageRec
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("passage %q: %w", k, err)
			}
			return fn(string(k[:i]), int(binary.BigEndian.Uint32(k[j+1:])), &p)
		})
	})
}

type passageRef struct {
	article, gen string
	index        int
}

// passagePrefix is the key prefix of one generation's passages:
// id NUL gen NUL.
func passagePrefix(id, gen string) []byte {
	k := append([]byte(id), 0)
	k = append(k, gen...)
	return append(k, 0)
}

func passageKey(id, gen string, idx int) []byte {
	k := passagePrefix(id, gen)
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(idx))
	return append(k, n[:]...)
}

func deletePrefix(b *bolt.Bucket, prefix []byte) error {
	cur := b.Cursor()
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Seek(prefix) {
		if err := cur.Delete(); err != nil {
			return err
		}
	}
	return nil
}
