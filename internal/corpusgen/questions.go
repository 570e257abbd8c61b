package corpusgen

import (
	"bytes"
	"strings"
	"unicode"
)

// Question is a natural-language question answered by one paragraph of an article.
type Question struct {
	Text    string // the question, e.g. "Who said that ...?" or a keyword query
	Article int    // index of the article that answers it
	Expect  string // 4-8 consecutive words copied verbatim from the answering paragraph
}

// Questions returns n natural-language questions (deterministic), each with the article index and a phrase
// that is verbatim in the paragraph that answers it. Question j depends only on the Options and j, so
// Questions(n) is a prefix of Questions(n+k). It returns nil when the corpus has no articles.
func (g *Generator) Questions(n int) []Question {
	if g.opts.Articles == 0 || n <= 0 {
		return nil
	}
	qs := make([]Question, n)
	for j := range qs {
		qs[j] = g.question(j)
	}
	return qs
}

// Question forms.
const (
	askWho = iota
	askWhat
	askWhere
	askHowMany
	askKeywords
	numAsks
)

// token is one space-separated token of a paragraph.
type token struct {
	raw    string  // as rendered, with punctuation
	core   string  // raw without leading and trailing punctuation
	rarity float64 // content word rarity in (0, 1]; 0 for other words
	noun   bool    // a noun or adjective form
	sent   int     // sentence index within the paragraph
}

// question builds question j.
func (g *Generator) question(j int) Question {
	r := newRNG(g.opts.Seed, streamQuestion, uint64(j))
	for try := 0; ; try++ {
		ai := r.intn(g.opts.Articles)
		art := g.build(ai)
		minTokens := 12
		if try > 8 {
			minTokens = 4
		}
		var paras []*block
		for k := range art.blocks {
			if b := &art.blocks[k]; b.kind == blockParagraph && strings.Count(b.paragraphText(), " ")+1 >= minTokens {
				paras = append(paras, b)
			}
		}
		if len(paras) == 0 {
			continue
		}
		if q, ok := g.ask(&r, art, paras[r.intn(len(paras))], try > 8); ok {
			q.Article = ai
			return q
		}
	}
}

// ask builds a question about paragraph b of art. When relaxed, any three
// words make a keyword query, so question generation always terminates.
func (g *Generator) ask(r *rng, art *article, b *block, relaxed bool) (Question, bool) {
	var toks []token
	var spans [][2]int // token range of each sentence
	for si, s := range b.sents {
		start := len(toks)
		for _, raw := range strings.Split(s.text, " ") {
			core := strings.TrimFunc(raw, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) })
			info := g.lx.forms[strings.ToLower(core)]
			toks = append(toks, token{raw: raw, core: core, rarity: info.rarity, noun: info.rarity > 0 && info.cat != catVerb, sent: si})
		}
		spans = append(spans, [2]int{start, len(toks)})
	}

	// Gather the forms this paragraph supports, each with its question and the
	// token the expected phrase must contain.
	type option struct {
		text   string
		target int
	}
	var opts [numAsks][]option
	for si, s := range b.sents {
		span := spans[si]
		for _, f := range s.facts {
			switch f.kind {
			case factQuote:
				who := art.cast[f.speaker]
				if f.named {
					if t := find(toks, span, who.last); t >= 0 {
						opts[askWho] = append(opts[askWho], option{"Who said that " + f.quote + "?", t})
					}
				}
				inQuote := make(map[string]bool)
				for _, w := range strings.Fields(f.quote) {
					inQuote[strings.ToLower(strings.Trim(w, ",.;:"))] = true
				}
				if words, t := rarest(toks, span, 2, func(tk token) bool { return tk.noun && inQuote[strings.ToLower(tk.core)] }); t >= 0 {
					opts[askWhat] = append(opts[askWhat], option{"What did " + who.first + " " + who.last + " say about " + words + "?", t})
				}
			case factPlace:
				inPlace := make(map[string]bool)
				for _, w := range strings.Fields(f.place) {
					inPlace[w] = true
				}
				first := strings.Fields(f.place)[0]
				if words, _ := rarest(toks, span, 2, func(tk token) bool { return tk.noun && !inPlace[tk.core] }); words != "" {
					if t := find(toks, span, first); t >= 0 {
						opts[askWhere] = append(opts[askWhere], option{"Where did the " + words + " happen?", t})
					}
				}
			case factCount:
				if t := find(toks, span, f.number); t >= 0 {
					opts[askHowMany] = append(opts[askHowMany], option{"How many " + f.noun + " were " + f.verb + "?", t})
				}
			}
		}
	}
	if words, t := rarest(toks, [2]int{0, len(toks)}, 3, nil); t >= 0 {
		opts[askKeywords] = append(opts[askKeywords], option{words, t})
	} else if relaxed {
		var words []string
		for t := 0; t < len(toks) && len(words) < 3; t++ {
			if toks[t].core != "" {
				words = append(words, strings.ToLower(toks[t].core))
			}
		}
		opts[askKeywords] = append(opts[askKeywords], option{strings.Join(words, " "), 0})
	}

	// Keyword queries are always possible; favour the natural forms.
	weights := make([]int, numAsks)
	total := 0
	for k := range opts {
		if len(opts[k]) > 0 {
			weights[k] = 3
			if k == askKeywords {
				weights[k] = 1
			}
			total += weights[k]
		}
	}
	if total == 0 {
		return Question{}, false
	}
	choice := opts[r.weighted(weights...)]
	o := choice[r.intn(len(choice))]
	expect := g.expectPhrase(r, art.content, toks, spans[toks[o.target].sent], o.target)
	if expect == "" {
		return Question{}, false
	}
	return Question{Text: o.text, Expect: expect}, true
}

// find returns the index of the first token in span whose core is word, or -1.
func find(toks []token, span [2]int, word string) int {
	for t := span[0]; t < span[1]; t++ {
		if toks[t].core == word {
			return t
		}
	}
	return -1
}

// rarest returns the n rarest distinct content words of span that satisfy
// keep (nil keeps all), lower-cased and in text order, and the index of the
// rarest one; it returns "", -1 when fewer than n qualify.
func rarest(toks []token, span [2]int, n int, keep func(token) bool) (string, int) {
	var idx []int
	seen := make(map[string]bool)
	for t := span[0]; t < span[1]; t++ {
		w := strings.ToLower(toks[t].core)
		if toks[t].rarity == 0 || seen[w] || keep != nil && !keep(toks[t]) {
			continue
		}
		seen[w] = true
		idx = append(idx, t)
	}
	if len(idx) < n {
		return "", -1
	}
	// Partial selection sort by descending rarity; stable on ties.
	for i := range n {
		best := i
		for k := i + 1; k < len(idx); k++ {
			if toks[idx[k]].rarity > toks[idx[best]].rarity {
				best = k
			}
		}
		idx[i], idx[best] = idx[best], idx[i]
	}
	top := idx[0]
	chosen := idx[:n]
	for i := 1; i < len(chosen); i++ { // back to text order
		for k := i; k > 0 && chosen[k] < chosen[k-1]; k-- {
			chosen[k], chosen[k-1] = chosen[k-1], chosen[k]
		}
	}
	words := make([]string, n)
	for i, t := range chosen {
		words[i] = strings.ToLower(toks[t].core)
	}
	return strings.Join(words, " "), top
}

// expectPhrase returns 4-8 consecutive tokens around target, preferring a
// window inside the target's sentence that occurs once in content and does
// not start or end with a function word. Leading and trailing punctuation
// is trimmed, so the phrase stays verbatim.
func (g *Generator) expectPhrase(r *rng, content []byte, toks []token, sentence [2]int, target int) string {
	var fallback [2]string // [0]: unique with a function word at an edge; [1]: not unique
	for k := r.between(4, 6); k <= 8; k++ {
		lo, hi := sentence[0], sentence[1]
		if hi-lo < k {
			lo, hi = 0, len(toks)
		}
		if hi-lo < k {
			break
		}
		first := max(lo, target-k+1)
		last := min(target, hi-k)
		if first > last {
			continue
		}
		shift := r.intn(last - first + 1)
		for n := range last - first + 1 {
			start := first + (n+shift)%(last-first+1)
			head, tail := toks[start].core, toks[start+k-1].core
			if head == "" || tail == "" {
				continue
			}
			raws := make([]string, k)
			for i := range raws {
				raws[i] = toks[start+i].raw
			}
			phrase := strings.Join(raws, " ")
			phrase = phrase[strings.Index(phrase, head):]
			phrase = phrase[:strings.LastIndex(phrase, tail)+len(tail)]
			switch c := bytes.Count(content, []byte(phrase)); {
			case c == 1 && !g.lx.function[strings.ToLower(head)] && !g.lx.function[strings.ToLower(tail)]:
				return phrase
			case c == 1 && fallback[0] == "":
				fallback[0] = phrase
			case c > 1 && fallback[1] == "":
				fallback[1] = phrase
			}
		}
	}
	if fallback[0] != "" {
		return fallback[0]
	}
	return fallback[1]
}
