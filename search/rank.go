package search

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	bsearch "github.com/blevesearch/bleve/v2/search"
)

// Re-ranking. bleve proposes candidates; each is scored here on its own
// text, the way a reader judges a passage: does it hold the question's
// words (BM25 with true passage lengths), all of them (coverage), close
// together in one sentence (proximity), next to each other as in the
// question (phrases), and does that sentence hold the kind of thing asked
// for (a person for who, a date for when, a place for where, a number
// for how many)? The answer sentence is the best of those sentences.

// Weights of the ranking features, on a scale where a passage holding
// every question word once scores about 3.
const (
	k1          = 1.2
	bLen        = 0.5 // length normalisation: passages vary less than documents
	wBM25       = 0.5
	wArticle    = 1.0
	wPassage    = 1.0
	wSentence   = 0.6
	wProximity  = 0.3
	wPhrase     = 0.3
	wAnswerType = 0.35
	wSpeaker    = 0.6
	wHeading    = 0.1
)

// match is an occurrence of a concept in a passage.
type match struct {
	concept int
	tok     int // index of the first token
	last    int // index of the last token
	factor  float64
	virtual bool // the speaker of a quotation, not a word of the text
}

// candidate is a passage proposed by bleve, analysed for re-ranking.
type candidate struct {
	art        *articleRec
	passage    Passage
	bleveScore float64
	toks       []token
	sents      []Span
	sentOf     []int   // sentence of each token
	matches    []match // occurrences of the question's concepts
	best       []float64
	dl         int // indexed words
}

// articleContext is what an article as a whole offers a question: which
// concepts it holds anywhere (in its headline or any candidate passage),
// and in how many of its passages, so that words every passage of the
// article repeats (its topic) count less than the words that single out
// one passage.
type articleContext struct {
	best   []float64 // best factor per concept over the article
	count  []int     // candidate passages holding each concept
	titled []bool    // the concept is in the headline
	local  []float64 // concept weights within the article
	total  float64   // sum of local weights over the concepts it holds
}

// titleShare is the share of an article's passages a headline word counts
// for when weighing words within the article: it names the topic, so it
// singles out no passage.
const titleShare = 0.5

// rerank turns bleve's candidates into scored hits, best first. Hits of a
// generation the catalog does not name (an article being updated) are
// dropped.
func (ix *Index) rerank(pq *parsedQuery, hits bsearch.DocumentMatchCollection) ([]Hit, error) {
	var refs []passageRef
	var recs []*articleRec
	var scores []float64
	for _, h := range hits {
		id, gen, idx, ok := splitDocID(h.ID)
		if !ok {
			continue
		}
		r := ix.articles[id]
		if r == nil || r.Gen != gen {
			continue
		}
		refs = append(refs, passageRef{article: id, gen: gen, index: idx})
		recs = append(recs, r)
		scores = append(scores, h.Score)
	}
	ps, err := ix.cat.passages(refs)
	if err != nil {
		return nil, err
	}
	avgdl := 1.0
	if ix.passages > 0 {
		avgdl = math.Max(1, float64(ix.tokens)/float64(ix.passages))
	}
	var cands []*candidate
	for i, p := range ps {
		if p == nil || p.Gen != recs[i].Gen {
			continue
		}
		c := ix.analyse(pq, recs[i], Passage{Index: refs[i].index, Section: p.Section, Kind: p.Kind, Text: p.Text, Sentences: p.Sentences, Quotes: p.Quotes})
		if len(c.matches) == 0 {
			continue
		}
		c.bleveScore = scores[i]
		cands = append(cands, c)
	}
	ctx := ix.articleContexts(pq, cands)
	out := make([]Hit, 0, len(cands))
	bleveScore := make(map[*Hit]float64)
	for _, c := range cands {
		h := ix.score(pq, c, ctx[c.art.ID], avgdl)
		out = append(out, h)
		bleveScore[&out[len(out)-1]] = c.bleveScore
	}
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := &out[order[i]], &out[order[j]]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if cands[order[i]].bleveScore != cands[order[j]].bleveScore {
			return cands[order[i]].bleveScore > cands[order[j]].bleveScore
		}
		if a.Article.ID != b.Article.ID {
			return a.Article.ID < b.Article.ID
		}
		return a.Passage.Index < b.Passage.Index
	})
	sorted := make([]Hit, len(out))
	for i, k := range order {
		sorted[i] = out[k]
	}
	return sorted, nil
}

// analyse finds the question's concepts in a passage.
func (ix *Index) analyse(pq *parsedQuery, art *articleRec, p Passage) *candidate {
	c := &candidate{art: art, passage: p, toks: ix.an.tokensFiltered(p.Text, pq.needsStem)}
	byStem := make(map[string][]int)
	for i, t := range c.toks {
		if t.Stem != "" {
			byStem[t.Stem] = append(byStem[t.Stem], i)
			if !t.Joined {
				c.dl++
			}
		}
	}
	c.sents = p.Sentences
	if len(c.sents) == 0 {
		c.sents = []Span{{0, len(p.Text)}}
	}
	c.sentOf = make([]int, len(c.toks))
	si := 0
	for i, t := range c.toks {
		for si+1 < len(c.sents) && t.Start >= c.sents[si].End {
			si++
		}
		c.sentOf[i] = si
	}
	c.best = make([]float64, len(pq.concepts))
	for ci, con := range pq.concepts {
		for _, f := range con.forms {
			for _, i := range byStem[f.stems[0]] {
				if last, ok := matchForm(c.toks, byStem, f.stems, i); ok {
					c.matches = append(c.matches, match{concept: ci, tok: i, last: last, factor: f.factor})
					c.best[ci] = math.Max(c.best[ci], f.factor)
				}
			}
		}
	}
	// A quotation's speaker belongs to the passage even when the passage
	// does not write the name: "What did Kjærgaard say ...?" is answered
	// by her words under "she said", and "What did the sheriff tell
	// residents?" by the words of the woman the article calls the sheriff.
	for _, q := range p.Quotes {
		if q.Speaker == "" {
			continue
		}
		have := make(map[string]bool)
		for _, t := range ix.an.tokens(q.Speaker + " " + q.Title + " " + q.Role) {
			if t.Stem != "" {
				have[t.Stem] = true
			}
		}
		first := sort.Search(len(c.toks), func(i int) bool { return c.toks[i].Start >= q.Start })
		if first >= len(c.toks) {
			continue
		}
		for ci, con := range pq.concepts {
			if c.best[ci] > 0 {
				continue
			}
			for _, f := range con.forms {
				if len(f.stems) == 1 && have[f.stems[0]] {
					factor := speakerFactor * f.factor
					c.matches = append(c.matches, match{concept: ci, tok: first, last: first, factor: factor, virtual: true})
					c.best[ci] = factor
					break
				}
			}
		}
	}
	return c
}

// speakerFactor is how much a name counts when it is the speaker of a
// quotation in the passage rather than a word of it.
const speakerFactor = 0.9

// articleContexts gathers, for each article among the candidates, the
// concepts it holds and their weights within it.
func (ix *Index) articleContexts(pq *parsedQuery, cands []*candidate) map[string]*articleContext {
	out := make(map[string]*articleContext)
	nc := len(pq.concepts)
	for _, c := range cands {
		ac := out[c.art.ID]
		if ac == nil {
			ac = &articleContext{best: make([]float64, nc), count: make([]int, nc), titled: make([]bool, nc)}
			// The headline belongs to every passage's context.
			have := make(map[string]bool)
			for _, t := range ix.an.tokens(c.art.Title) {
				have[t.Stem] = true
			}
			for ci, con := range pq.concepts {
				for _, f := range con.forms {
					if len(f.stems) == 1 && have[f.stems[0]] {
						ac.best[ci] = math.Max(ac.best[ci], f.factor)
						// A headline word is the article's topic: it
						// singles out no passage.
						ac.titled[ci] = true
					}
				}
			}
			out[c.art.ID] = ac
		}
		for ci, b := range c.best {
			if b > 0 {
				ac.count[ci]++
				ac.best[ci] = math.Max(ac.best[ci], b)
			}
		}
	}
	for id, ac := range out {
		n := 1
		for _, c := range cands {
			if c.art.ID == id {
				n = max(n, c.art.Passages)
				break
			}
		}
		ac.local = make([]float64, nc)
		for ci, con := range pq.concepts {
			// Inverse frequency within the article, scaled to (0.2, 1]. A
			// headline word counts as if half the passages held it.
			count := float64(ac.count[ci])
			if ac.titled[ci] {
				count = math.Max(count, float64(n)*titleShare)
			}
			top := math.Log(1 + (float64(n)+0.5)/0.5)
			within := math.Log(1 + (float64(n)-count+0.5)/(count+0.5))
			ac.local[ci] = con.weight * (0.2 + 0.8*within/top)
			ac.total += ac.local[ci] * ac.best[ci]
		}
	}
	return out
}

// score scores one candidate and picks its answer sentence.
func (ix *Index) score(pq *parsedQuery, c *candidate, ac *articleContext, avgdl float64) Hit {
	p := c.passage
	h := Hit{Article: c.art.info(), Passage: p}
	W := pq.totalWeight
	if W <= 0 {
		return h
	}
	// BM25 over concepts with true passage lengths.
	tf := make([]float64, len(pq.concepts))
	for _, m := range c.matches {
		tf[m.concept] += m.factor
	}
	norm := k1 * (1 - bLen + bLen*float64(c.dl)/avgdl)
	bm25 := 0.0
	for ci, con := range pq.concepts {
		if tf[ci] > 0 {
			bm25 += con.weight * tf[ci] * (k1 + 1) / (tf[ci] + norm)
		}
	}
	// The article's coverage of the question, and the passage's share of
	// what the article offers, by weights within the article.
	artCov, pasLocal := 0.0, 0.0
	for ci, con := range pq.concepts {
		artCov += con.weight * ac.best[ci]
		pasLocal += ac.local[ci] * c.best[ci]
	}
	artCov /= W
	// Shares of what the article offers, scaled by how much of the
	// question the article answers at all.
	share := 0.0
	if ac.total > 0 {
		share = artCov / ac.total
	}
	pasCov := pasLocal * share

	// Per sentence: the local weight of the concepts it holds, how close
	// together they stand, and whether it holds what the question asks for.
	nSent := len(c.sents)
	sentBest := make([][]float64, nSent)
	for s := range sentBest {
		sentBest[s] = make([]float64, len(pq.concepts))
	}
	matchedTok := make(map[int]bool)
	for _, m := range c.matches {
		s := c.sentOf[m.tok]
		sentBest[s][m.concept] = math.Max(sentBest[s][m.concept], m.factor)
		if m.virtual {
			continue
		}
		for k := m.tok; k <= m.last; k++ {
			matchedTok[k] = true
		}
	}
	skip := func(i int) bool { return matchedTok[i] }
	bestSent, bestSentScore := 0, -1.0
	var bestCov, bestProx float64
	var bestType bool
	for s := 0; s < nSent; s++ {
		cov := 0.0
		for ci, f := range sentBest[s] {
			cov += ac.local[ci] * f
		}
		cov *= share
		prox := proximity(pq, c.matches, c.toks, c.sentOf, s)
		typeHit := false
		if pq.qtype != ansOther {
			st, sto := sentenceTokens(c.toks, c.sents[s])
			typeHit = sentenceHas(pq.qtype, p.Text[c.sents[s].Start:c.sents[s].End], c.toks[st:sto], func(i int) bool { return skip(st + i) })
		}
		sc := cov + 0.5*prox
		if typeHit {
			sc += 0.4 * math.Min(1, cov*2)
		}
		if sc > bestSentScore {
			bestSent, bestSentScore, bestCov, bestProx, bestType = s, sc, cov, prox, typeHit
		}
	}

	phrase := phraseBonus(pq, c.toks, c.matches) / W
	speaker := 0.0
	if pq.reporting || pq.qtype == ansPerson {
		speaker = speakerBonus(ix.an, pq, p, c.toks, c.matches, c.sents[bestSent])
	}
	heading := 0.0
	if p.Section != "" {
		heading = headingBonus(ix.an, pq, p.Section) / W
	}

	score := wBM25*bm25/W + wArticle*artCov + wPassage*pasCov + wSentence*bestCov + wProximity*bestProx + wPhrase*phrase + wSpeaker*speaker + wHeading*heading
	if bestType {
		score += wAnswerType * math.Min(1, bestCov*2)
	}
	if ix.explain != nil {
		ix.explain(h.Article.ID, p.Index, map[string]float64{"bm25": bm25 / W, "art": artCov, "cov": pasCov, "sent": bestCov, "prox": bestProx, "phrase": phrase, "type": b2f(bestType), "speaker": speaker, "heading": heading, "dl": float64(c.dl)})
	}
	// Captions and fragments carry less than a paragraph.
	if p.Kind == KindCaption {
		score *= 0.8
	}
	if c.dl < 8 {
		score *= 0.6 + 0.05*float64(c.dl)
	}
	h.Score = math.Round(score*1000) / 1000
	h.Answer = bestClause(pq, c, sentBest[bestSent], c.sents[bestSent], matchedTok)
	for k := range matchedTok {
		if t := c.toks[k]; !t.Joined {
			h.Matches = append(h.Matches, Span{t.Start, t.End})
		}
	}
	sort.Slice(h.Matches, func(i, j int) bool { return h.Matches[i].Start < h.Matches[j].Start })
	return h
}

// bestClause narrows an answer sentence to the clause that holds the
// answer when the sentence runs on past a colon or semicolon: "... were
// targeted in Britain: Alexander Litvinenko was killed in 2006 through
// polonium poisoning, ..." answers with the part after the colon when that
// part holds the question's words. A colon that opens a quotation is not
// a break, nor one that follows or precedes a mere label ("Photo: MTI").
func bestClause(pq *parsedQuery, c *candidate, inSent []float64, s Span, matched map[int]bool) Span {
	text := c.passage.Text
	var cuts []int
	for i := s.Start; i < s.End-2; i++ {
		if text[i] != ':' && text[i] != ';' {
			continue
		}
		if text[i+1] != ' ' {
			continue
		}
		r, _ := utf8.DecodeRuneInString(text[i+2:])
		if text[i] == ':' && !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			continue // "said: “...”" keeps the quotation with its speaker
		}
		// Both sides must be clauses, not a label ("Photo: MTI").
		prev := s.Start
		if n := len(cuts); n > 0 {
			prev = cuts[n-1]
		}
		if wordCount(text[prev:i]) < 4 || wordCount(text[i:s.End]) < 4 {
			continue
		}
		cuts = append(cuts, i)
	}
	if len(cuts) == 0 {
		return s
	}
	// The clauses and the weight of the question's words in each.
	bounds := append([]int{s.Start}, cuts...)
	best, bestW := s, -1.0
	for k, start := range bounds {
		end := s.End
		if k+1 < len(bounds) {
			end = bounds[k+1] + 1
		}
		if k > 0 {
			start += 2 // past ": "
		}
		seen := make(map[int]bool)
		w := 0.0
		for _, m := range c.matches {
			if m.virtual || seen[m.concept] {
				continue
			}
			if st := c.toks[m.tok].Start; st >= start && st < end {
				seen[m.concept] = true
				w += pq.concepts[m.concept].weight * m.factor
			}
		}
		if w > bestW {
			best, bestW = Span{start, end}, w
		}
	}
	// Keep the whole sentence unless one clause holds nearly all of it.
	total := 0.0
	for ci, f := range inSent {
		total += pq.concepts[ci].weight * f
	}
	if bestW < 0.8*total {
		return s
	}
	for best.End > best.Start && (text[best.End-1] == ';' || text[best.End-1] == ':') {
		best.End--
	}
	return best
}

// matchForm reports whether the stems of a form occur in order from token
// i on, each at most one stop word after the one before; it returns the
// index of the last token.
func matchForm(toks []token, byStem map[string][]int, stems []string, i int) (int, bool) {
	last := i
	pos := toks[i].Pos
	for _, s := range stems[1:] {
		found := -1
		for _, j := range byStem[s] {
			if d := toks[j].Pos - pos; d >= 1 && d <= 2 {
				found = j
				break
			}
		}
		if found < 0 {
			return 0, false
		}
		last, pos = found, toks[found].Pos
	}
	return last, true
}

func sentenceTokens(toks []token, s Span) (int, int) {
	a := sort.Search(len(toks), func(i int) bool { return toks[i].Start >= s.Start })
	b := sort.Search(len(toks), func(i int) bool { return toks[i].Start >= s.End })
	return a, b
}

// proximity scores how close together the question's concepts stand in
// sentence s: the share of the question's weight inside the smallest
// window that holds every concept present, discounted by the window's
// length.
func proximity(pq *parsedQuery, matches []match, toks []token, sentOf []int, s int) float64 {
	type occ struct {
		pos, concept int
	}
	var occs []occ
	present := make(map[int]bool)
	for _, m := range matches {
		if sentOf[m.tok] == s && !pq.concepts[m.concept].minor && !m.virtual {
			occs = append(occs, occ{toks[m.tok].Pos, m.concept})
			present[m.concept] = true
		}
	}
	k := len(present)
	if k < 2 {
		return 0
	}
	sort.Slice(occs, func(i, j int) bool { return occs[i].pos < occs[j].pos })
	// Smallest window holding all k concepts (two pointers).
	count := make(map[int]int)
	have, lo := 0, 0
	bestLen := math.MaxInt
	for hi := range occs {
		if count[occs[hi].concept] == 0 {
			have++
		}
		count[occs[hi].concept]++
		for have == k {
			if l := occs[hi].pos - occs[lo].pos; l < bestLen {
				bestLen = l
			}
			count[occs[lo].concept]--
			if count[occs[lo].concept] == 0 {
				have--
			}
			lo++
		}
	}
	w := 0.0
	for c := range present {
		w += pq.concepts[c].weight
	}
	// A window no longer than the concepts themselves scores 1.
	tight := float64(k-1) / math.Max(float64(k-1), float64(bestLen))
	return w / pq.totalWeight * math.Sqrt(tight)
}

// phraseBonus adds the weight of question concepts that stand next to
// each other in the passage as they do in the question, and of the
// question's quoted phrases and multi-word names found whole.
func phraseBonus(pq *parsedQuery, toks []token, matches []match) float64 {
	at := make(map[int][]int)    // position -> concepts starting there
	endAt := make(map[int][]int) // concept -> end positions
	for _, m := range matches {
		if m.virtual {
			continue
		}
		at[toks[m.tok].Pos] = append(at[toks[m.tok].Pos], m.concept)
		endAt[m.concept] = append(endAt[m.concept], toks[m.last].Pos)
	}
	bonus := 0.0
	for ci := 0; ci+1 < len(pq.concepts); ci++ {
		a, b := pq.concepts[ci], pq.concepts[ci+1]
		if a.minor || b.minor {
			continue
		}
		found := false
		for _, end := range endAt[ci] {
			for d := 1; d <= 3 && !found; d++ {
				for _, c := range at[end+d] {
					if c == ci+1 {
						found = true
					}
				}
			}
		}
		if found {
			bonus += math.Min(a.weight, b.weight)
		}
	}
	for _, ph := range pq.phrases {
		if containsNorms(toks, ph) {
			bonus += float64(len(ph)) * 0.5
		}
	}
	return bonus
}

// containsNorms reports whether the passage holds the folded words of a
// phrase in a row.
func containsNorms(toks []token, ph []string) bool {
	var words []token
	for _, t := range toks {
		if !t.Joined {
			words = append(words, t)
		}
	}
	for i := 0; i+len(ph) <= len(words); i++ {
		ok := true
		for k, w := range ph {
			if words[i+k].Norm != w {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// speakerBonus rewards a passage whose quotation is by the person the
// question names ("What did Fiona Tashjian say?"), or, for "who said",
// whose attributed quotation holds the question's words.
func speakerBonus(an *analyzer, pq *parsedQuery, p Passage, toks []token, matches []match, answer Span) float64 {
	if len(p.Quotes) == 0 {
		return 0
	}
	var names []string
	for _, c := range pq.concepts {
		if c.name {
			for _, f := range c.forms {
				names = append(names, f.stems...)
			}
		}
	}
	best := 0.0
	for _, q := range p.Quotes {
		if q.Speaker == "" {
			continue
		}
		who := q.Speaker + " " + q.Role
		if len(names) > 0 {
			have := make(map[string]bool)
			for _, t := range an.tokens(who) {
				have[t.Stem] = true
			}
			hit := 0
			for _, n := range names {
				if have[n] {
					hit++
				}
			}
			if hit > 0 {
				best = math.Max(best, float64(hit)/float64(len(names)))
			}
		} else if pq.qtype == ansPerson && pq.reporting {
			// "Who said ...?": the quotation holds the question's words.
			for _, m := range matches {
				if s := toks[m.tok].Start; s >= q.Start && s < q.End {
					best = math.Max(best, 0.5)
				}
			}
		}
	}
	return best
}

// headingBonus is the weight of question concepts in a heading or title.
func headingBonus(an *analyzer, pq *parsedQuery, heading string) float64 {
	if strings.TrimSpace(heading) == "" {
		return 0
	}
	have := make(map[string]bool)
	for _, t := range an.tokens(heading) {
		if t.Stem != "" {
			have[t.Stem] = true
		}
	}
	w := 0.0
	for _, c := range pq.concepts {
		for _, f := range c.forms {
			if len(f.stems) == 1 && have[f.stems[0]] {
				w += c.weight * f.factor
				break
			}
		}
	}
	return w
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
