package search

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf16"
)

// randomBytes returns n reproducible random bytes.
func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func utf16Bytes(s string, bigEndian bool) []byte {
	var b bytes.Buffer
	if bigEndian {
		b.Write([]byte{0xfe, 0xff})
	} else {
		b.Write([]byte{0xff, 0xfe})
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			b.Write([]byte{byte(u >> 8), byte(u)})
		} else {
			b.Write([]byte{byte(u), byte(u >> 8)})
		}
	}
	return b.Bytes()
}

const plainArticle = "Harbour Budget Passes\n\nThe harbour budget passed by one vote on Monday after a long debate about the cost of the new seawall.\n"

// TestParseRejectsBinary checks that files that are not text, whatever
// their name, are rejected with ErrNotText rather than "repaired" into
// gibberish and indexed.
func TestParseRejectsBinary(t *testing.T) {
	noNUL := bytes.ReplaceAll(randomBytes(1, 4000), []byte{0}, []byte{1})
	for _, c := range []struct {
		name string
		data []byte
		want string // in the error
	}{
		{"elf.txt", append([]byte("\x7fELF\x02\x01\x01\x00"), randomBytes(2, 2000)...), "program"},
		{"archive.md", append([]byte("\x1f\x8b\x08\x08"), randomBytes(3, 2000)...), "gzip"},
		{"doc.txt", append([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nstream\n"), randomBytes(4, 2000)...), "PDF"},
		{"random.txt", randomBytes(5, 4000), "NUL"},
		{"random-no-nul.md", noNUL, "control characters"},
		{"nul-in-text.txt", []byte(strings.Replace(plainArticle, "debate", "de\x00bate", 1)), "NUL"},
		{"utf16-no-bom.txt", utf16Bytes(plainArticle, false)[2:], "NUL"},
		{"high-bytes.txt", bytes.Repeat([]byte{0xc0, 0xe0, 0xf0, 0xa0, 0x20}, 300), "not UTF-8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, _, err := Parse(c.name, c.data)
			if !errors.Is(err, ErrNotText) {
				title := ""
				if a != nil {
					title = a.Title
				}
				t.Fatalf("Parse: err %v, title %q; want ErrNotText", err, title)
			}
			if !strings.Contains(err.Error(), c.name) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q; want it to name %s and say %q", err, c.name, c.want)
			}
		})
	}
}

// TestParseAcceptsText checks that the binary check leaves text alone:
// Windows-1252, other scripts, UTF-16 with a byte-order mark, stray
// control characters.
func TestParseAcceptsText(t *testing.T) {
	for _, c := range []struct {
		name      string
		data      []byte
		wantTitle string
		wantText  string
	}{
		{"cp1252.txt", []byte("Caf\xe9 Owners Protest\n\nThe caf\xe9 owners said rents rose 30 percent. \x93We will close,\x94 said Marie Dupont.\n"), "Café Owners Protest", "“We will close,”"},
		{"japanese.txt", []byte("東京で地震\n\n東京で大きな地震があり、多くの建物が揺れたと気象庁が発表した。専門家は余震に注意するよう呼びかけている。\n"), "東京で地震", "気象庁"},
		{"utf16le.txt", utf16Bytes(strings.Replace(plainArticle, "seawall", "seawall at Malmö", 1), false), "Harbour Budget Passes", "Malmö"},
		{"utf16be.md", utf16Bytes(plainArticle, true), "Harbour Budget Passes", "one vote"},
		{"controls.txt", []byte("Harbour Budget Passes\f\n\nThe harbour budget passed by one vote on Monday after a long debate about the cost of the new seawall.\x1a\n"), "Harbour Budget Passes", "one vote"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, _, err := Parse(c.name, c.data)
			if err != nil {
				t.Fatalf("Parse: %v; want the article", err)
			}
			if a.Title != c.wantTitle {
				t.Errorf("title %q; want %q", a.Title, c.wantTitle)
			}
			if passageWith(a, c.wantText) == nil {
				t.Errorf("no passage has %q; passages %+v", c.wantText, a.Passages)
			}
		})
	}
}

// TestFrontMatterBadFieldKeepsTheOthers checks that one field that is not
// valid costs only itself: the title, author and publication are kept,
// the lead stays text, and a warning names the file and the field.
func TestFrontMatterBadFieldKeepsTheOthers(t *testing.T) {
	const good = "title: Springfield Budget Passes\nauthor: Amy Writer\npublication: Springfield Gazette\n"
	const body = "---\n\nThe city budget in Springfield passed on a narrow vote.\n\n\"It is a compromise,\" said councillor Amy Reed.\n"
	for _, c := range []struct {
		name      string
		fm        string
		wantField string // named in a warning; "" for none
		wantDate  string
	}{
		{"impossible date", good + "date: 2025-13-45\n", "date", ""},
		{"year only", good + "date: 2025\n", "date", ""},
		{"words for a date", good + "published: last Tuesday\n", "published", ""},
		{"bad YAML in one field", "tags: [unclosed\n" + good + "date: 2025-06-01\n", "tags", "2025-06-01"},
		{"bad YAML with a nested line", good + "url: https://example.com/a\n  : : :\ndate: 2025-06-01\n", "url", "2025-06-01"},
		{"field given twice", good + "date: 2025-06-01\ntitle: Another Title\n", "title", "2025-06-01"},
		{"valid", good + "date: 2025-06-01\n", "", "2025-06-01"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, warnings, err := Parse("news/budget.md", []byte("---\n"+c.fm+body))
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != "Springfield Budget Passes" || a.Author != "Amy Writer" || a.Publication != "Springfield Gazette" {
				t.Errorf("title %q, author %q, publication %q; want the front matter's", a.Title, a.Author, a.Publication)
			}
			if a.PublishedDate() != c.wantDate {
				t.Errorf("date %q; want %q", a.PublishedDate(), c.wantDate)
			}
			if passageWith(a, "passed on a narrow vote") == nil {
				t.Errorf("the lead is not a passage; passages %+v", a.Passages)
			}
			if c.wantField == "" {
				if len(warnings) != 0 {
					t.Errorf("warnings %q; want none", warnings)
				}
				return
			}
			if !anyContains(warnings, "news/budget.md", `"`+c.wantField+`"`) {
				t.Errorf("warnings %q; want one naming news/budget.md and the field %q", warnings, c.wantField)
			}
		})
	}
}

func anyContains(list []string, subs ...string) bool {
	for _, s := range list {
		all := true
		for _, sub := range subs {
			all = all && strings.Contains(s, sub)
		}
		if all {
			return true
		}
	}
	return false
}

// TestUnterminatedFrontMatter checks that front matter without its closing
// line is read as front matter up to the article, with a warning, and
// that a "---" line that opens no front matter is a Markdown rule.
func TestUnterminatedFrontMatter(t *testing.T) {
	for _, c := range []struct {
		name      string
		in        string
		wantTitle string
		wantDate  string
		wantText  []string
		wantWarn  bool
	}{
		{
			name:      "blank line after the fields",
			in:        "---\ntitle: Never Closed\ndate: 2025-06-03\n\nThis article forgot to close its front matter, about a bridge collapse in Genoa.\n",
			wantTitle: "Never Closed", wantDate: "2025-06-03",
			wantText: []string{"bridge collapse in Genoa"}, wantWarn: true,
		},
		{
			name:      "text straight after the fields",
			in:        "---\ntitle: Never Closed\nThis article forgot to close its front matter, about a bridge collapse in Genoa.\n",
			wantTitle: "Never Closed",
			wantText:  []string{"bridge collapse in Genoa"}, wantWarn: true,
		},
		{
			name:      "a rule further down",
			in:        "---\ntitle: Never Closed\nauthor: Amy Writer\n\nThe bridge in Genoa collapsed on Tuesday morning, and rescuers worked through the night.\n\n---\n\nThe city will hold an inquiry into the collapse next month, the mayor said.\n",
			wantTitle: "Never Closed",
			wantText:  []string{"rescuers worked through the night", "inquiry into the collapse"}, wantWarn: true,
		},
		{
			name:      "a rule, not front matter",
			in:        "---\n# Bridge Collapses in Genoa\n\nThe bridge in Genoa collapsed on Tuesday morning, and rescuers worked through the night.\n",
			wantTitle: "Bridge Collapses in Genoa",
			wantText:  []string{"rescuers worked through the night"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, warnings, err := Parse("genoa.md", []byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != c.wantTitle || a.PublishedDate() != c.wantDate {
				t.Errorf("title %q, date %q; want %q, %q", a.Title, a.PublishedDate(), c.wantTitle, c.wantDate)
			}
			for _, w := range c.wantText {
				if passageWith(a, w) == nil {
					t.Errorf("no passage has %q; passages %+v", w, a.Passages)
				}
			}
			for _, p := range a.Passages {
				if strings.Contains(p.Text, "title:") {
					t.Errorf("passage %q holds front matter", p.Text)
				}
			}
			if got := anyContains(warnings, "genoa.md", "closing"); got != c.wantWarn {
				t.Errorf("warnings %q; want a warning about the closing line: %v", warnings, c.wantWarn)
			}
		})
	}
}

// TestHeadlineNotALongSentence checks that a file without a headline line
// is not titled by a long first sentence that then vanishes from the
// text: a title inferred from the text leaves the text searchable.
func TestHeadlineNotALongSentence(t *testing.T) {
	const rest = "\n\n\"We will build it,\" the mayor said at a press conference on Tuesday afternoon.\n\nThe committee will meet again next week.\n"
	for _, c := range []struct {
		name        string
		first       string
		wantTitle   string // prefix
		wantPassage bool   // the first block is also text
	}{
		{"one long sentence", "The mayor of Springfield announced on Tuesday that the zanzibarian library expansion would go ahead despite objections from the finance committee, which had warned that the project could cost twice the original estimate.", "The mayor of Springfield announced on Tuesday", true},
		{"short sentence with a full stop", "The zanzibarian library expansion will go ahead, the mayor said.", "The zanzibarian library expansion will go ahead", true},
		{"two sentences", "The mayor approved the zanzibarian library. Work starts in May.", "The mayor approved the zanzibarian library.", true},
		{"long question", "Have you ever wondered why the zanzibarian library expansion that the mayor announced on Tuesday will cost the city twice the first estimate?", "Have you ever wondered why the zanzibarian library expansion", true},
		{"headline question", "Will the zanzibarian library expansion go ahead?", "Will the zanzibarian library expansion go ahead?", false},
		{"headline", "Mayor Backs Zanzibarian Library Expansion", "Mayor Backs Zanzibarian Library Expansion", false},
		{"long headline", "Mayor backs zanzibarian library expansion despite finance committee warning that costs could double by 2027", "Mayor backs zanzibarian library expansion despite", false},
		{"headline ending in an abbreviation", "Zanzibarian Library Sold to Acme Inc.", "Zanzibarian Library Sold to Acme Inc.", false},
		{"headline ending in an ellipsis", "Mayor says zanzibarian library will go ahead…", "Mayor says zanzibarian library will go ahead…", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, _, err := Parse("mayor.txt", []byte(c.first+rest))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(a.Title, c.wantTitle) {
				t.Errorf("title %q; want it to start %q", a.Title, c.wantTitle)
			}
			if got := passageWith(a, "zanzibarian") != nil; got != c.wantPassage {
				t.Errorf("first block among the passages: %v; want %v (passages %+v)", got, c.wantPassage, a.Passages)
			}
			if passageWith(a, "We will build it") == nil {
				t.Errorf("the body is missing; passages %+v", a.Passages)
			}
		})
	}
}
