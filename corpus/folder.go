package corpus

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/dossier-bot/dossier/search"
)

// Syncer brings an index up to date with a file system. *search.Index
// implements it.
type Syncer interface {
	SyncWith(ctx context.Context, fsys fs.FS, opts search.SyncOptions) (search.SyncReport, error)
}

var _ Syncer = (*search.Index)(nil)

// Options configures a Folder. The zero value is ready to use: every zero
// field takes its default.
type Options struct {
	// Logger receives sync reports (debug), changes found by Watch
	// (info), and failures (warnings and errors). Nil discards them.
	Logger *slog.Logger
	// Quiet is how long Watch waits after an event for the next one before
	// it syncs: a burst of events is synced once, Quiet after its last
	// event. Zero means 300ms; negative means no wait.
	Quiet time.Duration
	// MaxDelay bounds the wait for the end of a burst: a burst is synced
	// no later than MaxDelay after its first event, even if events keep
	// coming. Zero or negative means 2s.
	MaxDelay time.Duration
	// Settle is passed as search.SyncOptions.Settle on the syncs Watch
	// runs: a file modified less than Settle ago may still be being
	// written and is left for a later sync. Zero means 1s; negative means
	// none.
	Settle time.Duration
	// Rescan is how often Watch runs a full sync whatever the events say,
	// as a safety net for file systems that miss events (network shares,
	// an overflowing event queue). Zero means 1m; negative disables it.
	Rescan time.Duration
	// Now returns the current time; Add takes today's date from it (as a
	// UTC date) for an article given without one. Nil means time.Now.
	Now func() time.Time
	// OnSync is called after every successful sync (by Watch, Sync or
	// Add), one call at a time, with its report. It runs while the Folder
	// holds its sync lock, so it must not call the Folder's methods.
	OnSync func(search.SyncReport)
}

// Defaults of Options.
const (
	defaultQuiet    = 300 * time.Millisecond
	defaultMaxDelay = 2 * time.Second
	defaultSettle   = time.Second
	defaultRescan   = time.Minute
)

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	switch {
	case o.Quiet == 0:
		o.Quiet = defaultQuiet
	case o.Quiet < 0:
		o.Quiet = 0
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = defaultMaxDelay
	}
	switch {
	case o.Settle == 0:
		o.Settle = defaultSettle
	case o.Settle < 0:
		o.Settle = 0
	}
	if o.Rescan == 0 {
		o.Rescan = defaultRescan
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// errNoFolder is returned by Sync on the built-in seed corpus.
var errNoFolder = errors.New("no corpus folder to sync: the corpus is the built-in seed articles")

// Folder is a corpus folder and the index kept up to date with it. Its
// methods are safe for concurrent use; syncs (and the writes of Add) run
// one at a time.
type Folder struct {
	dir  string
	fsys fs.FS
	ix   Syncer
	opts Options
	log  *slog.Logger

	// sem is the sync lock: a one-slot semaphore rather than a mutex, so
	// that waiting for it can be given up when a context is done.
	sem chan struct{}

	// Test hooks.
	newWatcher func() (*fsnotify.Watcher, error)
	link       func(oldname, newname string) error
}

// New returns a Folder for the articles in dir, kept in ix. With dir ""
// it is the built-in seed corpus, which the caller syncs itself: Watch
// only waits for its context, Sync returns an error and Add returns
// ErrReadOnly. New does not touch the file system.
func New(dir string, ix Syncer, opts Options) *Folder {
	opts = opts.withDefaults()
	f := &Folder{
		dir:        dir,
		ix:         ix,
		opts:       opts,
		log:        opts.Logger,
		sem:        make(chan struct{}, 1),
		newWatcher: fsnotify.NewWatcher,
		link:       os.Link,
	}
	if dir != "" {
		f.fsys = os.DirFS(dir)
	}
	return f
}

// Dir returns the folder's directory as given to New ("" for the built-in
// seed corpus).
func (f *Folder) Dir() string { return f.dir }

// Sync brings the index up to date now, reading every file as it is (no
// settle), then calls OnSync. It returns the index's error, if any, or the
// context's when the context is done before the sync could start.
func (f *Folder) Sync(ctx context.Context) (search.SyncReport, error) {
	if f.dir == "" {
		return search.SyncReport{}, errNoFolder
	}
	if err := f.lock(ctx); err != nil {
		return search.SyncReport{}, err
	}
	defer f.unlock()
	return f.syncLocked(ctx, 0)
}

// lock takes the sync lock, or gives up when ctx is done.
func (f *Folder) lock(ctx context.Context) error {
	select {
	case f.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (f *Folder) unlock() { <-f.sem }

// syncLocked syncs the index with the folder and reports a success to
// OnSync. The caller holds the sync lock.
func (f *Folder) syncLocked(ctx context.Context, settle time.Duration, exempt ...string) (search.SyncReport, error) {
	rep, err := f.ix.SyncWith(ctx, f.fsys, search.SyncOptions{Settle: settle, Exempt: exempt})
	if err != nil {
		return rep, fmt.Errorf("sync %s: %w", f.dir, err)
	}
	f.log.Debug("corpus synced", "dir", f.dir, "new", rep.New, "changed", rep.Changed, "removed", rep.Removed,
		"unsettled", len(rep.Unsettled), "skipped", len(rep.Skipped), "articles", rep.Articles, "took", rep.Took)
	if f.opts.OnSync != nil {
		f.opts.OnSync(rep)
	}
	return rep, nil
}
