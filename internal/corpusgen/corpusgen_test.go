package corpusgen

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"unicode"
)

func TestDeterminism(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"default vocabulary", Options{Articles: 40, Seed: 1}},
		{"small vocabulary", Options{Articles: 40, Seed: -7, Vocabulary: 3000}},
		{"tiny vocabulary", Options{Articles: 40, Seed: 99, Vocabulary: 50}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := New(tt.opts), New(tt.opts)
			// Generate b in reverse order: articles must not depend on each other.
			for i := tt.opts.Articles - 1; i >= 0; i-- {
				an, ac := a.Article(tt.opts.Articles - 1 - i)
				bn, bc := b.Article(tt.opts.Articles - 1 - i)
				if an != bn || !bytes.Equal(ac, bc) {
					t.Fatalf("article %d: got %q (%d bytes); want %q (%d bytes)", i, bn, len(bc), an, len(ac))
				}
			}
			qa, qb := a.Questions(20), b.Questions(20)
			for i := range qa {
				if qa[i] != qb[i] {
					t.Errorf("question %d: got %+v; want %+v", i, qb[i], qa[i])
				}
			}
			if got := b.Questions(5); got[4] != qa[4] {
				t.Errorf("Questions(5)[4]: got %+v; want %+v (prefix of Questions(20))", got[4], qa[4])
			}
		})
	}
}

func TestArticleDependsOnlyOnSeedAndIndex(t *testing.T) {
	small := New(Options{Articles: 10, Seed: 5, Vocabulary: 5000})
	large := New(Options{Articles: 5000, Seed: 5, Vocabulary: 5000})
	other := New(Options{Articles: 10, Seed: 6, Vocabulary: 5000})
	for i := range 10 {
		sn, sc := small.Article(i)
		ln, lc := large.Article(i)
		if sn != ln || !bytes.Equal(sc, lc) {
			t.Errorf("article %d: got %q from a larger corpus; want %q", i, ln, sn)
		}
		if _, oc := other.Article(i); bytes.Equal(sc, oc) {
			t.Errorf("article %d: got identical content for seeds 5 and 6; want different", i)
		}
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	const n = 600
	g := New(Options{Articles: n, Seed: 3, Vocabulary: 5000})
	seen := make(map[string]int)
	md := 0
	for i := range n {
		name, _ := g.Article(i)
		if prev, dup := seen[name]; dup {
			t.Fatalf("article %d: got name %q; want unique (also article %d)", i, name, prev)
		}
		seen[name] = i
		switch {
		case strings.HasSuffix(name, ".md"):
			md++
		case !strings.HasSuffix(name, ".txt"):
			t.Errorf("article %d: got name %q; want .txt or .md", i, name)
		}
		if !strings.HasPrefix(name, "gen/") || filepath.IsAbs(name) || strings.Contains(name, "..") {
			t.Errorf("article %d: got name %q; want relative under gen/", i, name)
		}
	}
	if share := float64(md) / n; share < 0.14 || share > 0.26 {
		t.Errorf("markdown share: got %.3f; want about 0.20", share)
	}
}

func TestArticleOutOfRangePanics(t *testing.T) {
	g := New(Options{Articles: 3, Vocabulary: 100})
	for _, i := range []int{-1, 3} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Article(%d): got no panic; want panic", i)
				}
			}()
			g.Article(i)
		}()
	}
}

func TestQuestions(t *testing.T) {
	t.Parallel()
	const articles, questions = 300, 200
	g := New(Options{Articles: articles, Seed: 11})
	qs := g.Questions(questions)
	if len(qs) != questions {
		t.Fatalf("len(Questions(%d)): got %d; want %d", questions, len(qs), questions)
	}
	forms := make(map[string]int)
	unique := 0
	contents := make([][]byte, articles)
	for i := range contents {
		_, contents[i] = g.Article(i)
	}
	for i, q := range qs {
		if q.Article < 0 || q.Article >= articles {
			t.Fatalf("question %d: got article %d; want in [0, %d)", i, q.Article, articles)
		}
		if !bytes.Contains(contents[q.Article], []byte(q.Expect)) {
			t.Errorf("question %d: got Expect %q not in article %d; want a verbatim phrase", i, q.Expect, q.Article)
		}
		if n := len(strings.Fields(q.Expect)); n < 4 || n > 8 {
			t.Errorf("question %d: got %d words in Expect %q; want 4-8", i, n, q.Expect)
		}
		if strings.Contains(q.Expect, "\n") {
			t.Errorf("question %d: got Expect %q spanning lines; want one paragraph", i, q.Expect)
		}
		form := "keywords"
		for _, p := range []string{"Who said", "What did", "Where did", "How many"} {
			if strings.HasPrefix(q.Text, p) {
				form = p
			}
		}
		forms[form]++
		if form == "keywords" && len(strings.Fields(q.Text)) != 3 {
			t.Errorf("question %d: got keyword query %q; want 3 words", i, q.Text)
		}
		if form != "keywords" && !strings.HasSuffix(q.Text, "?") {
			t.Errorf("question %d: got %q; want a question mark", i, q.Text)
		}
		n := 0
		for _, c := range contents {
			if bytes.Contains(c, []byte(q.Expect)) {
				n++
			}
		}
		if n == 1 {
			unique++
		}
	}
	for _, f := range []string{"Who said", "What did", "Where did", "How many", "keywords"} {
		if forms[f] < 10 {
			t.Errorf("questions of form %q: got %d of %d; want at least 10", f, forms[f], len(qs))
		}
	}
	if share := float64(unique) / float64(len(qs)); share < 0.95 {
		t.Errorf("Expect phrases found in exactly one article: got %.3f; want >= 0.95", share)
	}
	t.Logf("forms %v; Expect unique across %d articles: %d/%d", forms, articles, unique, len(qs))
	for _, q := range qs[:12] {
		t.Logf("%q -> article %d, %q", q.Text, q.Article, q.Expect)
	}
}

func TestNoQuestionsWithoutArticles(t *testing.T) {
	if got := New(Options{Vocabulary: 100}).Questions(3); got != nil {
		t.Errorf("Questions on an empty corpus: got %v; want nil", got)
	}
}

// corpusStats generates articles [0, n) concurrently and measures them.
type corpusStats struct {
	words      int             // whitespace-separated tokens
	vocabulary map[string]bool // distinct content word forms used
}

func notLetter(r rune) bool { return !unicode.IsLetter(r) }

func measure(g *Generator, n int) corpusStats {
	workers := runtime.GOMAXPROCS(0)
	parts := make([]corpusStats, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			st := corpusStats{vocabulary: make(map[string]bool)}
			for i := w; i < n; i += workers {
				_, c := g.Article(i)
				// Split on spaces and newlines with IndexByte rather than a
				// per-rune scan: this test dominates -race run time.
				for len(c) > 0 {
					line := c
					if k := bytes.IndexByte(c, '\n'); k >= 0 {
						line, c = c[:k], c[k+1:]
					} else {
						c = nil
					}
					for len(line) > 0 {
						tok := line
						if k := bytes.IndexByte(line, ' '); k >= 0 {
							tok, line = line[:k], line[k+1:]
						} else {
							line = nil
						}
						if len(tok) == 0 {
							continue
						}
						st.words++
						tok = bytes.TrimFunc(tok, notLetter)
						if len(tok) > 0 && tok[0] >= 'A' && tok[0] <= 'Z' {
							tok = bytes.ToLower(tok)
						}
						if _, ok := g.lx.forms[string(tok)]; ok {
							st.vocabulary[string(tok)] = true
						}
					}
				}
			}
			parts[w] = st
		})
	}
	wg.Wait()
	total := corpusStats{vocabulary: make(map[string]bool)}
	for _, p := range parts {
		total.words += p.words
		for w := range p.vocabulary {
			total.vocabulary[w] = true
		}
	}
	return total
}

func TestCorpusStatistics(t *testing.T) {
	t.Parallel()
	const n = 2000
	g := New(Options{Articles: n, Seed: 2024})
	if got := len(g.lx.forms); got != defaultVocabulary {
		t.Errorf("vocabulary forms built: got %d; want %d", got, defaultVocabulary)
	}
	st := measure(g, n)
	avg := float64(st.words) / n
	t.Logf("%d articles: %.0f words/article, %d distinct content word forms", n, avg, len(st.vocabulary))
	tests := []struct {
		name     string
		got      float64
		min, max float64
	}{
		{"average words per article", avg, 600, 900},
		{"distinct content word forms", float64(len(st.vocabulary)), 50000, defaultVocabulary},
	}
	for _, tt := range tests {
		if tt.got < tt.min || tt.got > tt.max {
			t.Errorf("%s: got %.0f; want in [%.0f, %.0f]", tt.name, tt.got, tt.min, tt.max)
		}
	}
}

func TestArticleShapes(t *testing.T) {
	t.Parallel()
	const n = 500
	g := New(Options{Articles: n, Seed: 8, Vocabulary: 20000})
	tests := []struct {
		name     string
		has      func(name string, c []byte) bool
		min, max float64 // share of articles
	}{
		{"markdown front matter", func(name string, c []byte) bool {
			return strings.HasSuffix(name, ".md") && bytes.HasPrefix(c, []byte("---\ntitle: \"")) && bytes.Contains(c, []byte("\ndate: 20"))
		}, 0.15, 0.25},
		{"markdown heading", func(_ string, c []byte) bool { return bytes.Contains(c, []byte("\n## ")) }, 0.05, 0.2},
		{"markdown list", func(_ string, c []byte) bool { return bytes.Contains(c, []byte("\n- ")) }, 0.02, 0.2},
		{"bullet", func(_ string, c []byte) bool { return bytes.Contains(c, []byte("\n  • ")) }, 0.1, 0.4},
		{"photo caption", func(_ string, c []byte) bool { return bytes.Contains(c, []byte("(Photo: ")) }, 0.1, 0.4},
		{"dateline", func(_ string, c []byte) bool { return bytes.Contains(c, []byte(" — ")) }, 0.2, 0.6},
		{"byline", func(_ string, c []byte) bool { return bytes.Contains(c, []byte("\nBy ")) }, 0.3, 0.7},
		{"typographic quotes", func(_ string, c []byte) bool { return bytes.Contains(c, []byte("“")) }, 0.3, 0.7},
		{"straight quotes", func(_ string, c []byte) bool { return bytes.Contains(c, []byte(`," said `)) }, 0.2, 0.6},
		{"boilerplate", func(_ string, c []byte) bool {
			return bytes.Contains(c, []byte("Post a Comment")) || bytes.Contains(c, []byte("Share this:")) || bytes.Contains(c, []byte("Related posts"))
		}, 0.1, 0.4},
		{"numbers", func(_ string, c []byte) bool { return bytes.ContainsAny(c, "0123456789") }, 0.99, 1},
		{"single final newline", func(_ string, c []byte) bool {
			return bytes.HasSuffix(c, []byte("\n")) && !bytes.HasSuffix(c, []byte("\n\n"))
		}, 1, 1},
	}
	arts := make([]*article, n)
	for i := range n {
		arts[i] = g.build(i)
	}
	for _, tt := range tests {
		count := 0
		for i := range n {
			if tt.has(arts[i].name, arts[i].content) {
				count++
			}
		}
		if share := float64(count) / n; share < tt.min || share > tt.max {
			t.Errorf("%s: got share %.3f; want in [%.2f, %.2f]", tt.name, share, tt.min, tt.max)
		}
	}
	for i, art := range arts {
		if !bytes.Contains(art.content, []byte(art.headline+"\n")) && !bytes.Contains(art.content, []byte("title: \""+art.headline+"\"\n")) {
			t.Errorf("article %d: got no headline line %q; want one", i, art.headline)
		}
		if w := len(strings.Fields(strings.TrimPrefix(art.headline, "REPORT: "))); w < 5 || w > 12 {
			t.Errorf("article %d: got %d-word headline %q; want 5-12", i, w, art.headline)
		}
	}
}

func TestWriteDir(t *testing.T) {
	dir := t.TempDir()
	g := New(Options{Articles: 25, Seed: 4, Vocabulary: 2000})
	if err := g.WriteDir(dir); err != nil {
		t.Fatalf("WriteDir: got %v; want nil", err)
	}
	for i := range 25 {
		name, want := g.Article(i)
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: got %d bytes, err %v; want %d bytes", name, len(got), err, len(want))
		}
	}
}

func BenchmarkArticle(b *testing.B) {
	g := New(Options{Articles: 100000, Seed: 1})
	b.ReportAllocs()
	i, bytesOut := 0, 0
	for b.Loop() {
		_, c := g.Article(i % 100000)
		bytesOut += len(c)
		i++
	}
	b.SetBytes(int64(bytesOut / max(i, 1)))
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		New(Options{Articles: 1})
	}
}
