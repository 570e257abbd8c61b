package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/dossier-bot/dossier/internal/discordtext"
	"github.com/dossier-bot/dossier/search"
)

// The buttons of an answer: More (the next page), Context (the passages
// around a result) and Post to channel (a private answer, shared). Their
// custom_id names the answer's stored state and a result's number; a
// stale or forged one gets a polite private reply.

func (r *Router) addButtonActions() {
	r.actions["more"] = action{handle: r.more, limited: true}
	r.actions["ctx"] = action{handle: r.context, limited: true}
	r.actions["post"] = action{handle: r.post}
}

// recall loads the state a button refers to.
func (r *Router) recall(req Request) (answerState, error) {
	var st answerState
	ok, err := r.cfg.Memory.Get(req.Key, &st)
	if err != nil {
		return st, err
	}
	if !ok {
		return st, userErr(staleMessage)
	}
	return st, nil
}

// page renders the page of an answer that starts at offset.
func (r *Router) page(ctx context.Context, st answerState, offset int) (Response, error) {
	switch st.Kind {
	case "quotes":
		return r.quotesPage(ctx, st, offset)
	case "sources":
		return r.sourcesPage(ctx, st, offset)
	case "ask", "quote", "find":
		return r.answerPage(ctx, st, offset, "")
	}
	return Response{}, userErr(staleMessage)
}

func (r *Router) more(ctx context.Context, req Request) (Response, error) {
	st, err := r.recall(req)
	if err != nil {
		return Response{}, err
	}
	return r.page(ctx, st, req.Arg)
}

func (r *Router) post(ctx context.Context, req Request) (Response, error) {
	st, err := r.recall(req)
	if err != nil {
		return Response{}, err
	}
	st.Private = false
	resp, err := r.page(ctx, st, req.Arg)
	if err != nil || resp.Message == nil {
		return resp, err
	}
	// A shared answer says who shared it, and has no Post button.
	resp.Message.Ephemeral = false
	var keep []Button
	for _, b := range resp.Message.Buttons {
		if !strings.Contains(b.CustomID, ":post:") {
			keep = append(keep, b)
		}
	}
	resp.Message.Buttons = keep
	if req.UserName != "" {
		by := "Shared by " + discordtext.Escape(req.UserName)
		if resp.Message.Content != "" {
			by += "\n" + resp.Message.Content
		}
		resp.Message.Content = by
	}
	return resp, nil
}

// context shows the passages before and after result number req.Arg.
func (r *Router) context(ctx context.Context, req Request) (Response, error) {
	st, err := r.recall(req)
	if err != nil {
		return Response{}, err
	}
	article, passage, err := r.resultAt(ctx, st, req.Arg)
	if err != nil {
		return Response{}, err
	}
	a, ok, err := r.cfg.Searcher.Article(article)
	if err != nil {
		return Response{}, err
	}
	if !ok || passage >= len(a.Passages) {
		return Response{}, userErr("That article has changed or gone since the answer was given. Ask again.")
	}
	var parts []string
	budget := 4000 / 3
	for i := max(0, passage-1); i <= min(len(a.Passages)-1, passage+1); i++ {
		text := a.Passages[i].Text
		if i == passage {
			parts = append(parts, quoteBlock(boldText(discordtext.Clip(text, budget))))
			continue
		}
		parts = append(parts, quoteBlock(discordtext.Escape(discordtext.Clip(text, budget))))
	}
	info := search.ArticleInfo{ID: a.ID, Title: a.Title, Author: a.Author, Publication: a.Publication, Published: a.Published, URL: a.URL}
	e := Embed{
		Title:       discordtext.Clip(discordtext.Escape(a.Title), maxEmbedTitle),
		URL:         discordtext.SafeURL(a.URL),
		Description: strings.Join(parts, "\n\n"),
		Footer:      strings.TrimPrefix(sourceFooter(info, a.Passages[passage].Section)+fmt.Sprintf(" · passage %d of %d", passage+1, len(a.Passages)), " · "),
		Color:       embedColor,
	}
	return Response{Message: &Message{Embeds: []Embed{e}, Ephemeral: true}}, nil
}

// resultAt finds result number n (from 0) of an answer again.
func (r *Router) resultAt(ctx context.Context, st answerState, n int) (article string, passage int, err error) {
	if st.Kind == "quotes" {
		qs, err := r.attributed(st.Speaker)
		if err != nil {
			return "", 0, err
		}
		if n >= len(qs) {
			return "", 0, userErr(staleMessage)
		}
		return qs[n].Article.ID, qs[n].PassageIndex, nil
	}
	if st.Kind == "sources" {
		return "", 0, userErr(staleMessage)
	}
	res, err := r.cfg.Searcher.Search(ctx, search.Query{Text: st.Query, Limit: 1, Offset: n, Source: st.Source, Speaker: st.Speaker})
	if err != nil {
		return "", 0, err
	}
	if len(res.Hits) == 0 {
		return "", 0, userErr("That passage is no longer among the answers. Ask again.")
	}
	return res.Hits[0].Article.ID, res.Hits[0].Passage.Index, nil
}
