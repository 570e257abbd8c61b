package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/internal/corpusgen"
	"github.com/dossier-bot/dossier/search"
)

// benchIndex is the generated corpus's index, built once for all the
// runs of a benchmark (TestMain removes it).
var benchIndex struct {
	once sync.Once
	dir  string
	ix   *search.Index
	gen  *corpusgen.Generator
	err  error
}

func generatedIndex(b *testing.B) (*search.Index, *corpusgen.Generator) {
	b.Helper()
	benchIndex.once.Do(func() {
		n := 10000
		if v, err := fmt.Sscan(os.Getenv("DOSSIER_BENCH_ARTICLES"), &n); err != nil || v != 1 {
			n = 10000
		}
		benchIndex.gen = corpusgen.New(corpusgen.Options{Articles: n, Seed: 1})
		root, err := os.MkdirTemp("", "dossier-bench-")
		if err != nil {
			benchIndex.err = err
			return
		}
		benchIndex.dir = root
		corpus := filepath.Join(root, "corpus")
		if err := benchIndex.gen.WriteDir(corpus); err != nil {
			benchIndex.err = err
			return
		}
		ix, err := search.Open(filepath.Join(root, "data"), search.Options{})
		if err != nil {
			benchIndex.err = err
			return
		}
		benchIndex.ix = ix
		_, benchIndex.err = ix.Sync(context.Background(), os.DirFS(corpus))
	})
	if benchIndex.err != nil {
		b.Fatal(benchIndex.err)
	}
	return benchIndex.ix, benchIndex.gen
}

// BenchmarkInteraction measures the whole path of a question: the
// interaction's JSON in, parsing, routing, search, rendering and the
// callback's JSON out, over a generated corpus of 10,000 articles
// (DOSSIER_BENCH_ARTICLES changes it). It reports p50 and p99.
//
//	go test ./commands -run '^$' -bench Interaction -benchtime 500x
func BenchmarkInteraction(b *testing.B) {
	ix, gen := generatedIndex(b)
	r, _ := newTestRouter(b, ix, func(c *Config) { c.RateLimit = -1 })
	base, err := os.ReadFile(filepath.Join("testdata", "interactions", "ask.json"))
	if err != nil {
		b.Fatal(err)
	}
	var tmpl map[string]any
	json.Unmarshal(base, &tmpl)
	qs := gen.Questions(500)
	payloads := make([][]byte, len(qs))
	for i, q := range qs {
		tmpl["data"].(map[string]any)["options"] = []any{map[string]any{"name": "question", "type": 3, "value": q.Text}}
		payloads[i], _ = json.Marshal(tmpl)
	}
	// Warm up.
	for _, p := range payloads[:50] {
		in, _ := ParseInteraction(p)
		r.serve(context.Background(), in, newCapture())
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		in, err := ParseInteraction(payloads[i%len(payloads)])
		if err != nil {
			b.Fatal(err)
		}
		c := newCapture()
		r.serve(context.Background(), in, c)
		if _, err := json.Marshal(c.callbacks[0]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
