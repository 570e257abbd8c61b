package search

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

var monthNames = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
	"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
	"sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

const (
	reMonth   = `(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?`
	reWeekday = `(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?,?\s+)?`
	reTime    = `(?:,|at|@|-|–|—|\|)?\s*\d{1,2}(?:[:.]\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?|\s*[AaPp]\.?[Mm]\.?)(?:\s*\(?(?:[A-Z]{2,5}|UTC[+-]?\d*|GMT[+-]?\d*)\)?)?`
)

var (
	// "Thursday, May 15, 2025", "March 4, 2025", "Mar. 4 2025"
	reDateMDY = regexp.MustCompile(`(?i)^` + reWeekday + reMonth + `\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})`)
	// "15 May 2025", "Thursday 15 May 2025"
	reDateDMY = regexp.MustCompile(`(?i)^` + reWeekday + `(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + reMonth + `,?\s+(\d{4})`)
	// "2025-01-27", "2025/01/27", "2025-01-27T08:15:00Z"
	reDateISO = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?`)
	// "01/27/2025", "27.01.2025"
	reDateNum = regexp.MustCompile(`^(\d{1,2})[/.](\d{1,2})[/.](\d{4})`)

	reDatePrefix = regexp.MustCompile(`(?i)^(?:(?:first\s+|last\s+)?(?:published|updated|posted|modified|date|dated|created|written|filed)(?:\s+(?:on|at|in))?\s*:?\s*|on\s+)`)
	reTimeOnly   = regexp.MustCompile(`^` + reTime + `\s*$`)
	reZoneOnly   = regexp.MustCompile(`^\(?(?:[A-Z]{2,5}|UTC[+-]?\d*|GMT[+-]?\d*)\)?$`)
)

// parseDateAt parses a date at the start of s and returns it with the
// length of the text it used. Times and time zones after the date are
// consumed but not kept: a publication date is a day.
func parseDateAt(s string) (time.Time, int, bool) {
	if m := reDateMDY.FindStringSubmatchIndex(s); m != nil {
		mon := monthNames[strings.ToLower(s[m[2]:m[3]])]
		day, _ := strconv.Atoi(s[m[4]:m[5]])
		year, _ := strconv.Atoi(s[m[6]:m[7]])
		if t, ok := makeDate(year, mon, day); ok {
			return t, m[1], true
		}
	}
	if m := reDateDMY.FindStringSubmatchIndex(s); m != nil {
		day, _ := strconv.Atoi(s[m[2]:m[3]])
		mon := monthNames[strings.ToLower(s[m[4]:m[5]])]
		year, _ := strconv.Atoi(s[m[6]:m[7]])
		if t, ok := makeDate(year, mon, day); ok {
			return t, m[1], true
		}
	}
	if m := reDateISO.FindStringSubmatchIndex(s); m != nil {
		year, _ := strconv.Atoi(s[m[2]:m[3]])
		mon, _ := strconv.Atoi(s[m[4]:m[5]])
		day, _ := strconv.Atoi(s[m[6]:m[7]])
		if t, ok := makeDate(year, time.Month(mon), day); ok {
			return t, m[1], true
		}
	}
	if m := reDateNum.FindStringSubmatchIndex(s); m != nil {
		a, _ := strconv.Atoi(s[m[2]:m[3]])
		b, _ := strconv.Atoi(s[m[4]:m[5]])
		year, _ := strconv.Atoi(s[m[6]:m[7]])
		// Month first unless the first number cannot be a month, or the
		// separator is a period (the European form).
		mon, day := a, b
		if a > 12 || s[m[3]] == '.' {
			mon, day = b, a
		}
		if t, ok := makeDate(year, time.Month(mon), day); ok {
			return t, m[1], true
		}
	}
	return time.Time{}, 0, false
}

func makeDate(year int, mon time.Month, day int) (time.Time, bool) {
	if year < 1800 || year > 2200 || mon < 1 || mon > 12 || day < 1 || day > 31 {
		return time.Time{}, false
	}
	t := time.Date(year, mon, day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day {
		return time.Time{}, false // February 30
	}
	return t, true
}

// ParseDate parses a date in the forms articles and users write:
// 2025-05-15, May 15, 2025, Thursday, May 15, 2025, 15 May 2025,
// 05/15/2025. It returns false when s holds anything else.
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	t, n, ok := parseDateAt(s)
	if !ok {
		return time.Time{}, false
	}
	rest := strings.TrimSpace(s[n:])
	if rest != "" && !reTimeOnly.MatchString(rest) {
		return time.Time{}, false
	}
	return t, true
}

// dateLine reports whether a line is nothing but a date, possibly with a
// "Published"/"Updated" label, a time and a time zone, and returns the date
// and whether it is an update rather than the first publication.
func dateLine(line string) (t time.Time, updated, ok bool) {
	s := strings.TrimSpace(line)
	if len(s) > 80 {
		return time.Time{}, false, false
	}
	low := strings.ToLower(s)
	updated = strings.HasPrefix(low, "updated") || strings.HasPrefix(low, "last updated") || strings.HasPrefix(low, "modified")
	if m := reDatePrefix.FindStringIndex(s); m != nil {
		s = s[m[1]:]
	}
	s = strings.TrimLeft(s, " :-–—|")
	t, n, ok := parseDateAt(s)
	if !ok {
		return time.Time{}, false, false
	}
	rest := strings.TrimSpace(s[n:])
	if rest == "" || reTimeOnly.MatchString(rest) || reZoneOnly.MatchString(rest) {
		return t, updated, true
	}
	return time.Time{}, false, false
}

// metaFields holds what a byline or a "Published ... | ... | ..." line says.
type metaFields struct {
	author, role, publication string
	published                 time.Time
	updated                   bool
}

var reByline = regexp.MustCompile(`^(?i:by|written by|words by|story by|reporting by|author:|authors:|posted by)\s+(.+)$`)

// roleWords mark a byline part as the author's role rather than a
// publication.
var roleWords = toSet(`correspondent reporter editor writer columnist analyst staff contributor
contributing bureau chief senior special journalist producer fellow desk author freelance freelancer
associate deputy managing news political security international foreign national science health
business technology sports reporters editors writers`)

// splitMetaLine splits a line of metadata fields separated by pipes,
// bullets or middle dots. A line with no separator is one field.
func splitMetaLine(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == '|' || r == '•' || r == '·' || r == '¦' })
	out := f[:0]
	for _, p := range f {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseMetaLine recognises a byline ("By Naomi Ellis | Senior International
// Security Correspondent", "By A and B", "By Jane Roe, Reuters") and a
// metadata line whose fields are a date, a publication and an author
// ("Published 2025-01-27 08:15 | Harbor Times | Staff reporter").
func parseMetaLine(line string) (metaFields, bool) {
	s := strings.TrimSpace(line)
	if s == "" || wordCount(s) > 24 || len(s) > 200 {
		return metaFields{}, false
	}
	parts := splitMetaLine(s)
	var mf metaFields
	sawDate, sawByline := false, false
	for i, p := range parts {
		if t, upd, ok := dateLine(p); ok {
			if !sawDate {
				mf.published, mf.updated = t, upd
			}
			sawDate = true
			continue
		}
		if m := reByline.FindStringSubmatch(p); m != nil && (i == 0 || sawDate) {
			name, rest := splitBylineName(m[1])
			if name == "" {
				return metaFields{}, false
			}
			mf.author = name
			sawByline = true
			for _, r := range rest {
				if t, upd, ok := dateLine(r); ok {
					if !sawDate {
						mf.published, mf.updated = t, upd
					}
					sawDate = true
				} else {
					classifyMetaPart(&mf, r)
				}
			}
			continue
		}
		if i == 0 && !sawDate {
			return metaFields{}, false
		}
		classifyMetaPart(&mf, p)
	}
	if !sawByline && !(sawDate && len(parts) > 1) {
		return metaFields{}, false
	}
	return mf, true
}

// classifyMetaPart files one field of a byline or metadata line as a role
// (or a role-only author such as "Staff reporter") or a publication.
func classifyMetaPart(mf *metaFields, p string) {
	p = strings.TrimSpace(strings.TrimSuffix(p, "."))
	if first, _ := utf8.DecodeRuneInString(p); p == "" || !unicode.IsLetter(first) || reTimeOnly.MatchString(p) {
		return
	}
	lw := strings.Fields(strings.ToLower(p))
	role := false
	for _, w := range lw {
		if roleWords[strings.Trim(w, ",.")] {
			role = true
			break
		}
	}
	switch {
	case role && mf.author == "":
		mf.author = p
	case role:
		if mf.role == "" {
			mf.role = p
		}
	case mf.publication == "" && looksLikeName(p):
		mf.publication = p
	}
}

// splitBylineName separates the author names of a byline from what follows
// them: "Jane Roe and Tom Poe" -> ("Jane Roe and Tom Poe", nil);
// "Naomi Ellis, Reuters" -> ("Naomi Ellis", ["Reuters"]).
func splitBylineName(s string) (string, []string) {
	s = strings.TrimSpace(s)
	var rest []string
	for _, sep := range []string{" — ", " – ", " - ", " on ", " at "} {
		if i := strings.Index(s, sep); i > 0 {
			rest = append(rest, strings.TrimSpace(s[i+len(sep):]))
			s = strings.TrimSpace(s[:i])
			break
		}
	}
	// A date written straight after the names: "By Jane Roe March 4, 2025".
	for i := 0; i < len(s); i++ {
		if i > 0 && s[i-1] == ' ' {
			if _, _, ok := parseDateAt(s[i:]); ok {
				rest = append(rest, s[i:])
				s = strings.TrimRight(s[:i], " ,")
				break
			}
		}
	}
	fields := strings.Split(s, ",")
	name := strings.TrimSpace(fields[0])
	i := 1
	// "A, B and C": keep the list of names together.
	for ; i < len(fields); i++ {
		f := strings.TrimSpace(fields[i])
		if strings.HasPrefix(f, "and ") || (looksLikePersonName(f) && strings.Contains(strings.Join(fields[i:], ","), " and ")) {
			name += ", " + f
			continue
		}
		break
	}
	for ; i < len(fields); i++ {
		if f := strings.TrimSpace(fields[i]); f != "" {
			rest = append(rest, f)
		}
	}
	if !looksLikeName(name) {
		return "", nil
	}
	return name, rest
}

// looksLikeName reports whether s is a short run of capitalised words,
// allowing joining words ("and", "of", "the", "de").
func looksLikeName(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 10 {
		return false
	}
	caps := 0
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		switch {
		case unicode.IsUpper(r) || unicode.IsDigit(r):
			caps++
		case nameJoiners[strings.ToLower(w)]:
		default:
			return false
		}
	}
	return caps > 0
}

var nameJoiners = toSet(`and of the de del della di da van von der den la le du dos das bin ibn al el y & e for on in at`)

// looksLikePersonName reports whether s looks like a personal name: two to
// four capitalised words, none of them a word that names an organisation or
// a place.
func looksLikePersonName(s string) bool {
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 5 {
		return false
	}
	caps := 0
	for _, w := range words {
		lw := strings.ToLower(strings.Trim(w, ".,"))
		if orgWords[lw] {
			return false
		}
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) {
			caps++
		} else if !nameJoiners[lw] {
			return false
		}
	}
	return caps >= 2
}

var (
	// "LONDON —", "NEW YORK, March 3 (Reuters) -", "CHISINAU (Global Wire) —",
	// "NAIROBI, Kenya —"
	reDatelineCaps = regexp.MustCompile(`^([A-Z][A-Z.'’\-]+(?:\s+[A-Z][A-Z.'’\-]+){0,3})((?:,\s*[A-Z][A-Za-z.]+(?:\s+[A-Z][A-Za-z.]+){0,2})?(?:,\s*` + strings.Replace(reMonth, "(", "(?:", 1) + `\s+\d{1,2}(?:,\s*\d{4})?)?)\s*(?:\(([^()]{2,40})\))?\s*(?:—|–|--|-)\s+`)
	// "Kyiv, Ukraine (AP) —", "Paris (Global Wire) —"
	reDatelineTitle = regexp.MustCompile(`^([A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}(?:,\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})?)\s*\(([^()]{2,40})\)\s*(?:—|–|--|-)\s+`)
)

// splitDateline separates a dateline from the start of a paragraph and
// returns the place, the agency or publication named in it (if any), and
// the rest of the paragraph.
func splitDateline(p string) (place, agency, rest string, ok bool) {
	if m := reDatelineCaps.FindStringSubmatchIndex(p); m != nil {
		place = strings.TrimSpace(p[m[2]:m[3]])
		if len(place) < 3 || !isUpperWord(place) {
			return "", "", p, false
		}
		if m[6] >= 0 {
			agency = strings.TrimSpace(p[m[6]:m[7]])
		}
		region := strings.Trim(p[m[4]:m[5]], ", ")
		if region != "" {
			if _, _, ok := parseDateAt(region); !ok && !strings.ContainsAny(region[:1], "0123456789") {
				if _, isMonth := monthNames[strings.ToLower(strings.Fields(region)[0])]; !isMonth {
					place += ", " + region
				}
			}
		}
		rest = p[m[1]:]
		if rest == "" {
			return "", "", p, false
		}
		return place, agency, rest, true
	}
	if m := reDatelineTitle.FindStringSubmatchIndex(p); m != nil {
		place = p[m[2]:m[3]]
		agency = strings.TrimSpace(p[m[4]:m[5]])
		return place, agency, p[m[1]:], true
	}
	return "", "", p, false
}

// reLeadJunk matches what scraping leaves at the start of a paragraph when
// a source credit was cut out: "( – As it fails ...".
var reLeadJunk = regexp.MustCompile(`^(?:\(\s*\)?\s*[–—-]+\s*|[–—]+\s+)`)
