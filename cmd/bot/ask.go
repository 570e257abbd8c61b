package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dossier-bot/dossier/search"
)

func (a *app) askCmd() *cobra.Command {
	var (
		n                             int
		asJSON                        bool
		source, speaker, since, until string
	)
	cmd := &cobra.Command{
		Use:   "ask [flags] QUESTION",
		Short: "Answer a question from the terminal, as the bot would",
		Example: `  dossier ask "Who was killed with polonium?"
  dossier ask -n 5 --speaker "Colin Clarke" nuclear weapons
  dossier ask --json --since 2025-01-01 "sanctions"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 || strings.TrimSpace(strings.Join(args, " ")) == "" {
				return usagef(`ask needs a question, e.g. dossier ask "Who was killed with polonium?"`)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if n < 1 || n > 50 {
				return usagef("-n must be between 1 and 50, not %d", n)
			}
			q := search.Query{Text: strings.Join(args, " "), Limit: n, Source: source, Speaker: speaker}
			var err error
			if q.Since, err = parseDateFlag("--since", since); err != nil {
				return err
			}
			if q.Until, err = parseDateFlag("--until", until); err != nil {
				return err
			}
			if !q.Since.IsZero() && !q.Until.IsZero() && q.Until.Before(q.Since) {
				return usagef("--until %s is before --since %s", until, since)
			}
			return a.ask(cmd.Context(), q, asJSON)
		},
	}
	f := cmd.Flags()
	f.IntVarP(&n, "n", "n", 3, "number of results")
	f.BoolVar(&asJSON, "json", false, "machine-readable output")
	f.StringVar(&source, "source", "", "only this article: its ID or words of its title")
	f.StringVar(&speaker, "speaker", "", "only passages quoting this speaker")
	f.StringVar(&since, "since", "", "only articles published on or after this date (YYYY-MM-DD)")
	f.StringVar(&until, "until", "", "only articles published on or before this date (YYYY-MM-DD)")
	return cmd
}

func parseDateFlag(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, ok := search.ParseDate(s)
	if !ok {
		return time.Time{}, usagef("%s %q is not a date; write YYYY-MM-DD", name, s)
	}
	return t, nil
}

func (a *app) ask(ctx context.Context, q search.Query, asJSON bool) error {
	ix, _, err := a.openIndex(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	res, err := ix.Search(ctx, q)
	if errors.Is(err, search.ErrEmptyQuery) {
		return usagef(`the question %q has no words to search for; ask e.g. "Who was killed with polonium?"`, q.Text)
	}
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(a.stdout, askJSON(res))
	}
	r := newRenderer(a.stdout)
	r.filters = describeFilters(q)
	r.answer(res)
	return nil
}

// describeFilters names a query's filters as they were given.
func describeFilters(q search.Query) string {
	var out []string
	for _, f := range []struct{ flag, value string }{{"--source", q.Source}, {"--speaker", q.Speaker}} {
		if v := strings.TrimSpace(f.value); v != "" {
			out = append(out, fmt.Sprintf("%s %q", f.flag, v))
		}
	}
	if !q.Since.IsZero() {
		out = append(out, "--since "+q.Since.Format(time.DateOnly))
	}
	if !q.Until.IsZero() {
		out = append(out, "--until "+q.Until.Format(time.DateOnly))
	}
	return strings.Join(out, " ")
}

// The --json shapes of DESIGN.md.

type jsonArticle struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Author      string `json:"author"`
	Publication string `json:"publication"`
	Published   string `json:"published"`
	URL         string `json:"url"`
	Path        string `json:"path"`
}

type jsonPassage struct {
	Index   int    `json:"index"`
	Section string `json:"section"`
	Text    string `json:"text"`
	Answer  string `json:"answer"`
}

type jsonQuote struct {
	Text    string `json:"text"`
	Speaker string `json:"speaker"`
	Role    string `json:"role"`
}

type jsonResult struct {
	Rank    int         `json:"rank"`
	Score   float64     `json:"score"`
	Article jsonArticle `json:"article"`
	Passage jsonPassage `json:"passage"`
	Quotes  []jsonQuote `json:"quotes"`
}

type jsonCorrection struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type jsonAsk struct {
	Query       string           `json:"query"`
	Suggestion  string           `json:"suggestion"`
	Corrections []jsonCorrection `json:"corrections,omitempty"`
	Results     []jsonResult     `json:"results"`
	Closest     []jsonArticle    `json:"closest,omitempty"`
}

func articleJSON(a search.ArticleInfo) jsonArticle {
	return jsonArticle{ID: a.ID, Title: a.Title, Author: a.Author, Publication: a.Publication,
		Published: a.PublishedDate(), URL: a.URL, Path: a.Path}
}

func quotesJSON(qs []search.Quote) []jsonQuote {
	out := make([]jsonQuote, 0, len(qs))
	for _, q := range qs {
		out = append(out, jsonQuote{Text: q.Text, Speaker: q.Speaker, Role: q.Role})
	}
	return out
}

func askJSON(res *search.Results) jsonAsk {
	out := jsonAsk{Query: res.Query, Suggestion: res.Suggestion, Results: []jsonResult{}}
	for _, c := range res.Corrections {
		out.Corrections = append(out.Corrections, jsonCorrection{From: c.From, To: c.To})
	}
	for _, h := range res.Hits {
		out.Results = append(out.Results, jsonResult{
			Rank:    h.Rank,
			Score:   h.Score,
			Article: articleJSON(h.Article),
			Passage: jsonPassage{Index: h.Passage.Index, Section: h.Passage.Section, Text: h.Passage.Text, Answer: h.AnswerText()},
			Quotes:  quotesJSON(h.Passage.Quotes),
		})
	}
	for _, c := range res.Closest {
		out.Closest = append(out.Closest, articleJSON(c))
	}
	return out
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}
