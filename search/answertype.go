package search

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// answerType is what kind of answer a question wants (after Li and Roth's
// coarse question classes).
type answerType int

const (
	ansOther      answerType = iota
	ansPerson                // who
	ansDate                  // when
	ansPlace                 // where
	ansNumber                // how many, how much
	ansReason                // why
	ansManner                // how
	ansDefinition            // what is X, who is X
)

var (
	reQWho        = regexp.MustCompile(`(?i)^\s*(?:and\s+|so\s+)?(?:who|whom|whose)\b`)
	reQWhoIs      = regexp.MustCompile(`(?i)^\s*who\s+(?:is|was|are|were)\s+(?:the\s+)?\S`)
	reQWhoIsVerb  = regexp.MustCompile(`(?i)^\s*who\s+(?:is|was|are|were)\s+(?:being\s+)?\w+(?:ed|en)\b`)
	reQWhen       = regexp.MustCompile(`(?i)^\s*(?:when\b|what\s+(?:year|date|day|month|time)\b|which\s+(?:year|date|day|month)\b|how\s+long\s+ago\b|since\s+when\b)`)
	reQWhere      = regexp.MustCompile(`(?i)^\s*(?:where\b|what\s+(?:country|city|town|place|region|countries|cities)\b|which\s+(?:country|city|town|place|region|countries|cities)\b|in\s+which\s+(?:country|city|town)\b)`)
	reQNumber     = regexp.MustCompile(`(?i)^\s*(?:how\s+(?:many|much|large|big|old|long|far|often)\b|what\s+(?:number|percentage|share|proportion|amount|sum)\b)`)
	reQWhy        = regexp.MustCompile(`(?i)^\s*(?:why\b|what\s+(?:was|is|were|are)\s+the\s+(?:reason|motive|cause)s?\b|for\s+what\s+reason\b)`)
	reQHow        = regexp.MustCompile(`(?i)^\s*how\b`)
	reQDefinition = regexp.MustCompile(`(?i)^\s*(?:what|who)\s+(?:is|are|was|were)\s+(?:the\s+|an?\s+)?[\p{L}\p{N}'’. -]{1,60}\??\s*$|^\s*(?:define|definition of|meaning of)\b`)
)

// classifyQuestion returns the answer type a question asks for.
func classifyQuestion(q string) answerType {
	switch {
	case reQWhen.MatchString(q):
		return ansDate
	case reQWhere.MatchString(q):
		return ansPlace
	case reQNumber.MatchString(q):
		return ansNumber
	case reQWhy.MatchString(q):
		return ansReason
	case reQWho.MatchString(q):
		if reQWhoIs.MatchString(q) && !reQWhoIsVerb.MatchString(q) && reQDefinition.MatchString(q) {
			return ansDefinition
		}
		return ansPerson
	case reQDefinition.MatchString(q):
		return ansDefinition
	case reQHow.MatchString(q):
		return ansManner
	}
	return ansOther
}

var (
	reHasYear    = regexp.MustCompile(`\b(?:1[89]\d\d|20\d\d)s?\b`)
	reHasMonth   = regexp.MustCompile(`\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)\s+\d{1,2}\b|\b\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\b`)
	reHasDayWord = regexp.MustCompile(`(?i)\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|last (?:week|month|year|night)|next (?:week|month|year)|(?:a|one|two|three|four|five|several|a few) (?:days|weeks|months|years) (?:ago|earlier|later|before|after)|in the (?:fall|spring|summer|winter|autumn)|\d{1,2}:\d{2}\s*[ap]\.?m\b|(?:in|since|by|until|from) (?:january|february|march|april|may|june|july|august|september|october|november|december))\b`)
	reHasNumber  = regexp.MustCompile(`(?i)\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fifteen|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens|percent|half|third|quarter)\b`)
	reHasReason  = regexp.MustCompile(`(?i)\b(?:because|due to|owing to|since|so that|in order to|as a result|result of|reason|aimed at|to (?:create|avoid|prevent|protect|ensure|reduce|extend|hide|cover|deter|punish|silence|intimidate|escape|settle)|for (?:fear|the sake)|caused by|motivated by|driven by|inspired by|in retaliation|in response|revenge)\b`)
	reHasManner  = regexp.MustCompile(`(?i)\b(?:by|through|via|using|with|in (?:cash|bitcoin|cryptocurrency)|paid|laundered|method|means)\b`)
	reHasDefine  = regexp.MustCompile(`(?i)\b(?:is an?|are|was an?|were|known as|called|means|refers to|stands for|a group|an organi[sz]ation|the branch|a branch)\b|\(|, an? \w+`)
)

// places are names that say "where" on their own: continents, countries
// and capitals that news mentions often. A capitalised word after "in",
// "at" or "from" counts as a place too.
var places = toSet(`europe asia africa america americas antarctica oceania arctic middle east britain england
scotland wales ireland france germany spain portugal italy greece turkey russia ukraine belarus poland moldova
romania hungary serbia albania kosovo bosnia croatia sweden norway finland denmark iceland netherlands belgium
austria switzerland czech slovakia estonia latvia lithuania georgia armenia azerbaijan iran iraq syria lebanon
israel gaza jordan egypt libya tunisia algeria morocco sudan ethiopia somalia kenya nigeria ghana congo
uganda rwanda tanzania mozambique zimbabwe angola namibia botswana afghanistan pakistan india china japan korea
taiwan vietnam thailand cambodia laos myanmar malaysia singapore indonesia philippines australia canada mexico
brazil argentina chile peru colombia venezuela cuba haiti ecuador bolivia paraguay uruguay yemen oman qatar
kuwait bahrain emirates saudi arabia london paris berlin moscow kyiv kiev washington beijing tokyo delhi tehran
stockholm vienna brussels geneva rome madrid lisbon warsaw prague budapest bucharest athens ankara istanbul
cairo baghdad damascus beirut kabul islamabad toronto montreal ottawa vancouver nairobi lagos johannesburg
sydney melbourne chisinau minsk riga vilnius tallinn helsinki oslo copenhagen dublin edinburgh amsterdam
bogota caracas havana lima santiago sao paulo rio buenos aires york brooklyn chicago boston houston
strasbourg salisbury kathmandu tbilisi yerevan baku riyadh doha dubai jerusalem telaviv kharkiv odesa
crimea donbas mariupol kherson`)

var locativeWords = toSet(`in at from near outside inside across into to toward towards throughout`)

// sentenceHas reports whether a sentence holds a word or phrase of the
// kind the question wants, not counting the question's own words
// (skip[i] is true for a byte that belongs to a matched question word).
func sentenceHas(t answerType, s string, toks []token, skip func(tok int) bool) bool {
	switch t {
	case ansDate:
		return reHasYear.MatchString(s) || reHasMonth.MatchString(s) || reHasDayWord.MatchString(s)
	case ansNumber:
		for i, tk := range toks {
			if skip(i) {
				continue
			}
			if r, _ := utf8.DecodeRuneInString(tk.Norm); unicode.IsDigit(r) || numberWords[tk.Norm] {
				return true
			}
		}
		return false
	case ansPlace:
		for i, tk := range toks {
			if skip(i) || tk.Joined {
				continue
			}
			if places[tk.Norm] {
				return true
			}
			if _, month := monthNames[tk.Norm]; tk.Cap && i > 0 && locativeWords[toks[i-1].Norm] && !month {
				return true
			}
		}
		return false
	case ansPerson:
		return hasPersonName(toks, skip)
	case ansReason:
		return reHasReason.MatchString(s)
	case ansManner:
		return reHasManner.MatchString(s)
	case ansDefinition:
		return reHasDefine.MatchString(s)
	}
	return false
}

var numberWords = toSet(`one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds
thousand thousands million millions billion billions dozen dozens percent half third quarter several`)

// hasPersonName reports whether tokens hold two capitalised words in a row
// that are not at the sentence's start and do not name an organisation or
// a place, or a title before a capitalised word.
func hasPersonName(toks []token, skip func(int) bool) bool {
	for i := 0; i+1 < len(toks); i++ {
		a, b := toks[i], toks[i+1]
		if a.Joined || b.Joined || skip(i) || skip(i+1) {
			continue
		}
		if !a.Cap || !b.Cap || a.Acronym || b.Acronym || b.Pos != a.Pos+1 {
			continue
		}
		if orgWords[a.Norm] || orgWords[b.Norm] || places[a.Norm] || places[b.Norm] {
			continue
		}
		if i == 0 && (determiners[a.Norm] || stopWords[a.Norm]) {
			continue
		}
		return true
	}
	return false
}

// isReportingQuestion reports whether a question asks what someone said.
func isReportingQuestion(q string) bool {
	l := strings.ToLower(q)
	for _, w := range []string{" say", " said", " tell", " told", " warn", " claim", " think", " call", " describe", " argue", " add", " quote", " comment", " respond", " react", " deny", " denied", " accuse"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return strings.HasPrefix(l, "according to")
}
