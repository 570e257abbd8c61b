package search

import (
	"errors"
	"fmt"
	"html"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrNoText is returned by Parse for a file that holds no article text:
// empty, blank, or nothing but page furniture.
var ErrNoText = errors.New("no article text")

// ErrNotText is returned by Parse for a file that is not text at all: a
// program, an image, a PDF, an archive or random bytes under an article's
// name.
var ErrNotText = errors.New("not a text file")

// Passage size limits. A paragraph shorter than minPassageWords is merged
// with its neighbour; one longer than maxPassageSentences sentences or
// maxPassageWords words is split at sentence boundaries.
const (
	minPassageWords     = 8
	maxPassageSentences = 6
	maxPassageWords     = 160
	targetPassageWords  = 110
)

// IDFromPath returns the article ID for a path under the corpus directory:
// the path with forward slashes and without its extension.
func IDFromPath(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	return strings.TrimSuffix(p, path.Ext(p))
}

// Parse reads one article. name is the file's path under the corpus
// directory: it gives the article's ID and, by its extension, the format
// (.md is Markdown with optional YAML front matter; anything else is plain
// text). Parse returns ErrNoText (wrapped) when the file holds no article
// text, and ErrNotText (wrapped) when it is not text at all. The warnings,
// each starting with name, say what it repaired or ignored: invalid UTF-8,
// a front matter field that is not valid (the others are kept), front
// matter that is not closed.
func Parse(name string, data []byte) (*Article, []string, error) {
	var warnings []string
	warn := func(w string) { warnings = append(warnings, name+": "+w) }
	text, ws, err := decodeText(data)
	for _, w := range ws {
		warn(w)
	}
	if err != nil {
		return nil, warnings, fmt.Errorf("%s: %w", name, err)
	}
	text = normalizeText(text)
	if strings.TrimSpace(text) == "" {
		return nil, warnings, fmt.Errorf("%s: %w: the file is empty", name, ErrNoText)
	}
	ext := strings.ToLower(path.Ext(name))
	md := ext == ".md" || ext == ".markdown"
	var fm frontMatter
	if md {
		if y, body, found, closed := splitFrontMatter(text); found {
			// Front matter is metadata even when it is malformed: it is
			// not article text.
			text = body
			if !closed {
				warn("the front matter has no closing \"---\" line; it is read up to the first line that is not a field, and the rest is the article")
			}
			var fws []string
			fm, fws = parseFrontMatter(y)
			for _, w := range fws {
				warn(w)
			}
		}
	}
	p := &parser{a: &Article{ID: IDFromPath(name), Path: strings.ReplaceAll(name, "\\", "/")}, fm: fm}
	p.classify(segment(text, md))
	p.applyFrontMatter()
	p.buildPassages()
	if len(p.a.Passages) == 0 {
		return nil, warnings, fmt.Errorf("%s: %w: nothing but headline, metadata or page furniture", name, ErrNoText)
	}
	return p.a, warnings, nil
}

// blockKind is what the layout of the file says a block is.
type blockKind int

const (
	bkText    blockKind = iota
	bkHeading           // a Markdown heading
	bkList              // a list item
	bkCaption           // a Markdown image with alt text
	bkQuote             // a Markdown block quote
)

type rawBlock struct {
	text string
	kind blockKind
}

var (
	reBullet     = regexp.MustCompile(`^\s*(?:[•·▪◦‣●○■□►▸✓✔➤→*+–-]|\d{1,2}[.)]|[a-z][.)])\s+(\S.*)$`)
	reMDHeading  = regexp.MustCompile(`^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$`)
	reMDRule     = regexp.MustCompile(`^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$`)
	reMDSetext   = regexp.MustCompile(`^\s{0,3}(?:=+|-+)\s*$`)
	reMDImage    = regexp.MustCompile(`^\s*!\[([^\]]*)\]\([^)]*\)\s*$`)
	reMDFence    = regexp.MustCompile("^\\s*(?:```|~~~)")
	reMDLink     = regexp.MustCompile(`!?\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+"[^"]*")?\)`)
	reMDRefLink  = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	reMDEmphasis = regexp.MustCompile(`(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)|(^|[^\w*])\*(\S(?:[^*]*?\S)?)\*|(^|[^\w])_(\S(?:[^_]*?\S)?)_([^\w]|$)`)
	reMDCode     = regexp.MustCompile("`([^`]+)`")
	reHTMLTag    = regexp.MustCompile(`</?[a-zA-Z][^<>]{0,200}>|<!--.*?-->`)
	reMDEscape   = regexp.MustCompile(`\\([\\*_{}\[\]()#+\-.!>|~` + "`" + `])`)
)

// segment splits a text into blocks: paragraphs, headings, list items.
// Paragraphs are separated by blank lines; within a group of lines, lines
// are joined when the file is hard-wrapped (or Markdown) and kept apart
// when each line is a paragraph of its own, as in text pasted from a web
// page.
func segment(text string, md bool) []rawBlock {
	lines := strings.Split(text, "\n")
	width, hard := hardWrapWidth(lines)
	wrapped := md || hard
	var blocks []rawBlock
	var cur []string
	curKind := bkText
	flush := func() {
		if len(cur) == 0 {
			return
		}
		t := strings.Join(cur, " ")
		if md {
			t = cleanMarkdownInline(t)
		}
		t = cleanInline(t)
		if t != "" {
			blocks = append(blocks, rawBlock{text: t, kind: curKind})
		}
		cur, curKind = nil, bkText
	}
	inFence := false
	for _, line := range lines {
		if md && reMDFence.MatchString(line) {
			flush()
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			flush()
			continue
		}
		if md {
			if m := reMDHeading.FindStringSubmatch(line); m != nil {
				flush()
				cur, curKind = []string{m[2]}, bkHeading
				flush()
				continue
			}
			if reMDSetext.MatchString(line) && len(cur) == 1 && curKind == bkText {
				curKind = bkHeading
				flush()
				continue
			}
			if reMDRule.MatchString(line) {
				flush()
				continue
			}
			if m := reMDImage.FindStringSubmatch(line); m != nil {
				flush()
				if strings.TrimSpace(m[1]) != "" {
					cur, curKind = []string{m[1]}, bkCaption
					flush()
				}
				continue
			}
			if strings.HasPrefix(trimmed, ">") {
				q := strings.TrimSpace(strings.TrimLeft(trimmed, "> "))
				if curKind != bkQuote {
					flush()
					curKind = bkQuote
				}
				if q == "" {
					flush()
					continue
				}
				cur = append(cur, q)
				continue
			}
		}
		if m := reBullet.FindStringSubmatch(line); m != nil && !(md && strings.HasPrefix(trimmed, "+")) && isBulletLine(line, m[1]) {
			flush()
			cur, curKind = []string{m[1]}, bkList
			continue
		}
		if curKind == bkQuote {
			flush()
		}
		if curKind == bkList {
			// An indented or wrapped line continues the item.
			if wrapped || strings.HasPrefix(line, " ") {
				cur = append(cur, trimmed)
				continue
			}
			flush()
		}
		if !wrapped || standsAlone(trimmed) {
			flush()
			cur = []string{trimmed}
			flush()
			continue
		}
		// In hard-wrapped text a line well short of the width ends its
		// paragraph, even without a blank line after it.
		if hard && !md && len(cur) > 0 && curKind == bkText && utf8.RuneCountInString(cur[len(cur)-1])*100 < width*55 {
			flush()
		}
		cur = append(cur, trimmed)
	}
	flush()
	return blocks
}

// standsAlone reports whether a line is a block of its own even in
// wrapped text: a date, a byline or a metadata line.
func standsAlone(line string) bool {
	if _, _, ok := dateLine(line); ok {
		return true
	}
	if boiler, _ := isBoilerplate(line); boiler {
		return true
	}
	_, ok := parseMetaLine(line)
	return ok
}

// isBulletLine rejects lines that only look like list items: a hyphen
// starting a sentence fragment is a list item, but "- 5 degrees" or a
// dash-led dateline remnant is judged by what follows it.
func isBulletLine(line, rest string) bool {
	t := strings.TrimSpace(line)
	r, _ := utf8.DecodeRuneInString(t)
	if r == '–' || r == '-' || r == '*' {
		// A dash bullet must lead to a word, a number or an amount, not
		// to more punctuation.
		r2, _ := utf8.DecodeRuneInString(rest)
		return unicode.IsLetter(r2) || unicode.IsDigit(r2) || isOpeningQuote(r2) || unicode.Is(unicode.Sc, r2)
	}
	if unicode.IsDigit(r) || unicode.IsLower(r) {
		// "1. " and "a) " items are short or start with a capital.
		r2, _ := utf8.DecodeRuneInString(rest)
		return unicode.IsUpper(r2) || isOpeningQuote(r2)
	}
	return true
}

// hardWrapWidth reports whether the lines of a text are wrapped at a
// fixed width (as in e-mail and plain-text exports) rather than one line
// per paragraph, and at what width.
func hardWrapWidth(lines []string) (int, bool) {
	var lens []int
	inner, long := 0, 0
	for i, l := range lines {
		n := utf8.RuneCountInString(strings.TrimSpace(l))
		if n == 0 {
			continue
		}
		lens = append(lens, n)
		if i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "" && !reBullet.MatchString(lines[i+1]) {
			inner++
		}
	}
	if inner < 3 || len(lens) < 5 {
		return 0, false
	}
	sorted := append([]int(nil), lens...)
	sort.Ints(sorted)
	w := sorted[len(sorted)*9/10]
	if w < 40 || w > 110 {
		return 0, false
	}
	for i, l := range lines {
		n := utf8.RuneCountInString(strings.TrimSpace(l))
		if n == 0 || i+1 >= len(lines) || strings.TrimSpace(lines[i+1]) == "" {
			continue
		}
		if n*10 >= w*55/10 {
			long++
		}
	}
	return w, long*10 >= inner*7
}

// cleanMarkdownInline removes Markdown's inline syntax: links keep their
// text, emphasis and code keep their words.
func cleanMarkdownInline(s string) string {
	s = reMDLink.ReplaceAllString(s, "$1")
	s = reMDRefLink.ReplaceAllString(s, "$1")
	s = reMDCode.ReplaceAllString(s, "$1")
	for i := 0; i < 2; i++ {
		s = reMDEmphasis.ReplaceAllString(s, "$2$4$5$6$7$8")
	}
	s = reMDEscape.ReplaceAllString(s, "$1")
	return s
}

// cleanInline removes HTML tags and entities that scraping leaves behind
// and collapses white space.
func cleanInline(s string) string {
	if strings.ContainsRune(s, '<') {
		s = reHTMLTag.ReplaceAllString(s, "")
	}
	if strings.ContainsRune(s, '&') && strings.ContainsRune(s, ';') {
		s = html.UnescapeString(s)
		s = strings.ReplaceAll(s, "\u00a0", " ")
	}
	return collapseSpaces(s)
}

// A cblock is a block of article content after classification.
type cblock struct {
	text    string
	kind    Kind
	section string
}

type parser struct {
	a        *Article
	fm       frontMatter
	blocks   []cblock
	pubDate  time.Time // from a "Published" or plain date line
	updDate  time.Time // from an "Updated" line
	bodySeen bool
}

var (
	reCaptionCredit = regexp.MustCompile(`(?i)(?:\(\s*(?:photo|photograph|image|picture|pictured|credit|illustration|file photo|video|graphic)s?\b[^()]*\)|\b(?:photo|photograph|image|picture|credit|illustration|photo illustration|file photo)s?\s*(?:by|:|©)\s*[\p{L}][^.!?]{0,60}|\([^()]{0,60}/\s*(?:getty(?: images)?|afp|reuters|ap|epa|shutterstock|bloomberg|alamy|xinhua|anadolu|sipa|tass|ria novosti|efe|ansa|dpa|pa|nurphoto|sopa)[^()]{0,30}\)|\b(?:getty images|ap photo|afp via getty images|reuters/[\p{L} .]+))\.?\s*$`)
	reCaptionLead   = regexp.MustCompile(`(?i)^(?:pictured|above|top|below|left|right|photo|image|caption|file photo|main picture|main image)\s*:`)
	reSourceLine    = regexp.MustCompile(`(?i)^(?:source|via|originally published (?:in|by|at|on)|(?:this|the) (?:article|story) (?:was )?(?:first |originally )?(?:appeared|published) (?:in|on|by))\s*:?\s*(.{2,60}?)\.?$`)
	reCopyright     = regexp.MustCompile(`(?i)^(?:copyright|©|\(c\))\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?(.{2,60}?)\.?\s*(?:all rights reserved\.?)?$`)
)

// isCaption reports whether a block is a photo caption: it carries a
// photo credit or starts like one.
func isCaption(t string) bool {
	if len(t) > 800 || !mayBeCaption(t) || wordCount(t) > 80 {
		return false
	}
	return reCaptionCredit.MatchString(t) || reCaptionLead.MatchString(t)
}

// captionAnchors are words one of which every caption pattern needs.
var captionAnchors = []string{"photo", "image", "pictur", "credit", "illustrat", "video", "graphic", "getty",
	"reuters", "/", "above", "top:", "below", "left:", "right:", "caption"}

func mayBeCaption(t string) bool { return containsAnyOf(strings.ToLower(t), captionAnchors) }

// proseLike reports whether a block reads as running text rather than a
// label, a heading or a headline.
func proseLike(t string) bool {
	wc := wordCount(t)
	return wc >= 16 || (endsSentence(t) && wc >= 5) || len(splitSentences(t)) > 1
}

// leadLike reports whether the first block of a file that has no headline
// above it reads as the start of the text rather than as a headline:
// more than 40 words; a sentence ending with a full stop (headlines do
// not end with one); a question or exclamation of 20 words or more, or
// several sentences of 16 or more. A trailing ellipsis is a headline cut
// short, not the end of a sentence.
func leadLike(t string) bool {
	wc := wordCount(t)
	if wc > 40 || endsWithFullStop(t) {
		return true
	}
	if !endsSentence(t) || strings.HasSuffix(strings.TrimRightFunc(t, func(r rune) bool { return isClosingPunct(r) || r == ' ' }), "…") {
		return false
	}
	return wc >= 20 || wc >= 16 && len(splitSentences(t)) > 1
}

// endsWithFullStop reports whether s ends with a period that ends a
// sentence, ignoring closing quotes and brackets; the period of an
// abbreviation or an initial ("Inc.", "U.S.") does not count, nor does
// an ellipsis.
func endsWithFullStop(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool { return isClosingPunct(r) || r == ' ' })
	i := len(s) - 1
	if i < 0 || s[i] != '.' || strings.HasSuffix(s, "..") {
		return false
	}
	return !isAbbrevBefore(s, i)
}

// headingShape reports whether a block could be a section heading: one
// short line that does not end like a sentence (a question is allowed).
func headingShape(t string) bool {
	wc := wordCount(t)
	if wc == 0 || wc > 14 || len(t) > 120 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(t)
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(t, " "))
	// A heading may be a quotation set off whole: ‘Not one day earlier’.
	quoted := isOpeningQuote(first) && first != '(' && first != '[' && isClosingPunct(last) && last != ')' && last != ']'
	if quoted {
		inner := strings.TrimSpace(strings.Trim(t, "“”‘’\"'«»"))
		if inner == "" || strings.ContainsAny(inner, "“”\"") {
			return false
		}
		first, _ = utf8.DecodeRuneInString(inner)
		last, _ = utf8.DecodeLastRuneInString(inner)
		if last == '.' || last == ',' {
			return false
		}
	} else {
		switch last {
		case '.', ',', ';', ':', '”', '"', '’', '…', ')':
			return false
		}
	}
	if !(unicode.IsUpper(first) || unicode.IsDigit(first) || first == '“' || first == '"') {
		return false
	}
	return len(splitSentences(t)) == 1
}

func similarTitle(a, b string) bool {
	na, nb := strings.ToLower(collapseSpaces(a)), strings.ToLower(collapseSpaces(b))
	na = strings.TrimFunc(na, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	nb = strings.TrimFunc(nb, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return na != "" && nb != "" && (na == nb || strings.HasPrefix(na, nb) || strings.HasPrefix(nb, na))
}

// classify walks the blocks in order, takes the headline and metadata out
// of them, drops page furniture and keeps the content blocks with their
// section headings.
func (p *parser) classify(raw []rawBlock) {
	a := p.a
	title := p.fm.Title
	section := ""
	tail := false
	datelineTries := 0
	for i := 0; i < len(raw); i++ {
		b := raw[i]
		t := b.text
		if m := reCopyright.FindStringSubmatch(t); m != nil && wordCount(t) <= 12 {
			if pub := strings.TrimSpace(m[1]); a.Publication == "" && looksLikeName(pub) && !isDigits(pub[:1]) {
				a.Publication = pub
			}
			continue
		}
		if m := reSourceLine.FindStringSubmatch(t); m != nil && wordCount(t) <= 10 && looksLikeName(m[1]) {
			if a.Publication == "" {
				a.Publication = strings.TrimSpace(m[1])
			}
			continue
		}
		if d, updated, ok := dateLine(t); ok {
			p.setDate(d, updated)
			continue
		}
		if mf, ok := parseMetaLine(t); ok {
			if a.Author == "" {
				a.Author = mf.author
			}
			if a.Publication == "" {
				a.Publication = mf.publication
			}
			if !mf.published.IsZero() {
				p.setDate(mf.published, mf.updated)
			}
			continue
		}
		if boiler, startsTail := isBoilerplate(t); boiler {
			tail = tail || startsTail
			continue
		}
		if tail {
			// After "Related posts" or a comment widget, short lines are
			// links and widgets; running text ends the tail.
			if !proseLike(t) || wordCount(t) < 25 {
				continue
			}
			tail = false
		}
		if b.kind == bkHeading {
			if title == "" && !p.bodySeen {
				title = t
				continue
			}
			if !p.bodySeen && similarTitle(t, title) {
				continue
			}
			section = t
			continue
		}
		if title == "" {
			if b.kind == bkCaption || isCaption(t) {
				p.add(t, KindCaption, section)
				continue
			}
			if !leadLike(t) {
				title = t
				continue
			}
			// Running text with no headline above it (an article pasted
			// on one line, or a file that starts with its lead): its
			// first sentence names it, and all of it stays text, so
			// that it can be found.
			if sents := splitSentences(t); len(sents) > 0 {
				title = clipWords(t[sents[0].Start:sents[0].End], 16)
			} else {
				title = clipWords(t, 16)
			}
		}
		if !p.bodySeen && p.fm.Title != "" && similarTitle(t, title) && !proseLike(t) {
			continue // the headline repeated under the front matter
		}
		if b.kind == bkList {
			if t = stripSolicitations(t); t != "" {
				p.add(t, KindList, section)
			}
			continue
		}
		if b.kind == bkCaption || isCaption(t) {
			p.add(t, KindCaption, section)
			continue
		}
		t = stripSolicitations(t)
		t = strings.TrimSpace(reLeadJunk.ReplaceAllString(t, ""))
		if t == "" {
			continue
		}
		if !p.bodySeen {
			if !proseLike(t) {
				if wordCount(t) <= 6 && !endsSentence(t) {
					// A label under the headline: the name of the person
					// in the lead photo.
					p.add(t, KindCaption, section)
					continue
				}
				if headingShape(t) && p.nextIsProse(raw, i) {
					section = t
					continue
				}
			}
			p.bodySeen = true
		} else if headingShape(t) && p.nextIsProse(raw, i) {
			section = t
			continue
		}
		if a.Dateline == "" && datelineTries < 2 {
			datelineTries++
			if place, agency, rest, ok := splitDateline(t); ok {
				a.Dateline = place
				if agency != "" && a.Publication == "" && looksLikeName(agency) {
					a.Publication = agency
				}
				t = rest
			}
		}
		p.add(t, KindParagraph, section)
	}
	if t, pub, ok := splitTitlePublication(title); ok {
		title = t
		if a.Publication == "" {
			a.Publication = pub
		}
	}
	a.Title = title
}

// nextIsProse reports whether the next content block after raw[i] is
// running text or a list: what follows a section heading.
func (p *parser) nextIsProse(raw []rawBlock, i int) bool {
	for j := i + 1; j < len(raw); j++ {
		t := raw[j].text
		if boiler, _ := isBoilerplate(t); boiler {
			if _, tail := isBoilerplate(t); tail {
				return false
			}
			continue
		}
		if raw[j].kind == bkCaption || isCaption(t) {
			continue
		}
		if raw[j].kind == bkList || raw[j].kind == bkQuote {
			return true
		}
		if raw[j].kind == bkHeading {
			return false
		}
		return proseLike(t) || wordCount(t) >= 8
	}
	return false
}

// clipWords returns the first n words of s, with "…" when it cut.
func clipWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) <= n {
		return s
	}
	return strings.Join(f[:n], " ") + "…"
}

// splitTitlePublication splits "Headline | Publication" into its parts.
func splitTitlePublication(title string) (string, string, bool) {
	i := strings.LastIndex(title, " | ")
	if i <= 0 {
		return title, "", false
	}
	pub := strings.TrimSpace(title[i+3:])
	if wordCount(pub) > 5 || !looksLikeName(pub) {
		return title, "", false
	}
	return strings.TrimSpace(title[:i]), pub, true
}

func (p *parser) setDate(d time.Time, updated bool) {
	if updated {
		if p.updDate.IsZero() {
			p.updDate = d
		}
		return
	}
	if p.pubDate.IsZero() {
		p.pubDate = d
	}
}

func (p *parser) add(t string, kind Kind, section string) {
	p.blocks = append(p.blocks, cblock{text: t, kind: kind, section: section})
}

// applyFrontMatter fills the article's metadata: front matter wins over
// what the text says.
func (p *parser) applyFrontMatter() {
	a, fm := p.a, p.fm
	if fm.Title != "" {
		a.Title = fm.Title
	}
	if fm.Author != "" {
		a.Author = fm.Author
	}
	if fm.Publication != "" {
		a.Publication = fm.Publication
	}
	a.URL = fm.URL
	a.Tags = fm.Tags
	switch {
	case !fm.Published.IsZero():
		a.Published = fm.Published
	case !p.pubDate.IsZero():
		a.Published = p.pubDate
	default:
		a.Published = p.updDate
	}
	a.Title = collapseSpaces(a.Title)
}

// buildPassages turns content blocks into passages: short paragraphs are
// merged with a neighbour in the same section, long ones are split at
// sentence boundaries, and quotations are found and attributed.
func (p *parser) buildPassages() {
	blocks := splitHuge(mergeShort(p.blocks))
	quotes := attributeQuotes(blocks)
	for bi, b := range blocks {
		for _, ch := range chunkBlock(b.text, quotes[bi]) {
			ps := Passage{
				Index:   len(p.a.Passages),
				Section: b.section,
				Kind:    b.kind,
				Text:    b.text[ch.Start:ch.End],
			}
			for _, s := range splitSentences(ps.Text) {
				ps.Sentences = append(ps.Sentences, Span(s))
			}
			for _, q := range quotes[bi] {
				if q.Start >= ch.Start && q.Start < ch.End {
					q.Start -= ch.Start
					q.End -= ch.Start
					if q.End > len(ps.Text) {
						q.End = len(ps.Text)
					}
					q.Text = ps.Text[q.Start:q.End]
					ps.Quotes = append(ps.Quotes, q)
				}
			}
			p.a.Passages = append(p.a.Passages, ps)
		}
	}
}

// maxBlockBytes bounds the size of a block that quotation attribution
// reads as one paragraph. Real paragraphs are far smaller; text with no
// paragraph breaks at all is cut into passage-sized blocks first, so that
// the work per block stays small whatever the file holds.
const maxBlockBytes = 16 << 10

// splitHuge cuts blocks longer than maxBlockBytes into passage-sized
// blocks of the same kind and section.
func splitHuge(in []cblock) []cblock {
	var out []cblock
	for _, b := range in {
		if len(b.text) <= maxBlockBytes {
			out = append(out, b)
			continue
		}
		for _, ch := range chunkBlock(b.text, nil) {
			out = append(out, cblock{text: b.text[ch.Start:ch.End], kind: b.kind, section: b.section})
		}
	}
	return out
}

// mergeShort merges paragraphs of fewer than minPassageWords words into
// the next paragraph of the same section, or else into the previous one.
func mergeShort(in []cblock) []cblock {
	out := make([]cblock, 0, len(in))
	var carry *cblock
	for _, b := range in {
		if carry != nil {
			if b.kind == KindParagraph && b.section == carry.section {
				b.text = carry.text + "\n" + b.text
			} else {
				out = appendOrMerge(out, *carry)
			}
			carry = nil
		}
		if b.kind == KindParagraph && wordCount(b.text) < minPassageWords {
			c := b
			carry = &c
			continue
		}
		out = append(out, b)
	}
	if carry != nil {
		out = appendOrMerge(out, *carry)
	}
	return out
}

// appendOrMerge appends a short paragraph to the previous paragraph of the
// same section, or keeps it alone when there is none.
func appendOrMerge(out []cblock, b cblock) []cblock {
	if n := len(out); n > 0 && out[n-1].kind == KindParagraph && out[n-1].section == b.section {
		out[n-1].text += "\n" + b.text
		return out
	}
	return append(out, b)
}

// chunkBlock splits a block's text into passage-sized byte ranges at
// sentence boundaries that do not fall inside a quotation. A sentence too
// long on its own is cut at clause or word boundaries.
func chunkBlock(text string, quotes []Quote) []span {
	sents := splitSentences(text)
	words := wordCount(text)
	if len(sents) <= maxPassageSentences && words <= maxPassageWords {
		return []span{{0, len(text)}}
	}
	// Units are runs of sentences that may not be separated: a boundary
	// inside a quotation joins its two sentences.
	var units []span
	for _, s := range sents {
		for _, piece := range cutLongSentence(text, s) {
			if n := len(units); n > 0 && insideQuote(quotes, piece.Start) {
				units[n-1].End = piece.End
				continue
			}
			units = append(units, piece)
		}
	}
	// Greedy fill towards the target size; never more than the maximum
	// number of sentences.
	var out []span
	cur := span{-1, -1}
	curWords, curSents := 0, 0
	for _, u := range units {
		uw := wordCount(text[u.Start:u.End])
		if cur.Start >= 0 && (curWords+uw > maxPassageWords || curSents >= maxPassageSentences || (curWords >= targetPassageWords && curSents >= 2)) {
			out = append(out, cur)
			cur, curWords, curSents = span{-1, -1}, 0, 0
		}
		if cur.Start < 0 {
			cur.Start = u.Start
		}
		cur.End = u.End
		curWords += uw
		curSents++
	}
	if cur.Start >= 0 {
		// A short remainder joins the chunk before it.
		if n := len(out); n > 0 && curWords < minPassageWords*2 && !(curSents > maxPassageSentences) {
			out[n-1].End = cur.End
		} else {
			out = append(out, cur)
		}
	}
	return out
}

func insideQuote(quotes []Quote, off int) bool {
	for _, q := range quotes {
		if off > q.Start && off < q.End {
			return true
		}
	}
	return false
}

// cutLongSentence splits a sentence longer than maxPassageWords words at
// semicolons, colons, dashes or commas, or else between words, into pieces
// of about targetPassageWords words.
func cutLongSentence(text string, s span) []span {
	if wordCount(text[s.Start:s.End]) <= maxPassageWords {
		return []span{s}
	}
	var out []span
	start := s.Start
	words := 0
	lastBreak, lastSpace := -1, -1
	inWord := false
	for i := s.Start; i < s.End; {
		r, size := utf8.DecodeRuneInString(text[i:])
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !inWord {
			words++
		}
		inWord = w
		switch r {
		case ' ', '\n':
			lastSpace = i
			if i > start {
				prev, _ := utf8.DecodeLastRuneInString(text[:i])
				if prev == ';' || prev == ':' || prev == ',' || prev == '—' || prev == '–' {
					lastBreak = i
				}
			}
		}
		if words > targetPassageWords {
			cut := lastBreak
			if cut <= start || words < targetPassageWords*3/2 && cut < 0 {
				cut = lastSpace
			}
			if cut > start {
				out = append(out, span{start, cut})
				start = cut + 1
				words = wordCount(text[start : i+size])
				lastBreak, lastSpace = -1, -1
			}
		}
		i += size
	}
	if start < s.End {
		out = append(out, span{start, s.End})
	}
	return out
}
