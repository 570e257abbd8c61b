package digest

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/internal/discordtext"
	"github.com/dossier-bot/dossier/internal/fakediscord"
	"github.com/dossier-bot/dossier/search"
	"github.com/dossier-bot/dossier/seeds"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func parse(t *testing.T, name, text string) *search.Article {
	t.Helper()
	a, _, err := search.Parse(name, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestSummaryPicksWhatTheArticleIsAbout(t *testing.T) {
	a := parse(t, "ferry.txt", `Ferry Service to Island Cut After Council Vote

May 2, 2025

It was a grey morning on the quay.

A few gulls circled over the empty car park.

The county council voted on Thursday to cut the ferry service to Holm Island from six crossings a day to two, citing the ferry's rising fuel costs.

Islanders said the ferry is their only link to the hospital and the secondary school, and that two crossings a day would leave pupils stranded.

"The ferry is not a luxury for us, it is the road," said Ewan Rae, who chairs the island's community council.

The ferry operator said the cut would take effect in September unless the council finds new funding for the ferry.

He added that talks would continue.
`)
	sents := sentencesOf(a)
	got := summarize(sents, termWeights(a, sents), 2)
	if len(got) != 2 {
		t.Fatalf("summary %q; want two sentences", got)
	}
	joined := strings.Join(got, " ")
	if !strings.Contains(joined, "voted on Thursday to cut the ferry service") {
		t.Errorf("summary %q; want the sentence that says what happened", got)
	}
	for _, scene := range []string{"grey morning", "gulls", "talks would continue"} {
		if strings.Contains(joined, scene) {
			t.Errorf("summary %q has the scene-setting or dangling sentence %q", got, scene)
		}
	}
	if strings.Index(joined, got[0]) != 0 || sents[0].text == got[0] && sents[1].text == got[1] {
		t.Errorf("summary %q is just the first two sentences", got)
	}
}

func TestNotableQuoteIsAttributedAndSubstantial(t *testing.T) {
	a := parse(t, "ferry.txt", `Ferry Service Cut

May 2, 2025

"Yes," said the clerk, Tom Hale, when asked if the vote had passed.

"The ferry is not a luxury for us, it is the road to the hospital and the school," said Ewan Rae, who chairs the island's community council.

"Nobody asked the people who actually use the ferry every single day of the year," one islander wrote on a forum.
`)
	sents := sentencesOf(a)
	q := notableQuote(a, termWeights(a, sents))
	if q == nil || q.Speaker != "Ewan Rae" {
		t.Fatalf("notable quote %+v; want Ewan Rae's", q)
	}
}

// webhookBody is a digest message as the Poster sends it.
func webhookBody(m Message) []byte {
	type embed struct {
		Title       string `json:"title,omitempty"`
		URL         string `json:"url,omitempty"`
		Description string `json:"description,omitempty"`
		Color       int    `json:"color,omitempty"`
		Footer      *struct {
			Text string `json:"text"`
		} `json:"footer,omitempty"`
	}
	body := struct {
		Content         string         `json:"content"`
		Embeds          []embed        `json:"embeds"`
		AllowedMentions map[string]any `json:"allowed_mentions"`
	}{Content: m.Content, Embeds: []embed{}, AllowedMentions: map[string]any{"parse": []string{}}}
	for _, e := range m.Embeds {
		we := embed{Title: e.Title, URL: e.URL, Description: e.Description, Color: e.Color}
		if e.Footer != "" {
			we.Footer = &struct {
				Text string `json:"text"`
			}{e.Footer}
		}
		body.Embeds = append(body.Embeds, we)
	}
	b, _ := json.Marshal(body)
	return b
}

// TestRenderHoldsDiscordsLimits renders a digest of many articles with
// hostile headlines, huge paragraphs and Markdown, and checks every
// message against Discord's rules and that no article is lost.
func TestRenderHoldsDiscordsLimits(t *testing.T) {
	base := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	var items []Item
	for i := 0; i < 80; i++ {
		title := fmt.Sprintf("Story %02d: @everyone [click](https://evil.example) **%s**", i, strings.Repeat("Very Long Headline Words ", 12))
		para := strings.Repeat(fmt.Sprintf("Paragraph of story %d with <@&123> and ||spoilers|| and `code`. ", i), 150)
		items = append(items, Item{
			Article: search.ArticleInfo{
				ID: fmt.Sprintf("s%02d", i), Title: title, URL: "https://example.com/" + strings.Repeat("p", i*40) + "(x)",
				Publication: strings.Repeat("Gazette ", 40), Author: "A. Writer", Published: base.AddDate(0, 0, -i),
			},
			FirstSeen: base,
			Summary:   []string{para, para},
			Quote:     &search.Quote{Text: para, Speaker: "Ana *Star*", Role: strings.Repeat("role ", 100)},
		})
	}
	for _, n := range []int{1, 3, 6, 80} {
		d := &Digest{Since: base.Add(-24 * time.Hour), Through: base, Topic: "**ports** @here", Items: items[:n]}
		msgs := render(d, time.UTC, false)
		if len(msgs) == 0 {
			t.Fatalf("%d articles rendered no message", n)
		}
		seen := 0
		for i, m := range msgs {
			for _, v := range fakediscord.ValidateMessage(webhookBody(m)) {
				t.Errorf("%d articles, message %d: %s", n, i+1, v)
			}
			for _, e := range m.Embeds {
				seen += strings.Count(e.Title, "Story ") + strings.Count(e.Description, "Story ")
			}
			if strings.Contains(m.Content+titles(m), "@everyone") && !strings.Contains(m.Content+titles(m), `\@everyone`) {
				t.Errorf("an unescaped @everyone in message %d", i+1)
			}
		}
		if seen != n {
			t.Errorf("%d articles: %d shown across %d messages; want each once", n, seen, len(msgs))
		}
		// No more messages than needed: each but the last is full, so
		// that the next message's first embed would not have fit in it.
		for i := 0; i+1 < len(msgs); i++ {
			size := 0
			for _, e := range msgs[i].Embeds {
				size += e.size()
			}
			if len(msgs[i].Embeds) < 10 && size+msgs[i+1].Embeds[0].size() <= 6000 {
				t.Errorf("%d articles: message %d holds %d characters of embeds, and message %d's first (%d) would have fit", n, i+1, size, i+2, msgs[i+1].Embeds[0].size())
			}
		}
		if n == 80 && len(msgs) < 2 {
			t.Errorf("80 articles fit in %d message; the list should continue", len(msgs))
		}
	}
}

// TestListPacksMessagesFull lists many articles of varied headline
// lengths: every message but the last is full.
func TestListPacksMessagesFull(t *testing.T) {
	base := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	for _, step := range []int{7, 13, 29, 41} {
		var items []Item
		for i := 0; i < 300; i++ {
			items = append(items, Item{Article: search.ArticleInfo{
				ID: fmt.Sprintf("a%03d", i), Title: fmt.Sprintf("Headline %03d %s", i, strings.Repeat("w", (i*step)%150)),
				URL: fmt.Sprintf("https://news.example/%d", i), Publication: "The Gazette", Published: base,
			}, FirstSeen: base})
		}
		msgs := render(&Digest{Since: base.Add(-24 * time.Hour), Through: base, Items: items}, time.UTC, false)
		for i := 0; i+1 < len(msgs); i++ {
			size := 0
			for _, e := range msgs[i].Embeds {
				size += e.size()
			}
			if len(msgs[i].Embeds) < 10 && size+msgs[i+1].Embeds[0].size() <= 6000 {
				t.Errorf("step %d: message %d of %d holds %d characters of embeds, and message %d's first (%d) would have fit", step, i+1, len(msgs), size, i+2, msgs[i+1].Embeds[0].size())
			}
			if i > 0 && len(msgs[i].Embeds) < 2 {
				t.Errorf("step %d: message %d holds %d list embed; want two to a message", step, i+1, len(msgs[i].Embeds))
			}
		}
	}
}

// TestSeedDigestGolden renders the digest of the seed articles, as the
// README shows it.
func TestSeedDigestGolden(t *testing.T) {
	dir := t.TempDir()
	ix, err := search.Open(filepath.Join(dir, "index"), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Sync(context.Background(), seeds.FS()); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	seen := map[string]time.Time{}
	for i, a := range ix.Articles() {
		seen[a.ID] = now.Add(-time.Duration(i+1) * time.Hour)
	}
	d, err := compose(context.Background(), ix, seen, now.Add(-24*time.Hour), now, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Items) != 3 {
		t.Fatalf("%d items; want the three seeds", len(d.Items))
	}
	for _, it := range d.Items {
		if len(it.Summary) != 2 {
			t.Errorf("%s: summary %q; want two sentences", it.Article.ID, it.Summary)
		}
	}
	msgs := render(d, mustZone(t, "Europe/London"), false)
	got, _ := json.MarshalIndent(msgs, "", "  ")
	got = append(got, '\n')
	path := filepath.Join("testdata", "seeds-digest.golden.json")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("the seed digest differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

// TestListLinesKeepTheirLinksWhole checks that a long headline and URL
// never leave a cut Markdown link in the list of further articles.
func TestListLinesKeepTheirLinksWhole(t *testing.T) {
	for _, c := range []struct{ title, url string }{
		{strings.Repeat("Western Officials Accuse Tehran ", 5), "https://www.example-news.com/" + strings.Repeat("against-dissidents-", 8)},
		{"Short Headline", "https://example.com/a"},
		{strings.Repeat("Long ", 60), ""},
	} {
		line := listLine(search.ArticleInfo{Title: c.title, URL: c.url, Publication: "The Global Tribune", Author: "Naomi Ellis"})
		if discordtext.Runes(line) > listLineBudget {
			t.Errorf("line of %d characters; want at most %d", discordtext.Runes(line), listLineBudget)
		}
		if strings.Count(line, "[") != strings.Count(line, "](") || strings.Contains(line, "](") && !strings.Contains(line, ") · ") {
			t.Errorf("a link is cut: %q", line)
		}
		if !strings.Contains(line, "The Global Tribune") {
			t.Errorf("the source is lost: %q", line)
		}
	}
}
