package search

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// IndexVersion names the layout of the index and the catalog: the bleve
// mapping, the analysis and the parser. An index of another version is
// rebuilt from the corpus when it is opened. Change it whenever a change
// would make old and new documents disagree.
const IndexVersion = "dossier-index-3"

// ErrLocked is returned (wrapped) by Open when another process holds the
// data directory.
var ErrLocked = errors.New("data dir in use")

// ErrClosed is returned by the methods of an Index after Close, or after a
// Rebuild that failed.
var ErrClosed = errors.New("index is closed")

// Options configures Open.
type Options struct {
	// Logger receives warnings about skipped articles and index
	// maintenance. Nil discards them.
	Logger *slog.Logger
	// Aliases are groups of words or phrases that mean the same thing,
	// added to the built-in ones ("US", "U.S.", "United States", "America").
	Aliases [][]string
}

// Index is the searchable corpus: a bleve index of passages and a catalog
// of articles. It is safe for concurrent use; Sync may run while searches
// do, and searches see each article either before or after its update.
type Index struct {
	dir     string
	log     *slog.Logger
	an      *analyzer
	aliases *aliasTable
	lock    *dirLock
	bleve   bleve.Index
	cat     *catalog

	syncMu sync.Mutex // one Sync at a time
	// skips holds the files skipped by the syncs so far, by path, with
	// the version (size and time) skipped: a skip is logged once per
	// version, and a file skipped for what it holds is not read again
	// until it changes. Guarded by syncMu.
	skips map[string]skipNote

	// explain, when set (by tests), receives the ranking features of every
	// scored passage.
	explain func(article string, passage int, features map[string]float64)

	mu      sync.RWMutex // guards articles, the statistics, and the stores against Close
	closed  bool
	version uint64 // counts changes to the articles, for caches

	speakersMu      sync.Mutex
	speakers        []Speaker // cached Speakers(), valid for speakersVersion
	speakersVersion uint64
	articles        map[string]*articleRec
	passages        int // passage documents
	tokens          int // indexed words over all passages
}

// Open opens (or creates) the index in dir, taking an exclusive lock on
// it. An index written by another version of Dossier, or one that cannot
// be opened, is rebuilt empty; Sync then fills it from the corpus. An
// update that a crash interrupted is rolled back, so its articles are
// indexed again by the next Sync. When another process has dir open, Open
// fails at once with an error wrapping ErrLocked.
func Open(dir string, opts Options) (*Index, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	ix := &Index{dir: dir, log: logger, an: newAnalyzer(), lock: lock, skips: make(map[string]skipNote)}
	ix.aliases = newAliasTable(ix.an, opts.Aliases)
	if err := ix.open(); err != nil {
		lock.unlock()
		return nil, err
	}
	if err := ix.loadArticles(); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

func (ix *Index) indexPath() string   { return filepath.Join(ix.dir, "index") }
func (ix *Index) catalogPath() string { return filepath.Join(ix.dir, "catalog.db") }

// open opens the bleve index and the catalog, rebuilding both when their
// version differs or either cannot be read.
func (ix *Index) open() error {
	cat, err := openCatalog(ix.catalogPath())
	if err != nil {
		ix.log.Warn("catalog unreadable; rebuilding the index", "err", err)
		return ix.reset()
	}
	v, err := cat.version()
	if err != nil || v != IndexVersion {
		cat.close()
		if v != "" {
			ix.log.Info("index written by another version; rebuilding", "found", v, "want", IndexVersion)
		}
		return ix.reset()
	}
	b, err := bleve.OpenUsing(ix.indexPath(), map[string]any{"bolt_timeout": "1s"})
	if err != nil {
		cat.close()
		ix.log.Warn("index unreadable; rebuilding", "err", err)
		return ix.reset()
	}
	ix.cat, ix.bleve = cat, b
	if err := ix.recover(); err != nil {
		ix.log.Warn("index recovery failed; rebuilding", "err", err)
		return ix.reset()
	}
	return nil
}

// reset removes the index and the catalog and creates them empty.
func (ix *Index) reset() error {
	ix.closeStores()
	if err := os.RemoveAll(ix.indexPath()); err != nil {
		return fmt.Errorf("remove old index: %w", err)
	}
	if err := os.Remove(ix.catalogPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove old catalog: %w", err)
	}
	b, err := bleve.NewUsing(ix.indexPath(), buildMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, map[string]any{"bolt_timeout": "1s"})
	if err != nil {
		return fmt.Errorf("create index: %w", err)
	}
	cat, err := openCatalog(ix.catalogPath())
	if err != nil {
		b.Close()
		return err
	}
	if err := cat.setVersion(IndexVersion); err != nil {
		b.Close()
		cat.close()
		return fmt.Errorf("write catalog version: %w", err)
	}
	ix.cat, ix.bleve = cat, b
	return nil
}

func (ix *Index) closeStores() {
	if ix.bleve != nil {
		ix.bleve.Close()
		ix.bleve = nil
	}
	if ix.cat != nil {
		ix.cat.close()
		ix.cat = nil
	}
}

// recover deletes what an interrupted update left in bleve: documents
// of a generation never committed, and of one replaced but not yet
// deleted. The catalog is the truth; Sync then indexes whatever the
// catalog lacks.
func (ix *Index) recover() error {
	sets, err := ix.cat.leftovers()
	if err != nil || len(sets) == 0 {
		return err
	}
	ix.log.Warn("cleaning up an interrupted index update", "documents", len(sets))
	return ix.deleteDocs(sets)
}

// deleteDocs deletes document sets from bleve and then from the catalog's
// lists.
func (ix *Index) deleteDocs(sets []docSet) error {
	if len(sets) == 0 {
		return nil
	}
	b := ix.bleve.NewBatch()
	for _, s := range sets {
		for i := 0; i < s.n; i++ {
			b.Delete(docID(s.id, s.gen, i))
		}
	}
	if err := ix.bleve.Batch(b); err != nil {
		return fmt.Errorf("delete replaced documents: %w", err)
	}
	return ix.cat.forget(sets)
}

func (ix *Index) loadArticles() error {
	arts, err := ix.cat.articles()
	if err != nil {
		return err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.articles = arts
	ix.version++
	ix.passages, ix.tokens = 0, 0
	for _, r := range arts {
		ix.passages += r.Passages
		ix.tokens += r.Tokens
	}
	return nil
}

// Close closes the index and releases the data directory. It waits for
// running searches and syncs; later calls return ErrClosed.
func (ix *Index) Close() error {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return ErrClosed
	}
	ix.closed = true
	var errs []error
	if ix.bleve != nil {
		errs = append(errs, ix.bleve.Close())
		ix.bleve = nil
	}
	if ix.cat != nil {
		errs = append(errs, ix.cat.close())
		ix.cat = nil
	}
	errs = append(errs, ix.lock.unlock())
	return errors.Join(errs...)
}

// Rebuild empties the index; the next Sync indexes every article again.
func (ix *Index) Rebuild() error {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	ix.mu.Lock()
	err := ix.reset()
	ix.mu.Unlock()
	if err != nil {
		return err
	}
	return ix.loadArticles()
}

// SyncReport says what a Sync changed.
type SyncReport struct {
	New, Changed, Removed, Unchanged int
	Articles, Passages               int // in the index after the sync
	// Skipped lists files that could not be indexed, with the reason:
	// every such file, at every sync. The Index's logger gets a warning
	// for each only once per version of the file (its size and time).
	Skipped []SkippedFile
	// Unsettled lists files left for a later sync, their earlier version
	// (if any) still indexed: files modified within SyncOptions.Settle
	// (when the sync listed them, or when it read them), and files that
	// changed or disappeared while the sync read them.
	Unsettled []string
	Took      time.Duration
}

// SkippedFile is a file Sync did not index.
type SkippedFile struct {
	Path   string
	Reason string
}

// String reports the sync as a user reads it: "indexed 3 articles (2 new,
// 1 changed, 0 removed), 74 passages".
func (r SyncReport) String() string {
	s := fmt.Sprintf("indexed %d %s (%d new, %d changed, %d removed), %d passages",
		r.Articles, plural(r.Articles, "article", "articles"), r.New, r.Changed, r.Removed, r.Passages)
	if n := len(r.Skipped); n > 0 {
		s += fmt.Sprintf("; %d %s skipped", n, plural(n, "file", "files"))
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// IsArticleFile reports whether a file name is one the corpus indexes:
// .txt, .md or .markdown, not hidden.
func IsArticleFile(name string) bool {
	base := path.Base(name)
	if strings.HasPrefix(base, ".") {
		return false
	}
	switch strings.ToLower(path.Ext(base)) {
	case ".txt", ".md", ".markdown":
		return true
	}
	return false
}

type corpusFile struct {
	path    string // slash-separated, under the corpus root
	id      string
	size    int64
	modTime int64
}

// skipNote is a file a sync skipped, with the version it skipped.
type skipNote struct {
	SkippedFile
	size, modTime int64
	// content is set when the file was skipped for what it holds (binary,
	// empty, too large), not for an error reading it: the same version
	// is skipped again without reading it.
	content bool
}

// modTimeOf returns a file's modification time in Unix nanoseconds, or 0
// when the file system does not keep times.
func modTimeOf(info fs.FileInfo) int64 {
	if t := info.ModTime(); !t.IsZero() {
		return t.UnixNano()
	}
	return 0
}

// walkCorpus lists the article files of fsys, recursively, skipping
// hidden directories, and the files it skips with the reason: two files
// with one article ID (the first in walk order is kept), broken links,
// directories it cannot read.
//
// A symbolic link to a file is followed. A symbolic link to a directory
// is not: it is reported as skipped, so that the user knows. Following
// it would need a guard against loops, could take the corpus outside its
// folder, and its files would change unseen, since the watcher
// (corpus.Folder.Watch) does not watch through links either.
func walkCorpus(fsys fs.FS) ([]corpusFile, []skipNote, error) {
	var files []corpusFile
	var skipped []skipNote
	skip := func(p string, info fs.FileInfo, reason string) {
		n := skipNote{SkippedFile: SkippedFile{Path: p, Reason: reason}}
		if info != nil {
			n.size, n.modTime = info.Size(), modTimeOf(info)
		}
		skipped = append(skipped, n)
	}
	seen := make(map[string]string)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			skip(p, nil, err.Error())
			return nil
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		var info fs.FileInfo
		if d.Type()&fs.ModeSymlink != 0 {
			linkInfo, _ := d.Info()
			target, err := fs.Stat(fsys, p)
			switch {
			case err != nil && IsArticleFile(p):
				skip(p, linkInfo, brokenLink(fsys, p, err))
				return nil
			case err != nil:
				return nil // not an article's name: not ours to report
			case target.IsDir():
				skip(p, linkInfo, "a symbolic link to a folder, which is not followed: move the folder into the corpus, or link its files one by one")
				return nil
			}
			info = target // a link to a file: the file
		}
		if !IsArticleFile(p) {
			return nil
		}
		if info == nil {
			if info, err = d.Info(); err != nil {
				skip(p, nil, err.Error())
				return nil
			}
		}
		if !info.Mode().IsRegular() {
			skip(p, info, "not a regular file")
			return nil
		}
		id := IDFromPath(p)
		if other, dup := seen[id]; dup {
			skip(p, info, fmt.Sprintf("same article ID %q as %s; rename one of them", id, other))
			return nil
		}
		seen[id] = p
		files = append(files, corpusFile{path: p, id: id, size: info.Size(), modTime: modTimeOf(info)})
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read corpus: %w", err)
	}
	return files, skipped, nil
}

// brokenLink says why a symbolic link to an article cannot be followed.
func brokenLink(fsys fs.FS, p string, err error) string {
	if !errors.Is(err, fs.ErrNotExist) {
		return "a symbolic link that cannot be followed: " + err.Error()
	}
	if target, lerr := fs.ReadLink(fsys, p); lerr == nil {
		return fmt.Sprintf("a broken symbolic link: its target %s does not exist", target)
	}
	return "a broken symbolic link: its target does not exist"
}

// Sync brings the index up to date with the articles in fsys: new files
// are added, changed files (by content hash) re-indexed, deleted files
// removed, unchanged files left alone. A file that cannot be read or
// parsed is skipped with a warning naming it; nothing else stops the sync.
// Searches keep working while it runs.
func (ix *Index) Sync(ctx context.Context, fsys fs.FS) (SyncReport, error) {
	return ix.SyncWith(ctx, fsys, SyncOptions{})
}

// SyncOptions changes how SyncWith reads the corpus.
type SyncOptions struct {
	// Settle leaves alone a new or changed file modified less than Settle
	// ago (it may still be being written): it keeps its earlier version,
	// if any, and is listed in SyncReport.Unsettled for a later sync. The
	// time is checked when the sync lists the folder, and again after it
	// reads the file, which may be much later in a long sync. Zero reads
	// every file as it is. Whatever Settle says, a file that changes
	// while it is read, or disappears before, is left for a later sync.
	Settle time.Duration
	// Exempt lists files (slash paths under the corpus) read as they
	// are whatever Settle says: files known to be complete.
	Exempt []string
}

// SyncWith is Sync with options.
func (ix *Index) SyncWith(ctx context.Context, fsys fs.FS, opts SyncOptions) (SyncReport, error) {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	start := time.Now()
	var rep SyncReport
	if ix.bleve == nil || ix.cat == nil {
		return rep, ErrClosed
	}
	// Delete what an earlier update failed to.
	if err := ix.recover(); err != nil {
		return rep, err
	}
	files, skips, err := walkCorpus(fsys)
	if err != nil {
		return rep, err
	}
	skipped := make(map[string]bool)
	for _, n := range skips {
		ix.noteSkip(&rep, n, skipped)
	}

	ix.mu.RLock()
	known := make(map[string]*articleRec, len(ix.articles))
	for id, r := range ix.articles {
		known[id] = r
	}
	ix.mu.RUnlock()

	// fresh reports whether a file modified at mod (Unix nanoseconds) may
	// still be being written at now. A clock far off the file system's (a
	// network share) makes the age meaningless either way; only a recent
	// time counts.
	fresh := func(path string, mod int64, now time.Time) bool {
		if opts.Settle <= 0 || mod == 0 || slices.Contains(opts.Exempt, path) {
			return false
		}
		age := now.Sub(time.Unix(0, mod))
		return age < opts.Settle && age > -opts.Settle
	}

	// Decide what to read: files whose size or time changed, or new ones.
	var todo []corpusFile
	var touched []*articleRec
	present := make(map[string]bool, len(files))
	for _, f := range files {
		present[f.id] = true
		r := known[f.id]
		if r != nil && r.Path == f.path && r.Size == f.size && r.ModTime == f.modTime {
			rep.Unchanged++
			continue
		}
		if prev, ok := ix.skips[f.path]; ok && prev.content && r == nil && f.modTime != 0 && prev.size == f.size && prev.modTime == f.modTime {
			ix.noteSkip(&rep, prev, skipped) // the version skipped before
			continue
		}
		if fresh(f.path, f.modTime, start) {
			rep.Unsettled = append(rep.Unsettled, f.path)
			continue
		}
		todo = append(todo, f)
	}
	var removed []string
	for id := range known {
		if !present[id] {
			removed = append(removed, id)
		}
	}
	sort.Strings(removed)

	// Read, hash and parse in parallel, in chunks; index each chunk while
	// the next one is parsed.
	const chunk = 128
	parsed := make(chan []*parsedFile, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(parsed)
		for i := 0; i < len(todo); i += chunk {
			if ctx.Err() != nil {
				return
			}
			select {
			case parsed <- ix.readAndParse(fsys, todo[i:min(i+chunk, len(todo))], known, fresh):
			case <-stop:
				return
			}
		}
	}()
	for results := range parsed {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		var changes []*parsedFile
		for _, pf := range results {
			old := known[pf.file.id]
			switch {
			case pf.unsettled:
				rep.Unsettled = append(rep.Unsettled, pf.file.path)
			case pf.err != nil:
				ix.noteSkip(&rep, skipNote{
					SkippedFile: SkippedFile{Path: pf.file.path, Reason: pf.err.Error()},
					size:        pf.file.size, modTime: pf.file.modTime, content: pf.content,
				}, skipped)
				if old != nil {
					// It was indexed before and is unreadable now: drop it
					// rather than serve stale text.
					removed = append(removed, old.ID)
				}
			case pf.unchanged:
				rep.Unchanged++
				touched = append(touched, pf.rec)
			default:
				for _, w := range pf.warnings {
					ix.log.Warn("article repaired", "file", pf.file.path, "warning", w)
				}
				if old == nil {
					rep.New++
				} else {
					rep.Changed++
				}
				changes = append(changes, pf)
			}
		}
		if err := ix.apply(changes, nil, known); err != nil {
			return rep, err
		}
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	if err := ix.cat.touch(touched); err != nil {
		return rep, fmt.Errorf("update catalog: %w", err)
	}
	if len(removed) > 0 {
		if err := ix.apply(nil, removed, known); err != nil {
			return rep, err
		}
		rep.Removed = len(removed)
	}
	if err := ix.loadArticles(); err != nil {
		return rep, err
	}
	// Forget the skips of files that are gone, settled or fixed: if they
	// are skipped again, that is news.
	for p := range ix.skips {
		if !skipped[p] {
			delete(ix.skips, p)
		}
	}
	ix.mu.RLock()
	rep.Articles, rep.Passages = len(ix.articles), ix.passages
	ix.mu.RUnlock()
	rep.Took = time.Since(start)
	return rep, nil
}

// noteSkip reports a skipped file in rep and logs a warning naming it,
// unless the same version of the file was skipped, for the same reason,
// by an earlier sync: a file that stays bad is not reported in the log
// at every sync. It records the path in seen.
func (ix *Index) noteSkip(rep *SyncReport, n skipNote, seen map[string]bool) {
	rep.Skipped = append(rep.Skipped, n.SkippedFile)
	seen[n.Path] = true
	if prev, ok := ix.skips[n.Path]; !ok || prev.Reason != n.Reason || prev.size != n.size || prev.modTime != n.modTime {
		ix.log.Warn("article skipped", "file", n.Path, "reason", n.Reason)
	}
	ix.skips[n.Path] = n
}

type parsedFile struct {
	file      corpusFile // as read: its size and time are those of the bytes parsed
	article   *Article
	rec       *articleRec
	tokens    [][]token // per passage
	warnings  []string
	unchanged bool
	unsettled bool // changing or just modified: left for a later sync
	err       error
	content   bool // err is about what the file holds, not about reading it
}

// readAndParse reads, hashes and parses files on all CPUs.
func (ix *Index) readAndParse(fsys fs.FS, files []corpusFile, known map[string]*articleRec, fresh func(string, int64, time.Time) bool) []*parsedFile {
	out := make([]*parsedFile, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = ix.parseFileFresh(fsys, files[i], known[files[i].id], fresh)
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// errChanging is returned by readFile for a file that changed while it
// was read.
var errChanging = errors.New("file changed while it was read")

// readFile reads a file listed as f, and returns it as it was read: its
// size and time are taken from the open file before and after the read,
// and it returns errChanging when they differ or do not match the bytes
// read (the file is being written). A file is often written long after
// the sync listed it: a long sync reads its last files minutes later.
func readFile(fsys fs.FS, f corpusFile) ([]byte, corpusFile, error) {
	fh, err := fsys.Open(f.path)
	if err != nil {
		return nil, f, err
	}
	defer fh.Close()
	before, err := fh.Stat()
	if err != nil {
		return nil, f, err
	}
	data, err := io.ReadAll(io.LimitReader(fh, maxArticleBytes+1))
	if err != nil {
		return nil, f, err
	}
	after, err := fh.Stat()
	if err != nil {
		return nil, f, err
	}
	cur := f
	cur.size, cur.modTime = after.Size(), modTimeOf(after)
	if before.Size() != cur.size || modTimeOf(before) != cur.modTime ||
		len(data) <= maxArticleBytes && int64(len(data)) != cur.size {
		return nil, cur, errChanging
	}
	return data, cur, nil
}

// parseFile reads, hashes and parses one file, whatever its time.
func (ix *Index) parseFile(fsys fs.FS, f corpusFile, old *articleRec) *parsedFile {
	return ix.parseFileFresh(fsys, f, old, func(string, int64, time.Time) bool { return false })
}

// parseFileFresh reads, hashes and parses one file. A file that is
// changing, gone, or (per fresh) modified too recently to be complete, is
// marked unsettled: its earlier version stays indexed. That holds for a
// file found empty or unreadable too, as a file is while an editor or a
// copy rewrites it.
func (ix *Index) parseFileFresh(fsys fs.FS, f corpusFile, old *articleRec, fresh func(string, int64, time.Time) bool) *parsedFile {
	pf := &parsedFile{file: f}
	data, cur, err := readFile(fsys, f)
	switch {
	case errors.Is(err, errChanging), errors.Is(err, fs.ErrNotExist):
		// Being written, or removed or renamed since the listing: the
		// next sync sees what became of it.
		pf.file, pf.unsettled = cur, true
		return pf
	case err != nil:
		if info, serr := fs.Stat(fsys, f.path); serr == nil && fresh(f.path, modTimeOf(info), time.Now()) {
			pf.unsettled = true
			return pf
		}
		pf.err = fmt.Errorf("unreadable: %w", err)
		return pf
	}
	pf.file = cur
	if fresh(cur.path, cur.modTime, time.Now()) {
		// Modified since the listing (or the listing was long ago): it
		// may be half written, or just truncated by a writer about to
		// fill it.
		pf.unsettled = true
		return pf
	}
	if len(data) > maxArticleBytes {
		pf.err = fmt.Errorf("larger than %d MiB; split it into articles", maxArticleBytes>>20)
		pf.content = true
		return pf
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:16])
	// The generation changes with the path too: a renamed file is parsed
	// again (its format may differ) into documents of a new generation.
	genSum := sha256.Sum256([]byte(cur.path + "\x00" + hash))
	gen := hex.EncodeToString(genSum[:4])
	if old != nil && old.Hash == hash && old.Path == cur.path {
		r := *old
		r.Size, r.ModTime = cur.size, cur.modTime
		pf.rec, pf.unchanged = &r, true
		return pf
	}
	a, warnings, err := Parse(cur.path, data)
	pf.warnings = warnings
	if err != nil {
		pf.err, pf.content = err, true
		return pf
	}
	pf.article = a
	rec := &articleRec{
		ID: a.ID, Path: a.Path, Title: a.Title, Author: a.Author, Publication: a.Publication,
		Published: a.PublishedDate(), URL: a.URL, Tags: a.Tags, Dateline: a.Dateline,
		Hash: hash, Gen: gen, Size: cur.size, ModTime: cur.modTime, Passages: len(a.Passages), Quotes: a.QuoteCount(),
	}
	pf.tokens = make([][]token, len(a.Passages))
	for i := range a.Passages {
		pf.tokens[i] = ix.an.tokens(a.Passages[i].Text)
		for _, t := range pf.tokens[i] {
			if t.Stem != "" && !t.Joined {
				rec.Tokens++
			}
		}
	}
	pf.rec = rec
	return pf
}

// maxArticleBytes bounds the size of one article file.
const maxArticleBytes = 8 << 20

// batchDocs is how many documents go into one bleve batch: large enough
// to amortise the batch's fixed cost, small enough to bound memory.
const batchDocs = 1500

// apply indexes changed articles and removes deleted ones, batch by
// batch, following the protocol described in catalog.go.
func (ix *Index) apply(changed []*parsedFile, removed []string, known map[string]*articleRec) error {
	b := ix.bleve.NewBatch()
	var pending []docSet
	var changes []catalogChange
	flush := func() error {
		if len(changes) == 0 {
			return nil
		}
		if err := ix.cat.markPending(pending); err != nil {
			return fmt.Errorf("mark pending: %w", err)
		}
		if b.Size() > 0 {
			if err := ix.bleve.Batch(b); err != nil {
				return fmt.Errorf("index batch: %w", err)
			}
		}
		if err := ix.cat.apply(changes); err != nil {
			return fmt.Errorf("update catalog: %w", err)
		}
		// Publish the new records to searches.
		var garbage []docSet
		ix.mu.Lock()
		ix.version++
		for _, ch := range changes {
			if old := ix.articles[ch.id]; old != nil {
				ix.passages -= old.Passages
				ix.tokens -= old.Tokens
				delete(ix.articles, ch.id)
			}
			if ch.rec != nil {
				ix.articles[ch.id] = ch.rec
				ix.passages += ch.rec.Passages
				ix.tokens += ch.rec.Tokens
			}
			if ch.old.n > 0 {
				garbage = append(garbage, ch.old)
			}
		}
		ix.mu.Unlock()
		if err := ix.deleteDocs(garbage); err != nil {
			return err
		}
		b.Reset()
		pending, changes = nil, nil
		return nil
	}
	oldSet := func(id string) docSet {
		if old := known[id]; old != nil {
			return docSet{id: id, gen: old.Gen, n: old.Passages}
		}
		return docSet{}
	}
	for _, pf := range changed {
		a := pf.article
		for i := range a.Passages {
			if err := b.IndexAdvanced(ix.passageDoc(a, pf.rec.Gen, i, pf.tokens[i])); err != nil {
				return fmt.Errorf("index %s: %w", a.Path, err)
			}
		}
		pending = append(pending, docSet{id: a.ID, gen: pf.rec.Gen, n: len(a.Passages)})
		changes = append(changes, catalogChange{id: a.ID, rec: pf.rec, passages: a.Passages, old: oldSet(a.ID)})
		if b.Size() >= batchDocs {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	for _, id := range removed {
		changes = append(changes, catalogChange{id: id, old: oldSet(id)})
	}
	return flush()
}

// Field names of a passage document.
const (
	fieldText      = "text"      // stems of the passage's words, stop words left out
	fieldExact     = "exact"     // every word, folded but not stemmed
	fieldNames     = "names"     // capitalised words not starting a sentence: proper names
	fieldSection   = "section"   // stems of the section heading
	fieldArticle   = "article"   // the article ID, as one term
	fieldSpeaker   = "speaker"   // folded words of the quotations' speakers
	fieldKind      = "kind"      // paragraph, caption or list
	fieldPublished = "published" // the article's publication date
)

// docID names passage idx of generation gen of an article.
func docID(article, gen string, idx int) string {
	return article + "#" + gen + "#" + strconv.Itoa(idx)
}

// splitDocID is the inverse of docID.
func splitDocID(id string) (article, gen string, idx int, ok bool) {
	i := strings.LastIndexByte(id, '#')
	if i < 0 {
		return "", "", 0, false
	}
	j := strings.LastIndexByte(id[:i], '#')
	if j < 0 {
		return "", "", 0, false
	}
	n, err := strconv.Atoi(id[i+1:])
	return id[:j], id[j+1 : i], n, err == nil
}

// tokenStream is an analysis.Analyzer that returns tokens computed in
// advance: Dossier analyses text itself, so the index and the ranking see
// exactly the same words.
type tokenStream analysis.TokenStream

func (s tokenStream) Analyze([]byte) analysis.TokenStream { return analysis.TokenStream(s) }

const (
	positional = index.IndexField | index.IncludeTermVectors
	keyword    = index.IndexField
)

// passageDoc builds the bleve document of passage i of a.
func (ix *Index) passageDoc(a *Article, gen string, i int, toks []token) *document.Document {
	p := &a.Passages[i]
	doc := document.NewDocument(docID(a.ID, gen, p.Index))
	var text, exact analysis.TokenStream
	for _, t := range toks {
		if t.Stem != "" {
			text = append(text, &analysis.Token{Start: t.Start, End: t.End, Term: []byte(t.Stem), Position: t.Pos + 1, Type: analysis.AlphaNumeric})
		}
		exact = append(exact, &analysis.Token{Start: t.Start, End: t.End, Term: []byte(t.Norm), Position: t.Pos + 1, Type: analysis.AlphaNumeric})
	}
	var names analysis.TokenStream
	si := 0
	for i, t := range toks {
		for si < len(p.Sentences) && t.Start >= p.Sentences[si].End {
			si++
		}
		sentenceStart := si < len(p.Sentences) && t.Start == p.Sentences[si].Start || i == 0
		if t.Cap && !t.Joined && !sentenceStart {
			names = append(names, &analysis.Token{Term: []byte(t.Norm), Position: len(names) + 1, Type: analysis.AlphaNumeric})
		}
	}
	doc.AddField(document.NewTextFieldCustom(fieldText, nil, nil, positional, tokenStream(text)))
	if len(names) > 0 {
		doc.AddField(document.NewTextFieldCustom(fieldNames, nil, nil, keyword, tokenStream(names)))
	}
	doc.AddField(document.NewTextFieldCustom(fieldExact, nil, nil, positional, tokenStream(exact)))
	if p.Section != "" {
		var sec analysis.TokenStream
		for _, t := range ix.an.tokens(p.Section) {
			if t.Stem != "" {
				sec = append(sec, &analysis.Token{Start: t.Start, End: t.End, Term: []byte(t.Stem), Position: t.Pos + 1, Type: analysis.AlphaNumeric})
			}
		}
		doc.AddField(document.NewTextFieldCustom(fieldSection, nil, nil, positional, tokenStream(sec)))
	}
	doc.AddField(document.NewTextFieldCustom(fieldArticle, nil, []byte(a.ID), keyword, nil))
	doc.AddField(document.NewTextFieldCustom(fieldKind, nil, []byte(p.Kind), keyword, nil))
	var spk analysis.TokenStream
	seen := map[string]bool{}
	for _, q := range p.Quotes {
		for _, t := range ix.an.tokens(q.Speaker) {
			if !seen[t.Norm] {
				seen[t.Norm] = true
				spk = append(spk, &analysis.Token{Term: []byte(t.Norm), Position: len(spk) + 1, Type: analysis.AlphaNumeric})
			}
		}
	}
	if len(spk) > 0 {
		doc.AddField(document.NewTextFieldCustom(fieldSpeaker, nil, nil, keyword, tokenStream(spk)))
	}
	if !a.Published.IsZero() {
		if f, err := document.NewDateTimeField(fieldPublished, nil, a.Published, time.RFC3339); err == nil {
			doc.AddField(f)
		}
	}
	return doc
}

// buildMapping returns the index mapping. Documents are built by
// passageDoc with their own analysis, so the mapping declares the fields
// for bleve's bookkeeping and disables everything dynamic.
func buildMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.ScoringModel = index.BM25Scoring
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	dm := bleve.NewDocumentStaticMapping()
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = "keyword"
		f.Store = false
		f.IncludeTermVectors = true
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	for _, name := range []string{fieldText, fieldExact, fieldNames, fieldSection, fieldArticle, fieldSpeaker, fieldKind} {
		dm.AddFieldMappingsAt(name, text())
	}
	date := bleve.NewDateTimeFieldMapping()
	date.Store = false
	date.IncludeInAll = false
	dm.AddFieldMappingsAt(fieldPublished, date)
	im.DefaultMapping = dm
	return im
}
