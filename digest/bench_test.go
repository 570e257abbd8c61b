package digest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/dossier-bot/dossier/internal/corpusgen"
	"github.com/dossier-bot/dossier/search"
)

// BenchmarkDigest measures composing and rendering one digest of 100 new
// articles (summaries, quotations, topic-free) over a generated corpus of
// 2,000 articles (DOSSIER_BENCH_ARTICLES changes it), as the scheduler
// does at a subscription's time.
//
//	go test ./digest -run '^$' -bench Digest -benchtime 20x
func BenchmarkDigest(b *testing.B) {
	n := 2000
	if v, err := fmt.Sscan(os.Getenv("DOSSIER_BENCH_ARTICLES"), &n); err != nil || v != 1 {
		n = 2000
	}
	dir := b.TempDir()
	gen := corpusgen.New(corpusgen.Options{Articles: n, Seed: 7})
	corpus := filepath.Join(dir, "corpus")
	if err := gen.WriteDir(corpus); err != nil {
		b.Fatal(err)
	}
	ix, err := search.Open(filepath.Join(dir, "index"), search.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Sync(context.Background(), os.DirFS(corpus)); err != nil {
		b.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(dir, "state.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	store, err := NewStore(db)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	arts := ix.Articles()
	var old, fresh []seenArticle
	for _, a := range arts[100:] {
		old = append(old, seenArticle{ID: a.ID})
	}
	for _, a := range arts[:100] {
		fresh = append(fresh, seenArticle{ID: a.ID})
	}
	if _, err := store.observe(old, "", func() time.Time { return now.Add(-30 * 24 * time.Hour) }); err != nil {
		b.Fatal(err)
	}
	if _, err := store.observe(fresh, "", func() time.Time { return now.Add(-time.Hour) }); err != nil {
		b.Fatal(err)
	}
	svc := New(Config{Store: store, Corpus: ix})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := svc.Compose(context.Background(), now.Add(-24*time.Hour), now, "")
		if err != nil {
			b.Fatal(err)
		}
		if len(d.Items) != 100 {
			b.Fatalf("%d items; want 100", len(d.Items))
		}
		if msgs := Render(d, time.UTC, false); len(msgs) == 0 {
			b.Fatal("no message")
		}
	}
}
