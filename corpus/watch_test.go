package corpus

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/dossier-bot/dossier/search"
)

// noEvents is a newWatcher hook for a system without file-system events.
func noEvents() (*fsnotify.Watcher, error) {
	return nil, errors.New("too many open files (inotify instances exhausted, test)")
}

// watchCase is a change to the folder that Watch must bring into the
// index.
type watchCase struct {
	name string
	// setup prepares the folder (dir) and a directory outside it before
	// Watch starts; ready says when the initial sync has taken it in.
	setup func(t *testing.T, dir, outside string)
	ready func(ix *search.Index) bool
	// change changes the folder while Watch runs.
	change func(t *testing.T, w *watchEnv)
	// done says when the index shows the change; want checks the sum of
	// the reports OnSync received since the change.
	done func(t *testing.T, ix *search.Index) bool
	want func(sum search.SyncReport) bool
}

// watchEnv is a watched folder.
type watchEnv struct {
	dir, outside string
	ix           *search.Index
	rec          *recorder
}

// syncedAfter waits until OnSync has seen more than n syncs.
func (w *watchEnv) syncedAfter(t *testing.T, n int) {
	t.Helper()
	waitFor(t, "a sync", func() bool { return w.rec.count() > n })
}

func TestWatch(t *testing.T) {
	tests := []watchCase{
		{
			name: "new file",
			change: func(t *testing.T, w *watchEnv) {
				writeFile(t, filepath.Join(w.dir, "a.txt"), articleText("New", "zebracorn"))
			},
			done: func(t *testing.T, ix *search.Index) bool {
				return indexedWith(ix, "a", "zebracorn") && found(t, ix, "zebracorn", "a")
			},
			want: func(s search.SyncReport) bool { return s.New >= 1 },
		},
		{
			name: "changed file",
			setup: func(t *testing.T, dir, _ string) {
				writeFile(t, filepath.Join(dir, "a.txt"), articleText("Old", "zebracorn"))
			},
			ready: func(ix *search.Index) bool { return indexedWith(ix, "a", "zebracorn") },
			change: func(t *testing.T, w *watchEnv) {
				writeFile(t, filepath.Join(w.dir, "a.txt"), articleText("Changed", "quokkafish"))
			},
			done: func(t *testing.T, ix *search.Index) bool {
				return indexedWith(ix, "a", "quokkafish") && found(t, ix, "quokkafish", "a") && !found(t, ix, "zebracorn", "a")
			},
			want: func(s search.SyncReport) bool { return s.Changed >= 1 },
		},
		{
			name: "deleted file",
			setup: func(t *testing.T, dir, _ string) {
				writeFile(t, filepath.Join(dir, "a.txt"), articleText("Doomed", "zebracorn"))
			},
			ready: func(ix *search.Index) bool { return indexed(ix, "a") },
			change: func(t *testing.T, w *watchEnv) {
				if err := os.Remove(filepath.Join(w.dir, "a.txt")); err != nil {
					t.Fatal(err)
				}
			},
			done: func(t *testing.T, ix *search.Index) bool { return !indexed(ix, "a") && len(ix.Articles()) == 0 },
			want: func(s search.SyncReport) bool { return s.Removed >= 1 },
		},
		{
			name: "file in a new subdirectory",
			change: func(t *testing.T, w *watchEnv) {
				n := w.rec.count()
				if err := os.MkdirAll(filepath.Join(w.dir, "sub", "deeper"), 0o755); err != nil {
					t.Fatal(err)
				}
				// Once the new directories are synced they are watched:
				// only an event from them brings in the file.
				w.syncedAfter(t, n)
				writeFile(t, filepath.Join(w.dir, "sub", "deeper", "a.txt"), articleText("Deep", "zebracorn"))
			},
			done: func(t *testing.T, ix *search.Index) bool { return indexedWith(ix, "sub/deeper/a", "zebracorn") },
			want: func(s search.SyncReport) bool { return s.New >= 1 },
		},
		{
			name: "renamed file",
			setup: func(t *testing.T, dir, _ string) {
				writeFile(t, filepath.Join(dir, "a.txt"), articleText("Renamed", "zebracorn"))
			},
			ready: func(ix *search.Index) bool { return indexed(ix, "a") },
			change: func(t *testing.T, w *watchEnv) {
				if err := os.Rename(filepath.Join(w.dir, "a.txt"), filepath.Join(w.dir, "b.txt")); err != nil {
					t.Fatal(err)
				}
			},
			done: func(t *testing.T, ix *search.Index) bool {
				return indexed(ix, "b") && !indexed(ix, "a") && found(t, ix, "zebracorn", "b")
			},
			want: func(s search.SyncReport) bool { return s.New >= 1 && s.Removed >= 1 },
		},
		{
			name: "file moved in from outside",
			setup: func(t *testing.T, _, outside string) {
				writeFile(t, filepath.Join(outside, "a.txt"), articleText("Moved", "zebracorn"))
			},
			change: func(t *testing.T, w *watchEnv) {
				if err := os.Rename(filepath.Join(w.outside, "a.txt"), filepath.Join(w.dir, "a.txt")); err != nil {
					t.Fatal(err)
				}
			},
			done: func(t *testing.T, ix *search.Index) bool { return indexedWith(ix, "a", "zebracorn") },
			want: func(s search.SyncReport) bool { return s.New >= 1 },
		},
		{
			name: "directory moved in from outside",
			setup: func(t *testing.T, _, outside string) {
				writeFile(t, filepath.Join(outside, "batch", "one", "a.txt"), articleText("Batch", "zebracorn"))
			},
			change: func(t *testing.T, w *watchEnv) {
				if err := os.Rename(filepath.Join(w.outside, "batch"), filepath.Join(w.dir, "batch")); err != nil {
					t.Fatal(err)
				}
				w.waitIndexed(t, "batch/one/a")
				writeFile(t, filepath.Join(w.dir, "batch", "one", "b.txt"), articleText("Batch", "quokkafish"))
			},
			done: func(t *testing.T, ix *search.Index) bool { return indexedWith(ix, "batch/one/b", "quokkafish") },
			want: func(s search.SyncReport) bool { return s.New >= 2 },
		},
		{
			name: "renamed directory",
			setup: func(t *testing.T, dir, _ string) {
				writeFile(t, filepath.Join(dir, "old", "inner", "a.txt"), articleText("Dir", "zebracorn"))
			},
			ready: func(ix *search.Index) bool { return indexed(ix, "old/inner/a") },
			change: func(t *testing.T, w *watchEnv) {
				if err := os.Rename(filepath.Join(w.dir, "old"), filepath.Join(w.dir, "new")); err != nil {
					t.Fatal(err)
				}
				w.waitIndexed(t, "new/inner/a")
				// The watches follow the directory to its new name.
				writeFile(t, filepath.Join(w.dir, "new", "inner", "b.txt"), articleText("Dir", "quokkafish"))
			},
			done: func(t *testing.T, ix *search.Index) bool {
				return indexedWith(ix, "new/inner/b", "quokkafish") && !indexed(ix, "old/inner/a")
			},
			want: func(s search.SyncReport) bool { return s.New >= 2 && s.Removed >= 1 },
		},
		{
			name: "hidden directory made visible",
			setup: func(t *testing.T, dir, _ string) {
				writeFile(t, filepath.Join(dir, ".drafts", "a.txt"), articleText("Draft", "zebracorn"))
			},
			change: func(t *testing.T, w *watchEnv) {
				if indexed(w.ix, ".drafts/a") || len(w.ix.Articles()) != 0 {
					t.Fatalf("a hidden directory was indexed")
				}
				if err := os.Rename(filepath.Join(w.dir, ".drafts"), filepath.Join(w.dir, "drafts")); err != nil {
					t.Fatal(err)
				}
			},
			done: func(t *testing.T, ix *search.Index) bool { return indexedWith(ix, "drafts/a", "zebracorn") },
			want: func(s search.SyncReport) bool { return s.New >= 1 },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := &watchEnv{dir: t.TempDir(), outside: t.TempDir(), ix: openIndex(t), rec: &recorder{}}
			if tt.setup != nil {
				tt.setup(t, w.dir, w.outside)
			}
			log, _ := testLogger(t)
			f := New(w.dir, w.ix, fastOptions(log, w.rec))
			startWatch(t, f)
			waitFor(t, "the initial sync", func() bool {
				return w.rec.count() > 0 && (tt.ready == nil || tt.ready(w.ix))
			})
			// The index shows a sync's changes before OnSync hears of
			// them: wait for the sync to be over before counting.
			f.lock(context.Background())
			f.unlock()
			n := w.rec.count()
			tt.change(t, w)
			waitFor(t, "the change in the index", func() bool { return tt.done(t, w.ix) })
			waitFor(t, "the reports of the change", func() bool { return tt.want(w.rec.since(n)) })
		})
	}
}

func (w *watchEnv) waitIndexed(t *testing.T, id string) {
	t.Helper()
	waitFor(t, id+" in the index", func() bool { return indexed(w.ix, id) })
}

// countingSyncer counts the syncs it passes on.
type countingSyncer struct {
	Syncer
	calls atomic.Int64
}

func (c *countingSyncer) SyncWith(ctx context.Context, fsys fs.FS, opts search.SyncOptions) (search.SyncReport, error) {
	c.calls.Add(1)
	return c.Syncer.SyncWith(ctx, fsys, opts)
}

// TestWatchBurst checks that a burst of writes is synced a few times, not
// once per file.
func TestWatchBurst(t *testing.T) {
	t.Parallel()
	const files, maxSyncs = 200, 10
	dir := t.TempDir()
	ix := openIndex(t)
	syncer := &countingSyncer{Syncer: ix}
	log, _ := testLogger(t)
	rec := &recorder{}
	opts := fastOptions(log, rec)
	opts.Quiet, opts.MaxDelay, opts.Settle = 50*time.Millisecond, 2*time.Second, 50*time.Millisecond
	f := New(dir, syncer, opts)
	startWatch(t, f)
	waitFor(t, "the initial sync", func() bool { return rec.count() == 1 })
	before := syncer.calls.Load()

	for i := range files {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("a%03d.txt", i)), articleText(fmt.Sprintf("Article %d", i), fmt.Sprintf("word%03d", i)))
	}
	// The index shows the articles before SyncWith returns; the reports
	// come after.
	waitFor(t, "every file in the index and the reports", func() bool {
		return len(ix.Articles()) == files && rec.since(1).New == files
	})
	if syncs := syncer.calls.Load() - before; syncs < 1 || syncs > maxSyncs {
		t.Errorf("%d files took %d syncs; want 1 to %d", files, syncs, maxSyncs)
	}
}

// TestWatchMaxDelay checks that events that never pause for Quiet are
// still synced, by MaxDelay.
func TestWatchMaxDelay(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ix := openIndex(t)
	log, _ := testLogger(t)
	rec := &recorder{}
	opts := fastOptions(log, rec)
	opts.Quiet, opts.MaxDelay, opts.Settle = 5*time.Second, 50*time.Millisecond, -1
	f := New(dir, ix, opts)
	startWatch(t, f)
	waitFor(t, "the initial sync", func() bool { return rec.count() == 1 })

	// Keep writing, more often than Quiet, until a sync has happened.
	i := 0
	waitFor(t, "a sync while events keep coming", func() bool {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("a%04d.txt", i)), articleText("Busy", fmt.Sprintf("word%04d", i)))
		i++
		return rec.since(1).New > 0
	})
}

// TestWatchHalfWrittenFile checks that a file being written is not
// indexed until it is complete: the index holds it whole or not at all.
func TestWatchHalfWrittenFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ix := openIndex(t)
	log, _ := testLogger(t)
	rec := &recorder{}
	opts := fastOptions(log, rec)
	// Pauses between writes are far shorter than Settle, and longer than
	// Quiet, so that syncs run while the file is being written.
	const pause = 30 * time.Millisecond
	opts.Quiet, opts.MaxDelay, opts.Settle = 10*time.Millisecond, 100*time.Millisecond, time.Second
	f := New(dir, ix, opts)
	startWatch(t, f)
	waitFor(t, "the initial sync", func() bool { return rec.count() == 1 })

	var sb strings.Builder
	sb.WriteString("Half written\n\n")
	for i := range 12 {
		fmt.Fprintf(&sb, "Paragraph %d says that the committee met on Monday to discuss item number %d, and that the members agreed to meet again.\n\n", i, i)
	}
	full := sb.String()
	complete, _, err := search.Parse("half.txt", []byte(full))
	if err != nil {
		t.Fatal(err)
	}
	want := passageTexts(complete)

	// Watch the index from another goroutine while the file is written.
	var (
		mu      sync.Mutex
		partial []string
	)
	stop := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for {
			if a, ok, err := ix.Article("half"); err == nil && ok {
				if got := passageTexts(a); !slices.Equal(got, want) {
					mu.Lock()
					partial = append(partial, strings.Join(got, " | "))
					mu.Unlock()
				}
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()

	fh, err := os.Create(filepath.Join(dir, "half.txt"))
	if err != nil {
		t.Fatal(err)
	}
	const steps = 6
	for i := range steps {
		chunk := full[i*len(full)/steps : (i+1)*len(full)/steps]
		if _, err := fh.WriteString(chunk); err != nil {
			t.Fatal(err)
		}
		if i < steps-1 {
			time.Sleep(pause)
		}
	}
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the complete file in the index", func() bool { return indexed(ix, "half") })
	close(stop)
	<-watched

	mu.Lock()
	defer mu.Unlock()
	for _, p := range partial {
		t.Errorf("index held a partial version: %s", p)
	}
	a, _, err := ix.Article("half")
	if err != nil {
		t.Fatal(err)
	}
	if got := passageTexts(a); !slices.Equal(got, want) {
		t.Errorf("indexed passages %q; want %q", got, want)
	}
	// The test means something only if a sync saw the file unfinished.
	rec.mu.Lock()
	unsettled := false
	for _, rep := range rec.reps {
		unsettled = unsettled || slices.Contains(rep.Unsettled, "half.txt")
	}
	rec.mu.Unlock()
	if !unsettled {
		t.Errorf("no sync reported half.txt as unsettled; want the file seen while written")
	}
}

func passageTexts(a *search.Article) []string {
	var out []string
	for _, p := range a.Passages {
		out = append(out, p.Text)
	}
	return out
}

// TestWatchRescan checks that the rescan finds what no event announced,
// and that Watch says why it has no events.
func TestWatchRescan(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ix := openIndex(t)
	log, logs := testLogger(t)
	rec := &recorder{}
	opts := fastOptions(log, rec)
	opts.Rescan = 100 * time.Millisecond
	f := New(dir, ix, opts)
	f.newWatcher = noEvents
	startWatch(t, f)
	waitFor(t, "the initial sync", func() bool { return rec.count() >= 1 })

	writeFile(t, filepath.Join(dir, "sub", "a.txt"), articleText("Missed", "zebracorn"))
	waitFor(t, "the rescan to index the file", func() bool { return indexedWith(ix, "sub/a", "zebracorn") })
	for _, want := range []string{"file-system events unavailable", "inotify instances exhausted"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log does not say %q:\n%s", want, logs)
		}
	}
}

// TestWatchSyncError checks that a failed sync is logged with its error,
// that OnSync does not hear of it, and that Watch keeps going: the next
// event or rescan syncs again.
func TestWatchSyncError(t *testing.T) {
	tests := []struct {
		name   string
		events bool
		rescan time.Duration
	}{
		{"retried on the next event", true, -1},
		{"retried on the rescan", false, 50 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			var calls atomic.Int64
			syncer := &fakeSyncer{syncWith: func(ctx context.Context, fsys fs.FS, opts search.SyncOptions) (search.SyncReport, error) {
				if calls.Add(1) == 1 {
					return search.SyncReport{}, errors.New("disk on fire")
				}
				return search.SyncReport{Articles: 1}, nil
			}}
			log, logs := testLogger(t)
			rec := &recorder{}
			opts := fastOptions(log, rec)
			opts.Rescan = tt.rescan
			f := New(dir, syncer, opts)
			if !tt.events {
				f.newWatcher = noEvents
			}
			stop := startWatch(t, f)
			waitFor(t, "the failed sync to be logged", func() bool { return strings.Contains(logs.String(), "disk on fire") })
			if tt.events {
				writeFile(t, filepath.Join(dir, "a.txt"), articleText("After", "zebracorn"))
			}
			waitFor(t, "a successful sync", func() bool { return rec.count() >= 1 })
			stop()
			if got, want := int64(rec.count()), calls.Load()-1; got != want {
				t.Errorf("OnSync called %d times for %d syncs, one failed; want %d", got, calls.Load(), want)
			}
			if !strings.Contains(logs.String(), "corpus sync failed") || !strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("log does not report the failure as an error:\n%s", logs)
			}
		})
	}
}

// TestWatchUnsettled checks that Watch syncs again, without any event,
// when a sync leaves files that were still being written.
func TestWatchUnsettled(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		settle []time.Duration
	)
	syncer := &fakeSyncer{syncWith: func(ctx context.Context, fsys fs.FS, opts search.SyncOptions) (search.SyncReport, error) {
		mu.Lock()
		defer mu.Unlock()
		settle = append(settle, opts.Settle)
		if len(settle) == 1 {
			return search.SyncReport{Unsettled: []string{"a.md"}}, nil
		}
		return search.SyncReport{New: 1}, nil
	}}
	log, _ := testLogger(t)
	rec := &recorder{}
	opts := fastOptions(log, rec)
	f := New(t.TempDir(), syncer, opts)
	f.newWatcher = noEvents // and no rescan: only the retry can sync again
	startWatch(t, f)
	waitFor(t, "a second sync", func() bool { return rec.count() >= 2 })
	mu.Lock()
	defer mu.Unlock()
	for i, s := range settle {
		if s != opts.Settle {
			t.Errorf("sync %d had Settle %v; want %v", i, s, opts.Settle)
		}
	}
}

// TestWatchStopsDuringSync checks that Watch returns when its context is
// cancelled in the middle of a sync, once the sync has stopped.
func TestWatchStopsDuringSync(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	var stopped atomic.Bool
	syncer := &fakeSyncer{syncWith: func(ctx context.Context, fsys fs.FS, opts search.SyncOptions) (search.SyncReport, error) {
		close(started)
		<-ctx.Done()
		stopped.Store(true)
		return search.SyncReport{}, ctx.Err()
	}}
	log, logs := testLogger(t)
	f := New(t.TempDir(), syncer, fastOptions(log, &recorder{}))
	stop := startWatch(t, f)
	<-started
	stop()
	if !stopped.Load() {
		t.Errorf("Watch returned before its sync stopped")
	}
	if strings.Contains(logs.String(), "sync failed") {
		t.Errorf("a sync cancelled by the end of Watch was logged as a failure:\n%s", logs)
	}
}

func TestSync(t *testing.T) {
	dir := t.TempDir()
	ix := openIndex(t)
	rec := &recorder{}
	f := New(dir, ix, Options{OnSync: rec.onSync})
	writeFile(t, filepath.Join(dir, "a.txt"), articleText("One", "zebracorn"))
	writeFile(t, filepath.Join(dir, "sub", "b.md"), articleText("Two", "quokkafish"))
	writeFile(t, filepath.Join(dir, ".hidden", "c.txt"), articleText("Three", "hidden"))
	// Just written, and still indexed: Sync does not wait for files to settle.
	rep, err := f.Sync(context.Background())
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if rep.New != 2 || rep.Articles != 2 || len(rep.Unsettled) != 0 {
		t.Errorf("report %+v; want 2 new of 2 articles, none unsettled", rep)
	}
	if n := rec.count(); n != 1 {
		t.Errorf("OnSync called %d times; want 1", n)
	}
	if !found(t, ix, "quokkafish", "sub/b") {
		t.Errorf("search does not find sub/b")
	}
}

func TestSyncError(t *testing.T) {
	rec := &recorder{}
	syncer := &fakeSyncer{syncWith: func(ctx context.Context, fsys fs.FS, opts search.SyncOptions) (search.SyncReport, error) {
		return search.SyncReport{}, search.ErrClosed
	}}
	f := New(t.TempDir(), syncer, Options{OnSync: rec.onSync})
	if _, err := f.Sync(context.Background()); !errors.Is(err, search.ErrClosed) {
		t.Errorf("Sync = %v; want search.ErrClosed", err)
	}
	if n := rec.count(); n != 0 {
		t.Errorf("OnSync called %d times; want 0", n)
	}
}

// TestOnSyncNeverOverlaps runs Add, Sync and Watch at once and checks
// that OnSync is called one call at a time.
func TestOnSyncNeverOverlaps(t *testing.T) {
	dir := t.TempDir()
	ix := openIndex(t)
	log, _ := testLogger(t)
	var active, calls, overlaps atomic.Int64
	opts := fastOptions(log, &recorder{})
	opts.Rescan = 20 * time.Millisecond
	opts.Now = fixedNow
	opts.OnSync = func(search.SyncReport) {
		if active.Add(1) != 1 {
			overlaps.Add(1)
		}
		calls.Add(1)
		time.Sleep(time.Millisecond)
		active.Add(-1)
	}
	f := New(dir, ix, opts)
	startWatch(t, f)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Go(func() {
			if _, err := f.Add(ctx, NewArticle{Title: "Busy", Text: fmt.Sprintf("%s\n\nCopy %d.", body, i)}); err != nil {
				t.Errorf("Add: %v", err)
			}
		})
		wg.Go(func() {
			if _, err := f.Sync(ctx); err != nil {
				t.Errorf("Sync: %v", err)
			}
		})
		wg.Go(func() {
			name := filepath.Join(dir, fmt.Sprintf("w%d.txt", i))
			if err := os.WriteFile(name, []byte(articleText("Written", fmt.Sprintf("word%d", i))), 0o644); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	waitFor(t, "every article in the index", func() bool { return len(ix.Articles()) == 10 })
	if n := overlaps.Load(); n > 0 {
		t.Errorf("%d OnSync calls overlapped another of %d; want none", n, calls.Load())
	}
}

func TestOptionsDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   Options
		want Options
	}{
		{"zero", Options{}, Options{Quiet: defaultQuiet, MaxDelay: defaultMaxDelay, Settle: defaultSettle, Rescan: defaultRescan}},
		{"negative", Options{Quiet: -1, MaxDelay: -1, Settle: -1, Rescan: -1}, Options{Quiet: 0, MaxDelay: defaultMaxDelay, Settle: 0, Rescan: -1}},
		{"given", Options{Quiet: 1, MaxDelay: 2, Settle: 3, Rescan: 4}, Options{Quiet: 1, MaxDelay: 2, Settle: 3, Rescan: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.withDefaults()
			if got.Logger == nil || got.Now == nil {
				t.Errorf("Logger or Now left nil")
			}
			if got.Quiet != tt.want.Quiet || got.MaxDelay != tt.want.MaxDelay || got.Settle != tt.want.Settle || got.Rescan != tt.want.Rescan {
				t.Errorf("got Quiet %v, MaxDelay %v, Settle %v, Rescan %v; want %v, %v, %v, %v",
					got.Quiet, got.MaxDelay, got.Settle, got.Rescan, tt.want.Quiet, tt.want.MaxDelay, tt.want.Settle, tt.want.Rescan)
			}
		})
	}
}

// TestNotifierHandle checks which events may change the index, and that
// the watches follow directories as they come and go.
func TestNotifierHandle(t *testing.T) {
	root := t.TempDir()
	w, err := fsnotify.NewWatcher()
	if err != nil {
		t.Skipf("no file-system events here: %v", err)
	}
	defer w.Close()
	log, _ := testLogger(t)
	n := &notifier{w: w, root: root, dirs: make(map[string]bool), log: log}
	n.watchTree(root)
	writeFile(t, filepath.Join(root, "sub", "deeper", "a.txt"), "x")
	writeFile(t, filepath.Join(root, ".hidden", "b.txt"), "x")

	join := func(parts ...string) string { return filepath.Join(append([]string{root}, parts...)...) }
	tests := []struct {
		name string
		ev   fsnotify.Event
		want bool
	}{
		{"article written", fsnotify.Event{Name: join("a.md"), Op: fsnotify.Write}, true},
		{"article created", fsnotify.Event{Name: join("a.txt"), Op: fsnotify.Create}, true},
		{"article removed", fsnotify.Event{Name: join("a.markdown"), Op: fsnotify.Remove}, true},
		{"article renamed away", fsnotify.Event{Name: join("a.md"), Op: fsnotify.Rename}, true},
		{"article chmod", fsnotify.Event{Name: join("a.md"), Op: fsnotify.Chmod}, false},
		{"other file", fsnotify.Event{Name: join("photo.jpg"), Op: fsnotify.Create}, false},
		{"hidden file", fsnotify.Event{Name: join(".a.md.swp"), Op: fsnotify.Write}, false},
		{"temporary file of Add", fsnotify.Event{Name: join(".dossier-add-123.tmp"), Op: fsnotify.Create}, false},
		{"in hidden directory", fsnotify.Event{Name: join(".hidden", "b.txt"), Op: fsnotify.Write}, false},
		{"hidden directory created", fsnotify.Event{Name: join(".hidden"), Op: fsnotify.Create}, false},
		{"outside the root", fsnotify.Event{Name: filepath.Join(filepath.Dir(root), "x.md"), Op: fsnotify.Write}, false},
		{"directory created", fsnotify.Event{Name: join("sub"), Op: fsnotify.Create}, true},
		{"unknown name removed", fsnotify.Event{Name: join("gone"), Op: fsnotify.Remove}, false},
	}
	for _, tt := range tests {
		if got := n.handle(tt.ev); got != tt.want {
			t.Errorf("%s: handle(%v) = %v; want %v", tt.name, tt.ev, got, tt.want)
		}
	}
	for _, d := range []string{root, join("sub"), join("sub", "deeper")} {
		if !n.dirs[d] {
			t.Errorf("%s not watched after its Create; watched: %v", d, n.dirs)
		}
	}
	if n.dirs[join(".hidden")] {
		t.Errorf("hidden directory watched")
	}
	// A watched directory renamed away is relevant however it is named,
	// and its watches, and those under it, are dropped.
	if !n.handle(fsnotify.Event{Name: join("sub"), Op: fsnotify.Rename}) {
		t.Errorf("rename of a watched directory reported irrelevant")
	}
	if n.dirs[join("sub")] || n.dirs[join("sub", "deeper")] {
		t.Errorf("watches of a renamed directory kept: %v", n.dirs)
	}
}

func TestNotifierIgnored(t *testing.T) {
	root := filepath.FromSlash("/srv/corpus")
	tests := []struct {
		path string
		want bool
	}{
		{"/srv/corpus", false},
		{"/srv/corpus/a.md", false},
		{"/srv/corpus/sub/a.md", false},
		{"/srv/corpus/sub/.a.md", true},
		{"/srv/corpus/.git/config", true},
		{"/srv/corpus/..x/a.md", true},
		{"/srv/other/a.md", true},
		{"/srv/corpus-2/a.md", true},
	}
	n := &notifier{root: root}
	for _, tt := range tests {
		if got := n.ignored(filepath.FromSlash(tt.path)); got != tt.want {
			t.Errorf("ignored(%q) = %v; want %v", tt.path, got, tt.want)
		}
	}
}
