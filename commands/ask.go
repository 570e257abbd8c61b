package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dossier-bot/dossier/internal/discordtext"
	"github.com/dossier-bot/dossier/search"
)

// /ask question [source] [speaker] [private]: the best passages, quoted,
// with their source and speaker, three to a page.

const pageSize = 3

func (r *Router) askCommand() *command {
	return &command{
		def: wireCommand{
			Name:        "ask",
			Type:        commandChat,
			Description: "Ask the articles a question; get the passages that answer it",
			Options: []wireOptionDef{
				{Type: optionString, Name: "question", Description: "What you want to know, in your own words", Required: true, MaxLength: 500},
				{Type: optionString, Name: "source", Description: "Only this article (start typing its title)", Autocomplete: true, MaxLength: 200},
				{Type: optionString, Name: "speaker", Description: "Only passages quoting this person (start typing a name)", Autocomplete: true, MaxLength: 100},
				{Type: optionBoolean, Name: "private", Description: "Show the answer only to you; you can post it to the channel after"},
			},
		},
		handle:   r.ask,
		complete: r.completeArticleOrSpeaker,
		private:  func(req Request) bool { return req.Bool("private") },
		limited:  true,
	}
}

// answerState is what the buttons of an answer need: the question and its
// filters. Pages and results are found again by searching, so a button
// shows what the corpus says now.
type answerState struct {
	Kind    string `json:"k"` // ask, find, quote (with a topic), quotes (a speaker's), sources
	Query   string `json:"q,omitempty"`
	Source  string `json:"s,omitempty"`
	Speaker string `json:"p,omitempty"`
	Private bool   `json:"x,omitempty"`
}

func (r *Router) ask(ctx context.Context, req Request) (Response, error) {
	q := strings.TrimSpace(req.String("question"))
	if q == "" {
		return Response{}, userErr("Ask a question, for example `/ask question: who was poisoned with polonium?`")
	}
	st := answerState{Kind: "ask", Query: q, Source: strings.TrimSpace(req.String("source")), Speaker: strings.TrimSpace(req.String("speaker")), Private: req.Bool("private")}
	return r.answerPage(ctx, st, 0, "")
}

// answerPage searches and renders one page of results, from offset, with
// header as the message's first line.
func (r *Router) answerPage(ctx context.Context, st answerState, offset int, header string) (Response, error) {
	res, err := r.cfg.Searcher.Search(ctx, search.Query{Text: st.Query, Limit: pageSize, Offset: offset, Source: st.Source, Speaker: st.Speaker})
	if errors.Is(err, search.ErrEmptyQuery) {
		return Response{}, userErr(fmt.Sprintf("“%s” has no words to search for. Ask a question, for example `/ask question: who was poisoned with polonium?`", discordtext.Clip(discordtext.Escape(st.Query), 100)))
	}
	if err != nil {
		return Response{}, fmt.Errorf("search %q: %w", st.Query, err)
	}
	msg := Message{Ephemeral: st.Private}
	var lines []string
	if header != "" {
		lines = append(lines, header)
	}
	if res.Suggestion != "" {
		lines = append(lines, "Did you mean: **"+discordtext.Escape(discordtext.Clip(res.Suggestion, 200))+"**")
	}
	if len(res.Hits) == 0 {
		if offset > 0 {
			lines = append(lines, "No more passages answer that.")
			msg.Content = strings.Join(lines, "\n")
			return Response{Message: &msg}, nil
		}
		return Response{Message: r.noResults(st, res, lines)}, nil
	}
	msg.Content = strings.Join(lines, "\n")
	for _, h := range res.Hits {
		msg.Embeds = append(msg.Embeds, hitEmbed(h))
	}
	key, err := r.cfg.Memory.Put(st)
	if err != nil {
		return Response{}, err
	}
	msg.Buttons = answerButtons(key, st, offset, len(res.Hits), res.More)
	return Response{Message: &msg}, nil
}

// answerButtons are More, one Context per result, and Post to channel on
// a private answer: at most five, one row.
func answerButtons(key string, st answerState, offset, n int, more bool) []Button {
	var bs []Button
	if more {
		bs = append(bs, Button{Label: "More", CustomID: customID("more", key, offset+n), Style: Primary})
	}
	for i := 0; i < n && i < 3; i++ {
		label := "Context"
		if n > 1 {
			label = fmt.Sprintf("Context %d", i+1)
		}
		bs = append(bs, Button{Label: label, CustomID: customID("ctx", key, offset+i)})
	}
	if st.Private {
		bs = append(bs, Button{Label: "Post to channel", CustomID: customID("post", key, offset), Style: Success})
	}
	return bs
}

// noResults says nothing matched, and offers what might: the corrected
// question and the closest articles.
func (r *Router) noResults(st answerState, res *search.Results, lines []string) *Message {
	what := "No passage answers “" + discordtext.Clip(discordtext.Escape(st.Query), 150) + "”"
	var filters []string
	if st.Source != "" {
		filters = append(filters, "in “"+discordtext.Clip(discordtext.Escape(st.Source), 60)+"”")
	}
	if st.Speaker != "" {
		filters = append(filters, "quoting “"+discordtext.Clip(discordtext.Escape(st.Speaker), 60)+"”")
	}
	if len(filters) > 0 {
		what += " " + strings.Join(filters, " ")
	}
	lines = append(lines, what+".")
	msg := &Message{Ephemeral: st.Private}
	if len(res.Closest) > 0 {
		var b strings.Builder
		for _, a := range res.Closest {
			fmt.Fprintf(&b, "• %s\n", articleLine(a))
		}
		msg.Embeds = []Embed{{Title: "Closest articles", Description: strings.TrimSpace(b.String()), Color: embedColor}}
	}
	lines = append(lines, "Try other words, fewer words, or a name as the articles spell it.")
	msg.Content = strings.Join(lines, "\n")
	return msg
}

// articleLine is "**Headline** — Publication · Author · Date", linked
// when the article has a URL.
func articleLine(a search.ArticleInfo) string {
	title := "**" + discordtext.Escape(discordtext.Clip(a.Title, 120)) + "**"
	if u := discordtext.SafeURL(a.URL); u != "" {
		title = "[" + discordtext.Escape(discordtext.Clip(a.Title, 120)) + "](" + u + ")"
	}
	var parts []string
	for _, p := range []string{a.Publication, a.Author, a.PublishedDate()} {
		if p != "" {
			parts = append(parts, discordtext.Escape(p))
		}
	}
	if len(parts) == 0 {
		return title
	}
	return title + " — " + strings.Join(parts, " · ")
}
