package commands

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Discord's limits on what a message may hold (DESIGN.md, "Discord facts
// that bind the design"). Every message Dossier sends is fitted to them
// here, whatever the article text or the user's question.
const (
	maxContent          = 2000
	maxEmbeds           = 10
	maxEmbedTitle       = 256
	maxEmbedDescription = 4096
	maxEmbedFields      = 25
	maxFieldName        = 256
	maxFieldValue       = 1024
	maxFooter           = 2048
	maxAuthorName       = 256
	maxEmbedsTotal      = 6000
	maxCustomID         = 100
	maxButtonsPerRow    = 5
	maxRows             = 5
	maxButtonLabel      = 80
	maxChoices          = 25
	maxChoiceName       = 100
	maxChoiceValue      = 100
	maxURL              = 2048
)

// escapeMarkdown makes text show as written in Discord: characters that
// would format, spoil, link or mention are escaped, as are the markers of
// quotes, headings and lists at the start of a line, so that neither
// article text nor a user's words can change the formatting or make a
// link.
func escapeMarkdown(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/10)
	atLineStart := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case strings.ContainsRune("\\*_~`|[]()<@", r):
			b.WriteByte('\\')
		case atLineStart && strings.ContainsRune(">#-+", r):
			b.WriteByte('\\')
		case r == ':' && strings.HasPrefix(s[i+size:], "//"):
			b.WriteByte('\\') // "https\://" is not a link
		}
		b.WriteRune(r)
		if r == '\n' {
			atLineStart = true
		} else if r != ' ' && r != '\t' {
			atLineStart = false
		}
		i += size
	}
	return b.String()
}

// clip shortens s to at most max bytes of valid UTF-8, at a word
// boundary where one is near, ending with "…" when it cut.
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const ell = "…"
	cut := max - len(ell)
	if cut <= 0 {
		return ""
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	// Back up to a space if one is close, so no word is cut in half.
	if sp := strings.LastIndexAny(s[:cut], " \n"); sp > cut-40 && sp > 0 {
		cut = sp
	}
	// Never leave a dangling escape.
	for cut > 0 && s[cut-1] == '\\' {
		cut--
	}
	return strings.TrimRightFunc(s[:cut], unicode.IsSpace) + ell
}

// clipRunes shortens s to at most max characters (runes), as Discord
// counts for embeds and choices.
func clipRunes(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	cut := max - 1
	for i := cut; i > cut-30 && i > 0; i-- {
		if unicode.IsSpace(r[i]) {
			cut = i
			break
		}
	}
	for cut > 0 && r[cut-1] == '\\' {
		cut--
	}
	return strings.TrimRightFunc(string(r[:cut]), unicode.IsSpace) + "…"
}

var reURL = regexp.MustCompile(`^https?://[^\s<>"]+$`)

// safeURL returns u when it is an http(s) URL Discord accepts in an embed,
// else "".
func safeURL(u string) string {
	if len(u) > maxURL || !reURL.MatchString(u) {
		return ""
	}
	return u
}

// runes counts characters as Discord does.
func runes(s string) int { return utf8.RuneCountInString(s) }

// embedSize is an embed's size as Discord adds it up for the 6000 limit.
func embedSize(e wireEmbed) int {
	n := runes(e.Title) + runes(e.Description)
	if e.Author != nil {
		n += runes(e.Author.Name)
	}
	if e.Footer != nil {
		n += runes(e.Footer.Text)
	}
	for _, f := range e.Fields {
		n += runes(f.Name) + runes(f.Value)
	}
	return n
}

// fitMessage makes a message respect every limit: it clips each part,
// drops embeds beyond ten or beyond the 6000-character total, and keeps
// buttons within five rows of five with valid custom IDs.
func fitMessage(m *wireMessageOut) {
	m.Content = clipRunes(m.Content, maxContent)
	if len(m.Embeds) > maxEmbeds {
		m.Embeds = m.Embeds[:maxEmbeds]
	}
	total := 0
	var kept []wireEmbed
	for _, e := range m.Embeds {
		e.Title = clipRunes(e.Title, maxEmbedTitle)
		e.Description = clipRunes(e.Description, maxEmbedDescription)
		e.URL = safeURL(e.URL)
		if e.Author != nil {
			e.Author.Name = clipRunes(e.Author.Name, maxAuthorName)
			e.Author.URL = safeURL(e.Author.URL)
			if e.Author.Name == "" {
				e.Author = nil
			}
		}
		if e.Footer != nil {
			e.Footer.Text = clipRunes(e.Footer.Text, maxFooter)
			if e.Footer.Text == "" {
				e.Footer = nil
			}
		}
		if len(e.Fields) > maxEmbedFields {
			e.Fields = e.Fields[:maxEmbedFields]
		}
		for i := range e.Fields {
			e.Fields[i].Name = orDash(clipRunes(e.Fields[i].Name, maxFieldName))
			e.Fields[i].Value = orDash(clipRunes(e.Fields[i].Value, maxFieldValue))
		}
		size := embedSize(e)
		if total+size > maxEmbedsTotal {
			// Shorten the description to what is left, or stop.
			room := maxEmbedsTotal - total - (size - runes(e.Description))
			if room < 200 || len(kept) > 0 && room < 600 {
				break
			}
			e.Description = clipRunes(e.Description, room)
			size = embedSize(e)
		}
		total += size
		kept = append(kept, e)
	}
	m.Embeds = kept
	if m.Embeds == nil {
		m.Embeds = []wireEmbed{}
	}
	fitComponents(&m.Components)
	m.AllowedMentions = noMentions()
}

func fitComponents(rows *[]wireActionRow) {
	var out []wireActionRow
	for _, r := range *rows {
		var btns []wireButton
		for _, b := range r.Components {
			b.Label = clipRunes(b.Label, maxButtonLabel)
			if b.URL != "" {
				if b.URL = safeURL(b.URL); b.URL == "" {
					continue
				}
				b.CustomID = ""
			} else if b.CustomID == "" || len(b.CustomID) > maxCustomID {
				continue
			}
			btns = append(btns, b)
			if len(btns) == maxButtonsPerRow {
				break
			}
		}
		if len(btns) > 0 {
			out = append(out, wireActionRow{Type: 1, Components: btns})
		}
		if len(out) == maxRows {
			break
		}
	}
	if out == nil {
		out = []wireActionRow{}
	}
	*rows = out
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
