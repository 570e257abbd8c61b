package corpusgen

import (
	"strconv"
	"strings"
	"time"
)

// person is a member of an article's cast.
type person struct {
	first, last, title, role, org string
	she                           bool
}

// factKind says what a sentence states that a question can ask about.
type factKind int

const (
	factQuote factKind = iota + 1 // someone said something
	factPlace                     // something happened in a place
	factCount                     // "<number> <noun> were <verb>"
)

// fact records a question-worthy statement of a sentence.
type fact struct {
	kind    factKind
	speaker int    // cast index of the speaker (factQuote)
	named   bool   // the speaker's name is in the sentence (factQuote)
	quote   string // what was said, as a clause (factQuote)
	place   string // factPlace
	number  string // factCount
	noun    string // factCount, plural form
	verb    string // factCount, -ed form
}

// sentence is one rendered sentence and its facts.
type sentence struct {
	text  string
	facts []fact
}

// phrase accumulates words; punctuation attaches to the previous word.
type phrase struct{ w []string }

func (p *phrase) add(ws ...string) {
	if p.w == nil {
		p.w = make([]string, 0, 40)
	}
	p.w = append(p.w, ws...)
}

// contains reports whether the phrase already names s.
func (p *phrase) contains(s string) bool {
	last := s[strings.LastIndexByte(s, ' ')+1:]
	for _, w := range p.w {
		if strings.Contains(w, last) {
			return true
		}
	}
	return false
}
func (p *phrase) punct(s string) { p.w[len(p.w)-1] += s }
func (p *phrase) String() string { return strings.Join(p.w, " ") }

// artGen holds the state of one article being generated.
type artGen struct {
	lx          *lexicon
	r           rng
	open, close string // quotation marks
	apos        string // apostrophe
	date        time.Time
	cast        []person
	mentioned   []bool
	lastSpeaker int
	orgs        []string
	places      []string
	topic       [numCategories][]int
}

// lemma draws the forms of a content word: mostly by Zipf rank, sometimes
// one of the article's topic words, sometimes uniformly from the tail.
func (a *artGen) lemma(c category) []string {
	lemmas := a.lx.words[c]
	u := a.r.float()
	switch {
	case u < topicShare:
		return lemmas[a.topic[c][a.r.intn(len(a.topic[c]))]]
	case u < topicShare+uniformShare:
		return lemmas[a.r.intn(len(lemmas))]
	}
	return lemmas[zipfIndex(a.lx.cdf[c], a.r.float())]
}

func (a *artGen) noun(plural bool) string {
	if plural {
		return a.lemma(catNoun)[nounPl]
	}
	return a.lemma(catNoun)[nounSg]
}

func (a *artGen) verb(slot int) string { return a.lemma(catVerb)[slot] }
func (a *artGen) adj() string          { return a.lemma(catAdj)[0] }

func (a *artGen) maybeAdj(p *phrase, prob float64) {
	if a.r.chance(prob) {
		p.add(a.adj())
	}
}

// place returns a place, usually one of the article's own, avoiding one
// already named in p (which may be nil).
func (a *artGen) place(p *phrase) string {
	for try := 0; ; try++ {
		var pl string
		switch {
		case a.r.chance(0.12):
			pl = pick(&a.r, a.lx.places)
		case a.r.chance(0.35):
			pl = a.places[0]
		default:
			pl = pick(&a.r, a.places)
		}
		if p == nil || try == 3 || !p.contains(pl) {
			return pl
		}
	}
}

// org returns an organisation, usually one of the article's own.
func (a *artGen) org() string {
	if a.r.chance(0.15) {
		return pick(&a.r, a.lx.orgs)
	}
	return pick(&a.r, a.orgs)
}

func indefinite(w string) string {
	if w != "" && isVowel(w[0]) {
		return "an"
	}
	return "a"
}

// choose returns a random entry of a "|"-separated list without allocating.
func choose(r *rng, list string) string {
	for k := r.intn(strings.Count(list, "|") + 1); k > 0; k-- {
		list = list[strings.IndexByte(list, '|')+1:]
	}
	if i := strings.IndexByte(list, '|'); i >= 0 {
		return list[:i]
	}
	return list
}

// number renders a count the way news copy does: words below ten, digits
// with thousands separators above.
func (a *artGen) number() string {
	switch a.r.weighted(30, 35, 20, 15) {
	case 0:
		return choose(&a.r, "two|three|four|five|six|seven|eight|nine")
	case 1:
		return strconv.Itoa(a.r.between(10, 99))
	case 2:
		return strconv.Itoa(a.r.between(100, 999))
	}
	n := a.r.between(1, 99) * 100
	if a.r.chance(0.5) {
		n = a.r.between(1000, 99999)
	}
	return thousands(n)
}

// thousands formats n with comma separators.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func (a *artGen) percent() string {
	v := strconv.Itoa(a.r.between(1, 60)) + "." + strconv.Itoa(a.r.intn(10))
	if a.r.chance(0.3) {
		return v + "%"
	}
	return v + " percent"
}

func (a *artGen) money() string {
	cur := choose(&a.r, "$|$|€|£")
	if a.r.chance(0.3) {
		return cur + thousands(a.r.between(10, 990)*1000)
	}
	return cur + strconv.Itoa(a.r.between(1, 99)) + "." + strconv.Itoa(a.r.intn(10)) + " " + choose(&a.r, "million|million|billion")
}

// day returns a date up to back days before the article date.
func (a *artGen) day(back int) time.Time { return a.date.AddDate(0, 0, -a.r.intn(back+1)) }

func (a *artGen) timePhrase(p *phrase) {
	switch a.r.intn(8) {
	case 0:
		p.add("on", a.day(6).Weekday().String())
	case 1:
		p.add("last", choose(&a.r, "week|month|year"))
	case 2:
		p.add("in", a.day(200).Month().String())
	case 3:
		d := a.day(60)
		p.add("on", d.Month().String(), strconv.Itoa(d.Day()))
	case 4:
		p.add("since", strconv.Itoa(a.date.Year()-a.r.between(1, 15)))
	case 5:
		p.add("earlier", "this", choose(&a.r, "year|month|week"))
	case 6:
		p.add("in", strconv.Itoa(a.date.Year()-a.r.between(0, 8)))
	default:
		d := a.day(400)
		p.add("on", d.Month().String(), strconv.Itoa(d.Day())+",", strconv.Itoa(d.Year()))
	}
}

func (a *artGen) prepPhrase(p *phrase) {
	p.add(choose(&a.r, "of|in|for|with|on|at|from|over|under|against|through|during|without|across|into|toward|after|before"))
	a.nounPhrase(p, false)
}

// personRef names cast member i: in full on first mention, by surname after.
func (a *artGen) personRef(p *phrase, i int) {
	c := &a.cast[i]
	if a.mentioned[i] {
		p.add(c.last)
		return
	}
	a.mentioned[i] = true
	if c.title != "" {
		p.add(c.title)
	}
	p.add(c.first, c.last)
}

// introduce names cast member i with role and organisation on first mention.
func (a *artGen) introduce(i int) string {
	c := &a.cast[i]
	if a.mentioned[i] {
		if c.title != "" && a.r.chance(0.3) {
			return c.title + " " + c.last
		}
		return c.last
	}
	a.mentioned[i] = true
	name := c.first + " " + c.last
	if c.title != "" {
		name = c.title + " " + name
	}
	if a.r.chance(0.25) {
		return name + ", the " + c.role + " of " + c.org
	}
	return name + ", " + indefinite(c.role) + " " + c.role + " at " + c.org
}

// possessive returns owner's, or owner' for names ending in s.
func (a *artGen) possessive(owner string) string {
	if strings.HasSuffix(owner, "s") {
		return owner + a.apos
	}
	return owner + a.apos + "s"
}

// sentenceCase capitalises s; a sentence never starts with digits in news
// copy, so those get "Some" in front.
func sentenceCase(s string) string {
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		return "Some " + s
	}
	return capitalize(s)
}

func (a *artGen) pronoun(i int) string {
	if a.cast[i].she {
		return "she"
	}
	return "he"
}

// nounPhrase appends a noun phrase and reports whether it is plural.
// Subjects may refer to people.
func (a *artGen) nounPhrase(p *phrase, subject bool) bool {
	switch a.r.weighted(22, 12, 10, 12, 10, 5, 8, 5, 6, 6, 4) {
	case 0:
		p.add("the")
		a.maybeAdj(p, 0.4)
		p.add(a.noun(false))
	case 1:
		p.add("the")
		a.maybeAdj(p, 0.35)
		p.add(a.noun(true))
		return true
	case 2:
		w := a.noun(false)
		if a.r.chance(0.45) {
			adj := a.adj()
			p.add(indefinite(adj), adj, w)
		} else {
			p.add(indefinite(w), w)
		}
	case 3:
		a.maybeAdj(p, 0.55)
		p.add(a.noun(true))
		return true
	case 4:
		p.add("the", a.noun(false), "of", "the")
		a.maybeAdj(p, 0.3)
		p.add(a.noun(a.r.chance(0.4)))
	case 5:
		p.add(a.org())
	case 6:
		if subject {
			a.personRef(p, a.r.intn(len(a.cast)))
		} else {
			p.add("the", a.noun(false), "in", a.place(p))
		}
	case 7:
		p.add(a.number())
		a.maybeAdj(p, 0.3)
		p.add(a.noun(true))
		return true
	case 8:
		p.add(choose(&a.r, "its|their|this|that|every"), a.noun(false))
	case 9:
		p.add("the", a.noun(false))
		pl := a.r.chance(0.3)
		p.add(a.noun(pl))
		return pl
	default:
		owner := a.org()
		if a.r.chance(0.4) {
			owner = a.cast[a.r.intn(len(a.cast))].last
		}
		p.add(a.possessive(owner), a.noun(false))
	}
	return false
}

// verbPhrase appends a predicate agreeing with a plural or singular subject.
func (a *artGen) verbPhrase(p *phrase, plural bool, depth int) {
	k := a.r.weighted(24, 12, 12, 8, 10, 10, 8, 6)
	if k == 6 && depth > 0 {
		k = 0
	}
	switch k {
	case 0:
		p.add(a.verb(verbPast))
		a.nounPhrase(p, false)
	case 1:
		p.add(pickNum(plural, "has", "have"), a.verb(verbPast))
		a.nounPhrase(p, false)
	case 2:
		p.add(choose(&a.r, "will|would|could|may|might|should"), a.verb(verbBase))
		a.nounPhrase(p, false)
	case 3:
		p.add(pickNum(plural, "is", "are"), a.verb(verbIng))
		a.nounPhrase(p, false)
	case 4:
		p.add(pickNum(plural, "was", "were"), a.verb(verbPast))
		if a.r.chance(0.5) {
			p.add("by")
			a.nounPhrase(p, false)
		}
	case 5:
		forms := a.lemma(catVerb)
		p.add(pickNum(plural, forms[verb3s], forms[verbBase]))
		a.nounPhrase(p, false)
	case 6:
		p.add(choose(&a.r, "said|warned|argued|noted|"+a.verb(verbPast)), "that")
		a.clause(p, depth+1)
		return
	default:
		p.add(a.verb(verbPast), "to", a.verb(verbBase))
		a.nounPhrase(p, false)
	}
	if a.r.chance(0.55) {
		a.prepPhrase(p)
		if a.r.chance(0.25) {
			a.prepPhrase(p)
		}
	}
	if a.r.chance(0.2) {
		a.timePhrase(p)
	}
}

func pickNum(plural bool, one, many string) string {
	if plural {
		return many
	}
	return one
}

func (a *artGen) clause(p *phrase, depth int) {
	a.verbPhrase(p, a.nounPhrase(p, true), depth)
}

const conjunctions = "while|after|as|because|although|but|and|even as|before"

// narrative returns a plain reporting sentence.
func (a *artGen) narrative() sentence {
	var p phrase
	var facts []fact
	switch a.r.weighted(33, 9, 10, 7, 8, 6, 9, 8) {
	case 0:
		a.clause(&p, 0)
		if a.r.chance(0.4) {
			p.punct(",")
			p.add(choose(&a.r, conjunctions))
			a.clause(&p, 1)
		}
	case 1:
		place := a.place(nil)
		p.add("In", place+",")
		a.clause(&p, 0)
		facts = append(facts, fact{kind: factPlace, place: place})
	case 2:
		a.clause(&p, 1)
		place := a.place(&p)
		p.add("in", place)
		if a.r.chance(0.4) {
			a.timePhrase(&p)
		}
		facts = append(facts, fact{kind: factPlace, place: place})
	case 3:
		return a.countSentence()
	case 4:
		p.add("According", "to", a.org()+",")
		a.clause(&p, 0)
	case 5:
		p.add("the")
		a.maybeAdj(&p, 0.3)
		p.add(a.noun(false), "of", "the", a.noun(a.r.chance(0.4)))
		p.add(choose(&a.r, "rose|fell|grew|dropped|climbed|slipped"), "by", a.percent())
		if a.r.chance(0.6) {
			p.add("to", a.money())
		}
		if a.r.chance(0.5) {
			a.timePhrase(&p)
		}
	case 6:
		return a.reported(a.speaker())
	default:
		p.add(choose(&a.r, "After|Before|While|Since"), "the")
		a.maybeAdj(&p, 0.3)
		p.add(a.noun(false), a.verb(verbPast))
		a.nounPhrase(&p, false)
		p.punct(",")
		a.clause(&p, 1)
	}
	p.punct(".")
	return sentence{text: sentenceCase(p.String()), facts: facts}
}

// countSentence states how many of something were affected.
func (a *artGen) countSentence() sentence {
	var p phrase
	num, noun, verb := a.number(), a.noun(true), a.verb(verbPast)
	switch a.r.intn(4) {
	case 0:
		p.add("At", "least", num)
	case 1:
		p.add(a.org(), "said", num)
	case 2:
		p.add("More", "than", num)
	default:
		if num[0] >= 'a' {
			p.add("At", "least", num)
		} else {
			p.add("Some", num)
		}
	}
	p.add(noun, "were", verb)
	facts := []fact{{kind: factCount, number: num, noun: noun, verb: verb}}
	switch a.r.intn(3) {
	case 0:
		place := a.place(&p)
		p.add("in", place)
		facts = append(facts, fact{kind: factPlace, place: place})
	case 1:
		a.prepPhrase(&p)
	}
	if a.r.chance(0.4) {
		a.timePhrase(&p)
	}
	p.punct(".")
	return sentence{text: capitalize(p.String()), facts: facts}
}

// speaker picks the cast member who speaks next, often the previous one.
func (a *artGen) speaker() int {
	if a.lastSpeaker >= 0 && a.r.chance(0.4) {
		return a.lastSpeaker
	}
	return a.r.intn(len(a.cast))
}

// said returns a clause suitable as something someone said.
func (a *artGen) said() string {
	var q phrase
	a.clause(&q, 0)
	if a.r.chance(0.25) {
		q.punct(",")
		q.add(choose(&a.r, conjunctions))
		a.clause(&q, 1)
	}
	return q.String()
}

// reported returns reported speech: "<Name> said (that) <clause>."
func (a *artGen) reported(i int) sentence {
	var p phrase
	a.personRef(&p, i)
	p.add(choose(&a.r, "said|said|told reporters|warned|noted|argued"))
	if a.r.chance(0.5) {
		p.add("that")
	}
	q := a.said()
	p.add(q)
	p.punct(".")
	a.lastSpeaker = i
	return sentence{text: capitalize(p.String()), facts: []fact{{kind: factQuote, speaker: i, named: true, quote: q}}}
}

// quotation returns a direct quotation of cast member i with an attribution.
func (a *artGen) quotation(i int) sentence {
	said := a.said()
	q := sentenceCase(said)
	o, c := a.open, a.close
	named := true
	var text string
	k := a.r.weighted(30, 20, 12, 14, 12, 8)
	if k == 2 && (!a.mentioned[i] || a.lastSpeaker != i) {
		k = 0
	}
	switch k {
	case 0:
		text = o + q + "," + c + " said " + a.introduce(i) + "."
	case 1:
		ref := a.cast[i].last
		if !a.mentioned[i] {
			a.mentioned[i] = true
			ref = a.cast[i].first + " " + ref
		}
		text = o + q + "," + c + " " + ref + " said."
	case 2:
		text = o + q + "," + c + " " + a.pronoun(i) + " " + choose(&a.r, "added|said|continued") + "."
		named = false
	case 3:
		text = a.introduce(i)
		if strings.Contains(text, ",") {
			text += ","
		}
		text = capitalize(text) + " said: " + o + q + "." + c
	case 4:
		text = o + q + "," + c + " said " + a.introduce(i) + ". " + o + sentenceCase(a.said()) + "." + c
	default:
		ref := a.cast[i].last
		if !a.mentioned[i] {
			a.mentioned[i] = true
			ref = a.cast[i].first + " " + ref
		}
		text = "According to " + ref + ", " + said + "."
	}
	a.lastSpeaker = i
	return sentence{text: text, facts: []fact{{kind: factQuote, speaker: i, named: named, quote: said}}}
}

// titleCase capitalises every word except short function words after the first.
func (a *artGen) titleCase(words []string) string {
	for i, w := range words {
		small := false
		for _, s := range a.lx.smallTitle {
			small = small || s == w
		}
		if i == 0 || !small {
			words[i] = capitalize(w)
		}
	}
	return strings.Join(words, " ")
}

// headline returns a title-case headline of 5-12 words.
func (a *artGen) headline() string {
	for try := 0; ; try++ {
		var p phrase
		switch a.r.intn(6) {
		case 0:
			p.add(a.org(), a.verb(verb3s))
			a.maybeAdj(&p, 0.5)
			p.add(a.noun(a.r.chance(0.5)))
		case 1:
			p.add(a.places[0], a.noun(true), a.verb(verbBase))
			a.nounPhrase(&p, false)
		case 2:
			p.add(a.adj(), a.noun(true), a.verb(verbBase), a.noun(false), a.noun(true))
		case 3:
			p.add(a.noun(false), a.noun(false)+":", a.cast[0].last, a.verb(verb3s), "the", a.adj(), a.noun(false))
		case 4:
			p.add("how", "the", a.noun(false), "of", a.places[0], a.verb(verbPast), "the", a.noun(true))
		default:
			p.add(a.noun(true), a.verb(verbBase), a.adj(), a.noun(false))
		}
		switch a.r.intn(4) {
		case 0:
			p.add("in", a.places[0])
		case 1:
			p.add(choose(&a.r, "amid|after|over"), a.adj(), a.noun(true))
		}
		words := strings.Fields(p.String())
		if len(words) >= 5 && len(words) <= 12 || try > 20 {
			if len(words) > 12 {
				words = words[:12]
			}
			h := a.titleCase(words)
			if a.r.chance(0.03) {
				h = "REPORT: " + h
			}
			return h
		}
	}
}

// heading returns a 3-7 word section heading without final period.
func (a *artGen) heading() string {
	for {
		var p phrase
		switch a.r.intn(6) {
		case 0:
			p.add("the", a.adj(), a.noun(false), "of", a.place(nil))
		case 1:
			p.add("what", "the", a.noun(false), "means", "for", a.noun(true))
		case 2:
			p.add(a.adj(), a.noun(true), "and", "the", a.noun(false))
		case 3:
			p.add("a", a.noun(false), a.noun(false), "in", a.place(nil))
		case 4:
			p.add("why", a.noun(true), a.verb(verbBase), a.noun(true))
		default:
			p.add(a.noun(true), a.verb(verbIng), "the", a.noun(false))
		}
		words := strings.Fields(p.String())
		if len(words) >= 3 && len(words) <= 7 {
			if a.r.chance(0.3) {
				return capitalize(strings.Join(words, " "))
			}
			return a.titleCase(words)
		}
	}
}

// listItem returns one bullet list entry of at least four words.
func (a *artGen) listItem() string {
	for {
		var p phrase
		switch a.r.intn(3) {
		case 0:
			a.nounPhrase(&p, false)
			if a.r.chance(0.5) {
				p.add("in", a.place(&p))
			} else {
				a.prepPhrase(&p)
			}
		case 1:
			a.clause(&p, 1)
			p.punct(".")
		default:
			adj := a.adj()
			p.add(indefinite(adj), adj, a.noun(false), choose(&a.r, "targeting|involving|affecting"))
			a.nounPhrase(&p, false)
			p.punct(".")
		}
		if len(p.w) >= 4 {
			return sentenceCase(p.String())
		}
	}
}

// caption returns a photo caption ending with a credit.
func (a *artGen) caption() string {
	var p phrase
	p.add(a.noun(true))
	a.verbPhrase(&p, true, 1)
	d := a.day(10)
	p.add("in", a.place(nil), "on", d.Month().String(), strconv.Itoa(d.Day())+",", strconv.Itoa(d.Year())+".")
	credit := pick(&a.r, a.lx.firsts) + " " + pick(&a.r, a.lx.lasts) + "/" + pick(&a.r, a.lx.agencies)
	return capitalize(p.String()) + " (Photo: " + credit + ")"
}
