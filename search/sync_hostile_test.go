package search

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// hookFS is a file system whose files can be changed by a test between
// the moment a sync lists them and the moment it reads them: onOpen runs
// before a file is opened, and wrap may replace the opened file. Every
// operation holds one lock, so that hooks may change a MapFS while the
// sync's readers use it.
type hookFS struct {
	mu     sync.Mutex
	fsys   fs.FS
	onOpen func(name string)
	wrap   func(name string, f fs.File) fs.File
	opens  map[string]int
}

func (h *hookFS) Open(name string) (fs.File, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.opens == nil {
		h.opens = make(map[string]int)
	}
	h.opens[name]++
	if h.onOpen != nil {
		h.onOpen(name)
	}
	f, err := h.fsys.Open(name)
	if err == nil && h.wrap != nil {
		f = h.wrap(name, f)
	}
	return f, err
}

func (h *hookFS) ReadDir(name string) ([]fs.DirEntry, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return fs.ReadDir(h.fsys, name)
}

func (h *hookFS) Stat(name string) (fs.FileInfo, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return fs.Stat(h.fsys, name)
}

func (h *hookFS) openCount(name string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.opens[name]
}

// growingFile is a file that is written to while it is read: its Stat
// after the first Read reports one more byte and a later time.
type growingFile struct {
	fs.File
	read bool
}

func (g *growingFile) Read(p []byte) (int, error) {
	g.read = true
	return g.File.Read(p)
}

func (g *growingFile) Stat() (fs.FileInfo, error) {
	info, err := g.File.Stat()
	if err != nil || !g.read {
		return info, err
	}
	return grownInfo{info}, nil
}

type grownInfo struct{ fs.FileInfo }

func (i grownInfo) Size() int64        { return i.FileInfo.Size() + 1 }
func (i grownInfo) ModTime() time.Time { return i.FileInfo.ModTime().Add(time.Millisecond) }

// TestSyncRechecksFilesAfterReadingThem checks that a file rewritten
// after the sync listed it (as happens to the last files of a long sync)
// is not indexed half written, and that its indexed version is neither
// dropped nor replaced: the file is left for a later sync.
func TestSyncRechecksFilesAfterReadingThem(t *testing.T) {
	old := time.Now().Add(-time.Hour)
	v1 := article("Harbour Plans", "firstversion", 6)
	v2 := article("Harbour Plans", "secondversion", 6)
	for _, c := range []struct {
		name   string
		settle time.Duration
		// change runs when the sync opens a.txt, after it listed it.
		change func(m fstest.MapFS)
		wrap   func(name string, f fs.File) fs.File
	}{
		{
			name:   "truncated by a writer",
			settle: time.Minute,
			change: func(m fstest.MapFS) { m["a.txt"] = mapFile(nil, time.Now()) },
		},
		{
			name:   "half written",
			settle: time.Minute,
			change: func(m fstest.MapFS) { m["a.txt"] = mapFile(v2[:len(v2)/2], time.Now()) },
		},
		{
			name:   "written to while read, settle",
			settle: time.Minute,
			wrap:   func(name string, f fs.File) fs.File { return &growingFile{File: f} },
		},
		{
			name: "written to while read, no settle",
			wrap: func(name string, f fs.File) fs.File { return &growingFile{File: f} },
		},
		{
			name:   "removed before it is read",
			change: func(m fstest.MapFS) { delete(m, "a.txt") },
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := fstest.MapFS{"a.txt": mapFile(v1, old)}
			ix, err := Open(t.TempDir(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			ctx := context.Background()
			if _, err := ix.Sync(ctx, m); err != nil {
				t.Fatal(err)
			}
			// A new version that was complete when the sync listed the
			// folder, and changes before the sync reads it.
			m["a.txt"] = mapFile(v2, old.Add(time.Minute))
			h := &hookFS{fsys: m, wrap: c.wrap}
			if c.change != nil {
				h.onOpen = func(name string) {
					if name == "a.txt" {
						c.change(m)
					}
				}
			}
			rep, err := ix.SyncWith(ctx, h, SyncOptions{Settle: c.settle})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rep.Unsettled, []string{"a.txt"}) || rep.Changed != 0 || rep.Removed != 0 || len(rep.Skipped) != 0 {
				t.Errorf("report %+v; want a.txt unsettled and nothing changed, removed or skipped", rep)
			}
			if len(search(t, ix, "firstversion")) == 0 {
				t.Error("the indexed version is gone")
			}
			if len(search(t, ix, "secondversion")) != 0 {
				t.Error("a file that changed after it was listed was indexed")
			}
			assertConsistent(t, ix)

			// Once the file is complete and settled, it is indexed.
			m["a.txt"] = mapFile(v2, old.Add(2*time.Minute))
			rep, err = ix.SyncWith(ctx, m, SyncOptions{Settle: c.settle})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Changed != 1 || len(rep.Unsettled) != 0 || len(search(t, ix, "secondversion")) == 0 {
				t.Errorf("report %+v; want the settled file indexed", rep)
			}
		})
	}
}

// TestSyncRecordsTheVersionItRead checks that a file replaced, complete,
// between the listing and the read (a copy that keeps the time of its
// source) is indexed with the size and time of what was read, so that the
// next sync finds it unchanged.
func TestSyncRecordsTheVersionItRead(t *testing.T) {
	old := time.Now().Add(-time.Hour)
	m := fstest.MapFS{"a.txt": mapFile(article("Harbour Plans", "firstversion", 2), old)}
	v2 := article("Harbour Plans", "secondversion", 5)
	h := &hookFS{fsys: m, onOpen: func(name string) { m[name] = mapFile(v2, old.Add(time.Minute)) }}
	ix, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	if rep, err := ix.SyncWith(ctx, h, SyncOptions{Settle: time.Second}); err != nil || rep.New != 1 {
		t.Fatalf("report %+v, %v; want the file indexed", rep, err)
	}
	if len(search(t, ix, "secondversion")) == 0 {
		t.Error("the version read is not indexed")
	}
	h.onOpen = nil
	rep, err := ix.SyncWith(ctx, h, SyncOptions{Settle: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unchanged != 1 || h.openCount("a.txt") != 1 {
		t.Errorf("report %+v, %d reads; want the file unchanged and not read again", rep, h.openCount("a.txt"))
	}
}

// TestSyncRechecksFilesOnDisk is TestSyncRechecksFilesAfterReadingThem on
// a real file: a writer truncates it and writes half of it between the
// listing and the read.
func TestSyncRechecksFilesOnDisk(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(p, article("Harbour Plans", "firstversion", 4), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	if _, err := ix.Sync(ctx, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	v2 := article("Harbour Plans", "secondversion", 40)
	if err := os.WriteFile(p, v2, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, old.Add(time.Minute), old.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	h := &hookFS{fsys: os.DirFS(dir), onOpen: func(string) {
		if err := os.WriteFile(p, v2[:len(v2)/2], 0o644); err != nil {
			t.Error(err)
		}
	}}
	rep, err := ix.SyncWith(ctx, h, SyncOptions{Settle: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Unsettled, []string{"a.txt"}) || rep.Changed != 0 {
		t.Errorf("report %+v; want a.txt unsettled and nothing changed", rep)
	}
	if len(search(t, ix, "firstversion")) == 0 || len(search(t, ix, "secondversion")) != 0 {
		t.Error("the half-written version replaced the indexed one")
	}
}

// warnLog collects the warnings of an Index.
type warnLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *warnLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *warnLog) take() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.buf.String()
	w.buf.Reset()
	return s
}

func (w *warnLog) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// warningsAbout returns the lines of log that name file.
func warningsAbout(log, file string) []string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "file="+file+" ") {
			out = append(out, l)
		}
	}
	return out
}

// TestSyncWarnsAboutEverySkippedFile checks that no file is left out
// silently: two files with one article ID, a broken link, a link to a
// folder and a binary file are each reported and logged by name.
func TestSyncWarnsAboutEverySkippedFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("dup.md", article("Dog Show Draws Record Crowd", "dogword", 2))
	write("dup.txt", article("Cat Show Cancelled Over Rain", "catword", 2))
	write("elf.txt", append([]byte("\x7fELF\x02\x01\x01\x00"), randomBytes(9, 500)...))
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "linked.txt"), article("Linked Story", "linkedword", 2), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "gone.txt"), filepath.Join(dir, "broken.txt")); err != nil {
		t.Skip("symlinks not supported:", err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "linkdir")); err != nil {
		t.Fatal(err)
	}
	var log warnLog
	ix, err := Open(t.TempDir(), Options{Logger: log.logger()})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	rep, err := ix.Sync(context.Background(), os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Articles != 1 || len(search(t, ix, "dogword")) == 0 {
		t.Errorf("report %+v; want dup.md indexed", rep)
	}
	logged := log.take()
	for _, c := range []struct{ file, reason string }{
		{"dup.txt", "same article ID"},
		{"broken.txt", "broken symbolic link"},
		{"linkdir", "symbolic link to a folder"},
		{"elf.txt", "not a text file"},
	} {
		i := slices.IndexFunc(rep.Skipped, func(s SkippedFile) bool { return s.Path == c.file })
		if i < 0 || !strings.Contains(rep.Skipped[i].Reason, c.reason) {
			t.Errorf("skipped %+v; want %s skipped as %q", rep.Skipped, c.file, c.reason)
		}
		if w := warningsAbout(logged, c.file); len(w) != 1 || !strings.Contains(w[0], c.reason) {
			t.Errorf("warnings about %s: %q; want one saying %q (log:\n%s)", c.file, w, c.reason, logged)
		}
	}
}

// TestSyncWarnsOncePerVersion checks that a file that stays bad is
// reported at every sync but logged once, until it changes; and that a
// file skipped for what it holds is not read again while unchanged.
func TestSyncWarnsOncePerVersion(t *testing.T) {
	t0 := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	m := fstest.MapFS{
		"good.txt":  mapFile(article("Harbour Plans", "goodword", 2), t0),
		"empty.txt": mapFile(nil, t0),
		"dup.md":    mapFile(article("Harbour Plans", "dupword", 2), t0),
		"dup.txt":   mapFile(article("Bridge Works", "dupword", 2), t0),
		"bin.md":    mapFile(randomBytes(7, 3000), t0),
	}
	h := &hookFS{fsys: m}
	var log warnLog
	ix, err := Open(t.TempDir(), Options{Logger: log.logger()})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	bad := []string{"empty.txt", "dup.txt", "bin.md"}
	for _, st := range []struct {
		name       string
		change     func()
		wantWarned []string
		wantBad    []string
	}{
		{name: "first sync", change: func() {}, wantWarned: bad, wantBad: bad},
		{name: "second sync", change: func() {}, wantBad: bad},
		{name: "third sync", change: func() {}, wantBad: bad},
		{
			name:       "a bad file changes and is still bad",
			change:     func() { m["bin.md"] = mapFile(randomBytes(8, 3000), t0.Add(time.Hour)) },
			wantWarned: []string{"bin.md"}, wantBad: bad,
		},
		{
			name:    "a bad file is fixed",
			change:  func() { m["empty.txt"] = mapFile(article("Tide Tables", "tideword", 2), t0.Add(time.Hour)) },
			wantBad: []string{"dup.txt", "bin.md"},
		},
		{
			name:       "and broken again",
			change:     func() { m["empty.txt"] = mapFile([]byte("  \n"), t0.Add(2*time.Hour)) },
			wantWarned: []string{"empty.txt"}, wantBad: bad,
		},
	} {
		t.Run(st.name, func(t *testing.T) {
			h.mu.Lock()
			st.change()
			h.mu.Unlock()
			rep, err := ix.Sync(ctx, h)
			if err != nil {
				t.Fatal(err)
			}
			var gotBad []string
			for _, s := range rep.Skipped {
				gotBad = append(gotBad, s.Path)
			}
			slices.Sort(gotBad)
			wantBad := slices.Sorted(slices.Values(st.wantBad))
			if !slices.Equal(gotBad, wantBad) {
				t.Errorf("skipped %v; want %v", gotBad, wantBad)
			}
			logged := log.take()
			for _, f := range bad {
				want := 0
				if slices.Contains(st.wantWarned, f) {
					want = 1
				}
				if got := len(warningsAbout(logged, f)); got != want {
					t.Errorf("%d warnings about %s; want %d (log:\n%s)", got, f, want, logged)
				}
			}
		})
	}
	if n := h.openCount("bin.md"); n != 2 {
		t.Errorf("bin.md read %d times; want 2, once per version", n)
	}
}
