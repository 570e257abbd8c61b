package commands

import (
	"context"
	"fmt"
	"strings"
)

// /sources: the indexed articles, newest first, ten to a page.

const sourcesPageSize = 10

func (r *Router) sourcesCommand() *command {
	return &command{
		def: wireCommand{
			Name:        "sources",
			Type:        commandChat,
			Description: "List the articles Dossier has read",
		},
		handle: func(ctx context.Context, req Request) (Response, error) {
			return r.sourcesPage(ctx, answerState{Kind: "sources"}, 0)
		},
	}
}

func (r *Router) sourcesPage(ctx context.Context, st answerState, offset int) (Response, error) {
	arts := r.cfg.Searcher.Articles()
	msg := Message{Ephemeral: st.Private}
	if len(arts) == 0 {
		msg.Content = "Dossier has no articles yet. Put .txt or .md files in its corpus folder."
		return Response{Message: &msg}, nil
	}
	if offset >= len(arts) {
		msg.Content = "No more articles."
		return Response{Message: &msg}, nil
	}
	page := arts[offset:min(offset+sourcesPageSize, len(arts))]
	var b strings.Builder
	for i, a := range page {
		fmt.Fprintf(&b, "%d. %s\n", offset+i+1, articleLine(a))
		fmt.Fprintf(&b, "    %d %s, %d %s\n", a.Passages, plural(a.Passages, "passage", "passages"), a.Quotes, plural(a.Quotes, "quotation", "quotations"))
	}
	msg.Embeds = []Embed{{
		Title:       fmt.Sprintf("%d %s", len(arts), plural(len(arts), "article", "articles")),
		Description: strings.TrimSpace(b.String()),
		Footer:      fmt.Sprintf("%d–%d of %d, newest first", offset+1, offset+len(page), len(arts)),
		Color:       embedColor,
	}}
	if offset+len(page) < len(arts) {
		key, err := r.cfg.Memory.Put(st)
		if err != nil {
			return Response{}, err
		}
		msg.Buttons = []Button{{Label: "More", CustomID: customID("more", key, offset+len(page)), Style: Primary}}
	}
	return Response{Message: &msg}, nil
}
