package search

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in, want string // want "" for not a date
	}{
		{"2025-01-27", "2025-01-27"},
		{"Thursday, May 15, 2025", "2025-05-15"},
		{"March 4, 2025", "2025-03-04"},
		{"Mar. 4 2025", "2025-03-04"},
		{"Sept. 30, 2024", "2024-09-30"},
		{"15 May 2025", "2025-05-15"},
		{"Thursday 15th May 2025", "2025-05-15"},
		{"05/15/2025", "2025-05-15"},
		{"15.05.2025", "2025-05-15"},
		{"2025-01-27T08:15:00Z", "2025-01-27"},
		{"2025-01-27 08:15", "2025-01-27"},
		{"February 30, 2025", ""},
		{"May 2025", ""},
		{"yesterday", ""},
		{"2025-13-01", ""},
		{"March 4, 2025 and other things", ""},
	} {
		got := ""
		if d, ok := ParseDate(c.in); ok {
			got = d.Format(time.DateOnly)
		}
		if got != c.want {
			t.Errorf("ParseDate(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestDateLine(t *testing.T) {
	for _, c := range []struct {
		in      string
		want    string
		updated bool
	}{
		{"Thursday, May 15, 2025", "2025-05-15", false},
		{"Published 2025-01-27 08:15", "2025-01-27", false},
		{"Published: March 4, 2025 at 9:41 AM EST", "2025-03-04", false},
		{"Updated March 12, 2025, 7:30 a.m.", "2025-03-12", true},
		{"Posted on 4 March 2025", "2025-03-04", false},
		{"Last updated: 2025-02-01 10:00 GMT", "2025-02-01", true},
		{"March 18, 2025 4:05 PM EDT", "2025-03-18", false},
		{"The vote on March 4, 2025 was close.", "", false},
		{"In 2025 the council met twice.", "", false},
	} {
		d, upd, ok := dateLine(c.in)
		got := ""
		if ok {
			got = d.Format(time.DateOnly)
		}
		if got != c.want || (ok && upd != c.updated) {
			t.Errorf("dateLine(%q) = %q, updated %v; want %q, updated %v", c.in, got, upd, c.want, c.updated)
		}
	}
}

func TestParseMetaLine(t *testing.T) {
	for _, c := range []struct {
		in                             string
		ok                             bool
		author, publication, published string
	}{
		{"By Naomi Ellis | Senior International Security Correspondent", true, "Naomi Ellis", "", ""},
		{"By Jane Roe and Tom Poe", true, "Jane Roe and Tom Poe", "", ""},
		{"By Ana Silva, Tom Poe and Li Wei", true, "Ana Silva, Tom Poe and Li Wei", "", ""},
		{"By Naomi Ellis, Reuters", true, "Naomi Ellis", "Reuters", ""},
		{"BY DAVID OKAFOR", true, "DAVID OKAFOR", "", ""},
		{"Published 2025-01-27 08:15 | Harbor Times | Staff reporter", true, "Staff reporter", "Harbor Times", "2025-01-27"},
		{"Published 2025-11-04 09:20 GMT | Maritime Bulletin | By Deniz Aksoy", true, "Deniz Aksoy", "Maritime Bulletin", "2025-11-04"},
		{"Posted by Ramesh Adhikari at 9:41 AM", true, "Ramesh Adhikari", "", ""},
		{"By Jane Roe March 4, 2025", true, "Jane Roe", "", "2025-03-04"},
		{"By the time the police arrived, the building was empty.", false, "", "", ""},
		{"By 2030 the city wants every bus to be electric.", false, "", "", ""},
		{"Officials said the plan would cost more.", false, "", "", ""},
	} {
		mf, ok := parseMetaLine(c.in)
		pub := ""
		if !mf.published.IsZero() {
			pub = mf.published.Format(time.DateOnly)
		}
		if ok != c.ok || mf.author != c.author || mf.publication != c.publication || pub != c.published {
			t.Errorf("parseMetaLine(%q) = %v author=%q publication=%q published=%q; want %v %q %q %q",
				c.in, ok, mf.author, mf.publication, pub, c.ok, c.author, c.publication, c.published)
		}
	}
}

func TestSplitDateline(t *testing.T) {
	for _, c := range []struct {
		in, place, agency, rest string
	}{
		{"LONDON — Western intelligence officials said.", "LONDON", "", "Western intelligence officials said."},
		{"CHISINAU (Global Wire) — Moldova's election body said.", "CHISINAU", "Global Wire", "Moldova's election body said."},
		{"NEW YORK, March 3 (Reuters) - Stocks fell.", "NEW YORK", "Reuters", "Stocks fell."},
		{"NAIROBI, Kenya — The ministry said.", "NAIROBI, Kenya", "", "The ministry said."},
		{"Kyiv (AP) — Drones struck overnight.", "Kyiv", "AP", "Drones struck overnight."},
		{"US — a country of contrasts.", "", "", "US — a country of contrasts."},
		{"The minister — who spoke late — said no.", "", "", "The minister — who spoke late — said no."},
		{"BREAKING: markets fall", "", "", "BREAKING: markets fall"},
	} {
		place, agency, rest, _ := splitDateline(c.in)
		if place != c.place || agency != c.agency || rest != c.rest {
			t.Errorf("splitDateline(%q) = %q, %q, %q; want %q, %q, %q", c.in, place, agency, rest, c.place, c.agency, c.rest)
		}
	}
}

func TestIsBoilerplate(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"No comments:", true},
		{"Post a Comment", true},
		{"Leave a reply", true},
		{"Comments (0)", true},
		{"3 comments", true},
		{"Advertisement", true},
		{"ADVERTISEMENT", true},
		{"Story continues below advertisement", true},
		{"Share this:", true},
		{"Facebook Twitter WhatsApp Email", true},
		{"Share on Facebook", true},
		{"Copy link", true},
		{"Related posts", true},
		{"Read more: Five things to know about the vote", true},
		{"You may also like", true},
		{"Posted in World News | 3 comments", true},
		{"Labels: politics, Iran", true},
		{"Newer Post Older Post Home", true},
		{"Subscribe to: Post Comments (Atom)", true},
		{"(Reporting by Jane Roe; Editing by Tom Poe)", true},
		{"Home > News > World", true},
		{"Football | Transfers", true},
		{"https://example.com/story/123", true},
		{"* * *", true},
		// Article sentences that start like furniture are kept.
		{"Share prices fell sharply on Monday after the company warned on profits.", false},
		{"Related companies in the group were also searched by police, officials said.", false},
		{"Comments made by the minister last week caused an uproar in parliament.", false},
		{"Advertisement revenue at the newspaper fell by a third in two years.", false},
		{"The Stockholm Plot: A Wake-Up Call", false},
	} {
		if got, _ := isBoilerplate(c.in); got != c.want {
			t.Errorf("isBoilerplate(%q) = %v; want %v", c.in, got, c.want)
		}
	}
}

func TestStripSolicitations(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"In your opinion, would the world be safer? Please share your thoughts by emailing [email protected]. Thank you.", ""},
		{"Have a tip? Email us at tips@example.com.", ""},
		{"The council meets again in May. What do you think? Let us know in the comments below.", "The council meets again in May."},
		{"Do you have information about the theft? Contact our newsroom at [email protected]", ""},
		{"Residents can email the council at info@town.gov to object before Friday.", "Residents can email the council at info@town.gov to object before Friday."},
		{"The minister asked: would you trust a government that does this?", "The minister asked: would you trust a government that does this?"},
	} {
		if got := stripSolicitations(c.in); got != c.want {
			t.Errorf("stripSolicitations(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestSplitSentences(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"One. Two! Three?", []string{"One.", "Two!", "Three?"}},
		{"Gen. Marcus Dean spoke. Dr. Ann Lee replied.", []string{"Gen. Marcus Dean spoke.", "Dr. Ann Lee replied."}},
		{"U.S. officials said so. The U.K. did not.", []string{"U.S. officials said so.", "The U.K. did not."}},
		{"He lives in the U.S. The rest moved.", []string{"He lives in the U.S.", "The rest moved."}},
		{"“It was a policy.” The minister left.", []string{"“It was a policy.”", "The minister left."}},
		{"“Is it safe?” he asked. Nobody knew.", []string{"“Is it safe?” he asked.", "Nobody knew."}},
		{"It cost 3.5 million. J. R. Smith paid.", []string{"It cost 3.5 million.", "J. R. Smith paid."}},
		{"The vote was 5–2 at 9 p.m. on Monday.", []string{"The vote was 5–2 at 9 p.m. on Monday."}},
		{"No end", []string{"No end"}},
	} {
		var got []string
		for _, s := range splitSentences(c.in) {
			got = append(got, c.in[s.Start:s.End])
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("splitSentences(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestTokens(t *testing.T) {
	an := newAnalyzer()
	for _, c := range []struct {
		in          string
		norms, stem []string
	}{
		{"King’s College", []string{"king", "college"}, []string{"king", "colleg"}},
		{"U.S. officials", []string{"us", "officials"}, []string{"us", "offici"}},
		{"the US and us", []string{"the", "us", "and", "us"}, []string{"", "us", "", ""}},
		{"IS-K fighters", []string{"is", "k", "isk", "fighters"}, []string{"is", "k", "isk", "fighter"}},
		{"Bogotá paid 2,000", []string{"bogota", "paid", "2000"}, []string{"bogota", "pay", "2000"}},
		{"wasn’t", []string{"wasn't"}, []string{""}},
	} {
		var norms, stems []string
		for _, tk := range an.tokens(c.in) {
			norms = append(norms, tk.Norm)
			stems = append(stems, tk.Stem)
		}
		if !reflect.DeepEqual(norms, c.norms) || !reflect.DeepEqual(stems, c.stem) {
			t.Errorf("tokens(%q) = %q / %q; want %q / %q", c.in, norms, stems, c.norms, c.stem)
		}
	}
}

func TestRepairInvalidUTF8(t *testing.T) {
	a, warnings, err := Parse("x.txt", []byte("Caf\xe9 Owners \x93Protest\x94\n\nThe caf\xe9 owners said the rent rules would close half the shops, an \x93outrage\x94.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) == 0 || !strings.Contains(warnings[0], "UTF-8") {
		t.Errorf("warnings %q; want one about invalid UTF-8", warnings)
	}
	if a.Title != "Café Owners “Protest”" {
		t.Errorf("title %q; want the Windows-1252 bytes read as “é” and curly quotes", a.Title)
	}
}

func TestParseRejectsEmpty(t *testing.T) {
	for _, in := range []string{"", "   \n\n\t", "Share this:\nFacebook Twitter\n"} {
		if _, _, err := Parse("x.txt", []byte(in)); err == nil {
			t.Errorf("Parse(%q) succeeded; want ErrNoText", in)
		}
	}
}

func TestFrontMatterWins(t *testing.T) {
	in := "---\ntitle: The Real Title\nauthor: [Ana Silva, Tom Poe]\npublication: Daily Ledger\ndate: 2025-04-14\nurl: https://example.com/a\ntags: [politics, farm]\n---\n\n# Some Other Heading\n\nBy Someone Else\n\nSunday, April 13, 2025\n\nThe *council* voted on [the plan](https://example.com) late on Sunday, after a long and bitter debate.\n\n- first point of the plan\n- second point of the plan\n"
	a, _, err := Parse("a.md", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "The Real Title" || a.Author != "Ana Silva and Tom Poe" || a.Publication != "Daily Ledger" || a.PublishedDate() != "2025-04-14" || a.URL != "https://example.com/a" || !reflect.DeepEqual(a.Tags, []string{"politics", "farm"}) {
		t.Errorf("metadata %q %q %q %q %q %v; want the front matter's", a.Title, a.Author, a.Publication, a.PublishedDate(), a.URL, a.Tags)
	}
	if p := a.Passages[0]; p.Text != "The council voted on the plan late on Sunday, after a long and bitter debate." {
		t.Errorf("first passage %q; want the text without Markdown", p.Text)
	}
	if n := len(a.Passages); n != 3 || a.Passages[1].Kind != KindList {
		t.Errorf("passages %+v; want a paragraph and two list items", a.Passages)
	}
}

// seedCases label the seed articles as a careful reader would.
var seedCases = []struct {
	file                                            string
	title, author, publication, published, dateline string
	noPassageHas                                    []string
	captions                                        []string
	sections                                        map[string]string // phrase -> section
}{
	{
		file:         "000_7e2ffe522bb66a1e.txt",
		title:        "REPORT: Putin’s Assassinations",
		noPassageHas: []string{"Please share your thoughts", "[email protected]", "In your opinion", "( –"},
	},
	{
		file: "001_9c3ff687de347194.txt", title: "Iran Accused of Hiring Criminal Gangs for Overseas Assassination Plots",
		author: "Naomi Ellis", published: "2025-05-15", dateline: "LONDON",
		noPassageHas: []string{"No comments", "Post a Comment", "By Naomi Ellis", "LONDON —", "Thursday, May 15"},
		captions:     []string{"(Photo: Martin Vahlstrom/Getty)"},
		sections: map[string]string{
			"two Serbian nationals":          "The Stockholm Plot: A Wake-Up Call",
			"categorically denied":           "Iran Denies Allegations",
			"sanctions targeting Iranian":    "A New Frontier in Espionage",
			"outsourcing repression":         "Experts Warn of Dangerous Precedent",
			"Western intelligence officials": "",
		},
	},
	{
		file:         "002_6dd054d77d04a54d.txt",
		title:        "Terrorist attack in Moscow: Putin did not listen to Western warnings, this was the end of the tragedy",
		noPassageHas: []string{"Post Comment"},
		captions:     []string{"Photo: MTI"},
		sections: map[string]string{
			"grave of General Qasem Suleimani": "Washington has also warned Iran of an imminent ISIS attack",
			"twenty thousand ISIS fighters":    "IS-K has taken the place of al-Qaeda in Afghanistan",
		},
	},
}

func TestParseSeeds(t *testing.T) {
	for _, c := range seedCases {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile("../seeds/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			a, warnings, err := Parse(c.file, data)
			if err != nil {
				t.Fatal(err)
			}
			if len(warnings) > 0 {
				t.Errorf("warnings %q; want none", warnings)
			}
			for _, f := range []struct{ name, got, want string }{
				{"title", a.Title, c.title}, {"author", a.Author, c.author}, {"publication", a.Publication, c.publication},
				{"published", a.PublishedDate(), c.published}, {"dateline", a.Dateline, c.dateline},
				{"id", a.ID, strings.TrimSuffix(c.file, ".txt")},
			} {
				if f.got != f.want {
					t.Errorf("%s = %q; want %q", f.name, f.got, f.want)
				}
			}
			for _, s := range c.noPassageHas {
				if p := passageWith(a, s); p != nil {
					t.Errorf("%q is in passage %d: %q", s, p.Index, p.Text)
				}
			}
			for _, s := range c.captions {
				if p := passageWith(a, s); p == nil || p.Kind != KindCaption {
					t.Errorf("caption %q: %v; want a caption passage", s, kindOf(p))
				}
			}
			for phrase, section := range c.sections {
				if p := passageWith(a, phrase); p == nil || p.Section != section {
					t.Errorf("section of %q: %v; want %q", phrase, p, section)
				}
			}
			for _, p := range a.Passages {
				if wordCount(p.Text) < minPassageWords && p.Kind == KindParagraph {
					t.Errorf("paragraph passage %d has %d words; short ones are merged", p.Index, wordCount(p.Text))
				}
				if len(p.Sentences) == 0 {
					t.Errorf("passage %d has no sentences", p.Index)
				}
			}
		})
	}
}

// TestSeedSpeakers checks attributions in the seeds that exercise each
// rule: appositive roles, pre-name roles, pronouns, continuations, the
// sentence before, organisations, and quotations with no speaker.
func TestSeedSpeakers(t *testing.T) {
	arts := map[string]*Article{}
	for _, c := range seedCases {
		arts[c.file[:3]] = parseFile(t, "../seeds", c.file)
	}
	for _, c := range []struct {
		seed, quote, speaker, role string
	}{
		{"000", "extensive and global", "US intelligence source", ""},
		{"000", "escalatory", "US intelligence source", ""},
		{"000", "But there’s going to be steps", "Colin Clarke", "research head at intelligence consulting firm The Soufan Group"},
		{"000", "Vory v Zakone", "", ""},
		{"000", "operate in Europe", "", ""},
		{"000", "string of high-profile killings", "Vice", ""},
		{"001", "It was state-sponsored terror", "Lena Hallengren", "Swedish Interior Minister"},
		{"001", "It’s cheaper, faster", "Marcus Dean", "former director of operations at the CIA"},
		{"001", "Iran does not engage in extraterritorial violence", "Nasser Kanani", "Foreign Ministry spokesperson"},
		{"001", "This isn’t rogue elements", "anonymous French intelligence source", ""},
		{"001", "If nations begin adopting gang violence", "Hamed Rezaei", "Amnesty International’s senior advisor"},
		{"001", "non-state criminal proxies", "", ""},
		{"002", "provocation and blackmail", "Vladimir Putin", ""},
		{"002", "evaluable", "American officials", ""},
		{"002", "back information", "", ""},
	} {
		q := findQuote(arts[c.seed], c.quote)
		if q == nil {
			t.Errorf("%s: quotation %q not found", c.seed, c.quote)
			continue
		}
		if q.Speaker != c.speaker || (c.role != "" && q.Role != c.role) {
			t.Errorf("%s: %q by %q (%q); want %q (%q)", c.seed, c.quote, q.Speaker, q.Role, c.speaker, c.role)
		}
	}
}

// TestLongParagraphs checks that text without paragraph breaks or
// sentence ends is cut into passages of a readable size, losing no word.
func TestLongParagraphs(t *testing.T) {
	word := []string{"the", "harbour", "Council", "voted", "again", "on", "Tuesday", "while", "Mayor", "Anna", "Berg", "said", "“nothing”", "changed", "and", "residents", "waited"}
	for _, c := range []struct {
		name  string
		words int
		sep   string
	}{
		{"10,000 characters without a period", 1600, " "},
		{"a megabyte on one line", 160000, " "},
		{"sentences on one line", 20000, ". The "},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("Long Story\n\n")
			for i := 0; i < c.words; i++ {
				if i > 0 {
					if i%17 == 0 {
						b.WriteString(c.sep)
					} else {
						b.WriteByte(' ')
					}
				}
				b.WriteString(word[i%len(word)])
			}
			b.WriteString(".\n")
			a, _, err := Parse("long.txt", []byte(b.String()))
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, p := range a.Passages {
				n := wordCount(p.Text)
				total += n
				if n > maxPassageWords+targetPassageWords {
					t.Fatalf("passage %d has %d words; want at most about %d", p.Index, n, maxPassageWords)
				}
			}
			if want := wordCount(b.String()) - wordCount("Long Story"); total != want {
				t.Errorf("passages hold %d words; the article %d", total, want)
			}
		})
	}
}

// TestHostileParagraphs feeds paragraphs built to make quotation pairing
// and attribution slow: thousands of quotation marks in one paragraph.
func TestHostileParagraphs(t *testing.T) {
	for _, c := range []struct{ name, unit string }{
		{"quote marks", `"a `},
		{"quoted sentences", `"Yes." `},
		{"curly quotes and names", `“Yes,” said Anna Berg. `},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := "Headline\n\n" + strings.Repeat(c.unit, (400<<10)/len(c.unit)) + "\n"
			done := make(chan struct{})
			go func() {
				defer close(done)
				if _, _, err := Parse("x.txt", []byte(text)); err != nil {
					t.Error(err)
				}
			}()
			select {
			case <-done:
			case <-time.After(time.Minute):
				t.Fatal("Parse of a 400 KB paragraph did not finish in a minute")
			}
		})
	}
}

func TestDashesAtTheTopOfPlainText(t *testing.T) {
	in := "---\nThe council met for six hours on Monday night before the vote.\nIt was a long night for everyone involved in the budget.\n---\nHarbour Budget Passes\n\nThe harbour budget passed by one vote after the long debate.\n"
	a, _, err := Parse("x.txt", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	// Plain text has no front matter: its first line is its headline and
	// the rest is text.
	if !strings.HasPrefix(a.Title, "The council met for six hours") || passageWith(a, "It was a long night") == nil {
		t.Errorf("title %q, passages %+v; want the text between the --- lines kept", a.Title, a.Passages)
	}
}

func TestArticleOnOneLine(t *testing.T) {
	in := "The harbour authority approved a plan on Tuesday to dredge the northern channel. Ships now wait for high tide, and the port loses money every week. The work starts in September and takes eleven weeks, the authority said in a statement on its website."
	a, _, err := Parse("x.txt", []byte(in))
	if err != nil {
		t.Fatalf("an article on one line: %v", err)
	}
	if a.Title == "" || !strings.HasPrefix(a.Title, "The harbour authority approved") {
		t.Errorf("title %q; want the first sentence", a.Title)
	}
	if passageWith(a, "eleven weeks") == nil || passageWith(a, "dredge the northern channel") == nil {
		t.Errorf("passages %+v; want all of the text", a.Passages)
	}
}
