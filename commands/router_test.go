package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/dossier-bot/dossier/search"
	"github.com/dossier-bot/dossier/seeds"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// testIndex is one index of the seed articles shared by the tests of this
// package (read-only: searches only).
var testIndex struct {
	once sync.Once
	dir  string
	ix   *search.Index
	err  error
}

// TestMain removes the indexes the tests and benchmarks share.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, sh := range []*struct {
		dir string
		ix  *search.Index
	}{{testIndex.dir, testIndex.ix}, {benchIndex.dir, benchIndex.ix}} {
		if sh.ix != nil {
			sh.ix.Close()
		}
		if sh.dir != "" {
			os.RemoveAll(sh.dir)
		}
	}
	os.Exit(code)
}

func seedIndex(t testing.TB) *search.Index {
	t.Helper()
	testIndex.once.Do(func() {
		dir, err := os.MkdirTemp("", "dossier-commands-")
		if err != nil {
			testIndex.err = err
			return
		}
		testIndex.dir = dir
		ix, err := search.Open(dir, search.Options{})
		if err != nil {
			testIndex.err = err
			return
		}
		if _, err := ix.Sync(context.Background(), seeds.FS()); err != nil {
			testIndex.err = err
			return
		}
		testIndex.ix = ix
	})
	if testIndex.err != nil {
		t.Fatal(testIndex.err)
	}
	return testIndex.ix
}

func testMemory(t testing.TB, now func() time.Time) *Memory {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "state.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	m, err := NewMemory(db, now)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// testLogger writes to the test's log and counts error lines.
type testLogger struct {
	t      testing.TB
	mu     sync.Mutex
	errors []string
}

func (l *testLogger) Write(p []byte) (int, error) {
	l.t.Helper()
	l.t.Log(strings.TrimSpace(string(p)))
	if bytes.Contains(p, []byte("level=ERROR")) {
		l.mu.Lock()
		l.errors = append(l.errors, string(p))
		l.mu.Unlock()
	}
	return len(p), nil
}

func (l *testLogger) errorLines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.errors...)
}

var fixedNow = time.Date(2025, 5, 16, 10, 0, 0, 0, time.UTC)

func newTestRouter(t testing.TB, s Searcher, mod func(*Config)) (*Router, *testLogger) {
	t.Helper()
	lg := &testLogger{t: t}
	cfg := Config{
		Searcher: s,
		Memory:   testMemory(t, func() time.Time { return fixedNow }),
		Logger:   slog.New(slog.NewTextHandler(lg, &slog.HandlerOptions{Level: slog.LevelInfo})),
		Now:      func() time.Time { return fixedNow },
		// Tests ask many questions as one user; the limit has its own test.
		RateLimit: -1,
	}
	if mod != nil {
		mod(&cfg)
	}
	return New(cfg), lg
}

// capture is a responder that records what the router sends.
type capture struct {
	mu        sync.Mutex
	callbacks []wireCallback
	edits     []wireMessageOut
	followUps []wireMessageOut
	done      chan struct{}
}

func newCapture() *capture { return &capture{done: make(chan struct{}, 16)} }

func (c *capture) respond(ctx context.Context, in *Interaction, cb wireCallback) error {
	c.mu.Lock()
	c.callbacks = append(c.callbacks, cb)
	c.mu.Unlock()
	c.done <- struct{}{}
	return nil
}

func (c *capture) followUp(ctx context.Context, in *Interaction, msg wireMessageOut) error {
	c.mu.Lock()
	c.followUps = append(c.followUps, msg)
	c.mu.Unlock()
	return nil
}

func (c *capture) editOriginal(ctx context.Context, in *Interaction, msg wireMessageOut) error {
	c.mu.Lock()
	c.edits = append(c.edits, msg)
	c.mu.Unlock()
	c.done <- struct{}{}
	return nil
}

func loadFixture(t testing.TB, name string) *Interaction {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "interactions", name))
	if err != nil {
		t.Fatal(err)
	}
	in, err := ParseInteraction(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return in
}

// serveOne runs one interaction through the router and returns the
// initial callback.
func serveOne(t testing.TB, r *Router, in *Interaction) wireCallback {
	t.Helper()
	c := newCapture()
	r.serve(context.Background(), in, c)
	if len(c.callbacks) != 1 {
		t.Fatalf("%d callbacks; want exactly one", len(c.callbacks))
	}
	return c.callbacks[0]
}

var reButtonKey = regexp.MustCompile(`d1:([a-z]+):[A-Za-z0-9_-]+:`)

// goldenJSON compares a callback with testdata/golden/name, with the
// random keys of custom_ids replaced by KEY.
func goldenJSON(t *testing.T, name string, cb wireCallback) {
	t.Helper()
	got, err := json.MarshalIndent(cb, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = reButtonKey.ReplaceAll(got, []byte("d1:$1:KEY:"))
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\ngot:\n%s", name, got)
	}
}

// TestFixtures replays real interaction payloads through the router and
// compares the rendered replies with golden files.
func TestFixtures(t *testing.T) {
	r, _ := newTestRouter(t, seedIndex(t), withDigestsAndLibrary(&fakeDigests{}, &fakeLibrary{}))
	files, err := filepath.Glob(filepath.Join("testdata", "interactions", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			cb := serveOne(t, r, loadFixture(t, name))
			checkCallback(t, cb)
			goldenJSON(t, name, cb)
		})
	}
}

// message returns the message of a callback.
func message(t testing.TB, cb wireCallback) wireMessageOut {
	t.Helper()
	m, ok := cb.Data.(wireMessageOut)
	if !ok {
		t.Fatalf("callback type %d carries %T; want a message", cb.Type, cb.Data)
	}
	return m
}

func allText(m wireMessageOut) string {
	var b strings.Builder
	b.WriteString(m.Content)
	for _, e := range m.Embeds {
		b.WriteString("\n" + e.Title + "\n" + e.Description)
		if e.Footer != nil {
			b.WriteString("\n" + e.Footer.Text)
		}
		for _, f := range e.Fields {
			b.WriteString("\n" + f.Name + "\n" + f.Value)
		}
	}
	return b.String()
}

// unescaped reports whether s occurs in text without a backslash before
// it, that is, as Discord would read it.
func unescaped(text, s string) bool {
	for i := strings.Index(text, s); i >= 0; {
		if i == 0 || text[i-1] != '\\' {
			return true
		}
		j := strings.Index(text[i+1:], s)
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}
