package corpus

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dossier-bot/dossier/search"
)

// ErrReadOnly is returned by Add when the folder is not writable as a
// corpus: the bot runs on its built-in seed articles (New with dir "").
var ErrReadOnly = errors.New("the corpus is the built-in seed articles and cannot be added to; set a corpus folder to add articles")

// NewArticle is an article a user adds: either a form (Title and Text
// required) or an uploaded file (FileName and Data). When FileName is set
// the form fields are ignored.
type NewArticle struct {
	// Title and Text are required in a form; Author, Publication, Date
	// (as the user typed it: 2025-05-15, May 15, 2025, ...; empty for
	// today) and URL are optional.
	Title, Author, Publication, Date, URL, Text string
	// FileName is an uploaded file's name ("report.md"): .txt, .md or
	// .markdown. Data is its content, used as is.
	FileName string
	Data     []byte
}

// Added is what Add wrote and indexed.
type Added struct {
	// Path is the file's slash path under the folder, for example
	// "2025-05-15-iran-accused-of-hiring-gangs.md".
	Path string
	// Article is the article as parsed from what was written; its ID and
	// Path are the index's.
	Article *search.Article
	// Report is the report of the sync that indexed it.
	Report search.SyncReport
}

// InputError is a problem with what the user gave: the field ("title",
// "text", "date", "url" or "file") and what to fix, in words meant for
// the user.
type InputError struct{ Field, Message string }

// Error returns "field: message", for example "date: write it like
// 2025-05-15 or May 15, 2025".
func (e *InputError) Error() string { return e.Field + ": " + e.Message }

// UserMessage is the error as the user who gave the input reads it.
func (e *InputError) UserMessage() string { return e.Error() }

// maxFileBytes bounds an article, as the index does.
const maxFileBytes = 8 << 20

// minTextWords is what a form's text needs to be at least a sentence.
const minTextWords = 3

// maxSlugBytes bounds the part of a file name made from a title.
const maxSlugBytes = 80

// maxSuffix bounds the search for a free file name.
const maxSuffix = 1000

// Add writes a new article into the folder and indexes it (as Sync does),
// returning what it wrote. A form becomes Markdown with YAML front matter
// in "<date>-<slug of the title>.md"; an uploaded file keeps its content
// and is named after its own name. Add never overwrites a file, nor takes
// a name whose article ID another file has: it adds "-2", "-3", ... to the
// name. The file is written under a hidden temporary name and linked into
// place, so the index never sees it half-written (where the file system
// has no hard links, it is created exclusively and written instead). The
// temporary file is always removed.
//
// Add returns an *InputError when the article is not acceptable (nothing
// is written then), ErrReadOnly on the built-in seed corpus, and other
// errors for failures to write or index. It is safe for concurrent use;
// it runs one at a time with Sync and Watch's syncs.
func (f *Folder) Add(ctx context.Context, a NewArticle) (*Added, error) {
	if f.dir == "" {
		return nil, ErrReadOnly
	}
	var (
		name string // the file name to try first
		data []byte
		err  error
	)
	if a.FileName != "" {
		name, data, err = uploaded(a)
	} else {
		name, data, err = f.compose(a)
	}
	if err != nil {
		return nil, err
	}

	if err := f.lock(ctx); err != nil {
		return nil, err
	}
	defer f.unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	name, err = f.write(name, data)
	if err != nil {
		return nil, fmt.Errorf("add article to %s: %w", f.dir, err)
	}
	// Index it: the file is complete, others in the folder may not be.
	// The file is written, so the indexing does not stop with the
	// caller's deadline: a user who saw a timeout would add it again.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	rep, err := f.syncLocked(sctx, f.opts.Settle, name)
	if err != nil {
		return nil, fmt.Errorf("added %s but could not index it: %w", name, err)
	}
	for _, s := range rep.Skipped {
		if s.Path == name {
			return nil, fmt.Errorf("added %s but the index skipped it: %s", name, s.Reason)
		}
	}
	art, _, err := search.Parse(name, data)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err) // validated before writing: cannot happen
	}
	f.log.Info("article added", "dir", f.dir, "file", name, "title", art.Title, "passages", len(art.Passages))
	return &Added{Path: name, Article: art, Report: rep}, nil
}

// compose turns a form into a Markdown file and its first-choice name.
func (f *Folder) compose(a NewArticle) (string, []byte, error) {
	title := cleanValue(a.Title)
	author := cleanValue(a.Author)
	publication := cleanValue(a.Publication)
	text := cleanText(a.Text)
	rawURL := strings.TrimSpace(a.URL)
	if title == "" {
		return "", nil, &InputError{"title", "give the article a title"}
	}
	if text == "" {
		return "", nil, &InputError{"text", "paste the article's text"}
	}
	if len(search.Words(text)) < minTextWords {
		return "", nil, &InputError{"text", "the text is too short: give at least a full sentence"}
	}
	// The date is the article's publication date; without one the
	// article has none (it is not invented), and the file is named by
	// the day it was added.
	var date time.Time
	day := f.opts.Now().UTC().Format(time.DateOnly)
	if d := strings.TrimSpace(a.Date); d != "" {
		t, ok := search.ParseDate(d)
		if !ok {
			return "", nil, &InputError{"date", "write it like 2025-05-15 or May 15, 2025"}
		}
		date, day = t, t.Format(time.DateOnly)
	}
	if rawURL != "" && !webURL(rawURL) {
		return "", nil, &InputError{"url", "give the full web address, starting with https://, or leave it empty"}
	}

	var b strings.Builder
	b.WriteString("---\n")
	field := func(key, value string) {
		if value != "" {
			b.WriteString(key + ": " + yamlQuote(value) + "\n")
		}
	}
	field("title", title)
	field("author", author)
	field("publication", publication)
	if !date.IsZero() {
		field("date", date.Format(time.DateOnly))
	}
	field("url", cleanValue(rawURL))
	b.WriteString("---\n\n")
	b.WriteString(text)
	b.WriteString("\n")
	data := []byte(b.String())
	if len(data) > maxFileBytes {
		return "", nil, &InputError{"text", fmt.Sprintf("the text is longer than %d MiB; split it into articles", maxFileBytes>>20)}
	}
	name := day + "-" + slug(title) + ".md"
	if err := validate(name, data, "text"); err != nil {
		return "", nil, err
	}
	return name, data, nil
}

// uploaded checks an uploaded file and returns its first-choice name.
func uploaded(a NewArticle) (string, []byte, error) {
	// The name comes from the user's machine: only its last element
	// counts, whichever separator it uses.
	base := path.Base(strings.ReplaceAll(strings.TrimSpace(a.FileName), `\`, "/"))
	if !search.IsArticleFile(base) {
		return "", nil, &InputError{"file", "attach a .txt or .md file"}
	}
	if len(a.Data) > maxFileBytes {
		return "", nil, &InputError{"file", fmt.Sprintf("the file is larger than %d MiB; split it into articles", maxFileBytes>>20)}
	}
	ext := path.Ext(base)
	name := slug(strings.TrimSuffix(base, ext)) + strings.ToLower(ext)
	if err := validate(name, a.Data, "file"); err != nil {
		return "", nil, err
	}
	return name, a.Data, nil
}

// validate parses an article as the index will, and explains to the user
// why it would not be indexed.
func validate(name string, data []byte, field string) error {
	a, _, err := search.Parse(name, data)
	switch {
	case errors.Is(err, search.ErrNoText) && field == "text":
		return &InputError{field, "there is no article text in it: give at least a full sentence of the article, not only its headline or byline"}
	case errors.Is(err, search.ErrNoText):
		return &InputError{field, "there is no article text in it: it is empty, or holds only a headline, a byline or page furniture"}
	case err != nil:
		return &InputError{field, strings.TrimPrefix(err.Error(), name+": ")}
	case len(a.Passages) == 0:
		return &InputError{field, "there is no article text in it"}
	}
	return nil
}

// webURL reports whether s is an absolute http or https URL.
func webURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return true
	}
	return false
}

// cleanValue makes a form field one line of text that the article parser
// reads back exactly: valid UTF-8, invisible and control characters
// dropped, runs of white space (line breaks included) made one space.
func cleanValue(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff' || r == '\u00ad':
			return -1
		case unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' || r == '\u205f' || r == '\u3000':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// cleanText normalises a form's text: valid UTF-8, LF line ends, no
// control characters but tabs and line ends, no blank lines at either end.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) && r != '\u0085' {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// yamlQuote returns s as a YAML double-quoted string. s is one line
// without control characters (see cleanValue), so only the backslash and
// the double quote need escaping.
func yamlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// slug makes a file-name part of a title: its folded words, letters and
// digits only, joined with hyphens, at most maxSlugBytes cut at a word
// boundary; "article" when nothing is left. It never holds a separator,
// a dot or anything else a path could be made of.
func slug(title string) string {
	var b strings.Builder
	for _, w := range search.Words(title) {
		w = strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return r
			}
			return -1
		}, w)
		if w == "" {
			continue
		}
		if b.Len() == 0 {
			b.WriteString(truncate(w, maxSlugBytes))
			continue
		}
		if b.Len()+1+len(w) > maxSlugBytes {
			break
		}
		b.WriteByte('-')
		b.WriteString(w)
	}
	if b.Len() == 0 {
		return "article"
	}
	return b.String()
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// write writes data into the folder under name, or under name with a
// suffix ("-2", "-3", ...) when the name or its article ID is taken, and
// returns the name used. The caller holds the sync lock.
func (f *Folder) write(name string, data []byte) (string, error) {
	taken, err := f.takenIDs()
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(f.dir, ".dossier-add-*.tmp")
	if err != nil {
		return "", err
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644) // CreateTemp's 0600 would hide it from the team
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}

	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	useLink := true
	for i := 1; i <= maxSuffix; i++ {
		candidate := stem
		if i > 1 {
			candidate += "-" + strconv.Itoa(i)
		}
		if taken[candidate] {
			continue
		}
		candidate += ext
		if !filepath.IsLocal(candidate) || strings.ContainsAny(candidate, `/\`) {
			return "", fmt.Errorf("refusing to write %q outside the folder", candidate)
		}
		final := filepath.Join(f.dir, candidate)
		if useLink {
			err := f.link(tmpName, final)
			if err == nil {
				syncDir(f.dir)
				return candidate, nil
			}
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			// Hard links are not supported here (some network and
			// FAT file systems): create the file exclusively instead.
			useLink = false
		}
		err := writeExclusive(final, data)
		if err == nil {
			syncDir(f.dir)
			return candidate, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("no free file name for %s: %d articles are named like it", name, maxSuffix)
}

// takenIDs returns the article IDs of the files at the top of the folder:
// a new file must not share one, or the index would skip it.
func (f *Folder) takenIDs() (map[string]bool, error) {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(entries))
	for _, e := range entries {
		if search.IsArticleFile(e.Name()) {
			ids[search.IDFromPath(e.Name())] = true
		}
	}
	return ids, nil
}

// writeExclusive creates name, failing if it exists, and writes data to
// it; on failure it removes what it created.
func writeExclusive(name string, data []byte) error {
	fh, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = fh.Write(data)
	if err == nil {
		err = fh.Sync()
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
	}
	return err
}

// syncDir makes a new directory entry durable, where the system allows
// it; it is best effort.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
