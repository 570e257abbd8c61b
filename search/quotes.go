package search

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quotation attribution, without a model: find the quotation marks, then
// the nearest reporting verb outside them (in the same sentence, or in the
// sentence just before) and its subject, the way textacy's
// direct_quotations and Quootstrap's patterns do. Pronouns and bare
// surnames are resolved against the people the article has named so far.

// reportingVerbs are the inflected forms that introduce or close a
// quotation.
var reportingVerbs = toSet(`said says say saying told tells tell telling added adds adding warned warns warning
insisted insists insisting concluded concludes concluding noted notes noting wrote writes writing explained
explains explaining argued argues arguing claimed claims claiming stated declared declares declaring announced
announces acknowledged acknowledges admitted admits asserted asserts cautioned cautions commented comments
confirmed confirms contended contends denied denies described describes describing emphasized emphasised
emphasizes emphasises observed observes predicted predicts recalled recalls remarked remarks replied replies
reported reports responded responds revealed reveals stressed stresses suggested suggests tweeted tweets urged
urges urging vowed vows asked asks complained complains conceded concedes continued continues alleged alleges
called calls calling labeled labelled labels labeling labelling dubbed dubs termed terms quipped exclaimed
testified testifies posted posts cited cites quoted quotes recounted recounts countered counters charged
charges agreed agrees pointed points joked jokes mused muses shouted yelled whispered lamented laments
predicted acknowledging recalling stressing adding maintained maintains reiterated reiterates promised promises
boasted boasts conceded admitted declared wondered wonders demanded demands summed sums put accused accuses
accusing criticized criticised criticizes criticises dismissed dismisses rejected rejects condemned condemns
praised praises hailed hails slammed slams blasted blasts branded brands welcomed welcomes`)

// namingVerbs name a thing rather than report speech when a common noun
// stands before them: "a group called “Vory v Zakone”".
var namingVerbs = toSet(`called calls calling labeled labelled labels dubbed dubs termed terms named known`)

// speakerNouns can head a speaker phrase that names no one: "an anonymous
// French intelligence source", "American officials", "the ministry".
var speakerNouns = toSet(`source sources official officials spokesperson spokesman spokeswoman spokespeople spokesmen
analyst analysts expert experts police prosecutor prosecutors investigator investigators authorities authority
government ministry department embassy agency office court company report statement study survey document
documents memo letter filing lawsuit indictment complaint witness witnesses resident residents observer observers
critic critics activist activists lawmaker lawmakers diplomat diplomats officer officers aide aides adviser advisers
advisor advisors insider insiders person people researcher researchers scientist scientists doctor doctors
campaigners campaigner group organization organisation administration commission committee council regime
kremlin white house minister ministers president secretary director chief head ambassador envoy commissioner
chairman chairwoman chair ceo founder editor correspondent reporter professor scholar economist economists
lawyer lawyers attorney attorneys judge mayor governor senator congressman congresswoman lawmaker leader leaders
commander general colonel officer agent agents inspector detective chancellor premier campaigners executive
executives manager spokesperson union unions firm military army navy intelligence regulator regulators
statement communique release petition post blog newspaper paper magazine journal outlet network broadcaster
daily website channel website tribunal panel board institute university hospital family families relatives
neighbors neighbours friend friends colleague colleagues teammates coach player players captain owner
historian author writer columnist consultant strategist pollster fellow dean student students teacher teachers
union protesters protesters demonstrators organizers organisers spokespersons staff worker workers employees
employee veteran veterans survivor survivors victim victims mother father son daughter wife husband brother sister`)

// roleNouns end the role part of "Swedish Interior Minister Lena
// Hallengren": the name is what follows the last of them.
var roleNouns = toSet(`minister president vice secretary spokesperson spokesman spokeswoman advisor adviser director
chief head official ambassador envoy commissioner chairman chairwoman chair ceo cfo coo cto founder cofounder
co-founder editor correspondent reporter analyst expert professor lecturer researcher scholar scientist economist
lawyer attorney prosecutor judge justice mayor governor senator congressman congresswoman representative lawmaker
legislator mp leader commander general colonel major captain lieutenant sergeant admiral officer agent inspector
detective chancellor premier king queen prince princess pope bishop archbishop rabbi imam cleric activist
campaigner organizer organiser coordinator manager executive partner deputy undersecretary diplomat witness
doctor physician nurse surgeon teacher coach player striker goalkeeper midfielder defender owner chairperson
superintendent sheriff auditor regulator investigator historian author writer columnist consultant strategist
pollster fellow dean rector provost principal trustee treasurer chief-executive spokesmodel host presenter anchor
producer director-general secretary-general attorney-general prosecutor-general governor-general commissar
marshal brigadier commodore constable superintendent warden curator architect engineer physicist biologist
chemist epidemiologist virologist psychologist psychiatrist sociologist criminologist ecologist climatologist
meteorologist astronomer geologist mathematician statistician programmer developer designer entrepreneur
investor banker trader broker accountant pastor priest monk nun rabbi mufti ayatollah sheikh emir sultan
tsar czar mp mep mla councillor councilor councilman councilwoman councilmember assemblyman assemblywoman
selectman selectwoman alderwoman supervisor alderman delegate envoy attaché attache consul ambassador-designate`)

// titleAbbrevs are honorifics and ranks written before a name.
var titleAbbrevs = toSet(`mr. mrs. ms. mx. dr. prof. gen. lt. col. capt. cpt. sgt. maj. adm. sen. rep. gov. pres.
amb. rev. fr. sir dame lord lady supt. insp. det. cpl. pvt. brig. cmdr. msgr. hon. mr mrs ms dr prof father
sister brother reverend`)

// orgWords mark a capitalised phrase as an organisation, a publication
// or a place rather than a person.
var orgWords = toSet(`department ministry office agency service services council committee commission court police
force forces army navy group party union bank fund company corporation corp inc ltd llc plc university
college institute school foundation association society center centre journal times post news tribune herald
guardian gazette press wire house senate congress parliament assembly government republic kingdom state states
nations international organization organisation federation alliance coalition network church embassy consulate
authority administration bureau unit squad team club league airport airlines airways street city county province
region valley island islands sea ocean river mountains square hospital museum library prison security
intelligence defense defence justice treasury interior affairs operations brigade battalion regiment guard guards
command telegram twitter facebook america europe africa asia arabia korea emirates zealand kong rica lanka leone
east west north south middle latin eastern western northern southern central gulf caribbean kremlin pentagon
monday tuesday wednesday thursday friday saturday sunday january february march april june july august september
october november december channel radio television tv magazine daily weekly review reuters bloomberg euronews
parliamentary ministerial federal national royal supreme high general islamic catholic christian jewish muslim
commonwealth confederation empire caliphate province district territory land lands airport station bridge
hotel stadium park palace tower hall building plaza market exchange stock index program programme project
mission operation campaign summit conference forum festival prize award award act law bill treaty accord
agreement convention protocol initiative plan strategy committee board panel tribunal directorate secretariat
inspectorate observatory laboratory lab labs systems technologies technology energy oil gas motors media
publishing books records studios entertainment pictures foods pharmaceuticals health healthcare insurance
capital partners holdings ventures solutions trust trustees supporters fans federation cooperative
co-op guild syndicate consortium charity clinic council rovers united athletic wanderers rangers fc albion
villa dynamo sporting`)

// personPronouns and groupPronouns are resolved against earlier speakers.
var (
	personPronouns = toSet(`he she`)
	groupPronouns  = toSet(`they we it`)
	possPronouns   = toSet(`his her their its`)
	determiners    = toSet(`a an the this that these those one another some several two three four many`)
	relativeWords  = toSet(`who which whose that whom`)
	// intro words open a sentence with a phrase before its subject.
	introWords = toSet(`in at on after before since during while when although though as according however
meanwhile earlier later last judging following despite with without for from by under over amid if because
once then yet still speaking asked writing addressing responding two three several days weeks months years
on friday`)
	// npStops end a speaker phrase read forwards.
	npStops = toSet(`who which whose that whom in on at during after before when while as to according adding
noting citing telling told said says and but or because although though if since until with without into
than about over under after earlier later yesterday today tonight last this next on tuesday`)
)

// An entity is a person or organisation the article has named.
type entity struct {
	name   string // as first named in full: "Colin Clarke"
	title  string // "Gen."
	role   string
	person bool
	plural bool
}

// discourse is what the attribution rules remember while reading an
// article: who has been named, and who "he" or "they" most likely is.
type discourse struct {
	entities  []*entity
	byName    map[string]*entity   // lower-case name -> entity
	byPart    map[string][]*entity // lower-case first or last word of a person's full name
	focus     *entity              // the person "he" or "she" refers to
	group     *entity              // the organisation or group "they" or "it" refers to
	lastQuote *entity              // the speaker of the previous quotation
}

// quoteSpan is a quotation in a block: the marks at open and close
// (close is just past the closing mark, or the block's end when the
// quotation runs on), and the quoted words in [start, end).
type quoteSpan struct {
	open, start, end, close int
	closed                  bool
}

// findQuoteSpans pairs the quotation marks of a block: typographic double
// quotes, straight double quotes, guillemets, and single quotes in a block
// that uses no double quotes.
func findQuoteSpans(text string) []quoteSpan {
	var out []quoteSpan
	inside := false
	var cur quoteSpan
	hasDouble := strings.ContainsAny(text, "“”\"«»„")
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		prev, _ := utf8.DecodeLastRuneInString(text[:i])
		next, _ := utf8.DecodeRuneInString(text[i+size:])
		atStart := i == 0 || prev == ' ' || prev == '\n' || prev == '(' || prev == '[' || prev == '—' || prev == '–' || prev == '“' || prev == '"'
		opens, closes := false, false
		switch r {
		case '“', '„', '«':
			opens = !inside
		case '”', '»':
			closes = inside
		case '"':
			if inside {
				closes = true
			} else {
				opens = next != ' ' && next != '\n' && next != utf8.RuneError
			}
		case '‘':
			opens = !hasDouble && !inside && atStart
		case '’', '\'':
			if !hasDouble {
				if inside {
					closes = !isWordRune(next) && prev != ' '
				} else if r == '\'' {
					opens = atStart && isWordRune(next)
				}
			}
		}
		switch {
		case opens:
			inside = true
			cur = quoteSpan{open: i, start: i + size}
		case closes:
			inside = false
			cur.end, cur.close, cur.closed = i, i+size, true
			if strings.ContainsFunc(text[cur.start:cur.end], unicode.IsLetter) {
				out = append(out, cur)
			}
		}
		i += size
	}
	if inside {
		cur.end, cur.close = len(text), len(text)
		if strings.ContainsFunc(text[cur.start:cur.end], unicode.IsLetter) && wordCount(text[cur.start:cur.end]) >= 3 {
			out = append(out, cur)
		}
	}
	return out
}

// trimQuoteText trims the span of quoted words of spaces and of a comma
// that belongs to the attribution ("Q," he said).
func trimQuoteText(text string, q quoteSpan) (int, int) {
	s, e := q.start, q.end
	for s < e && (text[s] == ' ' || text[s] == '\n') {
		s++
	}
	for e > s && (text[e-1] == ' ' || text[e-1] == '\n' || text[e-1] == ',') {
		e--
	}
	return s, e
}

// attributeQuotes finds the quotations of each block and their speakers.
// The result holds, for each block, its quotations with byte offsets in
// the block's text.
func attributeQuotes(blocks []cblock) [][]Quote {
	d := &discourse{byName: map[string]*entity{}, byPart: map[string][]*entity{}}
	out := make([][]Quote, len(blocks))
	// What the previous block leaves for a quotation that opens the next
	// one without an attribution: the speaker of the quotation it ended
	// with (a quotation running on over several paragraphs, or continued
	// in the next), or the person it introduced (a paragraph presenting
	// someone, then their words).
	var prevEnd, prevTopic *entity
	// Quotations left open at the end of their paragraph without a
	// speaker: when the paragraph that continues them names one, it is
	// theirs too ("People talk ... [no closing mark]" / "If we sell
	// somebody ...," he said.).
	var runOn []*Quote
	for bi, b := range blocks {
		text := b.text
		spans := findQuoteSpans(text)
		sents := splitSentences(text)
		lex := lexRange(text, 0, len(text))
		var prevSpeaker *entity // speaker of the previous quotation in this block
		var topic *entity
		var lastEnt *entity
		qi := 0
		for si, s := range sents {
			slex := sliceLex(lex, s.Start, s.End)
			mentions := d.mentions(text, slex, spans)
			if si == 0 {
				for _, m := range mentions {
					if m.subject && m.ent.person {
						topic = m.ent
					}
				}
			}
			for ; qi < len(spans) && spans[qi].open < s.End; qi++ {
				q := spans[qi]
				start, end := trimQuoteText(text, q)
				quote := Quote{Start: start, End: end, Text: text[start:end]}
				ent, role, ok := d.attribute(text, lex, sents, si, spans, qi, mentions)
				switch {
				case isTermQuote(text, lex, q):
					// "the so-called “reverse keyword” warrant": a term,
					// not anyone's words.
					ent, ok = nil, false
				case ok:
				case prevSpeaker != nil && onlyQuotesBetween(text, spans, qi):
					ent, ok = prevSpeaker, true
				case q.open == 0 && prevEnd != nil:
					ent, ok = prevEnd, true
				case q.open == 0 && prevTopic != nil:
					ent, ok = prevTopic, true
				default:
					ent, ok = d.fromPreviousSentence(text, lex, sents, spans, si, bi, blocks, q)
				}
				if ok && ent != nil {
					quote.Speaker, quote.Title = ent.name, ent.title
					quote.Role = role
					if quote.Role == "" {
						quote.Role = ent.role
					}
					prevSpeaker = ent
					d.noteSpeaker(ent)
				} else {
					prevSpeaker = nil
				}
				lastEnt = prevSpeaker
				out[bi] = append(out[bi], quote)
			}
			d.updateFocus(text, slex, spans, mentions)
			// Reported speech without quotation marks still says who is
			// talking: "A former chemist ..., said staff had raised concerns."
			if !hasQuote(spans, s) {
				if ent, _, ok := d.preposed(slex, mentions, false); ok && ent != nil && ent.person {
					d.noteSpeaker(ent)
				}
			}
		}
		// Settle the run-on quotations of the paragraphs before.
		continuing := len(runOn) > 0 && len(spans) > 0 && spans[0].open == 0
		if continuing && out[bi][0].Speaker != "" {
			first := out[bi][0]
			for _, q := range runOn {
				q.Speaker, q.Title, q.Role = first.Speaker, first.Title, first.Role
			}
		}
		if !continuing || out[bi][0].Speaker != "" {
			runOn = nil
		}
		if n := len(spans); n > 0 && !spans[n-1].closed && out[bi][n-1].Speaker == "" {
			if n > 1 {
				runOn = nil // a new quotation opened in this paragraph
			}
			runOn = append(runOn, &out[bi][n-1])
		} else {
			runOn = nil
		}
		prevEnd, prevTopic = nil, nil
		if n := len(spans); n > 0 {
			if wordCount(text[spans[n-1].close:]) <= 12 {
				prevEnd = lastEnt
			}
		} else {
			prevTopic = topic
		}
	}
	canonicalSpeakers(d, out)
	return out
}

// canonicalSpeakers gives every quotation of a person the fullest name the
// article uses for them: "Putin" becomes "Vladimir Putin" when the article
// names him in full after first calling him "President Putin".
func canonicalSpeakers(d *discourse, out [][]Quote) {
	for bi := range out {
		for qi := range out[bi] {
			q := &out[bi][qi]
			if q.Speaker == "" || strings.Contains(q.Speaker, " ") {
				continue
			}
			if e := d.personByPart(q.Speaker, true); e != nil {
				q.Speaker = e.name
				if q.Role == "" {
					q.Role = e.role
				}
				if q.Title == "" {
					q.Title = e.title
				}
			}
		}
	}
}

// hasQuote reports whether a quotation opens in sentence s.
func hasQuote(spans []quoteSpan, s span) bool {
	for _, q := range spans {
		if q.open >= s.Start && q.open < s.End {
			return true
		}
	}
	return false
}

// isTermQuote reports whether quotation marks set off a term rather than
// someone's words: after "so-called", or one or two words used as a
// modifier of the noun that follows them.
func isTermQuote(text string, lex []lexeme, q quoteSpan) bool {
	var before, after *lexeme
	k := sort.Search(len(lex), func(k int) bool { return lex[k].End > q.open })
	for i := k - 1; i >= 0; i-- {
		if lex[i].Word {
			before = &lex[i]
			break
		}
	}
	if a := sort.Search(len(lex), func(k int) bool { return lex[k].Start >= q.close }); a < len(lex) {
		after = &lex[a]
	}
	if before != nil && (before.Low == "so-called" || before.Low == "dubbed" || before.Low == "nicknamed") {
		return true
	}
	inner := strings.TrimSpace(text[q.start:q.end])
	if inner == "" || strings.ContainsAny(inner[len(inner)-1:], ",.;:!?") {
		return false // “evaluable,” meaning ...: the comma closes a clause
	}
	return q.closed && wordCount(inner) <= 2 && after != nil && after.Word && !after.Cap &&
		strings.TrimSpace(text[q.close:after.Start]) == "" &&
		!reportingVerbs[after.Low] && !stopWords[after.Low] && !adverbs[after.Low]
}

// onlyQuotesBetween reports whether nothing but the previous quotation's
// attribution (one sentence at most) separates quotation qi from the one
// before it in the block: “Q1,” said X, a role. “Q2.”
func onlyQuotesBetween(text string, spans []quoteSpan, qi int) bool {
	if qi == 0 {
		return false
	}
	between := strings.TrimSpace(text[spans[qi-1].close:spans[qi].open])
	return wordCount(between) <= 30 && len(splitSentences(between)) <= 1
}

// sliceLex returns the lexemes that lie within [start, end). Lexemes are
// in text order, so it searches.
func sliceLex(lex []lexeme, start, end int) []lexeme {
	i := sort.Search(len(lex), func(k int) bool { return lex[k].Start >= start })
	j := i + sort.Search(len(lex)-i, func(k int) bool { return lex[i+k].End > end })
	return lex[i:j]
}

// insideSpans reports whether offset off lies within a quotation,
// marks included. Spans are in text order and do not overlap.
func insideSpans(spans []quoteSpan, off int) bool {
	k := sort.Search(len(spans), func(k int) bool { return spans[k].close > off })
	return k < len(spans) && off >= spans[k].open
}

// attribute looks for the speaker of quotation qi in its own sentence:
// after it (“Q,” said X / “Q,” X said / “Q” ..., X told Y), or before it
// (X said: “Q” / according to X / X called it “Q”).
func (d *discourse) attribute(text string, lex []lexeme, sents []span, si int, spans []quoteSpan, qi int, mentions []mention) (*entity, string, bool) {
	q := spans[qi]
	// The sentence that holds the closing mark bounds what follows.
	endSent := si
	for endSent+1 < len(sents) && sents[endSent].End < q.close {
		endSent++
	}
	afterEnd := sents[endSent].End
	if qi+1 < len(spans) && spans[qi+1].open < afterEnd {
		afterEnd = spans[qi+1].open
	}
	beforeStart := sents[si].Start
	if qi > 0 && spans[qi-1].close > beforeStart {
		beforeStart = spans[qi-1].close
	}
	after := sliceLex(lex, q.close, afterEnd)
	before := sliceLex(lex, beforeStart, q.open)

	// A verb that governs the quotation directly wins ("which he called
	// “Q” – writes Euronews": he said it, Euronews reports it).
	if ent, role, ok := d.preposed(before, mentions, true); ok {
		return ent, role, true
	}
	if ent, role, ok := d.postposed(after, mentions); ok {
		return ent, role, true
	}
	if ent, role, ok := d.preposed(before, mentions, false); ok {
		return ent, role, true
	}
	if ent, role, ok := d.sentenceFinal(after, mentions); ok {
		return ent, role, true
	}
	// “... why not?” Alemayehu told reporters: a quotation that ends with
	// its own question or exclamation mark is followed by its attribution
	// in what looks like a new sentence.
	if wordCount(text[q.close:sents[endSent].End]) == 0 && endSent+1 < len(sents) && (qi+1 >= len(spans) || spans[qi+1].open >= sents[endSent+1].Start) {
		next := sliceLex(lex, sents[endSent+1].Start, sents[endSent+1].End)
		if qi+1 < len(spans) && spans[qi+1].open < sents[endSent+1].End {
			next = sliceLex(lex, sents[endSent+1].Start, spans[qi+1].open)
		}
		if ent, role, ok := d.postposed(next, mentions); ok {
			return ent, role, true
		}
	}
	return nil, "", false
}

// postposed reads an attribution that follows the quotation directly:
// “Q,” said X / “Q,” X said / “Q,” notes a report by X.
func (d *discourse) postposed(after []lexeme, mentions []mention) (*entity, string, bool) {
	i := 0
	for i < len(after) && !after[i].Word && (after[i].Text == "," || after[i].Text == "—" || after[i].Text == "–" || after[i].Text == "--" || after[i].Text == "-") {
		i++
	}
	if i >= len(after) || !after[i].Word {
		return nil, "", false
	}
	// said X
	if isReportingVerb(after, i) {
		j := i + 1
		if j < len(after) && (after[j].Low == "out") { // pointed out
			j++
		}
		return d.forwardSpeaker(after, j, mentions, false)
	}
	// X said: the speaker phrase must reach a reporting verb within a few
	// words, crossing appositives and relative clauses between commas.
	limit := i + 14
	for j := i; j < len(after) && j < limit; j++ {
		if after[j].is(",") {
			limit = min(i+40, limit+12)
		}
		if isReportingVerb(after, j) {
			if ent, role, ok := d.backwardSpeaker(after, i, j, mentions); ok {
				return ent, role, true
			}
			return nil, "", false
		}
		l := after[j]
		if !l.Word && l.Text != "," && l.Text != "." {
			return nil, "", false
		}
		if !l.Word && l.Text == "." && !(j > 0 && after[j-1].Word) {
			return nil, "", false
		}
		if l.Word && !l.Cap && !speakerishWord(l.Low) && !possPronouns[l.Low] && !personPronouns[l.Low] && !groupPronouns[l.Low] && !adverbs[l.Low] && !auxiliaries[l.Low] && !(nameJoiners[l.Low] && j+1 < len(after) && after[j+1].Cap) && j == i {
			return nil, "", false
		}
	}
	return nil, "", false
}

// sentenceFinal reads an attribution at the end of the quotation's
// sentence, after other words: “Q,” meaning ..., American officials told
// The Wall Street Journal.
func (d *discourse) sentenceFinal(after []lexeme, mentions []mention) (*entity, string, bool) {
	// The last clause: after the last comma or dash.
	k := -1
	for j := len(after) - 1; j >= 0; j-- {
		if !after[j].Word && (after[j].Text == "," || after[j].Text == "—" || after[j].Text == "–" || after[j].Text == ";") {
			k = j
			break
		}
	}
	if k < 0 {
		return nil, "", false
	}
	clause := after[k+1:]
	if ent, role, ok := d.postposed(clause, mentions); ok {
		return ent, role, true
	}
	return nil, "", false
}

// preposed reads an attribution before the quotation in its sentence:
// according to X, ... “Q” / X said: “Q” / X warned allies to “Q” /
// which he called “Q”.
//
// With direct set, only a verb that governs the quotation counts: at most
// ten words before it, with no clause break in between.
func (d *discourse) preposed(before []lexeme, mentions []mention, direct bool) (*entity, string, bool) {
	if !direct {
		// "according to X" anywhere before the quotation.
		for j := 0; j+2 < len(before); j++ {
			if before[j].Low == "according" && before[j+1].Low == "to" {
				if ent, role, ok := d.forwardSpeaker(before, j+2, mentions, true); ok {
					return ent, role, true
				}
			}
		}
	}
	// The last reporting verb before the quotation, and its subject.
	for j := len(before) - 1; j >= 0; j-- {
		if direct && !governs(before, j) {
			return nil, "", false
		}
		if !isReportingVerb(before, j) {
			continue
		}
		if namingVerbs[before[j].Low] && j+1 == len(before) && j > 0 && before[j-1].Word && !before[j-1].Cap && !personPronouns[before[j-1].Low] && !groupPronouns[before[j-1].Low] && !relativeWords[before[j-1].Low] {
			continue // "a group called “...”": naming, not speech
		}
		// Skip adverbs and auxiliaries: "has also said", "was quoted as saying".
		k := j - 1
		for k >= 0 && before[k].Word && (adverbs[before[k].Low] || auxiliaries[before[k].Low]) {
			k--
		}
		if k >= 1 && before[k].Low == "as" && before[k-1].Low == "quoted" {
			k -= 2
			for k >= 0 && before[k].Word && (adverbs[before[k].Low] || auxiliaries[before[k].Low]) {
				k--
			}
		}
		if k < 0 {
			continue
		}
		// "Colin Clarke, ..., who says" and "which he called".
		if before[k].Word && relativeWords[before[k].Low] {
			if ent, role, ok := d.antecedent(before, k, mentions); ok {
				return ent, role, true
			}
			continue
		}
		start := 0
		for m := k; m >= 0 && !before[k].is(","); m-- {
			if !before[m].Word && before[m].Text != "." {
				start = m + 1
				break
			}
		}
		if ent, role, ok := d.backwardSpeaker(before, start, k+1, mentions); ok {
			return ent, role, true
		}
		// "the State Department issued a statement ... warning allies to
		// “Q”": a participle's subject is the sentence's.
		if strings.HasSuffix(before[j].Low, "ing") {
			if ent, role, ok := d.sentenceSubject(before, mentions); ok {
				return ent, role, true
			}
		}
	}
	return nil, "", false
}

// governs reports whether lexemes lx[j:] lead straight into the quotation:
// at most ten words and no clause break except a final comma or colon.
func governs(lx []lexeme, j int) bool {
	words := 0
	for k := j + 1; k < len(lx); k++ {
		if lx[k].Word {
			words++
			continue
		}
		if (lx[k].is(",") || lx[k].is(":")) && k == len(lx)-1 {
			continue
		}
		if lx[k].isClauseBreak() && !lx[k].is(".") {
			return false
		}
	}
	return words <= 10
}

// sentenceSubject reads the subject of the sentence that lx starts.
func (d *discourse) sentenceSubject(lx []lexeme, mentions []mention) (*entity, string, bool) {
	i := subjectStart(lx)
	for i > 0 && lx[i-1].Word && (determiners[lx[i-1].Low] || speakerModifiers[lx[i-1].Low]) {
		i--
	}
	j := i
	for j < len(lx) && lx[j].Word && (lx[j].Cap || speakerishWord(lx[j].Low) || determiners[lx[j].Low] || strings.Contains(lx[j].Text, ".")) {
		j++
	}
	if j == i {
		return nil, "", false
	}
	return d.resolvePhrase(lx[i:j], mentions)
}

// antecedent resolves a relative pronoun before a reporting verb: the
// phrase before ", who says" (skipping an appositive), or a pronoun right
// after "which"/"that" ("which he called").
func (d *discourse) antecedent(lx []lexeme, k int, mentions []mention) (*entity, string, bool) {
	if k+1 < len(lx) && lx[k+1].Word && (personPronouns[lx[k+1].Low] || groupPronouns[lx[k+1].Low]) {
		return d.backwardSpeaker(lx, k+1, k+2, mentions)
	}
	// X, appositive, who says: find the name before the first comma of
	// the run of commas that ends right before "who".
	end := k
	if end > 0 && lx[end-1].is(",") {
		end--
	}
	start := end
	for start > 0 && !(lx[start-1].is(".") || lx[start-1].isQuoteMark() || lx[start-1].is(";")) {
		start--
	}
	// Try each comma-separated part from the left: the first that names
	// a person or organisation is the antecedent; the part after it is
	// its role.
	parts := splitOnCommas(lx[start:end])
	for pi, p := range parts {
		ent, role, ok := d.resolvePhrase(p, mentions)
		if ok && ent != nil && (ent.person || ent.plural || !isDescriptorOnly(p)) {
			if role == "" && pi+1 < len(parts) && isAppositive(parts[pi+1]) {
				role = phraseText(stripDeterminer(parts[pi+1]))
				d.setRole(ent, role)
			}
			return ent, role, true
		}
	}
	return nil, "", false
}

func splitOnCommas(lx []lexeme) [][]lexeme {
	var parts [][]lexeme
	s := 0
	for i, l := range lx {
		if l.is(",") {
			if i > s {
				parts = append(parts, lx[s:i])
			}
			s = i + 1
		}
	}
	if s < len(lx) {
		parts = append(parts, lx[s:])
	}
	return parts
}

// fromPreviousSentence attributes a quotation that stands alone to the
// attribution that introduced it at the end of the sentence before:
// "... American officials told The Wall Street Journal. “Q”" or
// "He said: “Q”".
func (d *discourse) fromPreviousSentence(text string, lex []lexeme, sents []span, spans []quoteSpan, si, bi int, blocks []cblock, q quoteSpan) (*entity, bool) {
	// Only when the quotation starts its sentence.
	if wordCount(text[sents[si].Start:q.open]) > 0 {
		return nil, false
	}
	var prev []lexeme
	var pmentions []mention
	if si > 0 {
		ps := sents[si-1]
		prev = sliceLex(lex, ps.Start, ps.End)
		pmentions = d.mentions(text, prev, spans)
	} else if bi > 0 {
		pt := blocks[bi-1].text
		if !strings.HasSuffix(strings.TrimSpace(pt), ":") {
			return nil, false
		}
		ps := splitSentences(pt)
		last := ps[len(ps)-1]
		prev = lexRange(pt, last.Start, last.End)
		pmentions = d.mentions(pt, prev, findQuoteSpans(pt))
		// "Kjærgaard was blunt when asked ...:" introduces Kjærgaard's
		// words even without a reporting verb of its own.
		if ent, ok := d.fromClause(prev, pmentions); ok {
			return ent, true
		}
		if ent, _, ok := d.sentenceSubject(prev, pmentions); ok && ent != nil && ent.person {
			return ent, true
		}
		return nil, false
	}
	if len(prev) == 0 {
		return nil, false
	}
	ent, ok := d.fromClause(prev, pmentions)
	return ent, ok
}

// fromClause reads the attribution clause that ends a sentence: "...,
// American officials told The Wall Street Journal." or "He said:".
func (d *discourse) fromClause(prev []lexeme, pmentions []mention) (*entity, bool) {
	// The previous sentence must end with an attribution clause, after
	// any quotation of its own.
	for j := len(prev) - 1; j >= 0; j-- {
		if prev[j].isQuoteMark() {
			prev = prev[j+1:]
			break
		}
	}
	clause := prev
	for j := len(prev) - 1; j >= 0; j-- {
		if !prev[j].Word && (prev[j].Text == "," || prev[j].Text == ";" || prev[j].Text == "—") {
			clause = prev[j+1:]
			break
		}
	}
	// NP VERB (object of at most five words) [.:]
	for j := 0; j < len(clause); j++ {
		if !isReportingVerb(clause, j) {
			continue
		}
		rest := 0
		for _, l := range clause[j+1:] {
			if l.Word {
				rest++
			}
		}
		if rest > 6 {
			return nil, false
		}
		ent, _, ok := d.backwardSpeaker(clause, 0, j, pmentions)
		if !ok {
			return nil, false
		}
		return ent, true
	}
	return nil, false
}

// isReportingVerb reports whether lexeme j is a reporting verb used as one.
func isReportingVerb(lx []lexeme, j int) bool {
	l := lx[j]
	if !l.Word || !reportingVerbs[l.Low] {
		return false
	}
	if l.Cap && j > 0 && lx[j-1].Word && lx[j-1].Cap {
		return false // "United States", "Reports Without Borders"
	}
	switch l.Low {
	case "put":
		// "as X put it"
		return j+1 < len(lx) && lx[j+1].Low == "it"
	case "pointed", "points", "summed", "sums":
		return j+1 < len(lx) && (lx[j+1].Low == "out" || lx[j+1].Low == "up")
	case "notes", "claims", "reports", "comments", "posts", "terms", "calls", "charges", "counters", "quotes", "labels", "remarks", "demands", "promises", "tweets":
		// Plural nouns as often as verbs: a verb follows its subject
		// directly, a noun a determiner.
		if j > 0 && lx[j-1].Word && (determiners[lx[j-1].Low] || possPronouns[lx[j-1].Low]) {
			return false
		}
	}
	return true
}

// locatives are prepositions that put a capitalised name in a place.
var locatives = toSet(`at in from near into across outside inside toward towards throughout within`)

var adverbs = toSet(`also later then once repeatedly publicly reportedly previously recently earlier again
further flatly firmly bluntly simply quietly openly separately privately sharply angrily told frankly
subsequently initially already now just still even only never often famously memorably`)

var auxiliaries = toSet(`has have had was were is are be been being will would could should may might did does do`)

// speakerishWord reports whether a lower-case word can stand in a speaker
// phrase: a speaker noun, a role noun, or a common modifier of one.
func speakerishWord(w string) bool {
	return speakerNouns[w] || roleNouns[w] || speakerModifiers[w]
}

var speakerModifiers = toSet(`anonymous senior junior former ex top local foreign federal state national
regional military intelligence security government police defense defence justice interior health
finance economic political legal deputy acting chief lead principal independent western eastern american
british european russian chinese iranian french german other unnamed unidentified another two three several
some many a an the one of at for from and ministry white press retired longtime veteran high-ranking
high ranking leading well-known prominent outside private public`)

// forwardSpeaker reads a speaker phrase that starts at lx[i]: "Swedish
// Interior Minister Lena Hallengren", "Gen. Marcus Dean, former director of
// operations at the CIA", "an anonymous French intelligence source", "a
// report by Vice".
//
// After "according to" (intro set) the comma usually ends the phrase
// rather than opening an appositive, so an appositive must name a role.
func (d *discourse) forwardSpeaker(lx []lexeme, i int, mentions []mention, intro bool) (*entity, string, bool) {
	j := i
	for j < len(lx) {
		l := lx[j]
		if !l.Word {
			break
		}
		if j > i && npStops[l.Low] && !l.Cap {
			// "Secretary of State X": "of" and "for" inside titles.
			break
		}
		j++
	}
	if j == i {
		return nil, "", false
	}
	phrase := lx[i:j]
	// "a report by Vice": the author of a document speaks.
	for k := 0; k+1 < len(phrase); k++ {
		if (phrase[k].Low == "by" || phrase[k].Low == "from") && k > 0 && documentNouns[phrase[k-1].Low] && phrase[k+1].Cap {
			phrase = phrase[k+1:]
			break
		}
	}
	ent, role, ok := d.resolvePhrase(phrase, mentions)
	if !ok {
		return nil, "", false
	}
	// An appositive after a comma gives the role: ", a global security
	// scholar at King's College London."
	if j < len(lx) && lx[j].is(",") {
		app := appositiveAfter(lx, j)
		if r, ok := appositiveRole(app); ok && ent != nil && (ent.person || ent.plural) && (!intro || hasRoleNoun(app)) {
			role = r
			d.setRole(ent, role)
		}
	}
	return ent, role, true
}

var documentNouns = toSet(`report study statement survey analysis investigation article editorial memo letter
document filing post blog paper review assessment`)

// backwardSpeaker reads the speaker phrase that ends right before lx[end]
// (a reporting verb), starting no earlier than lx[start]: "he", "Clarke",
// "the DOJ", "American officials", "Colin Clarke, a research head at X,".
func (d *discourse) backwardSpeaker(lx []lexeme, start, end int, mentions []mention) (*entity, string, bool) {
	k := end - 1
	for k >= start && lx[k].Word && (adverbs[lx[k].Low] || auxiliaries[lx[k].Low]) {
		k--
	}
	if k < start {
		return nil, "", false
	}
	// "Colin Clarke, a research head at X, said"
	if lx[k].is(",") {
		return d.commaSubject(splitOnCommas(lx[start:k]), mentions)
	}
	if !lx[k].Word {
		return nil, "", false
	}
	// "the directorate said": an organisation named before.
	if full := lx[start : k+1]; len(full) >= 2 && len(full) <= 3 && full[0].Low == "the" {
		if e := d.byRoleHead(full[len(full)-1].Low); e != nil {
			return e, "", true
		}
	}
	// "A spokesperson for the embassy said", "A former chemist at the
	// plant said": a descriptor read from its start.
	if full := lx[start : k+1]; len(full) > 1 && full[0].Word && (determiners[full[0].Low] || possPronouns[full[0].Low]) {
		if fp := frontPhrase(full); len(fp) > 0 {
			return d.resolvePhrase(fp, mentions)
		}
	}
	phrase := tailPhrase(lx[start : k+1])
	if len(phrase) == 0 {
		return nil, "", false
	}
	return d.resolvePhrase(phrase, mentions)
}

// commaSubject finds the subject among the comma-separated parts before a
// reporting verb, reading back over what describes it: relative clauses
// ("who leads the division"), ages ("68"), appositives ("a research head
// at X") and places ("in Wilson, North Carolina"). A name after a
// descriptor ("Bellamy's campaign manager, Tricia Holm,") takes the
// descriptor as its role.
func (d *discourse) commaSubject(parts [][]lexeme, mentions []mention) (*entity, string, bool) {
	role := ""
	for pi := len(parts) - 1; pi >= 0; pi-- {
		p := parts[pi]
		if len(p) == 0 {
			continue
		}
		switch {
		case p[0].Word && relativeWords[p[0].Low]:
			if r, ok := appositiveRole(p); ok && role == "" {
				role = r
			}
			continue
		case len(p) == 1 && isDigits(p[0].Text):
			continue
		case pi > 0 && isAppositive(p) && !(p[0].Cap && !determiners[p[0].Low]):
			if role == "" {
				role = phraseText(stripDeterminer(p))
			}
			continue
		case pi > 0 && isPlaceContinuation(parts[pi-1], p):
			continue
		}
		var ent *entity
		var r string
		var ok bool
		// A descriptor read from its start ("A former chemist at
		// Meridian's plant in Wilson"), else the name at the end.
		fp := []lexeme(nil)
		if p[0].Word && (determiners[p[0].Low] || possPronouns[p[0].Low]) {
			fp = frontPhrase(p)
			if len(fp) < len(p) && !(p[len(fp)].Word && (prepositions[p[len(fp)].Low] || relativeWords[p[len(fp)].Low])) {
				fp = nil // "the union's general secretary Sibusiso Dlamini"
			}
		}
		if len(fp) > 0 {
			ent, r, ok = d.resolvePhrase(fp, mentions)
		} else {
			ent, r, ok = d.resolvePhrase(tailPhrase(p), mentions)
		}
		if !ok || ent == nil {
			return nil, "", false
		}
		if r != "" {
			role = r
		}
		// "one defendant, Gao," / "Bellamy's campaign manager, Tricia Holm,"
		if pi > 0 && endsWithName(p) && len(p) <= 4 && role == "" {
			if prev := parts[pi-1]; !endsWithName(prev) {
				tp := tailPhrase(prev)
				if fp := frontPhrase(prev); len(fp) == len(prev) {
					tp = fp // "Bellamy's campaign manager": the whole part
				}
				if len(tp) > 0 && len(tp) <= 6 && hasRoleNoun(tp) {
					role = phraseText(stripDeterminer(tp))
				}
			}
		}
		d.setRole(ent, role)
		return ent, role, true
	}
	return nil, "", false
}

// endsWithName reports whether a phrase ends with a capitalised word.
func endsWithName(p []lexeme) bool {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i].Word {
			return p[i].Cap
		}
	}
	return false
}

// isPlaceContinuation reports whether part is the region of a place that
// ends the part before it: "... in Wilson", "North Carolina".
func isPlaceContinuation(prev, part []lexeme) bool {
	if len(part) == 0 || len(part) > 3 || len(prev) < 2 {
		return false
	}
	for _, l := range part {
		if !l.Word || !l.Cap {
			return false
		}
	}
	n := len(prev)
	return prev[n-1].Word && prev[n-1].Cap && (locatives[prev[n-2].Low] || places[strings.ToLower(prev[n-1].Text)])
}

// frontPhrase reads a descriptor from its start: determiner, modifiers and
// the head noun, stopping at the preposition or relative word after the
// head ("A former quality-control chemist at the plant" -> "A former
// quality-control chemist"). "A spokesperson for the embassy" keeps its
// organisation. It returns nil when the phrase has no speaker noun.
func frontPhrase(p []lexeme) []lexeme {
	head := -1
	for j, l := range p {
		if !l.Word {
			break
		}
		if !l.Cap && (speakerNouns[l.Low] || roleNouns[l.Low] || isOccupation(l.Low)) {
			head = j
			if spokesNouns[l.Low] && j+1 < len(p) && (p[j+1].Low == "for" || p[j+1].Low == "of" || p[j+1].Low == "at") {
				// Keep "for the Sacramento County District Attorney's office".
				k := j + 2
				for k < len(p) && p[k].Word && (p[k].Cap || determiners[p[k].Low] || speakerNouns[p[k].Low] || nameJoiners[p[k].Low] || p[k].Poss) {
					k++
				}
				return p[:k]
			}
			continue
		}
		if head >= 0 && !l.Cap && (prepositions[l.Low] || relativeWords[l.Low]) {
			break
		}
	}
	if head < 0 {
		return nil
	}
	return p[:head+1]
}

// personNouns head descriptors of one person, who may then be "he" or
// "she": "a senior official", "the source".
var personNouns = toSet(`source official insider witness resident aide adviser advisor expert analyst person
diplomat officer lawmaker`)

// spokesNouns speak for an organisation: "a spokesperson for X".
var spokesNouns = toSet(`spokesperson spokesman spokeswoman spokespeople representative representatives lawyer
lawyers attorney attorneys`)

var prepositions = toSet(`at in of for from on with near by about under over into within without among between`)

// tailPhrase returns the noun phrase at the end of lx: the words after the
// last punctuation mark, trimmed at the first word that cannot belong to a
// speaker phrase, reading backwards.
func tailPhrase(lx []lexeme) []lexeme {
	s := len(lx)
	for s > 0 {
		l := lx[s-1]
		if !l.Word {
			if l.Text == "." && s >= 2 && lx[s-2].Word && strings.HasSuffix(lx[s-2].Text, ".") {
				s--
				continue
			}
			break
		}
		if !l.Cap && !speakerishWord(l.Low) && !personPronouns[l.Low] && !groupPronouns[l.Low] && !possPronouns[l.Low] && !nameJoiners[l.Low] && !strings.Contains(l.Text, ".") {
			break
		}
		if (personPronouns[l.Low] || groupPronouns[l.Low]) && s < len(lx) {
			break // "...he" cannot precede the rest of a phrase
		}
		s--
		if (determiners[l.Low] || possPronouns[l.Low]) && !(l.Cap && len(l.Text) == 1 && s > 0 && lx[s-1].Word && lx[s-1].Cap) {
			break
		}
	}
	out := lx[s:]
	// Joining words cannot start a phrase.
	for len(out) > 0 && !out[0].Cap && (nameJoiners[out[0].Low] && !determiners[out[0].Low]) {
		out = out[1:]
	}
	return out
}

// isAppositive reports whether a phrase set off by commas describes the
// name before it: "a research head at ...", "former director of ...",
// "military analyst".
func hasRoleNoun(p []lexeme) bool {
	for _, l := range p {
		if l.Word && !l.Cap && (roleNouns[l.Low] || isOccupation(l.Low)) {
			return true
		}
	}
	return false
}

func isAppositive(p []lexeme) bool {
	if len(p) == 0 || len(p) > 25 {
		return false
	}
	if p[0].Word && relativeWords[p[0].Low] {
		return false
	}
	for _, l := range p {
		if l.Word && relativeWords[l.Low] {
			break // "the Ohio Republican who chairs ...": the clause describes
		}
		if l.Word && !l.Cap && (auxiliaries[l.Low] || reportingVerbs[l.Low]) {
			return false // a clause, not a description
		}
	}
	f := p[0]
	if !f.Word {
		return false
	}
	if determiners[f.Low] && f.Low != "that" && f.Low != "this" {
		return true
	}
	if f.Low == "former" || f.Low == "ex" || strings.HasPrefix(f.Low, "ex-") || f.Low == "then" || f.Low == "now" {
		return true
	}
	for _, l := range p {
		if l.Word && roleNouns[l.Low] {
			return true
		}
	}
	return false
}

// appositiveRole returns the role an appositive gives: ", a research head
// at X," or ", who studies industrial enzymes at the University of Porto".
func appositiveRole(app []lexeme) (string, bool) {
	if len(app) == 0 {
		return "", false
	}
	if isAppositive(app) {
		return phraseText(stripDeterminer(app)), true
	}
	// "who runs a lodge", "who led the service": a description, not "who
	// said", "who was woken" or "who asked not to be named".
	if len(app) > 2 && app[0].Low == "who" && app[1].Word && !app[1].Cap && !reportingVerbs[app[1].Low] && !auxiliaries[app[1].Low] && !adverbs[app[1].Low] {
		for _, l := range app {
			if anonymityWords[l.Low] {
				return "", false
			}
		}
		return phraseText(app), true
	}
	return "", false
}

// anonymityWords mark a clause that explains why a source is not named.
var anonymityWords = toSet(`named identified authorized authorised anonymity condition declined requested
permission publicly because`)

// roleBefore returns a role written in lower case before the name that
// starts at slex[i]: "library director Anita Chow", "Defense attorney
// Carla Brandt", "Tesfaye's coach, Berhanu Desta".
func roleBefore(slex []lexeme, i int) (string, int) {
	j := i - 1
	if j >= 1 && slex[j].is(",") {
		j--
	}
	if j < 0 || !slex[j].Word || slex[j].Cap || !isOccupation(slex[j].Low) {
		return "", i
	}
	s := j
	for s-1 >= 0 && j-s < 4 {
		l := slex[s-1]
		if !l.Word || determiners[l.Low] || stopWords[l.Low] || reportingVerbs[l.Low] || introWords[l.Low] {
			break
		}
		s--
		if l.Poss {
			// "Amnesty International’s senior advisor": the owner's whole name.
			for s-1 >= 0 && slex[s-1].Word && slex[s-1].Cap && j-s < 8 {
				s--
			}
			break
		}
	}
	return phraseText(slex[s : j+1]), s
}

func stripDeterminer(p []lexeme) []lexeme {
	if len(p) > 1 && p[0].Word && (p[0].Low == "a" || p[0].Low == "an" || p[0].Low == "the" || p[0].Low == "one") {
		return p[1:]
	}
	return p
}

// phraseText returns the surface text of a run of lexemes with single
// spaces, punctuation attached to the word before it.
func phraseText(p []lexeme) string {
	var sb strings.Builder
	for i, l := range p {
		if i > 0 && (l.Word || l.Text == "(" || l.Text == "—" || l.Text == "–") && !(p[i-1].Text == "(") {
			sb.WriteByte(' ')
		}
		sb.WriteString(l.Text)
	}
	return strings.TrimRight(sb.String(), " ,.;:")
}

// isDescriptorOnly reports whether a phrase names no one: no capitalised
// word beyond a sentence-initial determiner.
func isDescriptorOnly(p []lexeme) bool {
	for i, l := range p {
		if l.Word && l.Cap && !(i == 0 && determiners[l.Low]) {
			return false
		}
	}
	return true
}

// resolvePhrase turns a speaker phrase into an entity and the role the
// phrase gives, registering new names. Pronouns are resolved.
func (d *discourse) resolvePhrase(p []lexeme, mentions []mention) (*entity, string, bool) {
	p = trimPhrase(p)
	if len(p) == 0 {
		return nil, "", false
	}
	if len(p) == 1 && p[0].Word {
		w := p[0].Low
		switch {
		case personPronouns[w]:
			if e := d.nearestPerson(p[0].Start, mentions); e != nil {
				return e, "", true
			}
			return nil, "", false
		case w == "they" || w == "we":
			if d.group != nil {
				return d.group, "", true
			}
			return nil, "", false
		case w == "it":
			if d.group != nil && !d.group.plural {
				return d.group, "", true
			}
			return nil, "", false
		case w == "i":
			return nil, "", false
		}
	}
	// "his colonel", "her lawyer": a role of the person referred to.
	if p[0].Word && possPronouns[p[0].Low] && len(p) > 1 {
		if p[0].Low == "his" || p[0].Low == "her" {
			if owner := d.nearestPerson(p[0].Start, mentions); owner != nil {
				rest := phraseText(p[1:])
				e := &entity{name: owner.name + "’s " + rest, person: true}
				if roleNouns[p[len(p)-1].Low] && len(p) == 2 {
					// "his colonel" in a sentence about him: the owner's own
					// role as the text gives it.
					e = owner
				}
				return e, "", true
			}
		}
		return nil, "", false
	}
	// "a spokesperson for the Chinese Embassy": the organisation speaks.
	for j := 0; j+2 < len(p); j++ {
		if p[j].Word && spokesNouns[p[j].Low] && (p[j+1].Low == "for" || p[j+1].Low == "of" || p[j+1].Low == "at") {
			org := stripDeterminer(trimPhrase(p[j+2:]))
			if len(org) > 0 && (org[0].Cap || org[len(org)-1].Cap || speakerNouns[org[len(org)-1].Low]) {
				if len(org) > 1 && org[0].Low == "the" {
					org = org[1:]
				}
				e := d.findOrAdd(phraseText(org), "", "", false, false)
				return e, p[j].Low, true
			}
		}
	}
	// Split into title, role and name.
	title, role, name := splitName(p)
	if name != "" {
		e := d.lookup(name, title, role)
		return e, role, true
	}
	// No name: a descriptor ("an anonymous French intelligence source",
	// "American officials", "the ministry"). A definite one may point back
	// to someone already named ("the source", "the minister").
	desc := stripDeterminer(p)
	head := desc[len(desc)-1]
	if !head.Word {
		return nil, "", false
	}
	// "the source", "the directorate": someone or something named before.
	if p[0].Low == "the" && len(desc) <= 2 {
		if e := d.byRoleHead(head.Low); e != nil {
			return e, "", true
		}
	}
	if !(speakerNouns[head.Low] || roleNouns[head.Low] || isOccupation(head.Low)) {
		return nil, "", false
	}
	text := phraseText(desc)
	plural := strings.HasSuffix(head.Low, "s") && !strings.HasSuffix(head.Low, "ss") || head.Low == "police" || head.Low == "people" || head.Low == "authorities"
	person := !plural && (roleNouns[head.Low] || isOccupation(head.Low) || personNouns[head.Low])
	e := d.findOrAdd(text, "", "", person, plural)
	return e, "", true
}

// trimPhrase drops leading and trailing punctuation and stray joining
// words.
func trimPhrase(p []lexeme) []lexeme {
	for len(p) > 0 && !p[0].Word {
		p = p[1:]
	}
	for len(p) > 0 && !p[len(p)-1].Word {
		p = p[:len(p)-1]
	}
	for len(p) > 0 && p[len(p)-1].Word && !p[len(p)-1].Cap && (p[len(p)-1].Low == "and" || p[len(p)-1].Low == "of") {
		p = p[:len(p)-1]
	}
	return p
}

// splitName splits a phrase such as "Swedish Interior Minister Lena
// Hallengren", "Gen. Marcus Dean", "the DOJ" or "Amnesty International's
// senior advisor Hamed Rezaei" into title, role and name. The name is the
// trailing run of capitalised words after the last role noun; an
// organisation's name is the whole capitalised run.
func splitName(p []lexeme) (title, role, name string) {
	lastRole := -1
	for i, l := range p {
		// A capitalised role noun at the end is a surname: "Marcus Dean".
		if l.Word && roleNouns[strings.TrimSuffix(l.Low, ".")] && !l.Poss && (!l.Cap || i+1 < len(p) || i == 0 || determiners[p[i-1].Low]) {
			lastRole = i
		}
	}
	// The trailing run of capitalised words.
	s := len(p)
	for s > lastRole+1 {
		l := p[s-1]
		if l.Word && (l.Cap || (nameJoiners[l.Low] && s < len(p) && s-1 > lastRole+1)) {
			s--
			continue
		}
		break
	}
	for s < len(p) && p[s].Word && !p[s].Cap {
		s++ // a name does not start with a joining word
	}
	if s >= len(p) {
		return "", "", ""
	}
	run := p[s:]
	// An occupation before a name: "Dockworker Sipho Ngcobo".
	if len(run) >= 3 && isOccupation(run[0].Low) && lastRole < 0 {
		lastRole = s
		s++
		run = p[s:]
	}
	// Titles before the name: "Gen.", "Dr."
	for len(run) > 1 && titleAbbrevs[run[0].Low] {
		if title != "" {
			title += " "
		}
		title += run[0].Text
		run = run[1:]
	}
	// "The" of an organisation belongs to its name only when capitalised
	// mid-sentence; drop a leading determiner.
	if len(run) > 1 && determiners[run[0].Low] {
		run = run[1:]
	}
	// A run after a role noun that starts with "of State" belongs to the
	// role: "Secretary of State Antony Blinken".
	rolePart := p[:s]
	for len(run) > 2 && (orgWords[run[0].Low] || run[0].Low == "of" || run[0].Low == "for") {
		if lastRole < 0 {
			break
		}
		rolePart = p[:len(p)-len(run)+1]
		run = run[1:]
	}
	// "Sunniva Aalvik of the Norwegian Institute for Water Research": an
	// affiliation after a person's name belongs to the role.
	var affiliation []lexeme
	for j := 2; j+1 < len(run); j++ {
		if (run[j].Low == "of" || run[j].Low == "at" || run[j].Low == "from") && !run[j].Cap && isPersonName(lexTexts(run[:j])) && orgLike(lexTexts(run[j+1:])) {
			affiliation = run[j:]
			run = run[:j]
			break
		}
	}
	name = phraseText(run)
	for len(rolePart) > 0 && rolePart[0].Word && determiners[rolePart[0].Low] {
		rolePart = rolePart[1:]
	}
	if len(rolePart) > 0 {
		rp := rolePart
		// Titles may also stand in the role part: "Gen." before a role.
		role = phraseText(rp)
		if title == "" && len(rp) == 1 && titleAbbrevs[rp[0].Low] {
			title, role = rp[0].Text, ""
		}
	}
	if len(affiliation) > 0 {
		role = strings.TrimSpace(role + " " + phraseText(affiliation))
	}
	return title, role, name
}

func lexTexts(lx []lexeme) []string {
	out := make([]string, len(lx))
	for i, l := range lx {
		out[i] = l.Text
	}
	return out
}

// lookup finds the entity a name refers to: a full name seen before, or
// a surname or first name of one; otherwise it registers a new entity.
func (d *discourse) lookup(name, title, role string) *entity {
	words := strings.Fields(name)
	person := isPersonName(words)
	if e := d.find(name); e != nil {
		if e.title == "" {
			e.title = title
		}
		if e.role == "" && role != "" && e.person {
			e.role = role
		}
		return e
	}
	if len(words) == 1 {
		// A surname (or first name) of someone named in full before.
		if e := d.personByPart(words[0], false); e != nil {
			if e.role == "" && role != "" {
				e.role = role
			}
			if e.title == "" {
				e.title = title
			}
			return e
		}
		// A single capitalised word with a title or role is a person.
		person = title != "" || role != ""
	}
	return d.findOrAdd(name, title, role, person, false)
}

// isPersonName reports whether capitalised words name a person rather
// than an organisation, a publication or a place.
func isPersonName(words []string) bool {
	if len(words) < 2 || len(words) > 5 {
		return false
	}
	for _, w := range words {
		lw := strings.ToLower(strings.Trim(w, ".,’'"))
		lw = strings.TrimSuffix(strings.TrimSuffix(lw, "’s"), "'s")
		if orgWords[lw] {
			return false
		}
		if isUpperWord(w) && utf8.RuneCountInString(w) > 1 {
			return false // an acronym: DOJ, FSB
		}
	}
	return true
}

func (d *discourse) find(name string) *entity { return d.byName[strings.ToLower(name)] }

func (d *discourse) findOrAdd(name, title, role string, person, plural bool) *entity {
	if e := d.find(name); e != nil {
		return e
	}
	e := &entity{name: name, title: title, role: role, person: person, plural: plural}
	d.entities = append(d.entities, e)
	d.byName[strings.ToLower(name)] = e
	if f := strings.Fields(strings.ToLower(name)); person && len(f) > 1 {
		d.byPart[f[0]] = append(d.byPart[f[0]], e)
		if last := f[len(f)-1]; last != f[0] {
			d.byPart[last] = append(d.byPart[last], e)
		}
	}
	return e
}

// personByPart returns the person most recently named in full whose first
// or last name is w (only the last name when lastOnly is set).
func (d *discourse) personByPart(w string, lastOnly bool) *entity {
	lw := strings.ToLower(w)
	es := d.byPart[lw]
	for i := len(es) - 1; i >= 0; i-- {
		f := strings.Fields(strings.ToLower(es[i].name))
		if !lastOnly || f[len(f)-1] == lw {
			return es[i]
		}
	}
	return nil
}

func (d *discourse) setRole(e *entity, role string) {
	if e != nil && e.role == "" && role != "" {
		e.role = role
	}
}

// byRoleHead finds the latest entity whose role or name ends in the given
// noun: "the source" -> "US intelligence source".
func (d *discourse) byRoleHead(head string) *entity {
	// Only the recent ones: a definite description points back a little.
	for i := len(d.entities) - 1; i >= 0 && i >= len(d.entities)-recentEntities; i-- {
		e := d.entities[i]
		for _, s := range []string{e.role, e.name} {
			f := strings.Fields(strings.ToLower(s))
			for _, w := range f {
				if strings.Trim(w, ",.") == head {
					return e
				}
			}
		}
	}
	return nil
}

// recentEntities is how far back "the source" looks for its referent.
const recentEntities = 64

// noteSpeaker records the speaker of a quotation for pronouns that follow.
func (d *discourse) noteSpeaker(e *entity) {
	d.lastQuote = e
	if e.person && !e.plural {
		d.focus = e
	} else {
		d.group = e
	}
}

// nearestPerson resolves "he" or "she" at offset off: a person named
// earlier in the same sentence (outside quotations), else the person in
// focus.
func (d *discourse) nearestPerson(off int, mentions []mention) *entity {
	for i := len(mentions) - 1; i >= 0; i-- {
		m := mentions[i]
		if m.end <= off && m.ent.person && !m.ent.plural {
			return m.ent
		}
	}
	return d.focus
}

// A mention is a person or organisation named in a sentence.
type mention struct {
	start, end int
	ent        *entity
	subject    bool // the subject of its sentence or clause
	poss       bool // a possessive: "Putin’s private army"
}

// mentions finds the people and organisations a sentence names outside
// quotation marks, registering them with the roles the sentence gives
// ("Colin Clarke, a research head at X," and "President Putin").
func (d *discourse) mentions(text string, slex []lexeme, spans []quoteSpan) []mention {
	var out []mention
	subjectAt := subjectStart(slex)
	for i := 0; i < len(slex); i++ {
		l := slex[i]
		if !l.Word || !l.Cap || insideSpans(spans, l.Start) {
			continue
		}
		// A run of capitalised words (with joining words and initials).
		j := i
		for j < len(slex) && slex[j].Word && !insideSpans(spans, slex[j].Start) && (slex[j].Cap || (nameJoiners[slex[j].Low] && j+1 < len(slex) && slex[j+1].Cap && slex[j].Low != "and" && slex[j].Low != "the")) {
			j++
			// "Tesfaye's coach" ends a name; "Supporters' Trust" does not.
			if slex[j-1].Poss && !strings.HasSuffix(slex[j-1].Text, "s'") && !strings.HasSuffix(slex[j-1].Text, "s’") {
				break
			}
		}
		run := slex[i:j]
		// Leading role words and titles: "President Putin", "Gen. Dean",
		// "Swedish Interior Minister Lena Hallengren".
		k := 0
		for k < len(run) && (roleNouns[strings.TrimSuffix(run[k].Low, ".")] || titleAbbrevs[run[k].Low] || (k == 0 && (determiners[run[k].Low] || introWords[run[k].Low] || sentenceStarter[run[k].Low]))) {
			k++
		}
		// Modifiers before a role noun ("Swedish Interior Minister"); a
		// role noun that ends the run is a surname ("Marcus Dean"), and an
		// organisation's name keeps its words ("Directorate General of
		// Coastal Safety", "Attorney General's Office").
		for m := len(run) - 2; m >= k; m-- {
			if roleNouns[strings.TrimSuffix(run[m].Low, ".")] {
				if personTail(run[m+1:]) {
					k = m + 1
				}
				break
			}
		}
		// An occupation written before a name: "Dockworker Sipho Ngcobo".
		if k == 0 && len(run) >= 3 && isOccupation(run[0].Low) {
			k = 1
		}
		// "Special Agent in Charge Kevin Rourke": after a joining word,
		// the name is the last two words.
		if n := len(run); n-k > 3 {
			for m := k; m < n-2; m++ {
				if nameJoiners[run[m].Low] && !run[m].Cap {
					k = n - 2
					break
				}
			}
		}
		nameLex := run[k:]
		if len(nameLex) == 0 {
			i = j - 1
			continue
		}
		words := make([]string, len(nameLex))
		for x, nl := range nameLex {
			words[x] = nl.Text
			if nl.Poss && x == len(nameLex)-1 {
				words[x] = strings.TrimSuffix(strings.TrimSuffix(nl.Text, "’s"), "'s")
			}
		}
		name := strings.Join(words, " ")
		var e *entity
		var pre []lexeme
		if k > 0 {
			pre = run[:k]
			// A role written in lower case before the run: "senior advisor".
		}
		title, role := "", ""
		roleStart := i
		if k == 0 {
			role, roleStart = roleBefore(slex, i)
		}
		for _, pl := range pre {
			if titleAbbrevs[pl.Low] && title == "" {
				title = pl.Text
			}
		}
		if len(pre) > 0 && role == "" {
			rp := pre
			for len(rp) > 0 && (determiners[rp[0].Low] || introWords[rp[0].Low] || sentenceStarter[rp[0].Low] || titleAbbrevs[rp[0].Low]) {
				rp = rp[1:]
			}
			role = phraseText(rp)
		}
		place := i > 0 && slex[i-1].Word && locatives[slex[i-1].Low] && k == 0
		if place && d.find(name) == nil {
			// "at Maple Grove", "in Karabulak": a place, unless named before.
			i = j - 1
			continue
		}
		if isPersonName(words) || (len(words) == 1 && (title != "" || role != "" || d.knownSurname(words[0]))) {
			e = d.lookup(name, title, role)
		} else if len(words) >= 1 && (orgLike(words) || isUpperWord(words[0])) && !nameLex[0].Poss {
			e = d.findOrAdd(name, "", "", false, false)
		}
		if e != nil {
			// "Colin Clarke, a research head at X, ..." gives the role.
			if j < len(slex) && slex[j].is(",") && e.person {
				if r, ok := appositiveRole(appositiveAfter(slex, j)); ok {
					d.setRole(e, r)
				}
			}
			subject := i == subjectAt || roleStart == subjectAt
			out = append(out, mention{start: run[0].Start, end: run[len(run)-1].End, ent: e, subject: subject, poss: run[len(run)-1].Poss})
		}
		i = j - 1
	}
	return out
}

// personTail reports whether the words after a role noun can be a
// person's name: capitalised, not starting with a joining word, naming no
// organisation ("Lena Hallengren", not "of Coastal Safety" or "General's
// Office").
func personTail(run []lexeme) bool {
	if len(run) == 0 || !run[0].Cap {
		return false
	}
	for _, l := range run {
		if orgWords[strings.TrimSuffix(l.Low, ".")] && !roleNouns[l.Low] {
			return false
		}
	}
	return true
}

// appositiveAfter returns the phrase set off by the comma at lx[j], up to
// the next comma or the end of the sentence, skipping an age ("Harold
// Fenwick, 68, a retired bus driver").
func appositiveAfter(lx []lexeme, j int) []lexeme {
	start := j + 1
	end := start
	for end < len(lx) && !lx[end].is(",") && !lx[end].is(".") && !lx[end].is(";") && !lx[end].isQuoteMark() && !lx[end].is("(") {
		end++
	}
	if end == start+1 && isDigits(lx[start].Text) && end < len(lx) && lx[end].is(",") {
		return appositiveAfter(lx, end)
	}
	return lx[start:end]
}

// isOccupation reports whether a word names a trade or occupation, by the
// list of role nouns or by its shape (-er, -or, -ist, -ian, -man).
func isOccupation(w string) bool {
	if roleNouns[w] || occupations[w] {
		return true
	}
	for _, suf := range []string{"worker", "keeper", "maker", "owner", "holder", "driver", "fighter", "ist", "ician", "man", "woman"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf)+2 {
			return true
		}
	}
	return false
}

// occupations are trades that name a speaker: "Rancher Wes Hollister".
var occupations = toSet(`nurse farmer rancher dockworker worker driver pilot firefighter miner fisherman
shopkeeper baker butcher carpenter electrician plumber mechanic welder diver builder labourer laborer
cleaner waiter waitress chef cook cashier clerk guard soldier sailor veteran farmhand grower vendor trader
student pupil retiree pensioner resident tenant landlord homeowner volunteer parent mother father
challenger incumbent candidate nominee contender runner cyclist swimmer athlete boxer wrestler jockey
manager coach striker winger keeper midfielder defender referee umpire pundit commentator defendant
plaintiff suspect accused claimant petitioner complainant`)

func (d *discourse) knownSurname(w string) bool { return d.personByPart(w, true) != nil }

func orgLike(words []string) bool {
	for _, w := range words {
		if orgWords[strings.ToLower(strings.Trim(w, ".,"))] {
			return true
		}
	}
	return false
}

// subjectStart returns the index of the lexeme where the sentence's
// subject starts, after introductory phrases ending with commas ("In
// Washington, ...", "At the briefing on March 19, ...").
func subjectStart(slex []lexeme) int {
	i := 0
	for rounds := 0; rounds < 3 && i < len(slex); rounds++ {
		if !slex[i].Word || !introWords[slex[i].Low] {
			break
		}
		j := i
		for j < len(slex) && j < i+20 && !slex[j].is(",") {
			j++
		}
		if j >= len(slex) || !slex[j].is(",") {
			break
		}
		i = j + 1
		// "According to X (and others), at the same time, ..."
	}
	for i < len(slex) && slex[i].Word && determiners[slex[i].Low] {
		i++
	}
	for i < len(slex) && slex[i].Word && !slex[i].Cap && speakerModifiers[slex[i].Low] {
		i++
	}
	return i
}

// updateFocus moves the focus after a sentence: to a person who is the
// sentence's subject, or who is named as the one a report quotes or
// according to whom something is so.
func (d *discourse) updateFocus(text string, slex []lexeme, spans []quoteSpan, mentions []mention) {
	for _, m := range mentions {
		if !m.ent.person {
			if m.subject {
				d.group = m.ent
			}
			continue
		}
		if m.subject {
			d.focus = m.ent
			return
		}
	}
	// A sentence whose subject is "he" or "she" keeps the focus; one
	// about something else hands it to the last person it introduces
	// ("The best-placed Austrian was Julia Mayrhofer, who ...").
	if i := subjectStart(slex); i < len(slex) && slex[i].Word && personPronouns[slex[i].Low] {
		return
	}
	for i := len(mentions) - 1; i >= 0; i-- {
		if m := mentions[i]; m.ent.person && !m.ent.plural && !m.poss {
			d.focus = m.ent
			return
		}
	}
	// "The report quotes Colin Clarke, ..., who says ..." and
	// "According to X, ...": the person quoted becomes the focus.
	for _, m := range mentions {
		if !m.ent.person || m.ent.plural {
			continue
		}
		for i, l := range slex {
			if l.Start >= m.start {
				break
			}
			if l.Word && (l.Low == "quotes" || l.Low == "quoted" || l.Low == "cites" || l.Low == "cited" || l.Low == "interviewed" || (l.Low == "to" && i > 0 && slex[i-1].Low == "according")) && m.start-l.End < 40 {
				d.focus = m.ent
				return
			}
		}
	}
}
