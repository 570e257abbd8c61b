package corpus

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/internal/corpusgen"
	"github.com/dossier-bot/dossier/search"
)

// BenchmarkWatchPickup measures how long a file dropped into a watched
// corpus of 2,000 articles (DOSSIER_BENCH_ARTICLES changes it) takes to
// become searchable, with the default options: the quiet time after the
// last event, the settle time that keeps half-written files out, and the
// sync. It reports the median and the worst.
//
//	go test ./corpus -run '^$' -bench WatchPickup -benchtime 10x
func BenchmarkWatchPickup(b *testing.B) {
	n := 2000
	if v, err := fmt.Sscan(os.Getenv("DOSSIER_BENCH_ARTICLES"), &n); err != nil || v != 1 {
		n = 2000
	}
	dir := b.TempDir()
	if err := corpusgen.New(corpusgen.Options{Articles: n, Seed: 3}).WriteDir(dir); err != nil {
		b.Fatal(err)
	}
	ix, err := search.Open(b.TempDir(), search.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	f := New(dir, ix, Options{})
	if _, err := f.Sync(context.Background()); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.Watch(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	time.Sleep(100 * time.Millisecond) // let the watches be set up

	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		word := fmt.Sprintf("zebrafinch%dquartz", i)
		text := fmt.Sprintf("Harbour Works Begin %d\n\nJune 1, 2025\n\nThe %s survey of the harbour began on Monday, the port authority said in a statement.\n", i, word)
		start := time.Now()
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("new-%d.txt", i)), []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
		for {
			res, err := ix.Search(context.Background(), search.Query{Text: word, Limit: 1})
			if err == nil && len(res.Hits) > 0 {
				break
			}
			if time.Since(start) > 30*time.Second {
				b.Fatal("the new file was not indexed within 30 s")
			}
			time.Sleep(5 * time.Millisecond)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Milliseconds()), "max-ms")
}
