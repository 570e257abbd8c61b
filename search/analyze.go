package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"golang.org/x/text/unicode/norm"
)

// A token is one word of a text, with the forms the index and the ranking
// use. Positions count words; the parts of a hyphenated word get positions
// of their own and the joined form shares the first part's position.
type token struct {
	Start, End int    // byte offsets of the surface form in the text
	Pos        int    // word position, from 0
	Norm       string // folded lower-case form: "king's" -> "king", "U.S." -> "us"
	Stem       string // stemmed form; empty for stop words
	Cap        bool   // the surface form starts with an upper-case letter
	Acronym    bool   // all capitals (FSB) or dotted (U.S.)
	Joined     bool   // the joined form of a hyphenated word, not a word of its own
}

// analyzer turns text into tokens. It caches stems and is safe for
// concurrent use.
type analyzer struct {
	stems sync.Map // folded form -> stem
	size  int64
	mu    sync.Mutex
}

const maxStemCache = 1 << 20

func newAnalyzer() *analyzer { return &analyzer{} }

// stem returns the stem of a folded word, or "" when it is a stop word.
func (a *analyzer) stem(w string) string {
	if stopWords[w] {
		return ""
	}
	if v, ok := a.stems.Load(w); ok {
		return v.(string)
	}
	s := stemWord(w)
	if len(w) > 32 {
		return s // rare and long: not worth a cache entry
	}
	a.mu.Lock()
	if a.size < maxStemCache {
		a.size++
		a.stems.Store(w, s)
	}
	a.mu.Unlock()
	return s
}

// stemWord reduces a folded word to its stem: irregular forms to their base
// first ("paid" -> "pay"), then the Snowball English (Porter2) stemmer.
// Numbers and words with digits are kept as they are.
func stemWord(w string) string {
	if base, ok := irregular[w]; ok {
		w = base
	}
	for _, r := range w {
		if r >= '0' && r <= '9' {
			return w
		}
	}
	if len(w) <= 2 {
		return w
	}
	env := snowballstem.NewEnv(w)
	english.Stem(env)
	return env.Current()
}

// tokens splits text into word tokens. A word is a run of letters, digits
// and combining marks, with inner apostrophes ("wasn't"), inner periods of
// dotted acronyms ("U.S.") and inner commas or periods of numbers
// ("2,000", "3.5"). A hyphenated word yields its parts and then their
// joined form ("IS-K" -> "is", "k", "isk"; "al-Qaeda" -> "al", "qaeda", "alqaeda").
func (a *analyzer) tokens(text string) []token { return a.tokensFiltered(text, nil) }

// unstemmed is the Stem of a content word that tokensFiltered did not
// stem: not a stop word, but matching no stem.
const unstemmed = "\x00"

// tokensFiltered is tokens, stemming only the words for which need
// returns true (all when need is nil); the others get the stem
// unstemmed. Re-ranking uses it to stem only what could match the
// question.
func (a *analyzer) tokensFiltered(text string, need func(norm string) bool) []token {
	toks := make([]token, 0, len(text)/6)
	pos := 0
	n := len(text)
	allCaps := isMostlyUpper(text)
	for i := 0; i < n; {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		if isCJK(r) {
			toks, i, pos = a.appendBigrams(toks, text, i, pos)
			continue
		}
		// Scan a compound: word parts joined by hyphens.
		start := i
		var parts []span
		partStart := i
		j := i
		for j < n {
			r, size := utf8.DecodeRuneInString(text[j:])
			switch {
			case isCJK(r):
				// Chinese or Japanese script starts words of its own.
			case isWordRune(r):
				j += size
				continue
			case r == '\'' || r == '’':
				if j+size < n {
					if r2, _ := utf8.DecodeRuneInString(text[j+size:]); isWordRune(r2) && j > partStart {
						j += size
						continue
					}
				}
			case r == '.':
				// U.S., e.g., 3.5: a period between letters or digits
				// that is followed by a word rune and then by another
				// period, or sits between digits.
				if j+1 < n && j > partStart {
					prev, _ := utf8.DecodeLastRuneInString(text[:j])
					next, _ := utf8.DecodeRuneInString(text[j+1:])
					if unicode.IsDigit(prev) && unicode.IsDigit(next) {
						j++
						continue
					}
					if isDottedAcronymAt(text, partStart, j) {
						j++
						continue
					}
				}
				if j > partStart && isDottedAcronymEnd(text, partStart, j) {
					j++ // include the final period of "U.S."
				}
			case r == ',':
				if j+1 < n && j > partStart {
					prev, _ := utf8.DecodeLastRuneInString(text[:j])
					if unicode.IsDigit(prev) && j+4 <= n && isDigits(text[j+1:j+4]) && (j+4 == n || !isWordRune(rune(text[j+4]))) {
						j++
						continue
					}
				}
			case r == '-' || r == '‑':
				if j+size < n {
					if r2, _ := utf8.DecodeRuneInString(text[j+size:]); isWordRune(r2) && j > partStart {
						parts = append(parts, span{partStart, j})
						j += size
						partStart = j
						continue
					}
				}
			}
			break
		}
		parts = append(parts, span{partStart, j})
		i = j
		if len(parts) > 1 {
			first := len(toks)
			for _, p := range parts {
				toks = a.appendToken(toks, text, p.Start, p.End, pos, allCaps, need)
				pos++
			}
			if len(toks) > first {
				var joined strings.Builder
				for _, t := range toks[first:] {
					joined.WriteString(t.Norm)
				}
				jt := toks[first]
				jt.End = j
				jt.Norm = joined.String()
				jt.Stem = a.stem(jt.Norm)
				if jt.Stem == "" {
					jt.Stem = jt.Norm
				}
				jt.Joined = true
				jt.Start = start
				toks = append(toks, jt)
			}
			continue
		}
		toks = a.appendToken(toks, text, start, j, pos, allCaps, need)
		pos++
	}
	return toks
}

func (a *analyzer) appendToken(toks []token, text string, start, end, pos int, allCaps bool, need func(string) bool) []token {
	raw := text[start:end]
	f := fold(raw)
	if f == "" {
		return toks
	}
	first, _ := utf8.DecodeRuneInString(raw)
	t := token{Start: start, End: end, Pos: pos, Norm: f, Cap: unicode.IsUpper(first)}
	if strings.Contains(raw, ".") && !unicode.IsDigit(first) {
		t.Acronym = true
	} else if bare := trimPossessive(raw); !allCaps && utf8.RuneCountInString(bare) >= 2 && isUpperWord(bare) {
		t.Acronym = true // also "ISIS’s"
	}
	if t.Acronym {
		// FSB, U.S., IT: never a stop word ("US" is not "us").
		t.Stem = f
	} else if need != nil && !stopWords[f] && !need(f) {
		t.Stem = unstemmed
	} else {
		t.Stem = a.stem(f)
	}
	return append(toks, t)
}

// trimPossessive removes a possessive ending: "ISIS’s" -> "ISIS".
func trimPossessive(w string) string {
	for _, suf := range []string{"’s", "'s", "’S", "'S"} {
		if strings.HasSuffix(w, suf) {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// isCJK reports whether r is of a script written without spaces between
// words: Chinese characters, and Japanese kana.
func isCJK(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || r == 'ー')
}

// appendBigrams tokenizes the run of Chinese or Japanese characters that
// starts at text[i]. Without spaces to tell where words end, it yields
// each overlapping pair of characters (a lone character when the run has
// one), as search engines do for these scripts: a two-character word of
// the question then matches wherever it stands, and a longer one matches
// as consecutive pairs. It returns the tokens, the end of the run and the
// next position.
func (a *analyzer) appendBigrams(toks []token, text string, i, pos int) ([]token, int, int) {
	var starts []int
	j := i
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if !isCJK(r) {
			break
		}
		starts = append(starts, j)
		j += size
	}
	starts = append(starts, j)
	if len(starts) == 2 {
		t := token{Start: starts[0], End: j, Pos: pos, Norm: text[starts[0]:j]}
		t.Stem = t.Norm
		return append(toks, t), j, pos + 1
	}
	for k := 0; k+2 < len(starts); k++ {
		t := token{Start: starts[k], End: starts[k+2], Pos: pos, Norm: text[starts[k]:starts[k+2]]}
		t.Stem = t.Norm
		toks = append(toks, t)
		pos++
	}
	return toks, j, pos
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isDottedAcronymAt reports whether the period at text[j] sits inside a
// dotted acronym such as U.S. or e.g.: single letters separated by periods.
func isDottedAcronymAt(text string, partStart, j int) bool {
	if utf8.RuneCountInString(text[partStart:j]) > 2 {
		// "U.S" so far may have grown: check the last segment only.
		k := strings.LastIndexByte(text[partStart:j], '.')
		if k < 0 {
			return false
		}
		partStart += k + 1
	}
	if utf8.RuneCountInString(text[partStart:j]) != 1 {
		return false
	}
	r, size := utf8.DecodeRuneInString(text[j+1:])
	if !unicode.IsLetter(r) {
		return false
	}
	k := j + 1 + size
	return k < len(text) && text[k] == '.'
}

// isDottedAcronymEnd reports whether text[partStart:j] is a dotted acronym
// ("U.S") whose final period is at text[j].
func isDottedAcronymEnd(text string, partStart, j int) bool {
	w := text[partStart:j]
	if !strings.Contains(w, ".") {
		return false
	}
	for _, seg := range strings.Split(w, ".") {
		if utf8.RuneCountInString(seg) != 1 {
			return false
		}
	}
	return true
}

func isUpperWord(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			letters++
		}
	}
	return letters >= 2
}

// isMostlyUpper reports whether most letters of s are capitals: a headline
// in capitals, where capitals say nothing about acronyms.
func isMostlyUpper(s string) bool {
	up, low := 0, 0
	for _, r := range s {
		if unicode.IsUpper(r) {
			up++
		} else if unicode.IsLower(r) {
			low++
		}
		if up+low > 400 {
			break
		}
	}
	return up > 8 && up > 2*low
}

// fold lower-cases a word, removes diacritics, turns typographic
// apostrophes into ASCII ones, drops periods of dotted acronyms and commas
// of numbers, and strips a possessive ending: "King’s" -> "king",
// "Bogotá" -> "bogota", "U.S." -> "us", "2,000" -> "2000".
func fold(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	var s string
	if ascii {
		s = strings.ToLower(w)
	} else {
		var sb strings.Builder
		for _, r := range norm.NFD.String(w) {
			switch {
			case unicode.Is(unicode.Mn, r):
			case r == '’' || r == '‘' || r == 'ʼ':
				sb.WriteByte('\'')
			default:
				switch r {
				case 'ß':
					sb.WriteString("ss")
				case 'æ', 'Æ':
					sb.WriteString("ae")
				case 'ø', 'Ø':
					sb.WriteByte('o')
				case 'ł', 'Ł':
					sb.WriteByte('l')
				case 'đ', 'Đ':
					sb.WriteByte('d')
				case 'œ', 'Œ':
					sb.WriteString("oe")
				case 'ı':
					sb.WriteByte('i')
				default:
					sb.WriteRune(unicode.ToLower(r))
				}
			}
		}
		s = sb.String()
	}
	if strings.ContainsAny(s, ".,") {
		s = strings.NewReplacer(".", "", ",", "").Replace(s)
	}
	if strings.HasSuffix(s, "'s") {
		s = s[:len(s)-2]
	} else if strings.HasSuffix(s, "'") {
		s = s[:len(s)-1]
	}
	return s
}

// stopWords carry no weight in a question or a passage: function words,
// auxiliaries, pronouns and question words.
var stopWords = toSet(`a about above after again against all am an and any are aren't as at be because been
before being below between both but by can can't cannot could couldn't did didn't do does doesn't doing
don't down during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her
here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself
let's me more most mustn't us my myself no nor not of off on once only or other ought our ours ourselves out over
own same shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs them
themselves then there there's these they they'd they'll they're they've this those through to too under
until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's which
while who who's whom why why's with won't would wouldn't you you'd you'll you're you've your yours yourself
yourselves also just will shall may might must whose whether yet s t d ll m o re ve y ain many much`)

// questionWords open a question and say what kind of answer it wants; they
// are stop words for matching.
var questionWords = toSet(`who whom whose what which when where why how`)

func toSet(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// irregular maps irregular inflections to their base form, so that "paid"
// finds "pay" and "fought" finds "fight"; the stemmer handles the regular
// ones.
var irregular = func() map[string]string {
	m := make(map[string]string)
	for _, line := range strings.Split(irregularForms, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		for _, form := range f[1:] {
			m[form] = f[0]
		}
	}
	return m
}()

const irregularForms = `
arise arose arisen
awake awoke awoken
bear bore borne
beat beaten
become became
begin began begun
bend bent
bid
bleed bled
blow blew blown
break broke broken
breed bred
bring brought
build built
burn burnt
buy bought
catch caught
choose chose chosen
cling clung
come came
creep crept
deal dealt
dig dug
draw drew drawn
drink drank drunk
drive drove driven
eat ate eaten
fall fell fallen
feed fed
feel felt
fight fought
find found
flee fled
fly flew flown
forbid forbade forbidden
forget forgot forgotten
forgive forgave forgiven
freeze froze frozen
get got gotten
give gave given
go went gone
grow grew grown
hang hung
hear heard
hide hid hidden
hold held
keep kept
kneel knelt
know knew known
lay laid
lead led
leap leapt
leave left
lend lent
light lit
lose lost
make made
mean meant
meet met
mislead misled
overcome overcame
overtake overtook overtaken
overthrow overthrew overthrown
pay paid
prove proven
ride rode ridden
ring rang rung
rise rose risen
run ran
say said
see saw seen
seek sought
sell sold
send sent
shake shook shaken
shine shone
shoot shot
show shown
shrink shrank shrunk
sing sang sung
sink sank sunk
sit sat
slay slew slain
sleep slept
slide slid
speak spoke spoken
spend spent
spin spun
spring sprang sprung
stand stood
steal stole stolen
stick stuck
sting stung
strike struck stricken
strive strove striven
swear swore sworn
sweep swept
swim swam swum
swing swung
take took taken
teach taught
tear tore torn
tell told
think thought
throw threw thrown
tread trod trodden
understand understood
undertake undertook undertaken
uphold upheld
wake woke woken
wear wore worn
weave wove woven
weep wept
win won
withdraw withdrew withdrawn
withhold withheld
write wrote written
child children
man men
woman women
person people
mouse mice
foot feet
tooth teeth
`
