// Package discordtext owns text as Discord shows it: Markdown escaping,
// clipping to Discord's limits without cutting words, and the limits
// themselves (DESIGN.md, "Discord facts that bind the design"). Both the
// slash commands and the digests render through it, so every message
// Dossier posts follows the same rules. It imports nothing of the bot.
package discordtext

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Discord's limits on what a message may hold, counted in characters
// (runes) as Discord counts them.
const (
	MaxContent          = 2000
	MaxEmbeds           = 10
	MaxEmbedTitle       = 256
	MaxEmbedDescription = 4096
	MaxEmbedFields      = 25
	MaxFieldName        = 256
	MaxFieldValue       = 1024
	MaxFooter           = 2048
	MaxAuthorName       = 256
	MaxEmbedsTotal      = 6000
	MaxCustomID         = 100
	MaxButtonsPerRow    = 5
	MaxRows             = 5
	MaxButtonLabel      = 80
	MaxChoices          = 25
	MaxChoiceName       = 100
	MaxChoiceValue      = 100
	MaxURL              = 2048
)

// Escape makes text show as written in Discord: characters that would
// format, spoil, link or mention are escaped, as are the markers of
// quotes, headings and lists at the start of a line, so that neither
// article text nor a user's words can change the formatting or make a
// link.
func Escape(s string) string {
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

// Clip shortens s to at most max characters (runes), as Discord counts
// them, at a word boundary where one is near, ending with "…" when it
// cut. It never leaves a dangling Markdown escape.
func Clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	if max <= 1 {
		return ""
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

// SafeURL returns u when it is an http(s) URL Discord accepts in an embed,
// else "".
func SafeURL(u string) string {
	if len(u) > MaxURL || !reURL.MatchString(u) {
		return ""
	}
	return u
}

// Runes counts characters as Discord does.
func Runes(s string) int { return utf8.RuneCountInString(s) }
