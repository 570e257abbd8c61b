package search

import (
	"sort"
	"strings"
)

// QuoteHit is a quotation with where it stands.
type QuoteHit struct {
	Quote
	Article      ArticleInfo
	PassageIndex int
}

// Quotes returns the quotations of the corpus, newest article first and
// in article order within one; with speaker set, only those whose speaker
// has all of its words (in any order, case and accents ignored: "clarke"
// finds "Colin Clarke"). Unattributed quotations are included only when
// speaker is empty.
func (ix *Index) Quotes(speaker string) ([]QuoteHit, error) {
	want := ix.nameWords(speaker)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.cat == nil {
		return nil, ErrClosed
	}
	gens := make(map[string]string, len(ix.articles))
	for id, r := range ix.articles {
		gens[id] = r.Gen
	}
	var out []QuoteHit
	err := ix.cat.eachPassage(gens, func(id string, idx int, p *passageRec) error {
		r := ix.articles[id]
		for _, q := range p.Quotes {
			if len(want) > 0 && !hasWords(ix.nameWords(q.Speaker), want) {
				continue
			}
			out = append(out, QuoteHit{Quote: q, Article: r.info(), PassageIndex: idx})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.Article.Published.Equal(b.Article.Published) {
			return a.Article.Published.After(b.Article.Published)
		}
		if a.Article.ID != b.Article.ID {
			return a.Article.ID < b.Article.ID
		}
		if a.PassageIndex != b.PassageIndex {
			return a.PassageIndex < b.PassageIndex
		}
		return a.Start < b.Start
	})
	return out, nil
}

// Speaker is someone the corpus quotes.
type Speaker struct {
	Name   string
	Title  string
	Role   string // the role given most often
	Quotes int
}

// Speakers returns everyone the corpus quotes, most quoted first. The
// list is computed once per change of the corpus, so it is cheap to call
// on every keystroke of an autocomplete.
func (ix *Index) Speakers() ([]Speaker, error) {
	ix.mu.RLock()
	version := ix.version
	ix.mu.RUnlock()
	ix.speakersMu.Lock()
	defer ix.speakersMu.Unlock()
	if ix.speakers != nil && ix.speakersVersion == version {
		return append([]Speaker(nil), ix.speakers...), nil
	}
	list, err := ix.computeSpeakers()
	if err != nil {
		return nil, err
	}
	ix.speakers, ix.speakersVersion = list, version
	return append([]Speaker(nil), list...), nil
}

func (ix *Index) computeSpeakers() ([]Speaker, error) {
	qs, err := ix.Quotes("")
	if err != nil {
		return nil, err
	}
	type acc struct {
		Speaker
		roles map[string]int
	}
	byName := make(map[string]*acc)
	var order []string
	for _, q := range qs {
		if q.Speaker == "" {
			continue
		}
		k := strings.ToLower(q.Speaker)
		a := byName[k]
		if a == nil {
			a = &acc{Speaker: Speaker{Name: q.Speaker, Title: q.Title}, roles: map[string]int{}}
			byName[k] = a
			order = append(order, k)
		}
		a.Quotes++
		if q.Role != "" {
			a.roles[q.Role]++
		}
	}
	out := make([]Speaker, 0, len(order))
	for _, k := range order {
		a := byName[k]
		best := 0
		for r, n := range a.roles {
			if n > best || (n == best && r < a.Role) {
				a.Role, best = r, n
			}
		}
		out = append(out, a.Speaker)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Quotes != out[j].Quotes {
			return out[i].Quotes > out[j].Quotes
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// nameWords returns the folded words of a name.
func (ix *Index) nameWords(s string) []string {
	var out []string
	for _, t := range ix.an.tokens(s) {
		if !t.Joined {
			out = append(out, t.Norm)
		}
	}
	return out
}

func hasWords(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Terms returns the content words of s as the index matches them:
// folded and stemmed, without stop words. "The ministers' warnings" gives
// "minist", "warn" (or whatever the stemmer makes of them). It is for
// comparing texts with each other, as a digest's summary does.
func Terms(s string) []string {
	var out []string
	for _, t := range newAnalyzer().tokens(s) {
		if !t.Joined && t.Stem != "" && !stopWords[t.Norm] {
			out = append(out, t.Stem)
		}
	}
	return out
}

// Words returns the folded words of s, as the index compares them: lower
// case, without accents or possessives. "Bogotá's" gives "bogota".
func Words(s string) []string {
	var out []string
	for _, t := range newAnalyzer().tokens(s) {
		if !t.Joined {
			out = append(out, t.Norm)
		}
	}
	return out
}
