package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A lexeme is a word or a punctuation mark of a sentence, for the
// attribution rules. Words keep inner apostrophes, hyphens and the periods
// of abbreviations ("Gen.", "U.S.").
type lexeme struct {
	Start, End int
	Text       string // surface form
	Low        string // lower case, typographic apostrophes folded, possessive stripped
	Word       bool
	Cap        bool // starts with an upper-case letter
	Poss       bool // ends with a possessive 's or s'
}

func (l lexeme) is(s string) bool { return !l.Word && l.Text == s }

// isQuoteMark reports whether a punctuation lexeme is a quotation mark.
func (l lexeme) isQuoteMark() bool {
	if l.Word {
		return false
	}
	switch l.Text {
	case "\"", "“", "”", "‘", "’", "«", "»", "„", "'":
		return true
	}
	return false
}

// isClauseBreak reports whether a punctuation lexeme ends a phrase.
func (l lexeme) isClauseBreak() bool {
	if l.Word {
		return false
	}
	switch l.Text {
	case ".", ",", ";", ":", "—", "–", "(", ")", "!", "?", "--", "…", "[", "]":
		return true
	}
	return l.isQuoteMark()
}

// lexRange splits text[start:end] into lexemes with offsets in text.
func lexRange(text string, start, end int) []lexeme {
	var out []lexeme
	for i := start; i < end; {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == ' ' || r == '\n' {
			i += size
			continue
		}
		if !isWordRune(r) {
			if r == '-' && i+1 < end && text[i+1] == '-' {
				out = append(out, lexeme{Start: i, End: i + 2, Text: "--"})
				i += 2
				continue
			}
			out = append(out, lexeme{Start: i, End: i + size, Text: text[i : i+size]})
			i += size
			continue
		}
		j := i
		for j < end {
			r, size := utf8.DecodeRuneInString(text[j:])
			if isWordRune(r) {
				j += size
				continue
			}
			if (r == '\'' || r == '’' || r == '-' || r == '‑') && j+size < end {
				if r2, _ := utf8.DecodeRuneInString(text[j+size:]); isWordRune(r2) {
					j += size
					continue
				}
			}
			if r == '.' && j+1 < end {
				// Dotted abbreviations: "U.S", then the final period below.
				if r2, s2 := utf8.DecodeRuneInString(text[j+1:]); unicode.IsLetter(r2) && j+1+s2 < end && text[j+1+s2] == '.' {
					j++
					continue
				}
			}
			break
		}
		w := text[i:j]
		// Keep the period of an abbreviation or an initial with its word.
		if j < end && text[j] == '.' && isAbbrevBefore(text, j) {
			j++
			w = text[i:j]
		}
		l := lexeme{Start: i, End: j, Text: w, Word: true}
		first, _ := utf8.DecodeRuneInString(w)
		l.Cap = unicode.IsUpper(first)
		low := strings.ToLower(strings.ReplaceAll(w, "’", "'"))
		switch {
		case strings.HasSuffix(low, "'s"):
			low = low[:len(low)-2]
			l.Poss = true
		case strings.HasSuffix(low, "s'"):
			low = low[:len(low)-1]
			l.Poss = true
		}
		l.Low = low
		// A possessive plural written with a closing mark after the word
		// ("Russians’ have") is a separate lexeme; leave it as punctuation.
		out = append(out, l)
		i = j
	}
	return out
}
