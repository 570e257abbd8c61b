package search

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// frontMatter is the metadata a Markdown article may declare in YAML
// between two "---" lines at its top.
type frontMatter struct {
	Title       string
	Author      string
	Publication string
	Published   time.Time
	URL         string
	Tags        []string
}

// splitFrontMatter separates YAML front matter from the body. found is
// false when the text does not start with front matter: no "---" line at
// the top, or one followed by no "key: value" line (a Markdown rule).
// closed is false when no "---" (or "...") line closes the front matter:
// it then ends at the first line that is neither a field nor part of one,
// and what follows is the body. A closing line far below, after running
// text, is taken for a Markdown rule when the lines above it are not
// valid YAML: a forgotten closing line must not turn the article into
// metadata.
func splitFrontMatter(s string) (yamlText, body string, found, closed bool) {
	if !strings.HasPrefix(s, "---\n") {
		return "", s, false, false
	}
	rest := s[4:]
	if rest == "---" || rest == "..." || strings.HasPrefix(rest, "---\n") || strings.HasPrefix(rest, "...\n") {
		return "", strings.TrimPrefix(rest[3:], "\n"), true, true
	}
	if y, b, ok := closedFrontMatter(rest); ok {
		var m map[string]any
		if yaml.Unmarshal([]byte(y), &m) == nil || !holdsProse(y) {
			return y, b, true, true
		}
	}
	lead, after := leadingFields(rest)
	if lead == "" {
		return "", s, false, false
	}
	return lead, after, true, false
}

// closedFrontMatter splits rest (the text after the opening "---" line) at
// its first closing line.
func closedFrontMatter(rest string) (yamlText, body string, ok bool) {
	end, size := -1, 0
	for _, delim := range []string{"\n---\n", "\n...\n"} {
		if i := strings.Index(rest, delim); i >= 0 && (end < 0 || i < end) {
			end, size = i, len(delim)
		}
	}
	if end >= 0 {
		return rest[:end], rest[end+size:], true
	}
	for _, delim := range []string{"\n---", "\n..."} {
		if strings.HasSuffix(rest, delim) {
			return rest[:len(rest)-len(delim)], "", true
		}
	}
	return "", "", false
}

// reFieldLine matches the first line of a top-level front matter field.
// Keys have no spaces, so that a sentence with a colon is not a field.
var reFieldLine = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_.-]*)\s*:(?:\s|$)`)

// continuesField reports whether a line belongs to the field above it: an
// indented line or a list item.
func continuesField(line string) bool {
	return strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") || line == "-" || strings.HasPrefix(line, "- ")
}

// leadingFields returns the run of field lines at the top of rest, up to
// the first blank line or line that is not part of a field, and the text
// after it.
func leadingFields(rest string) (fields, after string) {
	lines := strings.SplitAfter(rest, "\n")
	n := 0
	for i, l := range lines {
		t := strings.TrimRight(l, "\n")
		if reFieldLine.MatchString(t) || i > 0 && strings.TrimSpace(t) != "" && continuesField(t) {
			n = i + 1
			continue
		}
		break
	}
	fields = strings.TrimRight(strings.Join(lines[:n], ""), "\n")
	return fields, strings.Join(lines[n:], "")
}

// holdsProse reports whether front matter text has a line that is neither
// a field, part of one, nor a comment: running text.
func holdsProse(y string) bool {
	for _, l := range strings.Split(y, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") || reFieldLine.MatchString(l) || continuesField(l) {
			continue
		}
		return true
	}
	return false
}

// parseFrontMatter reads the keys Dossier knows, under their common
// names: title; author or authors; publication, publisher, source or site;
// date, published or pubDate; url, link or canonical; tags, categories or
// keywords. A field that is not valid (bad YAML, a date that is not a
// date) is left out with a warning naming it; the other fields are kept.
func parseFrontMatter(y string) (frontMatter, []string) {
	var fm frontMatter
	m, warnings := yamlFields(y)
	get := func(keys ...string) (string, any) {
		for _, k := range keys {
			for mk, v := range m {
				if strings.EqualFold(mk, k) && v != nil {
					return mk, v
				}
			}
		}
		return "", nil
	}
	field := func(keys ...string) string {
		k, v := get(keys...)
		s := yamlString(v)
		if s == "" && v != nil {
			warnings = append(warnings, fmt.Sprintf("front matter field %q has no text; it is ignored", k))
		}
		return s
	}
	fm.Title = field("title", "headline")
	fm.Author = field("author", "authors", "byline", "by")
	fm.Publication = field("publication", "publisher", "source", "site", "outlet", "newspaper")
	fm.URL = field("url", "link", "canonical", "canonical_url", "source_url")
	_, tags := get("tags", "categories", "keywords", "topics")
	fm.Tags = yamlStrings(tags)
	switch k, v := get("date", "published", "pubdate", "published_at", "publish_date", "created"); v := v.(type) {
	case time.Time:
		fm.Published = time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)
	case nil:
	default:
		s := yamlString(v)
		if t, ok := ParseDate(s); ok {
			fm.Published = t
		} else if t, _, ok := parseDateAt(s); ok {
			fm.Published = t
		} else if s != "" {
			warnings = append(warnings, fmt.Sprintf("front matter field %q: %q is not a date (use YYYY-MM-DD); it is ignored", k, s))
		}
	}
	return fm, warnings
}

// yamlFields reads front matter into a map. When the YAML as a whole does
// not parse, it reads it field by field, so that one bad field costs only
// itself, and warns about each field (by name) or line it leaves out.
func yamlFields(y string) (map[string]any, []string) {
	var m map[string]any
	if err := yaml.Unmarshal([]byte(y), &m); err == nil {
		return m, nil
	}
	m = make(map[string]any)
	var warnings []string
	type entry struct {
		key, text string
		line      int
	}
	var entries []entry
	for i, l := range strings.Split(y, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case reFieldLine.MatchString(l):
			entries = append(entries, entry{key: reFieldLine.FindStringSubmatch(l)[1], text: l, line: i + 1})
		case len(entries) > 0 && (t == "" || continuesField(l)):
			entries[len(entries)-1].text += "\n" + l
		case t == "" || strings.HasPrefix(t, "#"):
		default:
			warnings = append(warnings, fmt.Sprintf("front matter line %d is not a field (%q); it is ignored", i+1, clipRunes(t, 60)))
		}
	}
	for _, e := range entries {
		var one map[string]any
		if err := yaml.Unmarshal([]byte(e.text), &one); err != nil {
			warnings = append(warnings, fmt.Sprintf("front matter field %q is not valid YAML (%s); it is ignored", e.key, yamlError(err)))
			continue
		}
		for k, v := range one {
			if _, dup := m[k]; dup {
				warnings = append(warnings, fmt.Sprintf("front matter field %q is given twice; the first is used", k))
				continue
			}
			m[k] = v
		}
	}
	return m, warnings
}

var reYAMLErrorPrefix = regexp.MustCompile(`^yaml: (?:line \d+: )?`)

// yamlError returns a YAML error without its prefix and line number (the
// line of a field read alone is always 1).
func yamlError(err error) string {
	return reYAMLErrorPrefix.ReplaceAllString(err.Error(), "")
}

// clipRunes returns s cut to at most n runes, with "…" when it cut.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

func yamlString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(v)
	case []any:
		parts := yamlStrings(v)
		switch len(parts) {
		case 0:
			return ""
		case 1:
			return parts[0]
		default:
			return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
		}
	case map[string]any:
		for _, k := range []string{"name", "title"} {
			if s, ok := v[k].(string); ok {
				return strings.TrimSpace(s)
			}
		}
		return ""
	default:
		return strings.TrimSpace(fmt.Sprint(v))
	}
}

func yamlStrings(v any) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		var out []string
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	case []any:
		var out []string
		for _, e := range v {
			if s := yamlString(e); s != "" {
				out = append(out, s)
			}
		}
		return out
	default:
		return []string{fmt.Sprint(v)}
	}
}
