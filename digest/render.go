package digest

import (
	"fmt"
	"strings"
	"time"

	"github.com/dossier-bot/dossier/internal/discordtext"
	"github.com/dossier-bot/dossier/search"
)

// Message is one Discord message of a digest, already within Discord's
// limits, its text Markdown-escaped. The Poster adds the empty mention
// list.
type Message struct {
	Content string
	Embeds  []Embed
}

// Embed is an embed of a digest message.
type Embed struct {
	Title, URL, Description string
	// Footer is plain text (Discord does not format footers).
	Footer string
	Color  int
}

// size is the embed's share of Discord's 6000-character total.
func (e Embed) size() int {
	return discordtext.Runes(e.Title) + discordtext.Runes(e.Description) + discordtext.Runes(e.Footer)
}

const (
	digestColor = 0x3B6EA5
	// maxDetailed is how many articles a digest shows in full; the rest
	// are listed by headline.
	maxDetailed    = 5
	summaryBudget  = 700
	quoteBudget    = 350
	listLineBudget = 300
	listBudget     = 2900 // per embed of the list, so two (with titles) fit a message
)

// render turns a digest into the messages to post, in order: the first
// holds the header and the articles shown in full, the rest of the
// articles are listed by headline, continuing in further messages only
// when one cannot hold them. loc is the subscription's zone, for times.
func render(d *Digest, loc *time.Location, postEmpty bool) []Message {
	if len(d.Items) == 0 {
		if !postEmpty {
			return nil
		}
		return []Message{{Content: "Nothing new in the articles since " + when(d.Since, loc) + "."}}
	}
	header := fmt.Sprintf("**Daily digest** · %d new %s since %s", len(d.Items), plural(len(d.Items), "article", "articles"), when(d.Since, loc))
	if d.Topic != "" {
		header += " · on “" + discordtext.Escape(discordtext.Clip(d.Topic, 200)) + "”"
	}

	var blocks []Embed
	total, shown := 0, 0
	for _, it := range d.Items {
		e := detailEmbed(it)
		if shown == maxDetailed || total+e.size() > discordtext.MaxEmbedsTotal-800 {
			break
		}
		blocks = append(blocks, e)
		total += e.size()
		shown++
	}
	if rest := d.Items[shown:]; len(rest) > 0 {
		blocks = append(blocks, listEmbeds(rest, shown > 0)...)
	}
	msgs := pack(blocks)
	for i := range msgs {
		if i == 0 {
			msgs[i].Content = header
		} else {
			// The day in each part keeps it apart from other days' parts,
			// which may otherwise read the same.
			msgs[i].Content = fmt.Sprintf("**Daily digest** of %s, continued (%d/%d)", d.Through.In(loc).Format("Mon 2 Jan"), i+1, len(msgs))
		}
	}
	return msgs
}

// pack puts embeds into messages in order: at most ten a message, and
// at most Discord's total of characters.
func pack(blocks []Embed) []Message {
	var msgs []Message
	cur, total := Message{}, 0
	for _, e := range blocks {
		if len(cur.Embeds) == discordtext.MaxEmbeds || len(cur.Embeds) > 0 && total+e.size() > discordtext.MaxEmbedsTotal {
			msgs = append(msgs, cur)
			cur, total = Message{}, 0
		}
		cur.Embeds = append(cur.Embeds, e)
		total += e.size()
	}
	if len(cur.Embeds) > 0 {
		msgs = append(msgs, cur)
	}
	return msgs
}

// detailEmbed shows one article: headline (linked), summary, quotation,
// and the source in the footer.
func detailEmbed(it Item) Embed {
	var b strings.Builder
	b.WriteString(discordtext.Clip(discordtext.Escape(strings.Join(it.Summary, " ")), summaryBudget))
	if q := it.Quote; q != nil {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString("> “" + discordtext.Clip(discordtext.Escape(q.Text), quoteBudget) + "”\n")
		who := q.Speaker
		if q.Title != "" {
			who = q.Title + " " + who
		}
		line := "— **" + discordtext.Escape(who) + "**"
		if q.Role != "" {
			line += ", " + discordtext.Escape(q.Role)
		}
		b.WriteString(discordtext.Clip(line, 300))
	}
	return Embed{
		Title:       discordtext.Clip(discordtext.Escape(it.Article.Title), discordtext.MaxEmbedTitle),
		URL:         discordtext.SafeURL(it.Article.URL),
		Description: b.String(),
		Footer:      discordtext.Clip(source(it.Article), 500),
		Color:       digestColor,
	}
}

// source is "Publication · Author · 2025-05-15".
func source(a search.ArticleInfo) string {
	var parts []string
	for _, p := range []string{a.Publication, a.Author, a.PublishedDate()} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " · ")
}

// listEmbeds lists articles by headline, with a count, in embeds of a
// readable length.
func listEmbeds(items []Item, more bool) []Embed {
	title := fmt.Sprintf("%d new %s", len(items), plural(len(items), "article", "articles"))
	if more {
		title = fmt.Sprintf("%d more new %s", len(items), plural(len(items), "article", "articles"))
	}
	var out []Embed
	var b strings.Builder
	flush := func() {
		if b.Len() == 0 {
			return
		}
		t := title
		if len(out) > 0 {
			t += " (continued)"
		}
		out = append(out, Embed{Title: t, Description: strings.TrimSpace(b.String()), Color: digestColor})
		b.Reset()
	}
	for _, it := range items {
		line := "• " + listLine(it.Article)
		if discordtext.Runes(b.String())+discordtext.Runes(line)+1 > listBudget {
			flush()
		}
		b.WriteString(line + "\n")
	}
	flush()
	return out
}

// listLine is an article in the list: its headline (a link when it has
// a URL and the line has room for one) and its source, each clipped on
// its own so that no cut falls inside the link's Markdown.
func listLine(a search.ArticleInfo) string {
	title := discordtext.Clip(discordtext.Escape(a.Title), 160)
	src := discordtext.Clip(discordtext.Escape(source(a)), 100)
	head := "**" + title + "**"
	if u := discordtext.SafeURL(a.URL); u != "" {
		// Parentheses would end the link early.
		u = strings.NewReplacer("(", "%28", ")", "%29").Replace(u)
		if link := "[" + title + "](" + u + ")"; discordtext.Runes(link)+discordtext.Runes(src) < listLineBudget {
			head = link
		}
	}
	if src == "" {
		return head
	}
	return head + " · " + src
}

// when shows an instant in the subscription's zone: "Mon 2 Jun, 09:00".
func when(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Mon 2 Jan, 15:04 MST")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
