package corpus

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/dossier-bot/dossier/search"
)

// Watch keeps the index current with the folder until ctx is done, and
// then returns nil once any sync it started has stopped.
//
// It syncs once at the start (so that nothing changed before the watches
// were in place is missed), then after file-system events: it watches the
// folder and its subfolders (hidden ones skipped, new ones watched as they
// appear) and syncs a burst of events once, Quiet after its last event
// but no later than MaxDelay after its first. Its syncs pass Settle, so a
// file still being written keeps its earlier version in the index; when a
// sync leaves such files, Watch syncs again once they can have settled.
// Every Rescan it runs a full sync whatever the events say.
//
// If file-system events are unavailable (for example when the inotify
// limits are reached), Watch logs a warning naming the reason and relies
// on the rescan. A failed sync is logged with its error and retried on the
// next event or rescan; Watch does not return it. One Watch per Folder is
// enough: a second one would sync the same changes again. On the built-in
// seed corpus (New with dir "") Watch only waits for ctx.
func (f *Folder) Watch(ctx context.Context) error {
	if f.dir == "" {
		<-ctx.Done()
		return nil
	}
	n := f.startNotify()
	var events <-chan fsnotify.Event
	var errs <-chan error
	if n != nil {
		defer n.close()
		events, errs = n.w.Events, n.w.Errors
	}
	var rescan <-chan time.Time
	if f.opts.Rescan > 0 {
		t := time.NewTicker(f.opts.Rescan)
		defer t.Stop()
		rescan = t.C
	} else if n == nil {
		f.log.Warn("the index will not follow changes to the corpus folder: no file-system events and no rescan", "dir", f.dir)
	}

	burst := stoppedTimer() // the end of the current burst of events
	defer burst.Stop()
	retry := stoppedTimer() // when unsettled files can have settled
	defer retry.Stop()
	var burstStart time.Time // zero when no burst is pending

	done := make(chan watchResult, 1)
	running, again := false, false
	start := func() {
		running = true
		go func() { done <- f.watchSync(ctx) }()
	}
	request := func() {
		if running {
			again = true // the running sync may have listed the folder already
		} else {
			start()
		}
	}

	start()
	for {
		select {
		case <-ctx.Done():
			if running {
				<-done
			}
			return nil

		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if !n.handle(ev) {
				continue
			}
			now := time.Now()
			if burstStart.IsZero() {
				burstStart = now
			}
			due := now.Add(f.opts.Quiet)
			if limit := burstStart.Add(f.opts.MaxDelay); limit.Before(due) {
				due = limit
			}
			burst.Reset(time.Until(due))

		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			f.log.Warn("file-system events may have been missed; syncing", "dir", f.dir, "err", err)
			n.watchTree(f.dir)
			request()

		case <-burst.C:
			burstStart = time.Time{}
			request()

		case <-retry.C:
			request()

		case <-rescan:
			if n != nil {
				n.watchTree(f.dir)
			}
			request()

		case res := <-done:
			running = false
			switch {
			case res.err != nil:
				if ctx.Err() == nil {
					f.log.Error("corpus sync failed; retrying on the next change", "dir", f.dir, "err", res.err)
				}
			case len(res.rep.Unsettled) > 0:
				// The files were modified before the sync started; from
				// start+Settle on, they are old enough unless written
				// again, which brings new events.
				retry.Reset(time.Until(res.started.Add(f.opts.Settle + f.opts.Quiet)))
				f.log.Debug("files still being written; syncing them later", "dir", f.dir, "files", len(res.rep.Unsettled))
			}
			if res.err == nil && res.rep.New+res.rep.Changed+res.rep.Removed > 0 {
				f.log.Info("corpus changed", "dir", f.dir, "new", res.rep.New, "changed", res.rep.Changed,
					"removed", res.rep.Removed, "articles", res.rep.Articles, "passages", res.rep.Passages)
			}
			if again {
				again = false
				start()
			}
		}
	}
}

// watchResult is the outcome of one of Watch's syncs.
type watchResult struct {
	rep     search.SyncReport
	err     error
	started time.Time
}

func (f *Folder) watchSync(ctx context.Context) watchResult {
	if err := f.lock(ctx); err != nil {
		return watchResult{err: err}
	}
	defer f.unlock()
	started := time.Now()
	rep, err := f.syncLocked(ctx, f.opts.Settle)
	return watchResult{rep: rep, err: err, started: started}
}

func stoppedTimer() *time.Timer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}

// startNotify starts watching the folder tree, or logs why it cannot and
// returns nil.
func (f *Folder) startNotify() *notifier {
	w, err := f.newWatcher()
	if err != nil {
		f.log.Warn("file-system events unavailable; relying on the periodic rescan", "dir", f.dir, "reason", err.Error(), "rescan", f.rescanText())
		return nil
	}
	n := &notifier{w: w, root: filepath.Clean(f.dir), dirs: make(map[string]bool), log: f.log}
	if err := w.Add(n.root); err != nil {
		w.Close()
		f.log.Warn("file-system events unavailable; relying on the periodic rescan", "dir", f.dir, "reason", err.Error(), "rescan", f.rescanText())
		return nil
	}
	n.dirs[n.root] = true
	n.watchTree(n.root)
	return n
}

func (f *Folder) rescanText() string {
	if f.opts.Rescan < 0 {
		return "disabled"
	}
	return f.opts.Rescan.String()
}

// notifier watches a folder tree with fsnotify, which watches single
// directories: it adds a watch for every directory that appears and drops
// the watches of directories that go away.
//
// All its methods are called from Watch's goroutine, except that handle
// and watchTree may be called on a nil notifier, doing nothing.
type notifier struct {
	w      *fsnotify.Watcher
	root   string
	dirs   map[string]bool // watched directories, as paths under root
	log    *slog.Logger
	warned bool // about a directory that could not be watched
}

func (n *notifier) close() { n.w.Close() }

// handle updates the watches for an event and reports whether the event
// may change what the index holds.
func (n *notifier) handle(ev fsnotify.Event) bool {
	if n == nil {
		return false
	}
	name := filepath.Clean(ev.Name)
	if n.ignored(name) {
		return false
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		// A directory that moved or went away: the watches under it are
		// gone or watch paths that no longer exist; a directory moved
		// within the tree comes back as a Create.
		if n.forget(name) {
			return true
		}
	}
	if ev.Has(fsnotify.Create) {
		if info, err := os.Lstat(name); err == nil && info.IsDir() {
			n.watchTree(name)
			return true
		}
	}
	if ev.Op == fsnotify.Chmod {
		return false // noisy (indexers, backups), and no change of content
	}
	return search.IsArticleFile(name)
}

// ignored reports whether a path is one the index does not read: hidden
// under the root, or outside it (a stale path of a directory moved away).
func (n *notifier) ignored(name string) bool {
	rel, err := filepath.Rel(n.root, name)
	if err != nil {
		return true
	}
	if rel == "." {
		return false
	}
	if !filepath.IsLocal(rel) {
		return true
	}
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if strings.HasPrefix(part, ".") {
			return true
		}
	}
	return false
}

// watchTree watches dir and the directories under it, as the index walks
// them: hidden ones and symbolic links are left out.
func (n *notifier) watchTree(dir string) {
	if n == nil {
		return
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // gone, or unreadable: the sync reports it
		}
		if !d.IsDir() {
			return nil
		}
		if p != n.root && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		// Add again even when watched: it is cheap, and it renews a watch
		// the kernel dropped without telling.
		if err := n.w.Add(p); err != nil {
			if !errors.Is(err, fs.ErrNotExist) && !n.warned {
				n.warned = true
				n.log.Warn("a folder of the corpus cannot be watched; the periodic rescan covers it", "folder", p, "reason", err.Error())
			}
			return nil
		}
		n.dirs[p] = true
		return nil
	})
}

// forget drops the watches of dir and every directory under it, and
// reports whether there were any.
func (n *notifier) forget(dir string) bool {
	found := false
	prefix := dir + string(filepath.Separator)
	for p := range n.dirs {
		if p == dir || strings.HasPrefix(p, prefix) {
			found = true
			delete(n.dirs, p)
			n.w.Remove(p) // may be gone already
		}
	}
	return found
}
