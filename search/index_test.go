package search

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/dossier-bot/dossier/internal/corpusgen"
)

// article makes a small plain-text article whose passages carry a marker
// word, so a test can tell versions apart.
func article(title, marker string, paragraphs int) []byte {
	var b strings.Builder
	b.WriteString(title + "\n\nMarch 4, 2025\n\n")
	for i := 0; i < paragraphs; i++ {
		fmt.Fprintf(&b, "The %s report number %d describes the harbour, the bridge and the council in some detail, with figures for each district.\n\n", marker, i)
	}
	return []byte(b.String())
}

func mapFile(data []byte, mod time.Time) *fstest.MapFile {
	return &fstest.MapFile{Data: data, ModTime: mod}
}

func search(t *testing.T, ix *Index, q string) []Hit {
	t.Helper()
	res, err := ix.Search(context.Background(), Query{Text: q, Limit: 10})
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	return res.Hits
}

func TestSyncAddChangeRemove(t *testing.T) {
	t0 := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	fsys := fstest.MapFS{
		"a.txt":       mapFile(article("Harbour Plans", "alphaversion", 3), t0),
		"news/b.md":   mapFile([]byte("---\ntitle: Bridge Works\ndate: 2025-03-05\n---\n\nThe bravoword council approved the bridge works on Tuesday after a long debate about costs.\n"), t0),
		"notes.json":  mapFile([]byte(`{"not": "an article"}`), t0),
		".hidden.txt": mapFile(article("Hidden", "hiddenword", 1), t0),
	}
	ix, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()

	steps := []struct {
		name                           string
		change                         func()
		wantNew, wantChanged, wantGone int
		wantArticles                   int
		wantFound, wantMissing         []string
	}{
		{
			name:         "first sync indexes every article file",
			change:       func() {},
			wantNew:      2,
			wantArticles: 2,
			wantFound:    []string{"alphaversion", "bravoword"},
			wantMissing:  []string{"hiddenword"},
		},
		{
			name:         "nothing changed",
			change:       func() {},
			wantArticles: 2,
			wantFound:    []string{"alphaversion", "bravoword"},
		},
		{
			name: "a changed file is indexed again",
			change: func() {
				fsys["a.txt"] = mapFile(article("Harbour Plans", "charlieversion", 2), t0.Add(time.Hour))
			},
			wantChanged:  1,
			wantArticles: 2,
			wantFound:    []string{"charlieversion", "bravoword"},
			wantMissing:  []string{"alphaversion"},
		},
		{
			name: "a touched file with the same content is not indexed again",
			change: func() {
				fsys["a.txt"] = mapFile(fsys["a.txt"].Data, t0.Add(2*time.Hour))
			},
			wantArticles: 2,
			wantFound:    []string{"charlieversion"},
		},
		{
			name:         "a deleted file is removed",
			change:       func() { delete(fsys, "news/b.md") },
			wantGone:     1,
			wantArticles: 1,
			wantFound:    []string{"charlieversion"},
			wantMissing:  []string{"bravoword"},
		},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.change()
			rep, err := ix.Sync(ctx, fsys)
			if err != nil {
				t.Fatal(err)
			}
			if rep.New != st.wantNew || rep.Changed != st.wantChanged || rep.Removed != st.wantGone {
				t.Errorf("report %+v; want %d new, %d changed, %d removed", rep, st.wantNew, st.wantChanged, st.wantGone)
			}
			if rep.Articles != st.wantArticles {
				t.Errorf("articles = %d; want %d", rep.Articles, st.wantArticles)
			}
			for _, w := range st.wantFound {
				if hits := search(t, ix, w); len(hits) == 0 {
					t.Errorf("search %q found nothing; want the article", w)
				}
			}
			for _, w := range st.wantMissing {
				for _, h := range search(t, ix, w) {
					if strings.Contains(h.Passage.Text, w) {
						t.Errorf("search %q found %q in %s; want it gone", w, h.Passage.Text, h.Article.ID)
					}
				}
			}
			assertConsistent(t, ix)
		})
	}
}

// assertConsistent checks that bleve holds exactly the documents the
// catalog names: no orphans from interrupted or replaced updates.
func assertConsistent(t *testing.T, ix *Index) {
	t.Helper()
	n, err := ix.bleve.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	_, passages := ix.Stats()
	if int(n) != passages {
		t.Errorf("bleve holds %d documents; the catalog %d passages", n, passages)
	}
	left, err := ix.cat.leftovers()
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("pending or garbage document sets left: %v", left)
	}
}

func TestSyncReportString(t *testing.T) {
	for _, c := range []struct {
		rep  SyncReport
		want string
	}{
		{SyncReport{New: 2, Changed: 1, Articles: 3, Passages: 74}, "indexed 3 articles (2 new, 1 changed, 0 removed), 74 passages"},
		{SyncReport{Articles: 1, Passages: 5, Unchanged: 1}, "indexed 1 article (0 new, 0 changed, 0 removed), 5 passages"},
		{SyncReport{Articles: 1, Passages: 5, Skipped: []SkippedFile{{Path: "x.txt"}}}, "indexed 1 article (0 new, 0 changed, 0 removed), 5 passages; 1 file skipped"},
	} {
		if got := c.rep.String(); got != c.want {
			t.Errorf("String() = %q; want %q", got, c.want)
		}
	}
}

func TestSyncSkipsBadFilesAndNamesThem(t *testing.T) {
	var logBuf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	fsys := fstest.MapFS{
		"good.txt":        {Data: article("Good Article", "goodword", 2)},
		"empty.txt":       {Data: nil},
		"blank.md":        {Data: []byte("  \n\n \t\n")},
		"furniture.txt":   {Data: []byte("Share this:\nFacebook Twitter Email\n\nAdvertisement\n\nNo comments:\n\nPost a Comment\n")},
		"latin1.txt":      {Data: []byte("Caf\xe9 owners protest\n\nThe caf\xe9 owners of the old town said the new rent rules would close half the shops by winter.\n")},
		"dir/nested.text": {Data: []byte("not an article: wrong extension")},
	}
	ix, err := Open(t.TempDir(), Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	rep, err := ix.Sync(context.Background(), fsys)
	if err != nil {
		t.Fatalf("Sync stopped on bad files: %v", err)
	}
	if rep.Articles != 2 {
		t.Errorf("indexed %d articles; want 2 (good.txt and the repaired latin1.txt)", rep.Articles)
	}
	skipped := map[string]string{}
	for _, s := range rep.Skipped {
		skipped[s.Path] = s.Reason
	}
	for _, name := range []string{"empty.txt", "blank.md", "furniture.txt"} {
		if _, ok := skipped[name]; !ok {
			t.Errorf("%s not reported as skipped; skipped: %v", name, skipped)
		}
		if !strings.Contains(logBuf.String(), name) {
			t.Errorf("no warning names %s; log:\n%s", name, logBuf.String())
		}
	}
	if !strings.Contains(logBuf.String(), "latin1.txt") || !strings.Contains(logBuf.String(), "UTF-8") {
		t.Errorf("no warning says latin1.txt was repaired; log:\n%s", logBuf.String())
	}
	hits := search(t, ix, "café owners rent")
	if len(hits) == 0 || !strings.Contains(hits[0].Passage.Text, "café owners") {
		t.Errorf("repaired article not found with its accents: %v", hits)
	}
}

func TestOpenLockedInProcess(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Open(dir, Options{})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v; want ErrLocked", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("second Open took %v; want an answer within a second", d)
	}
	want := fmt.Sprintf("data dir in use by another dossier process (pid %d)", os.Getpid())
	if err.Error() != want {
		t.Errorf("error = %q; want %q", err, want)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix2, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	ix2.Close()
}

// TestHelperProcess is not a test: the tests below run the test binary
// again as a second process that opens an index.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv("DOSSIER_HELPER")
	if mode == "" {
		t.Skip("helper process")
	}
	dir := os.Getenv("DOSSIER_HELPER_DIR")
	ix, err := Open(dir, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	switch mode {
	case "hold":
		fmt.Println("locked")
		time.Sleep(time.Minute)
	case "index":
		fmt.Println("indexing")
		_, err = ix.Sync(context.Background(), os.DirFS(os.Getenv("DOSSIER_HELPER_CORPUS")))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
		fmt.Println("done")
	}
	ix.Close()
	os.Exit(0)
}

func helper(t *testing.T, mode, dir, corpus string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "DOSSIER_HELPER="+mode, "DOSSIER_HELPER_DIR="+dir, "DOSSIER_HELPER_CORPUS="+corpus)
	return cmd
}

func TestOpenLockedByAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	cmd := helper(t, "hold", dir, "")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	buf := make([]byte, 64)
	if n, _ := out.Read(buf); !strings.Contains(string(buf[:n]), "locked") {
		t.Fatalf("helper did not take the lock: %q", buf[:n])
	}
	start := time.Now()
	_, err = Open(dir, Options{})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Open while another process holds the dir: %v; want ErrLocked", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Open took %v; want an answer within a second", d)
	}
	if want := "(pid " + strconv.Itoa(cmd.Process.Pid) + ")"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name the holder %s", err, want)
	}
	// A killed holder releases the lock: the kernel drops it.
	cmd.Process.Kill()
	cmd.Wait()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open after the holder died: %v", err)
	}
	ix.Close()
}

func TestVersionChangeRebuilds(t *testing.T) {
	dir := t.TempDir()
	fsys := fstest.MapFS{"a.txt": {Data: article("Versioned", "versionword", 2)}}
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Sync(context.Background(), fsys); err != nil {
		t.Fatal(err)
	}
	if err := ix.cat.setVersion("dossier-index-0"); err != nil {
		t.Fatal(err)
	}
	ix.Close()

	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open of an index of another version: %v", err)
	}
	defer ix.Close()
	if a, _ := ix.Stats(); a != 0 {
		t.Errorf("old-version index kept %d articles; want it rebuilt empty", a)
	}
	rep, err := ix.Sync(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	if rep.New != 1 {
		t.Errorf("sync after rebuild: %+v; want the article indexed as new", rep)
	}
	if v, _ := ix.cat.version(); v != IndexVersion {
		t.Errorf("catalog version %q; want %q", v, IndexVersion)
	}
}

func TestUnreadableIndexIsRebuilt(t *testing.T) {
	dir := t.TempDir()
	fsys := fstest.MapFS{"a.txt": {Data: article("Broken", "brokenword", 2)}}
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Sync(context.Background(), fsys); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	// Damage the index's root.
	if err := os.WriteFile(filepath.Join(dir, "index", "index_meta.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open of a damaged index: %v", err)
	}
	defer ix.Close()
	if _, err := ix.Sync(context.Background(), fsys); err != nil {
		t.Fatal(err)
	}
	if hits := search(t, ix, "brokenword"); len(hits) == 0 {
		t.Error("article not found after the rebuild")
	}
	assertConsistent(t, ix)
}

// TestInterruptedUpdateIsCleanedUp simulates a crash at each point of the
// update protocol and checks that the next open leaves an index that
// agrees with its catalog, and the next sync brings it up to date.
func TestInterruptedUpdateIsCleanedUp(t *testing.T) {
	for _, crash := range []string{"after bleve batch", "after catalog commit"} {
		t.Run(crash, func(t *testing.T) {
			dir := t.TempDir()
			t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			fsys := fstest.MapFS{"a.txt": mapFile(article("Crash Test", "firstversion", 3), t0)}
			ix, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ix.Sync(context.Background(), fsys); err != nil {
				t.Fatal(err)
			}
			// Start replacing the article, by hand, and stop half-way.
			fsys["a.txt"] = mapFile(article("Crash Test", "secondversion", 4), t0.Add(time.Hour))
			files, _, _ := walkCorpus(fsys)
			pf := ix.parseFile(fsys, files[0], ix.articles["a"])
			newSet := docSet{id: "a", gen: pf.rec.Gen, n: len(pf.article.Passages)}
			if err := ix.cat.markPending([]docSet{newSet}); err != nil {
				t.Fatal(err)
			}
			b := ix.bleve.NewBatch()
			for i := range pf.article.Passages {
				b.IndexAdvanced(ix.passageDoc(pf.article, pf.rec.Gen, i, pf.tokens[i]))
			}
			if err := ix.bleve.Batch(b); err != nil {
				t.Fatal(err)
			}
			if crash == "after catalog commit" {
				old := ix.articles["a"]
				if err := ix.cat.apply([]catalogChange{{id: "a", rec: pf.rec, passages: pf.article.Passages, old: docSet{id: "a", gen: old.Gen, n: old.Passages}}}); err != nil {
					t.Fatal(err)
				}
			}
			ix.Close() // the crash: nothing more happens

			ix, err = Open(dir, Options{})
			if err != nil {
				t.Fatalf("Open after the crash: %v", err)
			}
			defer ix.Close()
			assertConsistent(t, ix)
			if _, err := ix.Sync(context.Background(), fsys); err != nil {
				t.Fatal(err)
			}
			assertConsistent(t, ix)
			if hits := search(t, ix, "secondversion"); len(hits) == 0 {
				t.Error("new version not found after recovery and sync")
			}
			for _, h := range search(t, ix, "firstversion") {
				if strings.Contains(h.Passage.Text, "firstversion") {
					t.Errorf("old version still found: %q", h.Passage.Text)
				}
			}
		})
	}
}

// TestKilledMidIndex kills a real indexing process part-way through and
// checks that the index opens, agrees with its catalog, and catches up.
func TestKilledMidIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and indexes a generated corpus")
	}
	gen := corpusgen.New(corpusgen.Options{Articles: 300, Seed: 7})
	corpus := filepath.Join(t.TempDir(), "corpus")
	if err := gen.WriteDir(corpus); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd := helper(t, "index", dir, corpus)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once the first batches are committed.
	catalog := filepath.Join(dir, "catalog.db")
	deadline := time.Now().Add(2 * time.Minute)
	killed := false
	for time.Now().Before(deadline) {
		if fi, err := os.Stat(catalog); err == nil && fi.Size() > 128<<10 {
			cmd.Process.Kill()
			killed = true
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	err := cmd.Wait()
	if !killed {
		t.Fatalf("indexing never reached the kill point: %v %s", err, stderr.String())
	}
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open after kill -9: %v", err)
	}
	defer ix.Close()
	assertConsistent(t, ix)
	before, _ := ix.Stats()
	if before >= 300 {
		t.Fatalf("the process finished all %d articles before it was killed; the test did not interrupt it", before)
	}
	rep, err := ix.Sync(context.Background(), os.DirFS(corpus))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Articles != 300 {
		t.Errorf("after catching up: %d articles; want 300", rep.Articles)
	}
	if rep.New != 300-before {
		t.Errorf("catch-up indexed %d new; want %d (300 minus the %d committed before the kill)", rep.New, 300-before, before)
	}
	assertConsistent(t, ix)
}

// TestSearchDuringSync runs searches while articles are replaced: every
// hit is a passage of the version the catalog names, never a mix.
func TestSearchDuringSync(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	fsys := fstest.MapFS{}
	for i := 0; i < 20; i++ {
		fsys[fmt.Sprintf("a%02d.txt", i)] = mapFile(article(fmt.Sprintf("Story %d", i), "versionone", 6), t0)
	}
	ix := openTestIndex(t, fsys)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 100)
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := ix.Search(context.Background(), Query{Text: "harbour bridge council report", Limit: 20})
				if err != nil {
					errs <- err
					return
				}
				// Every article matches: an update in progress must not
				// make any go missing.
				if len(res.Hits) != 20 {
					errs <- fmt.Errorf("search returned %d hits during a sync; want 20", len(res.Hits))
					return
				}
				// All passages of one article in a result come from one
				// version.
				version := map[string]string{}
				for _, h := range res.Hits {
					v := "versionone"
					if strings.Contains(h.Passage.Text, "versiontwo") {
						v = "versiontwo"
					}
					if old, ok := version[h.Article.ID]; ok && old != v {
						errs <- fmt.Errorf("article %s mixes %s and %s", h.Article.ID, old, v)
						return
					}
					version[h.Article.ID] = v
				}
			}
		}()
	}
	for round := 1; round <= 3; round++ {
		marker := "versiontwo"
		if round%2 == 0 {
			marker = "versionone"
		}
		for i := 0; i < 20; i++ {
			fsys[fmt.Sprintf("a%02d.txt", i)] = mapFile(article(fmt.Sprintf("Story %d", i), marker, 6), t0.Add(time.Duration(round)*time.Hour))
		}
		if _, err := ix.Sync(context.Background(), fsys); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assertConsistent(t, ix)
}

func TestRenamedFileStaysFindable(t *testing.T) {
	data := article("Renamed Story", "renameword", 3)
	fsys := fstest.MapFS{"a.txt": {Data: data}}
	ix := openTestIndex(t, fsys)
	delete(fsys, "a.txt")
	fsys["a.md"] = &fstest.MapFile{Data: data}
	for i := 0; i < 2; i++ {
		if _, err := ix.Sync(context.Background(), fsys); err != nil {
			t.Fatal(err)
		}
		if hits := search(t, ix, "renameword"); len(hits) == 0 {
			t.Fatalf("sync %d after renaming a.txt to a.md: the article is no longer found", i+1)
		}
		assertConsistent(t, ix)
	}
	if a, ok, _ := ix.Article("a"); !ok || a.Path != "a.md" {
		t.Errorf("Article(a) = %+v, %v; want the renamed file", a, ok)
	}
}

func TestCloseWhileSearching(t *testing.T) {
	ix, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Sync(context.Background(), queryCorpus()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if _, err := ix.Search(context.Background(), Query{Text: "harbour ships"}); err != nil && !errors.Is(err, ErrClosed) {
					t.Errorf("Search: %v", err)
				}
				if _, err := ix.Quotes(""); err != nil && !errors.Is(err, ErrClosed) {
					t.Errorf("Quotes: %v", err)
				}
			}
		}()
	}
	time.Sleep(5 * time.Millisecond)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if _, err := ix.Search(context.Background(), Query{Text: "harbour"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Search after Close: %v; want ErrClosed", err)
	}
	if _, err := ix.Quotes(""); !errors.Is(err, ErrClosed) {
		t.Errorf("Quotes after Close: %v; want ErrClosed", err)
	}
	if _, _, err := ix.Article("2024/harbour"); !errors.Is(err, ErrClosed) {
		t.Errorf("Article after Close: %v; want ErrClosed", err)
	}
	if _, err := ix.Sync(context.Background(), queryCorpus()); !errors.Is(err, ErrClosed) {
		t.Errorf("Sync after Close: %v; want ErrClosed", err)
	}
	if err := ix.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close: %v; want ErrClosed", err)
	}
}

func TestSymlinkedArticleIsIndexed(t *testing.T) {
	dir := t.TempDir()
	other := t.TempDir()
	target := filepath.Join(other, "real.txt")
	if err := os.WriteFile(target, article("Linked Story", "linkedword", 2), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "link.txt")); err != nil {
		t.Skip("symlinks not supported:", err)
	}
	ix, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	rep, err := ix.Sync(context.Background(), os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Articles != 1 || len(search(t, ix, "linkedword")) == 0 {
		t.Errorf("report %+v; want the linked article indexed", rep)
	}
}

// TestSyncWithSettleLeavesFreshFilesAlone checks that a file still being
// written is neither indexed half-written nor dropped: its earlier version
// stays until it settles.
func TestSyncWithSettleLeavesFreshFilesAlone(t *testing.T) {
	old := time.Now().Add(-time.Hour)
	fsys := fstest.MapFS{
		"kept.txt": mapFile(article("Harbour Plans", "firstversion", 2), old),
	}
	ix, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	if _, err := ix.Sync(ctx, fsys); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	fsys["kept.txt"] = mapFile(article("Harbour Plans", "secondversion", 2), now)
	fsys["fresh.txt"] = mapFile(article("Bridge Works", "freshword", 2), now)
	rep, err := ix.SyncWith(ctx, fsys, SyncOptions{Settle: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Unsettled) != 2 || rep.New != 0 || rep.Changed != 0 || rep.Removed != 0 {
		t.Errorf("report %+v; want both recent files unsettled and nothing changed", rep)
	}
	if hits := search(t, ix, "firstversion"); len(hits) == 0 {
		t.Error("the earlier version of a file being rewritten is gone")
	}
	if hits := search(t, ix, "freshword"); len(hits) != 0 {
		t.Error("a file modified within the settle time was indexed")
	}
	// A clock far from the file system's does not hold files back.
	fsys["future.txt"] = mapFile(article("Tide Tables", "futureword", 2), now.Add(24*time.Hour))
	rep, err = ix.SyncWith(ctx, fsys, SyncOptions{Settle: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if rep.New != 1 || len(search(t, ix, "futureword")) == 0 {
		t.Errorf("report %+v; want the file dated a day ahead indexed", rep)
	}
	rep, err = ix.SyncWith(ctx, fsys, SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.New != 1 || rep.Changed != 1 || len(rep.Unsettled) != 0 {
		t.Errorf("report %+v; want the settled files indexed", rep)
	}
	if len(search(t, ix, "secondversion")) == 0 || len(search(t, ix, "freshword")) == 0 {
		t.Error("settled files are not searchable")
	}
	for _, a := range ix.Articles() {
		if a.ID == "kept" && !a.Modified.Equal(now) {
			t.Errorf("Modified %v; want the file's time %v", a.Modified, now)
		}
	}
}
