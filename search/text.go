package search

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// cp1252 maps the bytes 0x80-0x9F of Windows-1252 to their runes. Bytes that
// are not valid UTF-8 in scraped text are nearly always Windows-1252 (or its
// subset Latin-1), so that is how repairText reads them.
var cp1252 = [32]rune{
	'€', '\u0081', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u008d', 'Ž', '\u008f',
	'\u0090', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u009d', 'ž', 'Ÿ',
}

// binarySignatures are the first bytes of binary formats that end up
// under an article's name (a PDF or a Word file saved as .txt, an archive,
// a program), with what to call them in the warning.
var binarySignatures = []struct{ magic, name string }{
	{"%PDF-", "a PDF document"},
	{"\x7fELF", "a program (ELF)"},
	{"MZ\x90\x00", "a program (Windows)"},
	{"\x1f\x8b", "a gzip archive"},
	{"PK\x03\x04", "a zip archive (or a .docx, .odt or .epub)"},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office document"},
	{"\x89PNG\r\n\x1a\n", "a PNG image"},
	{"\xff\xd8\xff", "a JPEG image"},
	{"GIF87a", "a GIF image"},
	{"GIF89a", "a GIF image"},
	{"\xfd7zXZ\x00", "an xz archive"},
	{"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"},
	{"\x28\xb5\x2f\xfd", "a zstd archive"},
	{"Rar!\x1a\x07", "a RAR archive"},
}

// decodeText returns the text of an article file as valid UTF-8. It reads
// UTF-16 with a byte-order mark, UTF-8, and UTF-8 mixed with Windows-1252
// (see repairText); the warnings say what it repaired. It returns an error
// wrapping ErrNotText when the bytes are not text: a known binary format,
// any NUL byte (no UTF-8 text holds one; UTF-16 is read first), more than
// 2% control characters (compressed or random data has about 10%, text
// close to none), or more than 30% bytes that are not UTF-8 (Windows-1252
// text has a few accented letters in a hundred; a higher share is binary
// data or text in another legacy encoding, which would be indexed as
// gibberish).
func decodeText(b []byte) (string, []string, error) {
	var warnings []string
	if len(b) >= 2 && (b[0] == 0xff && b[1] == 0xfe || b[0] == 0xfe && b[1] == 0xff) {
		s, odd := decodeUTF16(b[2:], b[0] == 0xfe)
		if odd {
			warnings = append(warnings, "UTF-16 text with an odd number of bytes: the last byte is ignored")
		}
		b = []byte(s)
	}
	for _, sig := range binarySignatures {
		if bytes.HasPrefix(b, []byte(sig.magic)) {
			return "", warnings, fmt.Errorf("%w: %s", ErrNotText, sig.name)
		}
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return "", warnings, fmt.Errorf("%w: it holds NUL bytes (binary data, or UTF-16 without a byte-order mark)", ErrNotText)
	}
	controls, invalid := 0, 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < ' ' && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' || c == 0x7f {
				controls++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			invalid++
		}
		i += size
	}
	if controls >= 4 && controls*50 > len(b) {
		return "", warnings, fmt.Errorf("%w: %d%% of its bytes are control characters (binary data)", ErrNotText, controls*100/len(b))
	}
	if invalid >= 4 && invalid*10 > len(b)*3 {
		return "", warnings, fmt.Errorf("%w: %d%% of its bytes are not UTF-8 (binary data, or text in an encoding other than UTF-8 or Windows-1252: save it as UTF-8)", ErrNotText, invalid*100/len(b))
	}
	text, repaired := repairText(b)
	if repaired {
		warnings = append(warnings, "invalid UTF-8 repaired (bytes read as Windows-1252)")
	}
	return text, warnings, nil
}

// decodeUTF16 decodes UTF-16 text without its byte-order mark, reporting
// whether a last, odd byte was left out. Unpaired surrogates become U+FFFD.
func decodeUTF16(b []byte, bigEndian bool) (string, bool) {
	units := make([]uint16, len(b)/2)
	for i := range units {
		if bigEndian {
			units[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			units[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return string(utf16.Decode(units)), len(b)%2 == 1
}

// repairText returns s as valid UTF-8, reading every byte that is not part
// of a valid UTF-8 sequence as Windows-1252. It reports whether it changed
// anything.
func repairText(b []byte) (string, bool) {
	if utf8.Valid(b) {
		return string(b), false
	}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			c := b[0]
			switch {
			case c >= 0x80 && c <= 0x9f:
				sb.WriteRune(cp1252[c-0x80])
			default:
				sb.WriteRune(rune(c))
			}
			b = b[1:]
			continue
		}
		sb.Write(b[:size])
		b = b[size:]
	}
	return sb.String(), true
}

// normalizeText makes line endings, spaces and invisible characters uniform
// so that the parser sees one shape of text: LF line ends, plain spaces,
// no zero-width or soft-hyphen characters, no trailing blanks.
func normalizeText(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	var sb strings.Builder
	sb.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				continue
			}
			sb.WriteByte('\n')
		case r == '\t' || r == '\u00a0' || r == '\u202f' || (r >= '\u2000' && r <= '\u200a') || r == '\u3000' || r == '\u205f':
			sb.WriteByte(' ')
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff' || r == '\u00ad':
			// invisible: drop
		case r == '\u2028' || r == '\u2029' || r == '\u0085':
			sb.WriteByte('\n')
		case r < ' ' && r != '\n':
			// other control characters: drop
		default:
			sb.WriteRune(r)
		}
	}
	lines := strings.Split(sb.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// collapseSpaces replaces runs of white space with one space and trims the
// ends.
func collapseSpaces(s string) string {
	if !strings.ContainsAny(s, " \n\t") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// span is a byte range [Start, End) of a string.
type span struct{ Start, End int }

// abbreviations are words that end with a period without ending a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "mx": true, "dr": true, "prof": true, "gen": true, "lt": true,
	"col": true, "capt": true, "cpt": true, "sgt": true, "maj": true, "adm": true, "cmdr": true, "sen": true,
	"rep": true, "gov": true, "pres": true, "amb": true, "hon": true, "rev": true, "fr": true, "st": true,
	"jr": true, "sr": true, "inc": true, "ltd": true, "co": true, "corp": true, "plc": true, "llc": true,
	"vs": true, "no": true, "nos": true, "jan": true, "feb": true, "mar": true, "apr": true, "jun": true,
	"jul": true, "aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true, "mon": true,
	"tue": true, "tues": true, "wed": true, "thu": true, "thur": true, "thurs": true, "fri": true, "sat": true,
	"sun": true, "approx": true, "est": true, "dept": true, "univ": true, "assn": true, "ave": true,
	"blvd": true, "mt": true, "ft": true, "fig": true, "vol": true, "op": true, "cf": true, "al": true,
	"supt": true, "insp": true, "det": true, "cpl": true, "pvt": true, "brig": true, "msgr": true,
}

// isAbbrevBefore reports whether the word that ends at s[:i] (i is the index
// of a period) is an abbreviation or an initial, so the period does not end
// a sentence.
func isAbbrevBefore(s string, i int) bool {
	j := i
	for j > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		j -= size
	}
	word := s[j:i]
	if word == "" {
		return false
	}
	if strings.Contains(word, ".") {
		// U.S. or e.g. or a.m.: a dotted abbreviation.
		return true
	}
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsUpper(r) // an initial: "J. Smith"
	}
	return abbreviations[strings.ToLower(word)]
}

func isClosingPunct(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', ')', ']', '»', '›':
		return true
	}
	return false
}

func isOpeningQuote(r rune) bool {
	switch r {
	case '"', '“', '‘', '\'', '«', '‹', '(', '[', '„':
		return true
	}
	return false
}

// splitSentences returns the sentences of a paragraph as byte spans, trimmed
// of surrounding spaces. A sentence ends at . ! ? or … (after any closing
// quotes or brackets) when the next word starts with an upper-case letter,
// a digit or an opening quote, and the period is not part of an
// abbreviation or an initial.
func splitSentences(s string) []span {
	var out []span
	start := 0
	n := len(s)
	for i := 0; i < n; {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '。' || r == '！' || r == '？' {
			// Chinese and Japanese end a sentence here, with no space
			// after, whatever comes next.
			term := i + size
			end := term
			for end < n {
				r2, s2 := utf8.DecodeRuneInString(s[end:])
				if !isClosingPunct(r2) && r2 != '」' && r2 != '』' && r2 != '）' {
					break
				}
				end += s2
			}
			i = end
			if end > term && end < n {
				if nr, _ := utf8.DecodeRuneInString(s[end:]); unicode.Is(unicode.Hiragana, nr) {
					continue // 「…。」と述べた: the quotation goes on into its sentence
				}
			}
			if next := nextWordStart(s, end); next < n {
				out = appendSpan(out, s, start, end)
				start = next
			}
			continue
		}
		if r != '.' && r != '!' && r != '?' && r != '…' {
			i += size
			continue
		}
		dot := i
		termEnd := i + size
		// Runs of terminators: "?!", "...".
		for termEnd < n {
			r2, s2 := utf8.DecodeRuneInString(s[termEnd:])
			if r2 != '.' && r2 != '!' && r2 != '?' && r2 != '…' {
				break
			}
			termEnd += s2
		}
		end := termEnd
		for end < n {
			r2, s2 := utf8.DecodeRuneInString(s[end:])
			if !isClosingPunct(r2) {
				break
			}
			end += s2
		}
		i = end
		if end >= n {
			break
		}
		if nr, _ := utf8.DecodeRuneInString(s[end:]); nr != ' ' && nr != '\n' {
			continue
		}
		next := nextWordStart(s, end)
		if next >= n {
			break
		}
		c, _ := utf8.DecodeRuneInString(s[next:])
		if !(unicode.IsUpper(c) || unicode.IsDigit(c) || isOpeningQuote(c) || c == '•' || c == '—' || c == '–') {
			continue
		}
		if r == '.' && termEnd == dot+1 && end == termEnd && isAbbrevBefore(s, dot) {
			// "Gen. Marcus Dean", "the U.S. Senate": no end, unless the
			// next word plainly starts a sentence ("... in the U.S. The").
			if !sentenceStarter[strings.ToLower(wordAt(s, next))] {
				continue
			}
		}
		out = appendSpan(out, s, start, end)
		start = next
	}
	out = appendSpan(out, s, start, n)
	return out
}

// sentenceStarter lists words that, capitalised after an abbreviation's
// period, show that a new sentence has begun ("... in the U.S. The ...").
var sentenceStarter = map[string]bool{
	"the": true, "a": true, "an": true, "he": true, "she": true, "it": true, "they": true, "we": true,
	"i": true, "this": true, "that": true, "these": true, "those": true, "but": true, "and": true,
	"in": true, "on": true, "at": true, "however": true, "there": true, "his": true, "her": true,
	"its": true, "their": true, "our": true, "officials": true, "according": true, "meanwhile": true,
	"after": true, "before": true, "while": true, "when": true, "if": true, "as": true, "for": true,
	"some": true, "many": true, "most": true, "one": true, "two": true, "last": true, "earlier": true,
}

func nextWordStart(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\n') {
		i++
	}
	return i
}

func wordAt(s string, i int) string {
	j := i
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if !unicode.IsLetter(r) {
			break
		}
		j += size
	}
	return s[i:j]
}

func appendSpan(out []span, s string, start, end int) []span {
	for start < end && (s[start] == ' ' || s[start] == '\n') {
		start++
	}
	for end > start && (s[end-1] == ' ' || s[end-1] == '\n') {
		end--
	}
	if start < end {
		out = append(out, span{start, end})
	}
	return out
}

// wordCount counts the words of s: runs of letters or digits.
func wordCount(s string) int {
	n := 0
	in := false
	for _, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !in {
			n++
		}
		in = w || (in && (r == '\'' || r == '’' || r == '-'))
	}
	return n
}

// endsSentence reports whether s ends with sentence punctuation, ignoring
// closing quotes and brackets.
func endsSentence(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool { return isClosingPunct(r) || r == ' ' })
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == '.' || r == '!' || r == '?' || r == '…'
}
