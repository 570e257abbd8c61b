package search

import (
	"fmt"
	"strings"
	"time"

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

// splitFrontMatter separates YAML front matter from the body. It returns
// ok=false when the text does not start with a front matter block.
func splitFrontMatter(s string) (yamlText, body string, ok bool) {
	if !strings.HasPrefix(s, "---\n") {
		return "", s, false
	}
	rest := s[4:]
	for _, end := range []string{"\n---\n", "\n...\n"} {
		if i := strings.Index(rest, end); i >= 0 {
			return rest[:i], rest[i+len(end):], true
		}
	}
	for _, end := range []string{"\n---", "\n..."} {
		if strings.HasSuffix(rest, end) {
			return rest[:len(rest)-len(end)], "", true
		}
	}
	if strings.HasPrefix(rest, "---\n") {
		return "", rest[4:], true
	}
	return "", s, false
}

// parseFrontMatter reads the keys Dossier knows, under their common
// names: title; author or authors; publication, publisher, source or site;
// date, published or pubDate; url, link or canonical; tags, categories or
// keywords.
func parseFrontMatter(y string) (frontMatter, error) {
	var fm frontMatter
	var m map[string]any
	if err := yaml.Unmarshal([]byte(y), &m); err != nil {
		return fm, fmt.Errorf("front matter: %w", err)
	}
	get := func(keys ...string) any {
		for _, k := range keys {
			for mk, v := range m {
				if strings.EqualFold(mk, k) && v != nil {
					return v
				}
			}
		}
		return nil
	}
	fm.Title = yamlString(get("title", "headline"))
	fm.Author = yamlString(get("author", "authors", "byline", "by"))
	fm.Publication = yamlString(get("publication", "publisher", "source", "site", "outlet", "newspaper"))
	fm.URL = yamlString(get("url", "link", "canonical", "canonical_url", "source_url"))
	fm.Tags = yamlStrings(get("tags", "categories", "keywords", "topics"))
	switch v := get("date", "published", "pubdate", "published_at", "publish_date", "created").(type) {
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
			return fm, fmt.Errorf("front matter: date %q is not a date (use YYYY-MM-DD)", s)
		}
	}
	return fm, nil
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
