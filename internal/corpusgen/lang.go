package corpusgen

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Vocabulary shape.
const (
	defaultVocabulary = 60000
	zipfExponent      = 1.07
	zipfOffset        = 30   // function words hold the top ranks of the joint Zipf law
	topicShare        = 0.12 // content draws taken from the article's topic words
	uniformShare      = 0.08 // content draws taken uniformly from the whole vocabulary
	minLemmas         = 12   // per category, so tiny vocabularies still work
	firstNameCount    = 2400
	lastNameCount     = 3600
	placeCount        = 1500
	orgCount          = 1500
	publicationCount  = 80
)

// category is a part of speech of the synthetic content vocabulary.
type category int

const (
	catNoun category = iota
	catVerb
	catAdj
	numCategories
)

// Inflection slots of a lemma's forms.
const (
	nounSg   = 0
	nounPl   = 1
	verbBase = 0
	verb3s   = 1
	verbPast = 2
	verbIng  = 3
)

// Fixed material. Lists are space separated ("-" is the empty string) or,
// where entries contain spaces, separated by "|".
const (
	onsetList    = "- - - b b bl br c ch cl cr d d dr f fl fr g gl gr h j k l l m m n p pl pr qu r r s s sc sh sk sl sn sp st str t t th tr v w z"
	simpleOnsets = "b d f g h k l m n p r s t v w z"
	nucleusList  = "a a a a e e e e i i i o o o u u ai ea ee io oa oo ou"
	codaList     = "- - - - - - - - b ck d f g l l ld lt m m n n n nd ng nt p r r rd rn rt s s sk st t t th x"

	nounSuffixes = "tion ment ness ship ity ance er ism age ure"
	verbSuffixes = "ate ize en ify"
	adjSuffixes  = "al ic ous ive ful less able ish ant ary ent"

	firstEndings = "a a ia ina el en o an as ie ek us iel ar or is"
	lastEndings  = "son sen ova ez ski er ley ton ard ini escu berg man ić ov ides ani ero"
	placeEndings = "burg ton ville grad stad mouth ford polis ia ov abad holm wick dorf port"

	// reservedWords are never produced as content words: English function
	// words and every literal word the grammar writes itself.
	reservedWords = "a about above according across added after against ago all also am among amid an and any are as at " +
		"be been before being below between both but by can could did do does down during each earlier early either " +
		"even every few for from further had has have he her here him his how i if in into is it its just last later " +
		"least less like many may me might more most much must my near new no nor not now of off on once one only or " +
		"other our out over own per percent same said says she should since so some such than that the their them then " +
		"there these they this those through to too under until up upon very was we were what when where which while " +
		"who whom why will with within without would year years you your week month million billion thousand included " +
		"include includes because although despite officials people told added warned noted among key points measures " +
		"rose fell grew dropped climbed slipped argued told reporters targeting involving affecting means continued report " +
		"share comments comment post advertisement related posts published staff reporter photo by updated " +
		"two three four five six seven eight nine ten twelve twenty dozen hundred " +
		"monday tuesday wednesday thursday friday saturday sunday january february march april june july august " +
		"september october november december"

	smallTitleWords = "a an the of in on for to and at by with from amid as over after into"

	realCities = "London|Paris|Berlin|Chisinau|Nairobi|Lagos|Jakarta|Lima|Kyiv|Warsaw|Madrid|Rome|Tokyo|Seoul|Manila|" +
		"Cairo|Ankara|Athens|Lisbon|Oslo|Dublin|Brussels|Geneva|Vienna|Prague|Budapest|Bucharest|Sofia|Belgrade|" +
		"Tbilisi|Yerevan|Baku|Beirut|Amman|Doha|Karachi|Dhaka|Hanoi|Bangkok|Sydney|Toronto|Ottawa|Chicago|" +
		"Washington|New York|Mexico City|Bogotá|Santiago|Buenos Aires|São Paulo|Johannesburg|Accra|Addis Ababa|" +
		"Kampala|Dakar|Helsinki|Riga|Vilnius|Tallinn|Zagreb|Sarajevo|Skopje"
	agencyList = "Global Wire|Atlas Press|Meridian News Agency|Northern Press|Eastline Agency|Pacific Newswire|" +
		"Horizon Pictures|Civic Press Service|Continental Photo|Harbour Images"
	titleList = "Minister|Deputy Minister|Interior Minister|Finance Minister|Foreign Minister|Senator|Mayor|Governor|" +
		"Dr.|Professor|Ambassador|General|Commissioner|Judge|Chief Executive|Director|Councillor|Inspector"
	roleList = "spokesperson|senior analyst|researcher|professor|director|economist|lawyer|adviser|official|" +
		"deputy director|campaigner|board member|policy fellow|chief economist|union leader|press officer"
	deskList = "Senior Correspondent|Staff Writer|Political Editor|Foreign Affairs Reporter|Business Correspondent|" +
		"Contributing Writer|Security Correspondent|Investigations Editor|Regional Reporter"
	paperWords = "Herald Times Post Courier Gazette Observer Tribune Chronicle Ledger Sentinel Dispatch Review Standard Monitor"
	orgKinds   = "Council Authority Commission Board Institute Agency Federation Alliance Trust Bureau"
	firmKinds  = "Holdings|Group|Partners|Capital|Industries|Systems|Logistics|Foundation|Energy|Bank"
)

// lexicon is the synthetic language shared by all articles of a Generator.
// It depends only on the vocabulary size and is read-only after New.
type lexicon struct {
	words [numCategories][][]string // words[c][lemma rank][inflection slot]
	cdf   [numCategories][]float64  // cumulative Zipf weights by lemma rank
	forms map[string]wordInfo       // every content word form

	// function holds English function and grammar words; phrases that
	// begin or end with one make weak expected answers.
	function map[string]bool

	firsts, lasts, places, orgs, pubs []string
	cities, agencies, titles, roles   []string
	desks, paperWords, smallTitle     []string
	femaleEndings                     []string
}

// wordInfo describes a content word form.
type wordInfo struct {
	rarity float64 // (lemma rank + 1) / lemmas in category, in (0, 1]
	cat    category
}

// syllables builds pronounceable words.
type syllables struct {
	onsets, simple, nuclei, codas []string
}

// fields splits a space separated list, mapping "-" to the empty string.
func fields(s string) []string {
	f := strings.Fields(s)
	for i, w := range f {
		if w == "-" {
			f[i] = ""
		}
	}
	return f
}

// Word end constraints for syllables.build.
const (
	endAny = iota
	endOpen
	endClosed
)

// build returns n syllables; end constrains the final coda.
func (sy *syllables) build(r *rng, n, end int) string {
	var b strings.Builder
	prevCoda := "x"
	for i := 0; i < n; i++ {
		on := pick(r, sy.onsets)
		if i > 0 && (prevCoda == "" && on == "" || len(prevCoda) > 1 && len(on) > 1) {
			on = pick(r, sy.simple)
		}
		nu := pick(r, sy.nuclei)
		if on == "qu" && nu[0] == 'u' {
			nu = "a"
		}
		co := pick(r, sy.codas)
		if i == n-1 {
			switch end {
			case endOpen:
				co = ""
			case endClosed:
				for co == "" {
					co = pick(r, sy.codas)
				}
			}
		}
		b.WriteString(on)
		b.WriteString(nu)
		b.WriteString(co)
		prevCoda = co
	}
	return b.String()
}

// withSuffix returns a stem of n syllables followed by suffix, shaping the
// stem's end so the join stays pronounceable.
func (sy *syllables) withSuffix(r *rng, n int, suffix string) string {
	end := endOpen
	if strings.ContainsRune("aeiou", rune(suffix[0])) {
		end = endClosed
	}
	return sy.build(r, n, end) + suffix
}

func isVowel(b byte) bool { return strings.IndexByte("aeiou", b) >= 0 }

// plural returns the -s form of a noun or verb.
func plural(w string) string {
	n := len(w)
	switch {
	case strings.HasSuffix(w, "s"), strings.HasSuffix(w, "x"), strings.HasSuffix(w, "z"),
		strings.HasSuffix(w, "sh"), strings.HasSuffix(w, "ch"):
		return w + "es"
	case n > 1 && w[n-1] == 'y' && !isVowel(w[n-2]):
		return w[:n-1] + "ies"
	}
	return w + "s"
}

// past returns the -ed form of a verb.
func past(w string) string {
	n := len(w)
	switch {
	case w[n-1] == 'e':
		return w + "d"
	case n > 1 && w[n-1] == 'y' && !isVowel(w[n-2]):
		return w[:n-1] + "ied"
	}
	return w + "ed"
}

// gerund returns the -ing form of a verb.
func gerund(w string) string {
	n := len(w)
	if w[n-1] == 'e' && !strings.HasSuffix(w, "ee") && n > 2 {
		return w[:n-1] + "ing"
	}
	return w + "ing"
}

// inflect returns the forms of a lemma in slot order.
func inflect(c category, w string) []string {
	switch c {
	case catNoun:
		return []string{w, plural(w)}
	case catVerb:
		return []string{w, plural(w), past(w), gerund(w)}
	}
	return []string{w}
}

// splitVocabulary divides v word forms into lemma counts per category:
// half the forms are nouns (2 forms each), about a third verbs (4 forms
// each) and the rest adjectives.
func splitVocabulary(v int) [numCategories]int {
	var n [numCategories]int
	n[catVerb] = max(v*8/100, minLemmas)
	n[catNoun] = max(v*25/100, minLemmas)
	n[catAdj] = max(v-4*n[catVerb]-2*n[catNoun], minLemmas)
	return n
}

// newLexicon builds the language for a vocabulary of v content word forms.
func newLexicon(v int) *lexicon {
	rs := newRNG(int64(v), streamLexicon, 0)
	r := &rs
	sy := &syllables{
		onsets: fields(onsetList),
		simple: fields(simpleOnsets),
		nuclei: fields(nucleusList),
		codas:  fields(codaList),
	}
	lx := &lexicon{
		cities:        strings.Split(realCities, "|"),
		agencies:      strings.Split(agencyList, "|"),
		titles:        strings.Split(titleList, "|"),
		roles:         strings.Split(roleList, "|"),
		desks:         strings.Split(deskList, "|"),
		paperWords:    strings.Fields(paperWords),
		smallTitle:    strings.Fields(smallTitleWords),
		femaleEndings: []string{"a", "ia", "ina", "ie", "iel", "is"},
	}
	used := make(map[string]bool, v+512)
	lx.function = make(map[string]bool)
	for _, w := range strings.Fields(reservedWords) {
		used[w] = true
		lx.function[w] = true
	}
	counts := splitVocabulary(v)
	suffixes := [numCategories][]string{
		catNoun: strings.Fields(nounSuffixes),
		catVerb: strings.Fields(verbSuffixes),
		catAdj:  strings.Fields(adjSuffixes),
	}
	suffixShare := [numCategories]float64{catNoun: 0.3, catVerb: 0.25, catAdj: 0.55}
	lx.forms = make(map[string]wordInfo, v)
	for c := range numCategories {
		n := counts[c]
		lemmas := make([][]string, 0, n)
		for len(lemmas) < n {
			k := len(lemmas)
			f := float64(k) / float64(n)
			syl := 2
			switch {
			case k < 30:
				syl = 1
			case f < 0.05:
				syl = 1 + r.intn(2)
			case f >= 0.5 && r.chance(0.25):
				syl = 3
			}
			var w string
			if k >= 30 && r.chance(suffixShare[c]) {
				w = sy.withSuffix(r, max(syl-1, 1), pick(r, suffixes[c]))
			} else {
				w = sy.build(r, syl, endAny)
			}
			if len(w) < 3 || len(w) > 13 {
				continue
			}
			forms := inflect(c, w)
			clash := false
			for _, f := range forms {
				clash = clash || used[f]
			}
			if clash {
				continue
			}
			for _, f := range forms {
				used[f] = true
				lx.forms[f] = wordInfo{rarity: float64(k+1) / float64(n), cat: c}
			}
			lemmas = append(lemmas, forms)
		}
		lx.words[c] = lemmas
		lx.cdf[c] = zipfCDF(n, zipfOffset, zipfExponent)
	}

	names := make(map[string]bool)
	lx.firsts = uniqueNames(r, sy, firstNameCount, fields(firstEndings), names)
	lx.lasts = uniqueNames(r, sy, lastNameCount, fields(lastEndings), names)
	lx.places = lx.genPlaces(r, sy, names)
	lx.orgs = lx.genOrgs(r)
	lx.pubs = lx.genPublications(r)
	return lx
}

// zipfCDF returns the cumulative distribution over n ranks of a Zipf law
// with exponent s whose first offset ranks are taken by other words (the
// function words), so the most frequent content word is not implausibly
// dominant: P(k) is proportional to (k+1+offset)^-s.
func zipfCDF(n, offset int, s float64) []float64 {
	cdf := make([]float64, n)
	sum := 0.0
	for k := range n {
		sum += math.Pow(float64(k+1+offset), -s)
		cdf[k] = sum
	}
	for k := range cdf {
		cdf[k] /= sum
	}
	return cdf
}

// zipfIndex maps a uniform u in [0, 1) to a rank.
func zipfIndex(cdf []float64, u float64) int {
	return min(sort.SearchFloat64s(cdf, u), len(cdf)-1)
}

// uniqueNames returns n distinct capitalised names ending in one of endings.
func uniqueNames(r *rng, sy *syllables, n int, endings []string, seen map[string]bool) []string {
	out := make([]string, 0, n)
	for len(out) < n {
		end := pick(r, endings)
		w := capitalize(sy.withSuffix(r, 1+r.intn(2), end))
		if seen[w] || utf8.RuneCountInString(w) < 3 || len(w) > 13 {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}

func (lx *lexicon) genPlaces(r *rng, sy *syllables, seen map[string]bool) []string {
	endings := fields(placeEndings)
	out := make([]string, 0, placeCount)
	for len(out) < placeCount {
		w := capitalize(sy.withSuffix(r, 1+r.intn(2), pick(r, endings)))
		switch r.weighted(80, 4, 4, 4, 4, 4) {
		case 1:
			w = "Port " + w
		case 2:
			w = "San " + w
		case 3:
			w = "New " + w
		case 4:
			w += " Falls"
		case 5:
			w = "Upper " + w
		}
		if seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}

func (lx *lexicon) genOrgs(r *rng) []string {
	kinds := strings.Fields(orgKinds)
	firms := strings.Split(firmKinds, "|")
	seen := make(map[string]bool)
	out := make([]string, 0, orgCount)
	for len(out) < orgCount {
		noun := capitalize(lx.words[catNoun][r.intn(len(lx.words[catNoun])/4)][nounSg])
		var o string
		switch r.weighted(20, 25, 25, 10, 8, 8, 4) {
		case 0:
			o = "the Ministry of " + noun
		case 1:
			o = "the " + pick(r, lx.places) + " " + noun + " " + pick(r, kinds)
		case 2:
			o = pick(r, lx.lasts) + " " + pick(r, firms)
		case 3:
			o = pick(r, lx.lasts) + " & " + pick(r, lx.lasts)
		case 4:
			o = "the University of " + pick(r, lx.places)
		case 5:
			o = "the " + pick(r, lx.places) + " City Council"
		default:
			o = acronym(r)
		}
		if seen[o] {
			continue
		}
		seen[o] = true
		out = append(out, o)
	}
	return out
}

func (lx *lexicon) genPublications(r *rng) []string {
	seen := make(map[string]bool)
	out := make([]string, 0, publicationCount)
	for len(out) < publicationCount {
		var p string
		switch r.intn(3) {
		case 0:
			p = "The " + pick(r, lx.places) + " " + pick(r, lx.paperWords)
		case 1:
			p = pick(r, lx.places) + " " + pick(r, lx.paperWords)
		default:
			p = "The Daily " + pick(r, lx.paperWords)
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	return out
}

// acronym returns a 3-5 letter upper-case organisation acronym.
func acronym(r *rng) string {
	b := make([]byte, r.between(3, 5))
	for i := range b {
		b[i] = byte('A' + r.intn(26))
	}
	return string(b)
}

// isFemale reports whether a first name takes "she".
func (lx *lexicon) isFemale(first string) bool {
	for _, e := range lx.femaleEndings {
		if strings.HasSuffix(first, e) {
			return true
		}
	}
	return false
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
