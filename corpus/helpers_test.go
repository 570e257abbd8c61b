package corpus

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/search"
)

// deadline bounds every wait for an outcome: generous, as the race
// detector and a busy machine slow things down, and never reached when
// the code works.
const deadline = 10 * time.Second

// openIndex opens a real index in a temporary directory.
func openIndex(t *testing.T) *search.Index {
	t.Helper()
	ix, err := search.Open(t.TempDir(), search.Options{})
	if err != nil {
		t.Fatalf("open index: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// logBuffer collects log output from any goroutine; the test prints it
// when it fails.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func testLogger(t *testing.T) (*slog.Logger, *logBuffer) {
	t.Helper()
	buf := &logBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", buf)
		}
	})
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// recorder keeps the reports OnSync receives.
type recorder struct {
	mu   sync.Mutex
	reps []search.SyncReport
}

func (r *recorder) onSync(rep search.SyncReport) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reps = append(r.reps, rep)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reps)
}

// since sums the reports received after the first n.
func (r *recorder) since(n int) search.SyncReport {
	r.mu.Lock()
	defer r.mu.Unlock()
	var sum search.SyncReport
	for _, rep := range r.reps[n:] {
		sum.New += rep.New
		sum.Changed += rep.Changed
		sum.Removed += rep.Removed
	}
	return sum
}

// fakeSyncer is a Syncer whose behaviour the test gives.
type fakeSyncer struct {
	syncWith func(ctx context.Context, fsys fs.FS, opts search.SyncOptions) (search.SyncReport, error)
}

func (s *fakeSyncer) SyncWith(ctx context.Context, fsys fs.FS, opts search.SyncOptions) (search.SyncReport, error) {
	return s.syncWith(ctx, fsys, opts)
}

// fastOptions are short delays that keep the suite fast.
func fastOptions(log *slog.Logger, rec *recorder) Options {
	return Options{
		Logger:   log,
		Quiet:    20 * time.Millisecond,
		MaxDelay: 200 * time.Millisecond,
		Settle:   250 * time.Millisecond,
		Rescan:   -1,
		OnSync:   rec.onSync,
	}
}

// startWatch runs f.Watch until the test ends or the returned function
// is called, and checks that it stops and returns nil.
func startWatch(t *testing.T, f *Folder) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Watch(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Watch returned %v; want nil", err)
				}
			case <-time.After(deadline):
				t.Errorf("Watch did not return after its context was cancelled")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitFor polls cond until it holds, or fails the test at the deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out after %v waiting for %s", deadline, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// articleText is a plain-text article whose passage holds word, a word
// made up to be found in no other article.
func articleText(title, word string) string {
	return fmt.Sprintf("%s\n\nThe %s report was published on Tuesday by the ministry, which said its findings were preliminary and would be reviewed by independent experts before the summer.\n", title, word)
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// indexed reports whether the index holds an article with that ID.
func indexed(ix *search.Index, id string) bool {
	_, ok, err := ix.Article(id)
	return err == nil && ok
}

// indexedWith reports whether the index holds the article with a passage
// containing word.
func indexedWith(ix *search.Index, id, word string) bool {
	a, ok, err := ix.Article(id)
	if err != nil || !ok {
		return false
	}
	for _, p := range a.Passages {
		if strings.Contains(p.Text, word) {
			return true
		}
	}
	return false
}

// found reports whether a search for word finds the article.
func found(t *testing.T, ix *search.Index, word, id string) bool {
	t.Helper()
	res, err := ix.Search(context.Background(), search.Query{Text: word, Limit: 10})
	if err != nil {
		t.Fatalf("search %q: %v", word, err)
	}
	for _, h := range res.Hits {
		if h.Article.ID == id {
			return true
		}
	}
	return false
}
