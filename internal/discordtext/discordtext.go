// Package discordtext owns text as Discord shows it: Markdown escaping,
// clipping to Discord's limits without cutting words, and the limits
// themselves (DESIGN.md, "Discord facts that bind the design"). Both the
// slash commands and the digests render through it, so every message
// Dossier posts follows the same rules. It imports nothing of the bot.
package discordtext

import (
	"net"
	"net/url"

	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
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

// SafeURL returns raw as an absolute http(s) URL that Discord accepts in
// an embed (a URI by RFC 3986, at most MaxURL bytes), or "" when it
// cannot be one. Characters a URI may not hold (spaces, non-ASCII
// letters, a % that starts no escape) are percent-encoded, as a browser
// does, rather than dropping the link.
func SafeURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > 4*MaxURL {
		return ""
	}
	u, err := url.Parse(escapeURI(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.Hostname() == "" {
		return ""
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return ""
		}
	}
	if !normalHost(u) {
		return ""
	}
	// Brackets are for IPv6 hosts only; elsewhere they must be escaped.
	out := u.String()
	if i := strings.IndexAny(out[len(u.Scheme)+3:], "/?#"); i >= 0 {
		at := len(u.Scheme) + 3 + i
		rest := strings.NewReplacer("[", "%5B", "]", "%5D").Replace(out[at:])
		out = out[:at] + rest
	}
	out = escapeURI(out)
	if len(out) > MaxURL {
		return ""
	}
	return out
}

// escapeURI percent-encodes the bytes RFC 3986 allows nowhere in a URI,
// and a % that does not start an escape.
func escapeURI(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(c)
		case c == '%' || !uriByte(c):
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// uriByte reports whether c may appear in a URI as it is: unreserved and
// reserved characters (RFC 3986, section 2).
func uriByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~:/?#[]@!$&'()*+,;=", c) >= 0
}

// normalHost checks u's host and writes it as Discord takes it: an IP
// address, or a domain name of at least two labels of letters, digits and
// inner hyphens, an international one in its ASCII (punycode) form. It
// reports false for anything else (localhost, under_scores, a..b).
func normalHost(u *url.URL) bool {
	h := u.Hostname()
	if strings.HasPrefix(u.Host, "[") {
		ip := net.ParseIP(h)
		return ip != nil && strings.Contains(h, ":")
	}
	if net.ParseIP(h) != nil {
		return true
	}
	if !utf8.ValidString(h) {
		return false
	}
	ascii, err := idna.Lookup.ToASCII(strings.TrimSuffix(h, "."))
	if err != nil || !strings.Contains(ascii, ".") {
		return false
	}
	if again, err := idna.Lookup.ToASCII(ascii); err != nil || again != ascii {
		return false // a name that does not read back as itself
	}
	for _, label := range strings.Split(ascii, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	if p := u.Port(); p != "" {
		ascii += ":" + p
	}
	u.Host = ascii
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Runes counts characters as Discord does.
func Runes(s string) int { return utf8.RuneCountInString(s) }
