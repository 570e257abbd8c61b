package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/internal/corpusgen"
)

// Benchmarks on a generated corpus of realistic articles (10,000 by
// default; DOSSIER_BENCH_ARTICLES changes it). The corpus and one built
// index are made once per process and shared.
//
//	go test ./search -run '^$' -bench . -benchtime 1x
//
// BenchmarkIndexBuild reports the time of a full build and the peak heap;
// BenchmarkOpen the time to open the built index; BenchmarkAsk the latency
// of natural questions, with p50 and p99.

func benchArticles() int {
	if n, err := fmt.Sscan(os.Getenv("DOSSIER_BENCH_ARTICLES"), new(int)); err == nil && n == 1 {
		var v int
		fmt.Sscan(os.Getenv("DOSSIER_BENCH_ARTICLES"), &v)
		return v
	}
	return 10000
}

var benchFixture struct {
	once    sync.Once
	gen     *corpusgen.Generator
	corpus  string // directory of the generated articles
	dataDir string // a built index
	err     error
}

// fixture writes the generated corpus and builds an index of it, once.
func fixture(b *testing.B) (*corpusgen.Generator, string, string) {
	b.Helper()
	f := &benchFixture
	f.once.Do(func() {
		root, err := os.MkdirTemp("", "dossier-bench-")
		if err != nil {
			f.err = err
			return
		}
		f.gen = corpusgen.New(corpusgen.Options{Articles: benchArticles(), Seed: 1})
		f.corpus = filepath.Join(root, "corpus")
		f.dataDir = filepath.Join(root, "data")
		if f.err = f.gen.WriteDir(f.corpus); f.err != nil {
			return
		}
		ix, err := Open(f.dataDir, Options{})
		if err != nil {
			f.err = err
			return
		}
		_, f.err = ix.Sync(context.Background(), os.DirFS(f.corpus))
		if err := ix.Close(); f.err == nil {
			f.err = err
		}
	})
	if f.err != nil {
		b.Fatal(f.err)
	}
	return f.gen, f.corpus, f.dataDir
}

// peakHeap samples the live heap while fn runs and returns the largest
// value seen.
func peakHeap(fn func()) uint64 {
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	return peak
}

func BenchmarkIndexBuild(b *testing.B) {
	_, corpus, _ := fixture(b)
	runtime.GC()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		var rep SyncReport
		peak := peakHeap(func() {
			ix, err := Open(dir, Options{})
			if err != nil {
				b.Fatal(err)
			}
			rep, err = ix.Sync(context.Background(), os.DirFS(corpus))
			if err != nil {
				b.Fatal(err)
			}
			ix.Close()
		})
		b.ReportMetric(float64(rep.Articles)/rep.Took.Seconds(), "articles/s")
		b.ReportMetric(float64(rep.Passages), "passages")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	}
}

func BenchmarkOpen(b *testing.B) {
	_, _, dataDir := fixture(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ix, err := Open(dataDir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		ix.Close()
		b.StartTimer()
	}
}

func BenchmarkAsk(b *testing.B) {
	gen, corpus, dataDir := fixture(b)
	ix, err := Open(dataDir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	// Opening brings the index up to date; nothing should change.
	if rep, err := ix.Sync(context.Background(), os.DirFS(corpus)); err != nil || rep.New+rep.Changed+rep.Removed > 0 {
		b.Fatalf("sync of an up-to-date index: %v, %v", rep, err)
	}
	qs := gen.Questions(500)
	// Warm up the operating system's page cache and the stem cache.
	for _, q := range qs[:50] {
		ix.Search(context.Background(), Query{Text: q.Text, Limit: 3})
	}
	var lat []time.Duration
	var heap uint64
	b.ResetTimer()
	heap = peakHeap(func() {
		for i := 0; i < b.N; i++ {
			q := qs[i%len(qs)]
			t0 := time.Now()
			if _, err := ix.Search(context.Background(), Query{Text: q.Text, Limit: 3}); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
	})
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
}
