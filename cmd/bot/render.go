package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/dossier-bot/dossier/search"
)

// renderer writes answers for a person at a terminal: passages wrapped to
// the terminal's width, the answer sentence marked, matched words
// emphasised. Colour and bold are used only when the output is a
// terminal and NO_COLOR is not set.
type renderer struct {
	w     io.Writer
	width int
	color bool
	// filters describes the question's filters ("--source x"), for a
	// reply that finds nothing.
	filters string
}

func newRenderer(w io.Writer) *renderer {
	r := &renderer{w: w, width: 80}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		r.color = os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 20 {
			r.width = cols
		}
	} else if c, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && c > 20 {
		r.width = c
	}
	r.width = min(r.width, 100)
	return r
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

func (r *renderer) style(s, code string) string {
	if !r.color || s == "" {
		return s
	}
	return code + s + ansiReset
}

// answer writes the results of a question.
func (r *renderer) answer(res *search.Results) {
	if res.Suggestion != "" {
		var fixes []string
		for _, c := range res.Corrections {
			fixes = append(fixes, c.From+" → "+c.To)
		}
		fmt.Fprintf(r.w, "%s %s (%s)\n\n", r.style("Did you mean:", ansiDim), r.style(res.Suggestion, ansiBold), strings.Join(fixes, ", "))
	}
	if len(res.Hits) == 0 && r.filters != "" {
		fmt.Fprintf(r.w, "No passage answers “%s” with %s.\n", res.Query, r.filters)
		fmt.Fprintln(r.w, "\nLeave the filters out to search every article.")
		return
	}
	if len(res.Hits) == 0 {
		fmt.Fprintf(r.w, "No passage answers “%s”.\n", res.Query)
		if len(res.Closest) > 0 {
			fmt.Fprintln(r.w, "\nThe closest articles:")
			for _, a := range res.Closest {
				fmt.Fprintf(r.w, "  • %s\n", sourceLine(a, ""))
			}
		}
		fmt.Fprintln(r.w, "\nTry other words, fewer words, or a name as the articles spell it.")
		return
	}
	for i, h := range res.Hits {
		if i > 0 {
			fmt.Fprintln(r.w)
		}
		r.hit(h)
	}
	if res.More {
		fmt.Fprintf(r.w, "\n%s\n", r.style("More results: ask again with -n "+strconv.Itoa(len(res.Hits)+3)+".", ansiDim))
	}
}

// hit writes one passage: the quoted text, then who said it and where.
func (r *renderer) hit(h search.Hit) {
	label := fmt.Sprintf("%d. ", h.Rank)
	indent := strings.Repeat(" ", utf8.RuneCountInString(label))
	lines := r.wrapPassage(h, r.width-len(indent))
	for i, l := range lines {
		prefix := indent
		if i == 0 {
			prefix = r.style(label, ansiBold)
		}
		fmt.Fprintln(r.w, prefix+l)
	}
	speaker := ""
	if q := h.AnswerQuote(); q != nil {
		speaker = q.Speaker
		if q.Title != "" {
			speaker = q.Title + " " + speaker
		}
		if q.Role != "" {
			speaker += ", " + q.Role
		}
	}
	src := sourceLine(h.Article, speaker)
	for i, l := range wrapWords(src, r.width-len(indent)-2) {
		if i == 0 {
			fmt.Fprintln(r.w, indent+r.style("— "+l, ansiCyan))
		} else {
			fmt.Fprintln(r.w, indent+"  "+r.style(l, ansiCyan))
		}
	}
}

// sourceLine is "Speaker, role · Headline · Publication · Author · Date",
// leaving out what is unknown.
func sourceLine(a search.ArticleInfo, speaker string) string {
	var parts []string
	for _, p := range []string{speaker, a.Title, a.Publication, a.Author, a.PublishedDate()} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		parts = append(parts, a.ID)
	}
	return strings.Join(parts, " · ")
}

// wrapPassage wraps a passage's text in quotation marks to width columns,
// styling the answer sentence and the matched words. Without colour the
// answer sentence is set off by » and «.
func (r *renderer) wrapPassage(h search.Hit, width int) []string {
	text := h.Passage.Text
	type word struct {
		text          string
		answer, match bool
	}
	var words []word
	inMatch := func(s, e int) bool {
		for _, m := range h.Matches {
			if s < m.End && e > m.Start {
				return true
			}
		}
		return false
	}
	for i := 0; i < len(text); {
		for i < len(text) && (text[i] == ' ' || text[i] == '\n') {
			i++
		}
		j := i
		for j < len(text) && text[j] != ' ' && text[j] != '\n' {
			j++
		}
		if j > i {
			w := word{text: text[i:j], answer: i < h.Answer.End && j > h.Answer.Start, match: inMatch(i, j)}
			if !r.color && w.answer {
				// Mark the answer sentence with » «, where it starts and
				// ends even inside a "word" (Chinese and Japanese have no
				// spaces between sentences).
				a, b := max(h.Answer.Start-i, 0), min(h.Answer.End, j)-i
				w.text = w.text[:a] + "»" + w.text[a:b] + "«" + w.text[b:]
				if h.Answer.Start < i {
					w.text = strings.Replace(w.text, "»", "", 1)
				}
				if h.Answer.End > j {
					w.text = strings.Replace(w.text, "«", "", 1)
				}
			}
			words = append(words, w)
		}
		i = j
	}
	if len(words) > 0 {
		words[0].text = "“" + words[0].text
		words[len(words)-1].text += "”"
	}
	styled := make([]string, len(words))
	for i, w := range words {
		switch {
		case w.match && w.answer:
			styled[i] = r.style(w.text, ansiBold+ansiYellow)
		case w.match:
			styled[i] = r.style(w.text, ansiYellow)
		case w.answer:
			styled[i] = r.style(w.text, ansiBold)
		default:
			styled[i] = w.text
		}
	}
	return wrap(styled, width)
}

// wrapWords wraps plain text to width columns.
func wrapWords(s string, width int) []string { return wrap(strings.Fields(s), width) }

// wrap joins words into lines of at most width visible columns; escape
// sequences in a word do not count.
func wrap(words []string, width int) []string {
	var lines []string
	var cur strings.Builder
	n := 0
	for _, w := range words {
		ww := utf8.RuneCountInString(reANSI.ReplaceAllString(w, ""))
		if n > 0 && n+1+ww > width {
			lines = append(lines, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(w)
		n += ww
	}
	if n > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

var reANSI = regexp.MustCompile("\x1b\\[[0-9;]*m")
