package commands

import (
	"context"
	"fmt"
)

// /help: what Dossier can do, with examples.

func (r *Router) helpCommand() *command {
	return &command{
		def: wireCommand{
			Name:        "help",
			Type:        commandChat,
			Description: "What Dossier can do, with examples",
		},
		handle: r.help,
	}
}

func (r *Router) help(ctx context.Context, req Request) (Response, error) {
	n := len(r.cfg.Searcher.Articles())
	e := Embed{
		Title: "Dossier answers from the team's articles",
		Description: fmt.Sprintf("Dossier has read %d %s. It answers with the passages that say so, quoted word for word, "+
			"with their source and who said the quoted words. It never makes anything up.", n, plural(n, "article", "articles")),
		Color: embedColor,
		Fields: []Field{
			{Name: "/ask", Value: "Ask anything, in your own words.\n`/ask question: who was poisoned with polonium?`\n" +
				"Narrow it down with `source` (an article) or `speaker`; add `private: True` to see the answer alone first."},
			{Name: "/quote", Value: "What someone said.\n`/quote speaker: Colin Clarke` — all their quotations\n`/quote speaker: Colin Clarke topic: nuclear weapons`"},
			{Name: "/sources", Value: "The articles Dossier has read, newest first."},
			{Name: "Find in articles", Value: "Right-click a message (or long-press it), then Apps › **Find in articles**: what the articles say about it."},
			{Name: "Buttons", Value: "**More** shows the next passages, **Context** the paragraphs around one, **Post to channel** shares a private answer."},
		},
		Footer: "Misspelled a name? Dossier corrects it and says so.",
	}
	if r.hasCommand("digest") {
		e.Fields = append(e.Fields, Field{Name: "/digest", Value: "A daily digest of new articles in a channel: `/digest subscribe channel: #news time: 09:00 timezone: Europe/London`"})
	}
	return Response{Message: &Message{Embeds: []Embed{e}, Ephemeral: true}}, nil
}

func (r *Router) hasCommand(name string) bool {
	_, ok := r.cmds[name]
	return ok
}
