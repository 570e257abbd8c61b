package corpusgen

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
)

// Options configures a generated corpus.
type Options struct {
	Articles   int   // number of articles
	Seed       int64 // same seed => byte-identical output
	Vocabulary int   // distinct content word forms; default 60000 when 0
}

// Generator produces articles and questions; it is deterministic for a given Options.
// It is read-only after New and safe for concurrent use.
type Generator struct {
	opts Options
	lx   *lexicon
}

// New returns a Generator for opts. Building the synthetic language costs
// a few tens of milliseconds for the default vocabulary; reuse the Generator.
// The language depends only on Vocabulary, so corpora with different seeds
// share words, names, places and organisations. A negative Articles counts
// as zero; vocabularies below a few hundred forms are rounded up so each
// part of speech keeps a dozen words.
func New(opts Options) *Generator {
	if opts.Vocabulary <= 0 {
		opts.Vocabulary = defaultVocabulary
	}
	opts.Articles = max(opts.Articles, 0)
	return &Generator{opts: opts, lx: newLexicon(opts.Vocabulary)}
}

// Article returns the i-th article: a relative file name (e.g. "gen/0042/a001234.txt" or ".md") and its content.
// It depends only on the Options and i, so articles can be produced in any
// order and concurrently. It panics if i is outside [0, Articles).
func (g *Generator) Article(i int) (name string, content []byte) {
	if i < 0 || i >= g.opts.Articles {
		panic(fmt.Sprintf("corpusgen: article %d out of range [0, %d)", i, g.opts.Articles))
	}
	art := g.build(i)
	return art.name, art.content
}

// WriteDir writes all articles under dir (creating subfolders).
func (g *Generator) WriteDir(dir string) error {
	made := make(map[string]bool)
	for i := range g.opts.Articles {
		name, content := g.Article(i)
		path := filepath.Join(dir, filepath.FromSlash(name))
		if sub := filepath.Dir(path); !made[sub] {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return err
			}
			made[sub] = true
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// blockKind is the kind of a body block.
type blockKind int

const (
	blockParagraph blockKind = iota
	blockHeading
	blockList
	blockLine // a line of its own: list intro, "Advertisement", boilerplate
)

// block is one body element of an article.
type block struct {
	kind  blockKind
	text  string     // blockHeading, blockLine
	sents []sentence // blockParagraph
	items []string   // blockList
}

// paragraphText joins a paragraph's sentences as rendered.
func (b *block) paragraphText() string {
	if len(b.sents) == 1 {
		return b.sents[0].text
	}
	parts := make([]string, len(b.sents))
	for i, s := range b.sents {
		parts[i] = s.text
	}
	return strings.Join(parts, " ")
}

// article is a generated article: its model and its rendering.
type article struct {
	name     string
	headline string
	content  []byte
	blocks   []block
	cast     []person
}

// build generates article i.
func (g *Generator) build(i int) *article {
	lx := g.lx
	a := &artGen{lx: lx, r: newRNG(g.opts.Seed, streamArticle, uint64(i)), lastSpeaker: -1}
	r := &a.r
	md := r.chance(0.2)
	ext := ".txt"
	if md {
		ext = ".md"
	}
	if r.chance(0.55) {
		a.open, a.close, a.apos = "“", "”", "’"
	} else {
		a.open, a.close, a.apos = `"`, `"`, "'"
	}
	a.date = time.Date(2023, 1, 1, r.between(5, 22), r.intn(60), 0, 0, time.UTC).AddDate(0, 0, r.intn(3*365))
	if r.chance(0.55) {
		a.places = append(a.places, pick(r, lx.cities))
	} else {
		a.places = append(a.places, pick(r, lx.places))
	}
	for range r.between(1, 2) {
		a.places = append(a.places, pick(r, lx.places))
	}
	for range r.between(1, 3) {
		a.orgs = append(a.orgs, pick(r, lx.orgs))
	}
	a.cast = make([]person, r.between(2, 5))
	for k := range a.cast {
		p := person{first: pick(r, lx.firsts), last: pick(r, lx.lasts), role: pick(r, lx.roles), org: pick(r, a.orgs)}
		if r.chance(0.6) {
			p.title = pick(r, lx.titles)
		}
		p.she = lx.isFemale(p.first)
		a.cast[k] = p
	}
	a.mentioned = make([]bool, len(a.cast))
	for c, n := range [numCategories]int{catNoun: 8, catVerb: 3, catAdj: 5} {
		a.topic[c] = make([]int, n)
		for k := range a.topic[c] {
			a.topic[c][k] = r.intn(len(lx.words[c]))
		}
	}

	headline := a.headline()
	var blocks []block
	paragraphs := r.between(8, 13)
	switch r.weighted(46, 37, 17) {
	case 1:
		paragraphs = r.between(14, 21)
	case 2:
		paragraphs = r.between(22, 30)
	}
	headings := r.chance(0.55)
	listAt, advertAt := -1, -1
	if r.chance(0.3) {
		listAt = r.between(2, paragraphs-2)
	}
	if !md && r.chance(0.1) {
		advertAt = r.between(3, paragraphs-2)
	}
	for k := range paragraphs {
		if headings && k >= 3 && r.chance(0.15) {
			blocks = append(blocks, block{kind: blockHeading, text: a.heading()})
		}
		if k == advertAt {
			blocks = append(blocks, block{kind: blockLine, text: "Advertisement"})
		}
		if k == listAt {
			if r.chance(0.7) {
				var p phrase
				a.clause(&p, 1)
				p.punct(",")
				p.add("including:")
				blocks = append(blocks, block{kind: blockParagraph, sents: []sentence{{text: capitalize(p.String())}}})
			} else {
				blocks = append(blocks, block{kind: blockLine, text: choose(r, "Key points:|Among the measures:|What we know:")})
			}
			items := make([]string, r.between(3, 6))
			for n := range items {
				items[n] = a.listItem()
			}
			blocks = append(blocks, block{kind: blockList, items: items})
		}
		blocks = append(blocks, a.paragraph(k == 0))
	}

	var b bytes.Buffer
	b.Grow(8 << 10)
	if md {
		a.renderMarkdown(&b, headline, blocks)
	} else {
		a.renderText(&b, headline, blocks)
	}
	return &article{
		name:     fmt.Sprintf("gen/%04d/a%06d%s", i/1000, i, ext),
		headline: headline,
		content:  b.Bytes(),
		blocks:   blocks,
		cast:     a.cast,
	}
}

// paragraph returns a body paragraph; the lede is short.
func (a *artGen) paragraph(lede bool) block {
	n := 1 + a.r.weighted(12, 26, 28, 18, 10, 6)
	if lede {
		n = a.r.between(1, 2)
	}
	quoteAt := -1
	if !lede && a.r.chance(0.38) {
		quoteAt = 0
		if a.r.chance(0.5) {
			quoteAt = a.r.intn(n)
		}
	}
	sents := make([]sentence, 0, n+1)
	for k := range n {
		switch {
		case k == quoteAt:
			sents = append(sents, a.quotation(a.speaker()))
		case quoteAt >= 0 && k == quoteAt+1 && a.r.chance(0.35):
			sents = append(sents, a.quotation(a.lastSpeaker))
		default:
			sents = append(sents, a.narrative())
		}
	}
	return block{kind: blockParagraph, sents: sents}
}

// author returns an author credit (one or two names) without "By ".
func (a *artGen) author() string {
	name := pick(&a.r, a.lx.firsts) + " " + pick(&a.r, a.lx.lasts)
	if a.r.chance(0.2) {
		name += " and " + pick(&a.r, a.lx.firsts) + " " + pick(&a.r, a.lx.lasts)
	}
	return name
}

func (a *artGen) renderText(b *bytes.Buffer, headline string, blocks []block) {
	r := &a.r
	var dateLine, byline string
	if r.chance(0.75) {
		switch r.weighted(25, 25, 20, 20, 10) {
		case 0:
			dateLine = a.date.Format("Monday, January 2, 2006")
		case 1:
			dateLine = a.date.Format("January 2, 2006")
		case 2:
			dateLine = a.date.Format("2006-01-02")
		case 3:
			dateLine = "Published " + a.date.Format("2006-01-02 15:04") + " | " + pick(r, a.lx.pubs) + " | Staff reporter"
		default:
			dateLine = "Updated " + a.date.Format("2 January 2006, 15:04")
		}
	}
	if !strings.HasPrefix(dateLine, "Published") && r.chance(0.65) {
		byline = "By " + a.author()
		if !strings.Contains(byline, " and ") && r.chance(0.3) {
			byline += " | " + pick(r, a.lx.desks)
		}
	}
	dateFirst := dateLine != "" && r.chance(0.2)
	if dateFirst {
		b.WriteString(dateLine + "\n\n")
	}
	b.WriteString(headline + "\n")
	if r.chance(0.1) {
		b.WriteString(" \n") // stray whitespace line, as scraped pages have
	}
	b.WriteString("\n")
	if dateLine != "" && !dateFirst {
		b.WriteString(dateLine + "\n")
	}
	if byline != "" {
		b.WriteString(byline + "\n")
	}
	if dateLine != "" && !dateFirst || byline != "" {
		b.WriteString("\n")
	}
	if r.chance(0.25) {
		b.WriteString(a.caption() + "\n\n")
	}
	if r.chance(0.45) {
		// Dateline on the lede: "LONDON — " or "CHISINAU (Global Wire) — ".
		line := strings.ToUpper(a.places[0])
		if r.chance(0.35) {
			line += " (" + pick(r, a.lx.agencies) + ")"
		}
		lede := &blocks[0].sents[0]
		lede.text = line + " — " + lede.text
	}
	gapped := r.chance(0.4)
	for k := range blocks {
		bl := &blocks[k]
		switch bl.kind {
		case blockParagraph:
			b.WriteString(bl.paragraphText() + "\n\n")
		case blockHeading, blockLine:
			if bl.kind == blockHeading && r.chance(0.3) {
				b.WriteString("\n")
			}
			b.WriteString(bl.text + "\n\n")
		case blockList:
			for _, it := range bl.items {
				b.WriteString("  • " + it + "\n")
				if gapped {
					b.WriteString("\n")
				}
			}
			if !gapped {
				b.WriteString("\n")
			}
		}
	}
	if r.chance(0.35) {
		switch r.intn(5) {
		case 0:
			b.WriteString("No comments:\n\nPost a Comment\n")
		case 1:
			b.WriteString("Share this:\n\nFacebook\nX\nEmail\n")
		case 2:
			b.WriteString("Advertisement\n")
		case 3:
			b.WriteString("Related posts\n\n" + a.headline() + "\n" + a.headline() + "\n")
		default:
			b.WriteString("Share this:\n\nRelated posts\n\n" + a.headline() + "\n")
		}
	}
	trimTrailingNewlines(b)
}

func (a *artGen) renderMarkdown(b *bytes.Buffer, headline string, blocks []block) {
	r := &a.r
	pub := pick(r, a.lx.pubs)
	b.WriteString("---\n")
	b.WriteString("title: \"" + headline + "\"\n")
	b.WriteString("author: " + a.author() + "\n")
	b.WriteString("publication: " + pub + "\n")
	b.WriteString("date: " + a.date.Format("2006-01-02") + "\n")
	b.WriteString("url: https://www." + strings.ReplaceAll(slug(pub), "-", "") + ".com/" +
		a.date.Format("2006/01/02") + "/" + slug(headline) + "/\n")
	tags := []string{slug(a.places[0])}
	for _, k := range a.topic[catNoun][:r.between(1, 4)] {
		tags = append(tags, a.lx.words[catNoun][k][nounSg])
	}
	if r.chance(0.5) {
		b.WriteString("tags: [" + strings.Join(tags, ", ") + "]\n")
	} else {
		b.WriteString("tags:\n")
		for _, t := range tags {
			b.WriteString("  - " + t + "\n")
		}
	}
	b.WriteString("---\n\n")
	if r.chance(0.25) {
		b.WriteString("# " + headline + "\n\n")
	}
	for k := range blocks {
		bl := &blocks[k]
		switch bl.kind {
		case blockParagraph:
			b.WriteString(bl.paragraphText() + "\n\n")
		case blockHeading:
			b.WriteString("## " + bl.text + "\n\n")
		case blockLine:
			b.WriteString(bl.text + "\n\n")
		case blockList:
			for _, it := range bl.items {
				b.WriteString("- " + it + "\n")
			}
			b.WriteString("\n")
		}
	}
	trimTrailingNewlines(b)
}

// trimTrailingNewlines leaves exactly one final newline.
func trimTrailingNewlines(b *bytes.Buffer) {
	n := b.Len()
	for n > 0 && b.Bytes()[n-1] == '\n' {
		n--
	}
	b.Truncate(n)
	b.WriteByte('\n')
}

// slug lower-cases s and joins its letter and digit runs with hyphens.
func slug(s string) string {
	var sb strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			if dash && sb.Len() > 0 {
				sb.WriteByte('-')
			}
			sb.WriteRune(c)
			dash = false
		} else {
			dash = true
		}
	}
	return sb.String()
}
