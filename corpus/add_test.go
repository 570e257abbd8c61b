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
	"syscall"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/search"
)

var fixedNow = func() time.Time { return time.Date(2025, 5, 15, 12, 0, 0, 0, time.UTC) }

const body = "Iran has been accused of hiring criminal gangs to carry out attacks in Europe, according to officials who spoke on Thursday.\n\nThe officials said the plots were foiled."

// newAddFolder returns a Folder on an empty directory with a real index.
func newAddFolder(t *testing.T) (*Folder, *search.Index, *recorder) {
	t.Helper()
	ix := openIndex(t)
	log, _ := testLogger(t)
	rec := &recorder{}
	dir := filepath.Join(t.TempDir(), "corpus")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f := New(dir, ix, Options{Logger: log, Now: fixedNow, OnSync: rec.onSync})
	return f, ix, rec
}

// files lists the names in dir, sorted.
func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func checkNoTemp(t *testing.T, dir string) {
	t.Helper()
	for _, name := range files(t, dir) {
		if strings.HasPrefix(name, ".dossier-add-") {
			t.Errorf("temporary file %s left in the folder", name)
		}
	}
}

func TestSlug(t *testing.T) {
	long := strings.Repeat("word ", 30)
	tests := []struct {
		title, want string
	}{
		{"Iran accused of hiring gangs", "iran-accused-of-hiring-gangs"},
		{"Bogotá’s mayor: “We will not yield”", "bogota-mayor-we-will-not-yield"},
		{"U.S. sanctions 2,000 firms", "us-sanctions-2000-firms"},
		{"Tit-for-tat", "tit-for-tat"},
		{"../../etc/passwd", "etc-passwd"},
		{`C:\Windows\system32`, "c-windows-system32"},
		{"", "article"},
		{"!!! ... ---", "article"},
		{"Путин и Кремль", "путин-и-кремль"},
		{long, strings.TrimSuffix(strings.Repeat("word-", 16), "-")},
		{strings.Repeat("x", 100), strings.Repeat("x", 80)},
		{strings.Repeat("é", 50), strings.Repeat("e", 50)},
		{strings.Repeat("ж", 50), strings.Repeat("ж", 40)},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			got := slug(tt.title)
			if got != tt.want {
				t.Errorf("slug(%q) = %q; want %q", tt.title, got, tt.want)
			}
			if len(got) > maxSlugBytes {
				t.Errorf("slug(%q) is %d bytes; want at most %d", tt.title, len(got), maxSlugBytes)
			}
			if strings.ContainsAny(got, `/\.`) || !filepath.IsLocal(got) {
				t.Errorf("slug(%q) = %q, which is not a plain file name", tt.title, got)
			}
		})
	}
}

// TestComposeRoundTrip checks that the article parser reads back exactly
// the metadata Add writes into the front matter.
func TestComposeRoundTrip(t *testing.T) {
	values := []string{
		"Iran accused of hiring gangs",
		`He said "no" to the deal`,
		`Back\slash and \"escaped\" quotes`,
		"Key: value, and more: colons",
		"# not a heading",
		"- leading dash",
		"--- three dashes",
		"---",
		"...",
		"'single quotes'",
		"Bogotá’s mayor — 市長 — Путин 🚀",
		"yes",
		"null",
		"~",
		"2025-05-15",
		"123",
		"[not, a, list]",
		"{not: a map}",
		"&anchor *alias !tag %directive @at `tick`",
		"a #comment after a space",
		"line one\nline two\r\nline three",
		"  spaced   out\tby tabs  ",
		"zero\u200bwidth and non\u00a0breaking and\u2028separator",
		"control\x00\x07\x7f\u0085\u009fcharacters",
		"invalid \xff\xfe UTF-8",
	}
	for _, v := range values {
		t.Run(v, func(t *testing.T) {
			f := New(t.TempDir(), &fakeSyncer{}, Options{Now: fixedNow})
			in := NewArticle{Title: v, Author: v, Publication: v, Date: "May 14, 2025", URL: "https://example.com/a?b=\"c\"&d=#e", Text: body}
			name, data, err := f.compose(in)
			if err != nil {
				t.Fatalf("compose: %v", err)
			}
			a, warnings, err := search.Parse(name, data)
			if err != nil {
				t.Fatalf("parse %s: %v\n%s", name, err, data)
			}
			if len(warnings) > 0 {
				t.Errorf("parse warnings %q; want none\n%s", warnings, data)
			}
			want := cleanValue(v)
			if want == "" {
				t.Fatalf("cleanValue(%q) is empty", v)
			}
			for _, c := range []struct{ field, got, want string }{
				{"title", a.Title, want},
				{"author", a.Author, want},
				{"publication", a.Publication, want},
				{"date", a.PublishedDate(), "2025-05-14"},
				{"url", a.URL, `https://example.com/a?b="c"&d=#e`},
			} {
				if c.got != c.want {
					t.Errorf("%s read back as %q; want %q\n%s", c.field, c.got, c.want, data)
				}
			}
		})
	}
}

func TestCleanValue(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  plain  ", "plain"},
		{"line one\nline two", "line one line two"},
		{"tab\tand\u00a0nbsp", "tab and nbsp"},
		{"zero\u200bwidth", "zerowidth"},
		{"bell\x07", "bell"},
		{"bad \xff byte", "bad \uFFFD byte"},
	}
	for _, tt := range tests {
		if got := cleanValue(tt.in); got != tt.want {
			t.Errorf("cleanValue(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestAddForm(t *testing.T) {
	f, ix, rec := newAddFolder(t)
	ctx := context.Background()
	added, err := f.Add(ctx, NewArticle{
		Title:       "  Iran accused of hiring gangs ",
		Author:      "Jane Doe",
		Publication: "The Daily: Evening Edition",
		Date:        "May 15, 2025",
		URL:         "https://example.com/iran",
		Text:        "\r\n" + strings.ReplaceAll(body, "\n", "\r\n") + "\r\n\r\n",
	})
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	const wantPath = "2025-05-15-iran-accused-of-hiring-gangs.md"
	if added.Path != wantPath {
		t.Errorf("Path = %q; want %q", added.Path, wantPath)
	}
	data, err := os.ReadFile(filepath.Join(f.Dir(), wantPath))
	if err != nil {
		t.Fatal(err)
	}
	wantData := "---\n" +
		"title: \"Iran accused of hiring gangs\"\n" +
		"author: \"Jane Doe\"\n" +
		"publication: \"The Daily: Evening Edition\"\n" +
		"date: \"2025-05-15\"\n" +
		"url: \"https://example.com/iran\"\n" +
		"---\n\n" + body + "\n"
	if string(data) != wantData {
		t.Errorf("file holds\n%s\nwant\n%s", data, wantData)
	}
	if added.Article == nil || added.Article.ID != "2025-05-15-iran-accused-of-hiring-gangs" || added.Article.Path != wantPath {
		t.Errorf("Article = %+v; want ID and Path of %s", added.Article, wantPath)
	}
	if added.Report.New != 1 {
		t.Errorf("Report.New = %d; want 1", added.Report.New)
	}
	if n := rec.count(); n != 1 {
		t.Errorf("OnSync called %d times; want 1", n)
	}

	infos := ix.Articles()
	if len(infos) != 1 {
		t.Fatalf("index holds %d articles; want 1", len(infos))
	}
	got := infos[0]
	for _, c := range []struct{ field, got, want string }{
		{"ID", got.ID, added.Article.ID},
		{"title", got.Title, "Iran accused of hiring gangs"},
		{"author", got.Author, "Jane Doe"},
		{"publication", got.Publication, "The Daily: Evening Edition"},
		{"date", got.PublishedDate(), "2025-05-15"},
		{"url", got.URL, "https://example.com/iran"},
	} {
		if c.got != c.want {
			t.Errorf("indexed %s = %q; want %q", c.field, c.got, c.want)
		}
	}
	if !found(t, ix, "criminal gangs Europe", added.Article.ID) {
		t.Errorf("search for the article's words does not find it")
	}
	checkNoTemp(t, f.Dir())
}

func TestAddDate(t *testing.T) {
	// Without a date the article has none, and its file is named by the
	// day it was added.
	tests := []struct {
		name, date    string
		now           time.Time
		wantPath      string
		wantPublished string
	}{
		{"ISO", "2025-05-01", fixedNow(), "2025-05-01-the-title.md", "2025-05-01"},
		{"weekday", "Thursday, May 1, 2025", fixedNow(), "2025-05-01-the-title.md", "2025-05-01"},
		{"day first", "1 May 2025", fixedNow(), "2025-05-01-the-title.md", "2025-05-01"},
		{"none", "", fixedNow(), "2025-05-15-the-title.md", ""},
		// Late evening in New York is the next day in UTC.
		{"none, named in UTC", "", time.Date(2025, 5, 15, 22, 30, 0, 0, time.FixedZone("EDT", -4*3600)), "2025-05-16-the-title.md", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := newAddFolder(t)
			f.opts.Now = func() time.Time { return tt.now }
			added, err := f.Add(context.Background(), NewArticle{Title: "The title", Date: tt.date, Text: body})
			if err != nil {
				t.Fatalf("Add: %v", err)
			}
			if added.Path != tt.wantPath {
				t.Errorf("Path = %q; want %q", added.Path, tt.wantPath)
			}
			if got, want := added.Article.PublishedDate(), tt.wantPublished; got != want {
				t.Errorf("published %q; want %q", got, want)
			}
		})
	}
}

func TestAddNeverOverwrites(t *testing.T) {
	f, ix, _ := newAddFolder(t)
	ctx := context.Background()
	// A file with the article ID the first add would take, in another format.
	existing := filepath.Join(f.Dir(), "2025-05-15-same-title.txt")
	writeFile(t, existing, articleText("Same title", "existing"))
	// Written a while ago: Add indexes complete files only, its own and
	// those that have settled.
	old := time.Now().Add(-time.Hour)
	os.Chtimes(existing, old, old)
	first, err := f.Add(ctx, NewArticle{Title: "Same title", Text: body})
	if err != nil {
		t.Fatalf("first Add: %v", err)
	}
	firstData, err := os.ReadFile(filepath.Join(f.Dir(), first.Path))
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.Add(ctx, NewArticle{Title: "Same title", Text: "A different text about something else entirely, written on another day."})
	if err != nil {
		t.Fatalf("second Add: %v", err)
	}
	if want := "2025-05-15-same-title-2.md"; first.Path != want {
		t.Errorf("first Path = %q; want %q", first.Path, want)
	}
	if want := "2025-05-15-same-title-3.md"; second.Path != want {
		t.Errorf("second Path = %q; want %q", second.Path, want)
	}
	again, err := os.ReadFile(filepath.Join(f.Dir(), first.Path))
	if err != nil || string(again) != string(firstData) {
		t.Errorf("first file changed after the second Add (err %v)", err)
	}
	if n := len(ix.Articles()); n != 3 {
		t.Errorf("index holds %d articles; want 3", n)
	}
	checkNoTemp(t, f.Dir())
}

// TestAddLeavesHalfWrittenFilesAlone adds an article while another file
// is being written into the folder: Add indexes its own file, not the
// other.
func TestAddLeavesHalfWrittenFilesAlone(t *testing.T) {
	f, ix, _ := newAddFolder(t)
	writeFile(t, filepath.Join(f.Dir(), "copying.txt"), "Half A Story\n\nThe first half of a story that is still being cop")
	added, err := f.Add(context.Background(), NewArticle{Title: "Bridge Works", Text: body})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, a := range ix.Articles() {
		ids[a.ID] = true
	}
	if !ids[added.Article.ID] || ids["copying"] {
		t.Errorf("indexed %v; want the added article and not the file still being written", ids)
	}
}

func TestAddUpload(t *testing.T) {
	md := "---\ntitle: Uploaded report\nauthor: Sam Roe\ndate: 2025-04-01\n---\n\n" + body + "\n"
	txt := "Plain report\n\n" + body + "\n"
	tests := []struct {
		fileName, data, wantPath, wantTitle string
	}{
		{"report.md", md, "report.md", "Uploaded report"},
		{"Field Notes.TXT", txt, "field-notes.txt", "Plain report"},
		{`C:\Users\me\Iran Report.markdown`, md, "iran-report.markdown", "Uploaded report"},
		{"!!!.md", md, "article.md", "Uploaded report"},
	}
	for _, tt := range tests {
		t.Run(tt.fileName, func(t *testing.T) {
			f, ix, _ := newAddFolder(t)
			added, err := f.Add(context.Background(), NewArticle{
				Title:    "ignored title",
				Text:     "ignored text",
				FileName: tt.fileName,
				Data:     []byte(tt.data),
			})
			if err != nil {
				t.Fatalf("Add: %v", err)
			}
			if added.Path != tt.wantPath {
				t.Errorf("Path = %q; want %q", added.Path, tt.wantPath)
			}
			data, err := os.ReadFile(filepath.Join(f.Dir(), tt.wantPath))
			if err != nil || string(data) != tt.data {
				t.Errorf("file holds %q (err %v); want the upload as is", data, err)
			}
			if added.Article.Title != tt.wantTitle {
				t.Errorf("Article.Title = %q; want %q", added.Article.Title, tt.wantTitle)
			}
			a, ok, err := ix.Article(search.IDFromPath(tt.wantPath))
			if err != nil || !ok || a.Title != tt.wantTitle {
				t.Errorf("indexed article %v, %v, %v; want %q", a, ok, err, tt.wantTitle)
			}
		})
	}
}

func TestAddRejects(t *testing.T) {
	tests := []struct {
		name      string
		in        NewArticle
		wantField string
		wantMsg   string // "" when any message will do
	}{
		{"no title", NewArticle{Title: "  ", Text: body}, "title", ""},
		{"no text", NewArticle{Title: "T", Text: " \n\t "}, "text", ""},
		{"too short", NewArticle{Title: "T", Text: "Hello."}, "text", ""},
		{"headline only", NewArticle{Title: "T", Text: "# Just a heading here"}, "text", ""},
		{"bad date", NewArticle{Title: "T", Date: "last Tuesday", Text: body}, "date", "write it like 2025-05-15 or May 15, 2025"},
		{"impossible date", NewArticle{Title: "T", Date: "2025-02-30", Text: body}, "date", ""},
		{"not a URL", NewArticle{Title: "T", URL: "example dot com", Text: body}, "url", ""},
		{"relative URL", NewArticle{Title: "T", URL: "/news/1", Text: body}, "url", ""},
		{"ftp URL", NewArticle{Title: "T", URL: "ftp://example.com/a", Text: body}, "url", ""},
		{"no host", NewArticle{Title: "T", URL: "https://", Text: body}, "url", ""},
		{"javascript URL", NewArticle{Title: "T", URL: "javascript:alert(1)", Text: body}, "url", ""},
		{"pdf", NewArticle{FileName: "report.pdf", Data: []byte(body)}, "file", "attach a .txt or .md file"},
		{"no extension", NewArticle{FileName: "report", Data: []byte(body)}, "file", "attach a .txt or .md file"},
		{"hidden", NewArticle{FileName: ".report.md", Data: []byte(body)}, "file", "attach a .txt or .md file"},
		{"empty file", NewArticle{FileName: "report.txt", Data: nil}, "file", ""},
		{"blank file", NewArticle{FileName: "report.md", Data: []byte("---\ntitle: x\n---\n\n")}, "file", ""},
		{"too large", NewArticle{FileName: "big.txt", Data: []byte(strings.Repeat("word ", 2<<20))}, "file", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, rec := newAddFolder(t)
			added, err := f.Add(context.Background(), tt.in)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("Add = %v, %v; want an *InputError", added, err)
			}
			if ie.Field != tt.wantField {
				t.Errorf("Field = %q; want %q (%v)", ie.Field, tt.wantField, ie)
			}
			if tt.wantMsg != "" && ie.Message != tt.wantMsg {
				t.Errorf("Message = %q; want %q", ie.Message, tt.wantMsg)
			}
			if ie.Message == "" || strings.Contains(ie.Message, "report") {
				t.Errorf("Message = %q; want plain words without the file name", ie.Message)
			}
			if got, want := ie.Error(), ie.Field+": "+ie.Message; got != want {
				t.Errorf("Error() = %q; want %q", got, want)
			}
			if names := files(t, f.Dir()); len(names) != 0 {
				t.Errorf("folder holds %q; want nothing written", names)
			}
			if n := rec.count(); n != 0 {
				t.Errorf("OnSync called %d times; want 0", n)
			}
		})
	}
}

func TestInputErrorText(t *testing.T) {
	err := error(&InputError{Field: "date", Message: "write it like 2025-05-15 or May 15, 2025"})
	if got, want := err.Error(), "date: write it like 2025-05-15 or May 15, 2025"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
}

func TestSeedCorpusIsReadOnly(t *testing.T) {
	var calls int
	syncer := &fakeSyncer{syncWith: func(context.Context, fs.FS, search.SyncOptions) (search.SyncReport, error) {
		calls++
		return search.SyncReport{}, nil
	}}
	f := New("", syncer, Options{})
	if f.Dir() != "" {
		t.Errorf("Dir() = %q; want \"\"", f.Dir())
	}
	ctx := context.Background()
	if _, err := f.Add(ctx, NewArticle{Title: "T", Text: body}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Add = %v; want ErrReadOnly", err)
	}
	if _, err := f.Sync(ctx); err == nil || !strings.Contains(err.Error(), "no corpus folder") {
		t.Errorf("Sync = %v; want an error saying there is no folder", err)
	}
	wctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := f.Watch(wctx); err != nil {
		t.Errorf("Watch = %v; want nil", err)
	}
	if calls != 0 {
		t.Errorf("SyncWith called %d times; want 0", calls)
	}
}

func TestAddConcurrent(t *testing.T) {
	f, ix, _ := newAddFolder(t)
	const n = 10
	paths := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			added, err := f.Add(context.Background(), NewArticle{
				Title: "Same title",
				Text:  fmt.Sprintf("%s\n\nThis is copy number %d of the article.", body, i),
			})
			errs[i] = err
			if err == nil {
				paths[i] = added.Path
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Add %d: %v", i, err)
		}
	}
	slices.Sort(paths)
	if got := slices.Compact(slices.Clone(paths)); len(got) != n {
		t.Errorf("paths %q; want %d distinct", paths, n)
	}
	if got := len(ix.Articles()); got != n {
		t.Errorf("index holds %d articles; want %d", got, n)
	}
	if got := files(t, f.Dir()); len(got) != n {
		t.Errorf("folder holds %q; want %d files", got, n)
	}
	checkNoTemp(t, f.Dir())
}

func TestAddStaysInFolder(t *testing.T) {
	tests := []struct {
		name     string
		in       NewArticle
		wantPath string
	}{
		{"title", NewArticle{Title: "../../etc/passwd", Text: body}, "2025-05-15-etc-passwd.md"},
		{"title with backslashes", NewArticle{Title: `..\..\windows\win.ini`, Text: body}, "2025-05-15-windows-win-ini.md"},
		{"upload", NewArticle{FileName: "../../evil.md", Data: []byte(body)}, "evil.md"},
		{"upload with backslashes", NewArticle{FileName: `..\..\evil.txt`, Data: []byte(body)}, "evil.txt"},
		{"absolute upload", NewArticle{FileName: "/etc/cron.d/job.md", Data: []byte(body)}, "job.md"},
		{"dots upload", NewArticle{FileName: "a..b.md", Data: []byte(body)}, "a-b.md"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := newAddFolder(t)
			added, err := f.Add(context.Background(), tt.in)
			if err != nil {
				t.Fatalf("Add: %v", err)
			}
			if added.Path != tt.wantPath {
				t.Errorf("Path = %q; want %q", added.Path, tt.wantPath)
			}
			if got := files(t, f.Dir()); !slices.Equal(got, []string{tt.wantPath}) {
				t.Errorf("folder holds %q; want only %q", got, tt.wantPath)
			}
			if got := files(t, filepath.Dir(f.Dir())); !slices.Equal(got, []string{"corpus"}) {
				t.Errorf("the folder's parent holds %q; want only the folder", got)
			}
		})
	}
}

// TestAddWithoutHardLinks covers file systems without hard links: Add
// falls back to creating the file exclusively, and still never
// overwrites.
func TestAddWithoutHardLinks(t *testing.T) {
	f, ix, _ := newAddFolder(t)
	var links int
	f.link = func(string, string) error {
		links++
		return &os.LinkError{Op: "link", Err: syscall.EPERM}
	}
	ctx := context.Background()
	var paths []string
	for i := range 3 {
		added, err := f.Add(ctx, NewArticle{Title: "No links", Text: fmt.Sprintf("%s\n\nVersion %d.", body, i)})
		if err != nil {
			t.Fatalf("Add %d: %v", i, err)
		}
		paths = append(paths, added.Path)
		data, err := os.ReadFile(filepath.Join(f.Dir(), added.Path))
		if err != nil || !strings.Contains(string(data), fmt.Sprintf("Version %d.", i)) {
			t.Errorf("%s holds %q (err %v); want version %d", added.Path, data, err, i)
		}
	}
	want := []string{"2025-05-15-no-links.md", "2025-05-15-no-links-2.md", "2025-05-15-no-links-3.md"}
	if !slices.Equal(paths, want) {
		t.Errorf("paths %q; want %q", paths, want)
	}
	if links == 0 {
		t.Errorf("the link hook was never called")
	}
	if n := len(ix.Articles()); n != 3 {
		t.Errorf("index holds %d articles; want 3", n)
	}
	checkNoTemp(t, f.Dir())
}

// TestAddNameTakenByDirectory checks that a directory holding the name
// Add wants is not written into or over.
func TestAddNameTakenByDirectory(t *testing.T) {
	f, _, _ := newAddFolder(t)
	if err := os.Mkdir(filepath.Join(f.Dir(), "2025-05-15-taken.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	added, err := f.Add(context.Background(), NewArticle{Title: "Taken", Text: body})
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	if want := "2025-05-15-taken-2.md"; added.Path != want {
		t.Errorf("Path = %q; want %q", added.Path, want)
	}
}

func TestAddCancelled(t *testing.T) {
	f, _, _ := newAddFolder(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.Add(ctx, NewArticle{Title: "T", Text: body}); !errors.Is(err, context.Canceled) {
		t.Errorf("Add = %v; want context.Canceled", err)
	}
	if names := files(t, f.Dir()); len(names) != 0 {
		t.Errorf("folder holds %q; want nothing written", names)
	}
}
