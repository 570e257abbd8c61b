package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/dossier-bot/dossier/internal/discordtext"
	"github.com/dossier-bot/dossier/search"
)

// /quote speaker [topic]: what that person said, quoted, with sources. With
// a topic, the passages where the speaker is quoted on it; without, the
// speaker's quotations, newest article first.

func (r *Router) quoteCommand() *command {
	return &command{
		def: wireCommand{
			Name:        "quote",
			Type:        commandChat,
			Description: "What someone said, quoted word for word from the articles",
			Options: []wireOptionDef{
				{Type: optionString, Name: "speaker", Description: "Who (start typing a name)", Required: true, Autocomplete: true, MaxLength: 100},
				{Type: optionString, Name: "topic", Description: "About what (optional)", MaxLength: 300},
			},
		},
		handle:   r.quote,
		complete: r.completeArticleOrSpeaker,
		limited:  true,
	}
}

func (r *Router) quote(ctx context.Context, req Request) (Response, error) {
	speaker := strings.TrimSpace(req.String("speaker"))
	if speaker == "" || !hasWord(speaker) {
		return Response{}, userErr("Say whose words you want, for example `/quote speaker: Colin Clarke`.")
	}
	if topic := strings.TrimSpace(req.String("topic")); topic != "" {
		return r.answerPage(ctx, answerState{Kind: "quote", Query: topic, Speaker: speaker}, 0, "")
	}
	return r.quotesPage(ctx, answerState{Kind: "quotes", Speaker: speaker}, 0)
}

// quotesPage shows a speaker's quotations from offset.
func (r *Router) quotesPage(ctx context.Context, st answerState, offset int) (Response, error) {
	qs, err := r.attributed(st.Speaker)
	if err != nil {
		return Response{}, err
	}
	msg := Message{Ephemeral: st.Private}
	if len(qs) == 0 {
		msg.Content = fmt.Sprintf("No quotation in the articles is attributed to “%s”. Start typing a name in `/quote` to see who is quoted.", discordtext.Clip(discordtext.Escape(st.Speaker), 80))
		return Response{Message: &msg}, nil
	}
	if offset >= len(qs) {
		msg.Content = "No more quotations."
		return Response{Message: &msg}, nil
	}
	page := qs[offset:min(offset+pageSize, len(qs))]
	if offset == 0 {
		msg.Content = fmt.Sprintf("%d %s by **%s**", len(qs), plural(len(qs), "quotation", "quotations"), discordtext.Escape(page[0].Speaker))
	}
	for _, q := range page {
		msg.Embeds = append(msg.Embeds, quoteEmbed(q))
	}
	key, err := r.cfg.Memory.Put(st)
	if err != nil {
		return Response{}, err
	}
	msg.Buttons = answerButtons(key, st, offset, len(page), offset+len(page) < len(qs))
	return Response{Message: &msg}, nil
}

// attributed returns the quotations attributed to a speaker.
func (r *Router) attributed(speaker string) ([]search.QuoteHit, error) {
	all, err := r.cfg.Searcher.Quotes(speaker)
	if err != nil {
		return nil, err
	}
	qs := all[:0]
	for _, q := range all {
		if q.Speaker != "" {
			qs = append(qs, q)
		}
	}
	return qs, nil
}

// quoteEmbed renders one quotation with its speaker and source.
func quoteEmbed(q search.QuoteHit) Embed {
	text := "“" + strings.TrimSpace(q.Text) + "”"
	desc := quoteBlock(discordtext.Escape(discordtext.Clip(text, passageBudget))) + "\n" + speakerLine(q.Quote)
	return Embed{
		Title:       discordtext.Clip(discordtext.Escape(q.Article.Title), maxEmbedTitle),
		URL:         discordtext.SafeURL(q.Article.URL),
		Description: desc,
		Footer:      sourceFooter(q.Article, ""),
		Color:       embedColor,
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
