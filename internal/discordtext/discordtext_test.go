package discordtext

import (
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

func TestSafeURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://example.com/a?b=c", "https://example.com/a?b=c"},
		{"http://example.com", "http://example.com"},
		{"javascript:alert(1)", ""},
		{"ftp://example.com", ""},
		{"https://exa mple.com", ""},
		{"https://example.com/" + strings.Repeat("x", MaxURL), ""},
	} {
		if got := SafeURL(c.in); got != c.want {
			t.Errorf("SafeURL(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}
