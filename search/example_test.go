package search_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/dossier-bot/dossier/search"
	"github.com/dossier-bot/dossier/seeds"
)

// A question turns into a quoted passage with its source and the speaker
// of the words it quotes.
func Example() {
	dir, err := os.MkdirTemp("", "dossier-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ix, err := search.Open(dir, search.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	if _, err := ix.Sync(ctx, seeds.FS()); err != nil {
		log.Fatal(err)
	}

	res, err := ix.Search(ctx, search.Query{Text: "What did the Iranian foreign ministry spokesman say?", Limit: 1})
	if err != nil {
		log.Fatal(err)
	}
	h := res.Hits[0]
	fmt.Println(h.AnswerText())
	for _, q := range h.Passage.Quotes {
		fmt.Printf("— %s, %s\n", q.Speaker, q.Role)
		break
	}
	fmt.Printf("%s · %s · %s\n", h.Article.Title, h.Article.Author, h.Article.PublishedDate())
	// Output:
	// “These accusations are not only false but deeply irresponsible,” said Foreign Ministry spokesperson Nasser Kanani.
	// — Nasser Kanani, Foreign Ministry spokesperson
	// Iran Accused of Hiring Criminal Gangs for Overseas Assassination Plots · Naomi Ellis · 2025-05-15
}
