package commands

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dossier-bot/dossier/internal/discordtext"
	"github.com/dossier-bot/dossier/search"
)

// How passages are shown: each result is an embed with the passage quoted
// as a block quote, cropped around the answer sentence to a readable
// length, the answer and the matched words in bold, the speaker under it,
// and the source in the title (linked to the article) and the footer.

// passageBudget is how many characters of a passage an embed quotes.
const passageBudget = 720

// embedColor is Dossier's accent on answer embeds.
const embedColor = 0x3B6EA5

// hitEmbed renders one search hit.
func hitEmbed(h search.Hit) Embed {
	desc := quoteBlock(renderPassage(h.Passage.Text, h.Answer, h.Matches, passageBudget))
	if q := h.AnswerQuote(); q != nil {
		desc += "\n" + speakerLine(*q)
	}
	return Embed{
		Title:       discordtext.Clip(discordtext.Escape(h.Article.Title), maxEmbedTitle),
		URL:         discordtext.SafeURL(h.Article.URL),
		Description: desc,
		Footer:      sourceFooter(h.Article, h.Passage.Section),
		Color:       embedColor,
	}
}

// speakerLine is "— **Colin Clarke**, research head at ...".
func speakerLine(q search.Quote) string {
	who := q.Speaker
	if q.Title != "" {
		who = q.Title + " " + who
	}
	line := "— **" + discordtext.Escape(who) + "**"
	if q.Role != "" {
		line += ", " + discordtext.Escape(q.Role)
	}
	return discordtext.Clip(line, 400)
}

// sourceFooter is "Publication · Author · 2025-05-15 · Section". The
// footer is plain text in Discord, so it is not escaped.
func sourceFooter(a search.ArticleInfo, section string) string {
	var parts []string
	for _, p := range []string{a.Publication, a.Author, a.PublishedDate(), section} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " · ")
}

// quoteBlock makes Markdown text a block quote, line by line.
func quoteBlock(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return strings.Join(lines, "\n")
}

// renderPassage crops text around the answer to about budget characters,
// cutting only between words and marking cuts with "…", escapes it, and
// sets the answer and the matched words in bold.
func renderPassage(text string, answer search.Span, matches []search.Span, budget int) string {
	start, end := cropWindow(text, answer, matches, budget)
	// Bold ranges: the answer and the matches, inside the window.
	var bold []search.Span
	if answer.End > answer.Start {
		bold = append(bold, answer)
	}
	bold = append(bold, matches...)
	sort.Slice(bold, func(i, j int) bool { return bold[i].Start < bold[j].Start })
	var merged []search.Span
	for _, b := range bold {
		b.Start, b.End = max(b.Start, start), min(b.End, end)
		if b.End <= b.Start {
			continue
		}
		if n := len(merged); n > 0 && b.Start <= merged[n-1].End {
			merged[n-1].End = max(merged[n-1].End, b.End)
			continue
		}
		merged = append(merged, b)
	}
	var out strings.Builder
	if start > 0 {
		out.WriteString("…")
	}
	pos := start
	for _, b := range merged {
		out.WriteString(discordtext.Escape(text[pos:b.Start]))
		out.WriteString(boldText(text[b.Start:b.End]))
		pos = b.End
	}
	out.WriteString(discordtext.Escape(text[pos:end]))
	if end < len(text) {
		out.WriteString("…")
	}
	return out.String()
}

// boldText sets text in bold, keeping the spaces at its ends outside the
// markers (Discord does not render "** word**") and each line apart.
func boldText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		core := strings.TrimSpace(l)
		if core == "" {
			continue
		}
		lead := l[:strings.Index(l, core)]
		trail := l[len(lead)+len(core):]
		lines[i] = lead + "**" + discordtext.Escape(core) + "**" + trail
	}
	return strings.Join(lines, "\n")
}

// cropWindow chooses the byte range of text to show: all of it when it
// fits; else the answer with as much of its surroundings as the budget
// allows (more after than before), cut between words.
func cropWindow(text string, answer search.Span, matches []search.Span, budget int) (int, int) {
	if utf8.RuneCountInString(text) <= budget {
		return 0, len(text)
	}
	as, ae := answer.Start, answer.End
	if ae <= as || ae > len(text) {
		as, ae = 0, 0
	}
	if utf8.RuneCountInString(text[as:ae]) > budget {
		// The answer alone is too long: centre on its first matched word.
		focus := as
		for _, m := range matches {
			if m.Start >= as && m.Start < ae {
				focus = m.Start
				break
			}
		}
		start := backRunes(text, focus, budget/4)
		if start < as {
			start = as
		}
		return wordStart(text, start), wordEnd(text, forwardRunes(text, start, budget))
	}
	room := budget - utf8.RuneCountInString(text[as:ae])
	start := backRunes(text, as, room/3)
	end := forwardRunes(text, ae, room-utf8.RuneCountInString(text[start:as]))
	if end == len(text) {
		// Nothing left after: give the rest of the room to before.
		start = backRunes(text, as, room-utf8.RuneCountInString(text[ae:end]))
	}
	return wordStart(text, start), wordEnd(text, end)
}

func backRunes(s string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return i
}

func forwardRunes(s string, i, n int) int {
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// wordStart moves i forward to the start of a word unless it is already
// at the start of the text or of a word.
func wordStart(s string, i int) int {
	if i <= 0 {
		return 0
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	if unicode.IsSpace(prev) {
		return i
	}
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if unicode.IsSpace(r) {
			break
		}
	}
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

// wordEnd moves i back to the end of a word unless it is at the end of
// the text or between words.
func wordEnd(s string, i int) int {
	if i >= len(s) {
		return len(s)
	}
	if next, _ := utf8.DecodeRuneInString(s[i:]); unicode.IsSpace(next) {
		return len(strings.TrimRightFunc(s[:i], unicode.IsSpace))
	}
	j := i
	for j > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		if unicode.IsSpace(r) {
			break
		}
		j -= size
	}
	if j == 0 {
		return i // one long word: cut it rather than show nothing
	}
	return len(strings.TrimRightFunc(s[:j], unicode.IsSpace))
}
