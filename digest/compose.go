package digest

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/dossier-bot/dossier/search"
)

// Corpus is what a digest needs of the articles. *search.Index
// implements it.
type Corpus interface {
	Articles() []search.ArticleInfo
	Article(id string) (*search.Article, bool, error)
	Search(ctx context.Context, q search.Query) (*search.Results, error)
}

var _ Corpus = (*search.Index)(nil)

// Digest is what entered the corpus in a window of time.
type Digest struct {
	// Since and Through bound the window: articles first seen after Since
	// and at or before Through.
	Since, Through time.Time
	// Topic, when set, kept only the articles that match it.
	Topic string
	// Items are the articles, newest first.
	Items []Item
}

// Item is one article of a digest.
type Item struct {
	Article   search.ArticleInfo
	FirstSeen time.Time
	// Summary is the two sentences that best represent the article, in
	// the article's order.
	Summary []string
	// Quote is the article's most notable attributed quotation, or nil.
	Quote *search.Quote
}

// compose builds the digest of the articles first seen in (since,
// through] that match topic.
func compose(ctx context.Context, corpus Corpus, seen map[string]time.Time, since, through time.Time, topic string) (*Digest, error) {
	d := &Digest{Since: since, Through: through, Topic: strings.TrimSpace(topic)}
	for _, info := range corpus.Articles() {
		at, ok := seen[info.ID]
		if !ok || !at.After(since) || at.After(through) {
			continue
		}
		if d.Topic != "" {
			res, err := corpus.Search(ctx, search.Query{Text: d.Topic, Source: info.ID, Limit: 1})
			if err != nil && err != search.ErrEmptyQuery {
				return nil, fmt.Errorf("match topic %q: %w", d.Topic, err)
			}
			if res == nil || len(res.Hits) == 0 {
				continue
			}
		}
		a, ok, err := corpus.Article(info.ID)
		if err != nil {
			return nil, fmt.Errorf("read article %s: %w", info.ID, err)
		}
		if !ok {
			continue // removed meanwhile
		}
		sents := sentencesOf(a)
		weights := termWeights(a, sents)
		d.Items = append(d.Items, Item{
			Article:   info,
			FirstSeen: at,
			Summary:   summarize(sents, weights, 2),
			Quote:     notableQuote(a, weights),
		})
	}
	sort.SliceStable(d.Items, func(i, j int) bool {
		a, b := d.Items[i].sortTime(), d.Items[j].sortTime()
		if !a.Equal(b) {
			return a.After(b)
		}
		return d.Items[i].FirstSeen.After(d.Items[j].FirstSeen)
	})
	return d, nil
}

// sortTime orders a digest: by publication date, or by when the article
// arrived when it has none.
func (it Item) sortTime() time.Time {
	if !it.Article.Published.IsZero() {
		return it.Article.Published
	}
	return it.FirstSeen
}

// sentence is a sentence of an article, with its content words.
type sentence struct {
	text  string
	pos   int // order in the article
	terms []string
	// quoted is the share of the sentence inside quotation marks.
	quoted float64
}

// sentencesOf lists the sentences of an article's paragraphs.
func sentencesOf(a *search.Article) []sentence {
	var out []sentence
	for _, p := range a.Passages {
		if p.Kind != search.KindParagraph {
			continue
		}
		for _, sp := range p.Sentences {
			text := strings.TrimSpace(p.Text[sp.Start:sp.End])
			if text == "" {
				continue
			}
			inQuote := 0
			for _, q := range p.Quotes {
				lo, hi := max(q.Start, sp.Start), min(q.End, sp.End)
				if hi > lo {
					inQuote += hi - lo
				}
			}
			out = append(out, sentence{
				text:   text,
				pos:    len(out),
				terms:  uniq(search.Terms(text)),
				quoted: float64(inQuote) / float64(max(1, sp.End-sp.Start)),
			})
		}
	}
	return out
}

func uniq(ts []string) []string {
	seen := make(map[string]bool, len(ts))
	out := ts[:0:0]
	for _, t := range ts {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// termWeights weighs an article's words by how much they say what the
// article is about: words that recur across its sentences, and the words
// of its headline.
func termWeights(a *search.Article, sents []sentence) map[string]float64 {
	df := map[string]int{}
	for _, s := range sents {
		for _, t := range s.terms {
			df[t]++
		}
	}
	w := make(map[string]float64, len(df))
	for t, n := range df {
		if n > 1 {
			w[t] = math.Log(float64(n))
		}
	}
	for _, t := range uniq(search.Terms(a.Title)) {
		w[t] += 1
	}
	return w
}

// leadIns are first words that make a sentence lean on the one before
// it; such a sentence reads badly on its own.
var leadIns = map[string]bool{
	"he": true, "she": true, "it": true, "they": true, "this": true, "that": true, "these": true, "those": true,
	"but": true, "and": true, "however": true, "also": true, "still": true, "yet": true, "meanwhile": true,
	"instead": true, "his": true, "her": true, "their": true, "its": true, "there": true, "so": true, "then": true,
}

// score says how well a sentence represents the article on its own.
func (s sentence) score(w map[string]float64) float64 {
	if len(s.terms) == 0 {
		return 0
	}
	sum := 0.0
	for _, t := range s.terms {
		sum += w[t]
	}
	v := sum / math.Sqrt(float64(len(s.terms))+4)
	words := len(strings.Fields(s.text))
	switch {
	case words < 8:
		v *= 0.5
	case words > 55:
		v *= 0.7
	}
	if first := firstWord(s.text); leadIns[first] {
		v *= 0.6
	}
	if strings.HasSuffix(s.text, "?") {
		v *= 0.5
	}
	if s.quoted > 0.6 {
		v *= 0.75 // the quotation is shown on its own
	}
	if s.pos < 3 {
		v *= 1.15 // a news lede is written to summarise
	}
	return v
}

func firstWord(s string) string {
	f := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	if len(f) == 0 {
		return ""
	}
	return strings.ToLower(f[0])
}

// summarize picks the n sentences that best represent the article, each
// unlike the ones already picked, and returns them in article order.
func summarize(sents []sentence, w map[string]float64, n int) []string {
	var picked []sentence
	used := map[int]bool{}
	for len(picked) < n && len(picked) < len(sents) {
		best, bestScore := -1, -1.0
		for i, s := range sents {
			if used[i] {
				continue
			}
			v := s.score(w)
			for _, p := range picked {
				v *= 1 - 0.8*overlap(s.terms, p.terms)
			}
			if v > bestScore {
				best, bestScore = i, v
			}
		}
		if best < 0 {
			break
		}
		used[best] = true
		picked = append(picked, sents[best])
	}
	sort.Slice(picked, func(i, j int) bool { return picked[i].pos < picked[j].pos })
	out := make([]string, len(picked))
	for i, p := range picked {
		out[i] = p.text
	}
	return out
}

// overlap is the share of a's words that b also has.
func overlap(a, b []string) float64 {
	if len(a) == 0 {
		return 0
	}
	in := make(map[string]bool, len(b))
	for _, t := range b {
		in[t] = true
	}
	n := 0
	for _, t := range a {
		if in[t] {
			n++
		}
	}
	return float64(n) / float64(len(a))
}

// notableQuote picks the attributed quotation that says most about the
// article: on its subject, long enough to say something, not a fragment.
func notableQuote(a *search.Article, w map[string]float64) *search.Quote {
	var best *search.Quote
	bestScore := 0.0
	for i := range a.Passages {
		for j := range a.Passages[i].Quotes {
			q := &a.Passages[i].Quotes[j]
			words := len(strings.Fields(q.Text))
			if q.Speaker == "" || words < 6 {
				continue
			}
			terms := uniq(search.Terms(q.Text))
			sum := 0.0
			for _, t := range terms {
				sum += w[t]
			}
			v := 1 + sum/math.Sqrt(float64(len(terms))+4)
			switch n := len(q.Text); {
			case n >= 60 && n <= 300:
				v *= 1.3
			case n > 500:
				v *= 0.7
			}
			if q.Role != "" {
				v *= 1.1
			}
			if v > bestScore {
				best, bestScore = q, v
			}
		}
	}
	if best == nil {
		return nil
	}
	q := *best
	return &q
}
