package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Query is a question, with optional filters.
type Query struct {
	// Text is the question or keywords, as the user typed them. Quotes,
	// colons, plus and minus signs are just text; a phrase in double
	// quotes is matched as a phrase.
	Text string
	// Limit is the number of results wanted (default 3, at most 50);
	// Offset skips that many of the best results, for paging.
	Limit, Offset int
	// Source keeps passages of one article: its ID, or words of its title.
	Source string
	// Speaker keeps passages with a quotation by that speaker (words of
	// the name, in any order).
	Speaker string
	// Since and Until keep articles published in that range of days
	// (inclusive); zero means open.
	Since, Until time.Time
}

// ErrEmptyQuery is returned by Search for a question with no words.
var ErrEmptyQuery = errors.New("the question has no words to search for")

// maxQueryRunes bounds the question length; longer input is cut, as no
// question needs more.
const maxQueryRunes = 500

// Results are the passages that answer a query, best first.
type Results struct {
	Query string
	// Suggestion is the question with misspelled words corrected, when
	// the search used corrections; "" otherwise.
	Suggestion  string
	Corrections []Correction
	Hits        []Hit
	// More reports whether results beyond Offset+len(Hits) exist.
	More bool
	// Closest are articles near the question, offered when nothing
	// matched.
	Closest []ArticleInfo
}

// A Correction is a word of the question that the search read as another
// word of the corpus.
type Correction struct {
	From, To string
	// Start and End are the byte range of From in the question.
	Start, End int
}

// Hit is one passage that answers the question.
type Hit struct {
	Rank    int
	Score   float64
	Article ArticleInfo
	Passage Passage
	// Answer is the byte range in Passage.Text of the sentence that best
	// answers the question.
	Answer Span
	// Matches are the byte ranges in Passage.Text of the question's words.
	Matches []Span
}

// AnswerText returns the answer sentence.
func (h *Hit) AnswerText() string {
	if h.Answer.End <= h.Answer.Start || h.Answer.End > len(h.Passage.Text) {
		return ""
	}
	return h.Passage.Text[h.Answer.Start:h.Answer.End]
}

// AnswerQuote returns the attributed quotation that goes with the
// answer: the one in the answer sentence, else the passage's first, or
// nil when no quotation of the passage has a speaker.
func (h *Hit) AnswerQuote() *Quote {
	var first *Quote
	for i := range h.Passage.Quotes {
		q := &h.Passage.Quotes[i]
		if q.Speaker == "" {
			continue
		}
		if q.Start < h.Answer.End && q.End > h.Answer.Start {
			return q
		}
		if first == nil {
			first = q
		}
	}
	return first
}

// ArticleInfo is an article's metadata.
type ArticleInfo struct {
	ID          string
	Path        string
	Title       string
	Author      string
	Publication string
	Published   time.Time // zero when unknown
	URL         string
	Tags        []string
	Dateline    string
	Passages    int
	Quotes      int
	// Modified is the file's modification time when it was last indexed.
	Modified time.Time
	// Hash identifies the file's content: equal content, equal hash.
	Hash string
}

// PublishedDate returns Published as YYYY-MM-DD, or "".
func (a ArticleInfo) PublishedDate() string {
	if a.Published.IsZero() {
		return ""
	}
	return a.Published.Format(time.DateOnly)
}

func (r *articleRec) info() ArticleInfo {
	return ArticleInfo{
		ID: r.ID, Path: r.Path, Title: r.Title, Author: r.Author, Publication: r.Publication,
		Published: r.published(), URL: r.URL, Tags: r.Tags, Dateline: r.Dateline,
		Passages: r.Passages, Quotes: r.Quotes, Modified: r.modified(), Hash: r.Hash,
	}
}

// modified is the file's modification time, zero when unknown.
func (r *articleRec) modified() time.Time {
	if r.ModTime == 0 {
		return time.Time{}
	}
	return time.Unix(0, r.ModTime)
}

// Articles returns every indexed article, newest first (undated ones
// last, by title).
func (ix *Index) Articles() []ArticleInfo {
	ix.mu.RLock()
	out := make([]ArticleInfo, 0, len(ix.articles))
	for _, r := range ix.articles {
		out = append(out, r.info())
	}
	ix.mu.RUnlock()
	sortArticles(out)
	return out
}

func sortArticles(a []ArticleInfo) {
	sort.Slice(a, func(i, j int) bool {
		if !a[i].Published.Equal(a[j].Published) {
			return a[i].Published.After(a[j].Published)
		}
		if a[i].Title != a[j].Title {
			return a[i].Title < a[j].Title
		}
		return a[i].ID < a[j].ID
	})
}

// Stats reports the size of the index.
func (ix *Index) Stats() (articles, passages int) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.articles), ix.passages
}

// Article returns an article with all its passages, or false when no
// article has that ID.
func (ix *Index) Article(id string) (*Article, bool, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.cat == nil {
		return nil, false, ErrClosed
	}
	r := ix.articles[id]
	if r == nil {
		return nil, false, nil
	}
	ps, err := ix.cat.articlePassages(id, r.Gen)
	if err != nil {
		return nil, false, err
	}
	a := &Article{ID: r.ID, Path: r.Path, Title: r.Title, Author: r.Author, Publication: r.Publication,
		Published: r.published(), URL: r.URL, Tags: r.Tags, Dateline: r.Dateline, Passages: ps}
	return a, true, nil
}

// concept is one meaning in a question: a word, or a group of aliases,
// with every form that expresses it.
type concept struct {
	label  string // the words of the question
	forms  []form
	weight float64
	name   bool // a proper name or acronym in the question
	minor  bool // a reporting verb ("say", "tell"): barely a search term
	// subject is the question's grammatical subject, what it is about:
	// "Iran" in "Did Iran ignore an American warning?".
	subject bool
	df      int // documents holding its main form
}

// form is one way a concept appears in a passage: a word or a sequence of
// stems, with how much a match of it counts.
type form struct {
	stems  []string
	factor float64
}

// parsedQuery is a question analysed for search.
type parsedQuery struct {
	text        string
	qtype       answerType
	reporting   bool // asks what someone said
	concepts    []concept
	phrases     [][]string // quoted phrases and multi-word names, as folded words
	corrections []Correction
	totalWeight float64
	// prefixes are the first letters of every stem the question can
	// match; a passage word that starts otherwise need not be stemmed.
	prefixes map[string]bool
}

// stemPrefixLen is how many leading letters a word shares with its stem.
const stemPrefixLen = 3

func prefixOf(s string) string {
	if len(s) > stemPrefixLen {
		return s[:stemPrefixLen]
	}
	return s
}

// needsStem reports whether a folded passage word could stem to one of
// the question's stems: it starts like one, or is an irregular form of a
// word that does.
func (pq *parsedQuery) needsStem(norm string) bool {
	if pq.prefixes[prefixOf(norm)] {
		return true
	}
	if base, ok := irregular[norm]; ok {
		return pq.prefixes[prefixOf(base)]
	}
	return stemExceptions[norm]
}

// stemExceptions are words the Snowball stemmer turns into a stem that
// starts differently ("dying" -> "die").
var stemExceptions = toSet(`dying lying tying skies`)

// Search answers a query with the best passages. A question that matches
// nothing is not an error: the results are empty and carry suggestions.
// Search is safe for concurrent use.
func (ix *Index) Search(ctx context.Context, q Query) (*Results, error) {
	text := strings.TrimSpace(q.Text)
	if utf8.RuneCountInString(text) > maxQueryRunes {
		r := []rune(text)
		text = string(r[:maxQueryRunes])
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 3
	}
	limit = min(limit, 50)
	offset := max(q.Offset, 0)
	res := &Results{Query: q.Text}

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bleve == nil || ix.cat == nil {
		return nil, ErrClosed
	}
	raw, err := ix.bleve.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	reader, err := raw.Reader()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer reader.Close()

	pq := ix.parseQuery(ctx, reader, text)
	if len(pq.concepts) == 0 && len(pq.phrases) == 0 {
		if !strings.ContainsFunc(text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			return nil, ErrEmptyQuery
		}
	}
	res.Corrections = pq.corrections
	if len(pq.corrections) > 0 {
		res.Suggestion = applyCorrections(text, pq.corrections)
	}
	filter, ok, err := ix.filterQuery(q)
	if err != nil {
		return nil, err
	}
	if !ok {
		// The filters exclude everything (an unknown source).
		res.Closest = ix.closestArticles(ctx, pq, 3)
		return res, nil
	}
	main := ix.candidateQuery(pq)
	if main == nil {
		res.Closest = ix.closestArticles(ctx, pq, 3)
		return res, nil
	}
	var qry query.Query = main
	if filter != nil {
		qry = query.NewConjunctionQuery([]query.Query{main, filter})
	}
	hits, err := ix.candidates(ctx, pq, qry, max(candidateCount, offset+limit+1))
	if err != nil {
		return nil, err
	}
	if offset < len(hits) {
		end := min(offset+limit, len(hits))
		res.Hits = hits[offset:end]
		res.More = end < len(hits)
	}
	for i := range res.Hits {
		res.Hits[i].Rank = offset + i + 1
	}
	if len(hits) == 0 {
		res.Closest = ix.closestArticles(ctx, pq, 3)
	}
	return res, nil
}

// candidateCount is how many passages bleve proposes for re-ranking.
const candidateCount = 60

// candidates asks bleve for want passages and re-ranks them. Documents of
// a generation the catalog does not name (an update in progress) do not
// count: when they leave fewer than want, it asks for more.
func (ix *Index) candidates(ctx context.Context, pq *parsedQuery, qry query.Query, want int) ([]Hit, error) {
	size := want
	for round := 0; ; round++ {
		req := bleve.NewSearchRequestOptions(qry, size, 0, false)
		sr, err := ix.bleve.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		live := 0
		for _, h := range sr.Hits {
			if id, gen, _, ok := splitDocID(h.ID); ok && ix.articles[id] != nil && ix.articles[id].Gen == gen {
				live++
			}
		}
		if live >= want || len(sr.Hits) < size || round == 2 {
			return ix.rerank(pq, sr.Hits)
		}
		size *= 3
	}
}

// parseQuery analyses a question: its answer type, its concepts with
// aliases, related forms and spelling corrections, and its phrases.
func (ix *Index) parseQuery(ctx context.Context, r index.IndexReader, text string) *parsedQuery {
	pq := &parsedQuery{text: text, qtype: classifyQuestion(text), reporting: isReportingQuestion(text)}
	n := ix.passages
	var toks []token
	for _, t := range ix.an.tokens(text) {
		if !t.Joined {
			toks = append(toks, t)
		}
	}
	// A question's first word is capitalised by grammar; it is a name
	// only if the corpus writes it as one.
	subjectTok := questionSubject(toks)
	firstIsName := len(toks) > 0 && toks[0].Cap && !stopWords[toks[0].Norm] && !questionWords[toks[0].Norm] && ix.df(ctx, r, fieldNames, toks[0].Norm) > 0
	pq.phrases = quotedPhrases(ix.an, text)
	// Correct unknown words first, so aliases and names see the fix.
	for i := range toks {
		t := &toks[i]
		if t.Stem == "" || questionWords[t.Norm] {
			continue
		}
		if ix.df(ctx, r, fieldText, t.Stem) > 0 || ix.df(ctx, r, fieldExact, t.Norm) > 0 {
			continue
		}
		if fix, ok := ix.correct(r, toks, i); ok {
			pq.corrections = append(pq.corrections, Correction{From: text[t.Start:t.End], To: matchCase(text[t.Start:t.End], fix), Start: t.Start, End: t.End})
			t.Norm = fix
			t.Stem = ix.an.stem(fix)
			if t.Stem == "" {
				t.Stem = fix
			}
		}
	}
	var names []string
	flushName := func() {
		if len(names) > 1 {
			pq.phrases = append(pq.phrases, names)
		}
		names = nil
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if m, ok := ix.aliases.find(toks, i); ok {
			c := concept{label: text[toks[m.start].Start:toks[m.end-1].End]}
			for _, f := range m.group.forms {
				factor := 1.0
				if m.group.related {
					factor = 0.7
				}
				matchesQuestion := len(f.norms) == m.end-m.start
				for k := 0; matchesQuestion && k < len(f.norms); k++ {
					matchesQuestion = f.norms[k] == toks[m.start+k].Norm
				}
				if matchesQuestion {
					factor = 1
				}
				c.forms = addForm(c.forms, form{stems: f.stems, factor: factor})
			}
			c.name = t.Cap || t.Acronym
			c.subject = subjectTok >= 0 && m.start == subjectTok
			pq.concepts = append(pq.concepts, c)
			flushName()
			i = m.end - 1
			continue
		}
		if t.Stem == "" || questionWords[t.Norm] {
			flushName()
			continue
		}
		isName := (t.Cap && (i > 0 || firstIsName)) || t.Acronym
		if isName {
			names = append(names, t.Norm)
		} else {
			flushName()
		}
		c := concept{label: text[t.Start:t.End], forms: []form{{stems: []string{t.Stem}, factor: 1}}, name: isName, subject: subjectTok >= 0 && (i == subjectTok || i == subjectTok+1 && isName && toks[subjectTok].Cap)}
		if queryFillers[t.Norm] || (sayVerbs[t.Norm] && !isName) {
			c.minor = true
		}
		for _, rel := range ix.relatedForms(r, t.Stem, isName || places[t.Norm]) {
			c.forms = append(c.forms, form{stems: []string{rel}, factor: 0.6})
		}
		pq.concepts = append(pq.concepts, c)
	}
	flushName()
	pq.concepts = mergeConcepts(pq.concepts)
	pq.prefixes = make(map[string]bool)
	for _, c := range pq.concepts {
		for _, f := range c.forms {
			for _, st := range f.stems {
				pq.prefixes[prefixOf(st)] = true
			}
		}
	}
	// Weights: BM25's inverse document frequency of the concept's main
	// form, raised for names, lowered for reporting verbs.
	for i := range pq.concepts {
		c := &pq.concepts[i]
		df := 0
		for _, f := range c.forms {
			if f.factor < 1 {
				continue
			}
			d := ix.formDF(ctx, r, f)
			df = max(df, d)
		}
		c.df = df
		w := idf(n, df)
		if c.name {
			w *= 1.3
		}
		if c.minor {
			w *= 0.25
		}
		if c.subject {
			w *= subjectBoost
		}
		if df == 0 {
			// No passage holds it as written: it weighs what its other
			// forms weigh, or nothing when no passage holds any.
			for _, f := range c.forms {
				df = max(df, ix.formDF(ctx, r, f))
			}
			if df == 0 {
				w = 0
			} else {
				w = idf(n, df)
			}
		}
		c.weight = w
		pq.totalWeight += w
	}
	return pq
}

// addForm adds a form to a concept, or raises the factor of the same form
// already there.
func addForm(forms []form, f form) []form {
	for i := range forms {
		if strings.Join(forms[i].stems, " ") == strings.Join(f.stems, " ") {
			forms[i].factor = math.Max(forms[i].factor, f.factor)
			return forms
		}
	}
	return append(forms, f)
}

// subjectBoost raises the weight of the question's subject.
const subjectBoost = 1.25

// questionSubject returns the index of the question token that starts its
// subject: the first content word after an auxiliary that opens or
// follows the question word ("Did Iran ...", "Why does Russia ...",
// "What did the Wagner Group ..."), or -1.
func questionSubject(toks []token) int {
	i := 0
	if i < len(toks) && questionWords[toks[i].Norm] {
		i++
	}
	if i >= len(toks) || !auxiliaries[toks[i].Norm] {
		return -1
	}
	for i++; i < len(toks); i++ {
		if toks[i].Stem != "" {
			return i
		}
		if !determiners[toks[i].Norm] {
			return -1
		}
	}
	return -1
}

// sayVerbs ask what someone said without saying what about.
var sayVerbs = toSet(`say says said saying tell tells told telling speak spoke talk talked`)

// queryFillers are words that questions use to ask rather than to say
// what they are about.
var queryFillers = toSet(`happen happened happening article articles report reports say mention mentioned
mentions tell anything something thing things know according regarding concerning`)

// mergeConcepts drops a concept repeated in a question ("Russia ... Russia").
func mergeConcepts(cs []concept) []concept {
	seen := make(map[string]bool)
	out := cs[:0]
	for _, c := range cs {
		k := strings.Join(c.forms[0].stems, " ")
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, c)
	}
	return out
}

func idf(n, df int) float64 {
	if n < 1 {
		n = 1
	}
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// df returns the number of passages holding a term in a field.
func (ix *Index) df(ctx context.Context, r index.IndexReader, field, term string) int {
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0
	}
	defer tfr.Close()
	return int(tfr.Count())
}

// formDF returns the document frequency of a form: of its word, or of the
// rarest word of a phrase.
func (ix *Index) formDF(ctx context.Context, r index.IndexReader, f form) int {
	df := -1
	for _, s := range f.stems {
		d := ix.df(ctx, r, fieldText, s)
		if df < 0 || d < df {
			df = d
		}
	}
	return max(df, 0)
}

// relatedForms returns stems in the index that extend a question's stem
// by a suffix that makes a related word ("russia" -> "russian",
// "iran" -> "iranian", "pay" -> "payment"), or that it extends.
func (ix *Index) relatedForms(r index.IndexReader, stem string, name bool) []string {
	if len(stem) < 3 {
		return nil
	}
	var out []string
	suffixes := []string{"ment", "er"}
	if name {
		// Places and peoples: Russia/Russian, Iran/Iranian, Nepal/Nepali.
		suffixes = append(suffixes, "n", "an", "ian", "i", "ese")
	}
	seen := map[string]bool{stem: true}
	for _, suf := range suffixes {
		cand := stem + suf
		if !seen[cand] && ix.dfPlain(r, cand) > 0 {
			seen[cand] = true
			out = append(out, cand)
		}
		if base, ok := strings.CutSuffix(stem, suf); ok && len(base) >= 3 && !seen[base] && ix.dfPlain(r, base) > 0 {
			seen[base] = true
			out = append(out, base)
		}
	}
	return out
}

func (ix *Index) dfPlain(r index.IndexReader, term string) int {
	return ix.df(context.Background(), r, fieldText, term)
}

// quotedPhrases returns the phrases a question puts in double quotes, as
// folded words.
func quotedPhrases(an *analyzer, text string) [][]string {
	var out [][]string
	for _, q := range findQuoteSpans(text) {
		if !q.closed {
			continue
		}
		var words []string
		for _, t := range an.tokens(text[q.start:q.end]) {
			if !t.Joined {
				words = append(words, t.Norm)
			}
		}
		if len(words) > 1 {
			out = append(out, words)
		}
	}
	return out
}

// correct proposes a corpus word for an unknown question word: the one at
// the smallest edit distance (one edit from four letters, two from nine),
// preferring names when the word is capitalised or stands next to a name,
// then the more frequent.
func (ix *Index) correct(r index.IndexReader, toks []token, i int) (string, bool) {
	t := toks[i]
	// Short lower-case words are too often right words the corpus
	// lacks ("bold", "lol"); a short capitalised word is likelier a
	// misspelled name.
	n := utf8.RuneCountInString(t.Norm)
	minLen := 5
	if t.Cap || t.Acronym {
		minLen = 4
	}
	if n < minLen || strings.ContainsFunc(t.Norm, unicode.IsDigit) {
		return "", false
	}
	fuzz := 1
	if n >= 9 {
		fuzz = 2
	}
	fr, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return "", false
	}
	nameContext := t.Cap || (i > 0 && toks[i-1].Cap) || (i+1 < len(toks) && toks[i+1].Cap)
	fields := []string{fieldExact}
	if nameContext {
		fields = []string{fieldNames, fieldExact}
	}
	for _, field := range fields {
		dict, err := fr.FieldDictFuzzy(field, t.Norm, fuzz, "")
		if err != nil {
			continue
		}
		best, bestDist, bestCount := "", 99, uint64(0)
		for {
			e, err := dict.Next()
			if err != nil || e == nil {
				break
			}
			d := int(e.EditDistance)
			if d == 0 || stopWords[e.Term] {
				continue
			}
			if d < bestDist || (d == bestDist && e.Count > bestCount) {
				best, bestDist, bestCount = e.Term, d, e.Count
			}
		}
		dict.Close()
		if best != "" {
			return best, true
		}
	}
	return "", false
}

// matchCase writes a corrected word in the case of the word it replaces.
func matchCase(orig, fix string) string {
	r, _ := utf8.DecodeRuneInString(orig)
	if isUpperWord(orig) && utf8.RuneCountInString(orig) > 1 {
		return strings.ToUpper(fix)
	}
	if unicode.IsUpper(r) {
		f, size := utf8.DecodeRuneInString(fix)
		return string(unicode.ToUpper(f)) + fix[size:]
	}
	return fix
}

// applyCorrections rewrites the question with its corrected words, in
// place (corrections are in question order).
func applyCorrections(text string, cs []Correction) string {
	var b strings.Builder
	last := 0
	for _, c := range cs {
		if c.Start < last || c.End > len(text) {
			continue
		}
		b.WriteString(text[last:c.Start])
		b.WriteString(c.To)
		last = c.End
	}
	b.WriteString(text[last:])
	return b.String()
}

// candidateQuery builds the bleve query that proposes passages: every
// form of every concept as a term or phrase, weighted, plus phrases and
// section headings. User text never reaches a query-string parser.
func (ix *Index) candidateQuery(pq *parsedQuery) query.Query {
	var parts []query.Query
	n := ix.passages
	for _, c := range pq.concepts {
		if c.df == 0 && len(c.forms) == 1 {
			continue
		}
		// Very common words cost much and say little; re-ranking still
		// counts them.
		if n >= 5000 && c.df > n/10 && len(pq.concepts) > 1 {
			continue
		}
		for _, f := range c.forms {
			boost := c.weight * f.factor
			if len(f.stems) == 1 {
				tq := query.NewTermQuery(f.stems[0])
				tq.SetField(fieldText)
				tq.SetBoost(boost)
				parts = append(parts, tq)
				sq := query.NewTermQuery(f.stems[0])
				sq.SetField(fieldSection)
				sq.SetBoost(boost * 0.3)
				parts = append(parts, sq)
				continue
			}
			phq := query.NewPhraseQuery(f.stems, fieldText)
			phq.SetBoost(boost)
			parts = append(parts, phq)
		}
	}
	for _, p := range pq.phrases {
		q := query.NewPhraseQuery(p, fieldExact)
		q.SetBoost(2)
		parts = append(parts, q)
	}
	if len(parts) == 0 {
		return nil
	}
	return query.NewDisjunctionQuery(parts)
}

// filterQuery builds the filters of a query. ok is false when a filter
// matches nothing (no article has that source).
func (ix *Index) filterQuery(q Query) (query.Query, bool, error) {
	var parts []query.Query
	if s := strings.TrimSpace(q.Source); s != "" {
		ids := ix.matchSources(s)
		if len(ids) == 0 {
			return nil, false, nil
		}
		var alts []query.Query
		for _, id := range ids {
			tq := query.NewTermQuery(id)
			tq.SetField(fieldArticle)
			alts = append(alts, tq)
		}
		parts = append(parts, query.NewDisjunctionQuery(alts))
	}
	if s := strings.TrimSpace(q.Speaker); s != "" {
		var words []query.Query
		for _, t := range ix.an.tokens(s) {
			if t.Joined {
				continue
			}
			tq := query.NewTermQuery(t.Norm)
			tq.SetField(fieldSpeaker)
			words = append(words, tq)
		}
		if len(words) == 0 {
			return nil, false, nil
		}
		parts = append(parts, query.NewConjunctionQuery(words))
	}
	if !q.Since.IsZero() || !q.Until.IsZero() {
		var start, end time.Time
		if !q.Since.IsZero() {
			start = q.Since
		}
		if !q.Until.IsZero() {
			end = q.Until.Add(24*time.Hour - time.Nanosecond)
		}
		t := true
		dq := query.NewDateRangeInclusiveQuery(start, end, &t, &t)
		dq.SetField(fieldPublished)
		parts = append(parts, dq)
	}
	switch len(parts) {
	case 0:
		return nil, true, nil
	case 1:
		return parts[0], true, nil
	}
	return query.NewConjunctionQuery(parts), true, nil
}

// matchSources returns the IDs of the articles a source filter names: an
// article ID, or words that all occur in the title (any order, case and
// accents ignored).
func (ix *Index) matchSources(s string) []string {
	if r, ok := ix.articles[s]; ok {
		return []string{r.ID}
	}
	if r, ok := ix.articles[IDFromPath(s)]; ok {
		return []string{r.ID}
	}
	var want []string
	for _, t := range ix.an.tokens(s) {
		if !t.Joined {
			want = append(want, t.Norm)
		}
	}
	if len(want) == 0 {
		return nil
	}
	var ids []string
	for id, r := range ix.articles {
		have := make(map[string]bool)
		for _, t := range ix.an.tokens(r.Title + " " + r.ID) {
			have[t.Norm] = true
		}
		all := true
		for _, w := range want {
			if !have[w] {
				all = false
				break
			}
		}
		if all {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// closestArticles offers articles when nothing matched: those whose
// passages share a word with the question within two edits, else the
// newest.
func (ix *Index) closestArticles(ctx context.Context, pq *parsedQuery, n int) []ArticleInfo {
	var parts []query.Query
	for _, c := range pq.concepts {
		for _, f := range c.forms {
			for _, s := range f.stems {
				if utf8.RuneCountInString(s) < 4 {
					continue
				}
				fq := query.NewFuzzyQuery(s)
				fq.SetField(fieldText)
				fq.SetFuzziness(2)
				parts = append(parts, fq)
			}
		}
	}
	seen := make(map[string]bool)
	var out []ArticleInfo
	if len(parts) > 0 {
		req := bleve.NewSearchRequestOptions(query.NewDisjunctionQuery(parts), 30, 0, false)
		if sr, err := ix.bleve.SearchInContext(ctx, req); err == nil {
			for _, h := range sr.Hits {
				id, gen, _, ok := splitDocID(h.ID)
				r := ix.articles[id]
				if !ok || r == nil || r.Gen != gen || seen[id] {
					continue
				}
				seen[id] = true
				out = append(out, r.info())
				if len(out) == n {
					return out
				}
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	all := make([]ArticleInfo, 0, len(ix.articles))
	for _, r := range ix.articles {
		all = append(all, r.info())
	}
	sortArticles(all)
	return all[:min(n, len(all))]
}
