package discordtext

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscapeMarkdown(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"**bold** _it_ ~~s~~ `code` ||spoiler||", `\*\*bold\*\* \_it\_ \~\~s\~\~ \` + "`" + `code\` + "`" + ` \|\|spoiler\|\|`},
		{"[click](https://evil.example)", `\[click\]\(https\://evil.example\)`},
		{"@everyone and <@123>", `\@everyone and \<\@123>`},
		{"> quoted\n# heading\n- item", `\> quoted` + "\n" + `\# heading` + "\n" + `\- item`},
		{"a - b > c # d", "a - b > c # d"},
		{"time: 10:30", "time: 10:30"},
		{`back\slash`, `back\\slash`},
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestClipNeverCutsAWord(t *testing.T) {
	s := strings.Repeat("polonium ", 300)
	for _, limit := range []int{10, 100, 1023} {
		got := Clip(s, limit)
		if utf8.RuneCountInString(got) > limit {
			t.Errorf("Clip(_, %d) has %d runes", limit, utf8.RuneCountInString(got))
		}
		if !strings.HasSuffix(got, "polonium…") {
			t.Errorf("Clip(_, %d) = ...%q; want it to end with a whole word and …", limit, got[max(0, len(got)-20):])
		}
	}
}

// rfc3986 matches an absolute http(s) URI as RFC 3986's grammar has it
// (appendix A), hosts given as names or IPv6 literals.
var rfc3986 = regexp.MustCompile(`^https?://` +
	`(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*@)?` + // userinfo
	`(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+)` + // host
	`(?::[0-9]*)?` + // port
	`(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)*` + // path
	`(?:\?(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?` + // query
	`(?:#(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?$`) // fragment

func TestSafeURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://example.com/a?b=c", "https://example.com/a?b=c"},
		{"http://example.com", "http://example.com"},
		{"javascript:alert(1)", ""},
		{"ftp://example.com", ""},
		{"https://exa mple.com", ""},
		{"https://example.com/" + strings.Repeat("x", MaxURL), ""},
		{"  https://example.com/a  ", "https://example.com/a"},
		{"https://example.com/ferry-cut-100%", "https://example.com/ferry-cut-100%25"},
		{"https://example.com/a%20b?q=%7e", "https://example.com/a%20b?q=%7e"},
		{"https://example.com/café?q=thé#à", "https://example.com/caf%C3%A9?q=th%C3%A9#%C3%A0"},
		{"https://bücher.de/x", "https://xn--bcher-kva.de/x"},
		{"https://news.example.com./a", "https://news.example.com/a"},
		{"http://192.0.2.7:8080/a", "http://192.0.2.7:8080/a"},
		{"https://localhost/x", ""},
		{"http://ex_ample.com/", ""},
		{"https://a..b/", ""},
		{"https://-/", ""},
		{"https://-bad.example/", ""},
		{"https://example.com/a[1]?b=[2]", "https://example.com/a%5B1%5D?b=%5B2%5D"},
		{"https://[2001:db8::1]:8080/x", "https://[2001:db8::1]:8080/x"},
		{"https://example.com/a#b#c", "https://example.com/a#b%23c"},
		{"https://example.com/say \"hi\" <now>", "https://example.com/say%20%22hi%22%20%3Cnow%3E"},
		{"HTTPS://Example.com/", "https://example.com/"},
		{"https:///x", ""},
		{"https://:443/x", ""},
		{"https://example.com:99999/", ""},
		{"https://example.com:port/", ""},
		{"https:example.com", ""},
		{"//example.com/x", ""},
		{"example.com/x", ""},
		{"mailto:desk@example.com", ""},
		{"", ""},
	} {
		got := SafeURL(c.in)
		if got != c.want {
			t.Errorf("SafeURL(%q) = %q; want %q", c.in, got, c.want)
		}
		if got != "" && !rfc3986.MatchString(got) {
			t.Errorf("SafeURL(%q) = %q, which is not an RFC 3986 URI", c.in, got)
		}
	}
}

// FuzzSafeURL checks that whatever an article's front matter says, the
// URL Discord gets is an RFC 3986 URI or none.
func FuzzSafeURL(f *testing.F) {
	for _, s := range []string{"https://example.com/a b", "http://x.y/%zz%", "https://ü.example/ü?ü#ü#", "https://[::1]/[x]", "https://a@b:1/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := SafeURL(in)
		if got != "" && (!rfc3986.MatchString(got) || len(got) > MaxURL) {
			t.Errorf("SafeURL(%q) = %q; not an RFC 3986 URI of at most %d bytes", in, got, MaxURL)
		}
		if got != "" && SafeURL(got) != got {
			t.Errorf("SafeURL(%q) = %q, but SafeURL of that is %q; want it unchanged", in, got, SafeURL(got))
		}
	})
}
