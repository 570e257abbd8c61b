package search

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// queryCorpus is a small corpus written for the query tests: names that
// are easy to misspell, aliases, dates and speakers to filter on.
func queryCorpus() fstest.MapFS {
	return fstest.MapFS{
		"2024/harbour.txt": {Data: []byte(`Harbour Authority Approves Dredging Plan

Tuesday, June 4, 2024

By Ingrid Halvorsen | Maritime Correspondent

BERGEN — The harbour authority approved a plan on Tuesday to dredge the northern channel, which has silted up so badly that container ships now wait for high tide.

"We cannot keep turning ships away at low water," said harbour master Oddvar Kristiansen. "Every week of delay costs the port about two million kroner."

The work will start in September and take eleven weeks, according to the authority.

Environmental groups warned that the dredging could stir up contaminated sediment from the old shipyard. "The mud under that channel holds forty years of paint and oil," said marine biologist Sunniva Aalvik of the Norwegian Institute for Water Research.
`)},
		"2025/sanctions.md": {Data: []byte(`---
title: United States Widens Sanctions on Shipping Network
author: Dana Whitfield
publication: Capital Ledger
date: 2025-02-10
url: https://example.com/sanctions
---

The United States on Monday imposed sanctions on eleven shipping companies accused of moving oil for a network run by the FSB, Russia's security service.

Treasury official Marisol Etxeberria told reporters the companies had used "ghost tankers" that switched off their transponders near Crete. "These ships disappear from the map for days at a time," she said.

Officials estimate the network earned about 400 million dollars last year.

The sanctions also name a Dubai trading house, Quillfeather Commodities, which the Treasury said handled the payments.
`)},
		"2025/reactor.txt": {Data: []byte(`Inspectors Find Cracks at Coastal Reactor

March 12, 2025

Inspectors found hairline cracks in two cooling pipes at the Saltmarsh nuclear plant during a routine outage, the regulator said on Wednesday.

The plant will stay offline for at least six weeks while engineers replace the pipes. "Nobody was ever at risk," said plant director Tobias Wren.

Critics said the cracks showed the plant, which opened in 1979, should close. "You cannot keep patching a reactor that is older than most of its staff," said campaigner Priya Ramaswamy.
`)},
	}
}

func TestSearchFindsAnswersInMyCorpus(t *testing.T) {
	ix := openTestIndex(t, queryCorpus())
	for _, c := range []struct {
		q, wantArticle, wantInAnswer string
	}{
		{"When will the dredging start?", "2024/harbour", "September"},
		{"How long will the reactor stay offline?", "2025/reactor", "six weeks"},
		{"Who handled the payments for the shipping network?", "2025/sanctions", "Quillfeather"},
		{"what did the harbour master say about ships", "2024/harbour", "turning ships away"},
		{"ghost tankers Crete", "2025/sanctions", "ghost tankers"},
		{"How much did the network earn?", "2025/sanctions", "400 million"},
	} {
		t.Run(c.q, func(t *testing.T) {
			res, err := ix.Search(context.Background(), Query{Text: c.q})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 {
				t.Fatal("no results")
			}
			h := res.Hits[0]
			if h.Article.ID != c.wantArticle {
				t.Errorf("first hit from %s; want %s", h.Article.ID, c.wantArticle)
			}
			if !strings.Contains(h.AnswerText(), c.wantInAnswer) {
				t.Errorf("answer %q; want the sentence with %q", h.AnswerText(), c.wantInAnswer)
			}
			if !strings.Contains(h.Passage.Text, h.AnswerText()) {
				t.Errorf("answer %q is not a sentence of the passage %q", h.AnswerText(), h.Passage.Text)
			}
			if len(h.Matches) == 0 {
				t.Error("no matched words marked")
			}
			for _, m := range h.Matches {
				if m.Start < 0 || m.End > len(h.Passage.Text) || m.Start >= m.End {
					t.Errorf("match %v outside the passage", m)
				}
			}
		})
	}
}

func TestSearchCorrectsMisspelledNames(t *testing.T) {
	ix := openTestIndex(t, queryCorpus())
	for _, c := range []struct {
		q, wantFrom, wantTo, wantInPassage string
	}{
		{"What did Tobias Wrenn say?", "Wrenn", "Wren", "Tobias Wren"},
		{"Oddvar Kristianson", "Kristianson", "Kristiansen", "Oddvar Kristiansen"},
		{"quillfeathr commodities", "quillfeathr", "quillfeather", "Quillfeather"},
		{"environmentl groups sediment", "environmentl", "environmental", "contaminated sediment"},
		{"Oddvarr Oddvarr", "Oddvarr", "Oddvar", "Oddvar Kristiansen"},
	} {
		t.Run(c.q, func(t *testing.T) {
			res, err := ix.Search(context.Background(), Query{Text: c.q})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, corr := range res.Corrections {
				if corr.From == c.wantFrom && strings.EqualFold(corr.To, c.wantTo) {
					found = true
				}
			}
			if !found {
				t.Errorf("corrections %v; want %s -> %s", res.Corrections, c.wantFrom, c.wantTo)
			}
			want := c.q
			for i := len(res.Corrections) - 1; i >= 0; i-- {
				corr := res.Corrections[i]
				want = want[:corr.Start] + corr.To + want[corr.End:]
			}
			if res.Suggestion != want || !strings.Contains(strings.ToLower(res.Suggestion), strings.ToLower(c.wantTo)) {
				t.Errorf("suggestion %q; want %q, with %q", res.Suggestion, want, c.wantTo)
			}
			if len(res.Hits) == 0 || !strings.Contains(res.Hits[0].Passage.Text, c.wantInPassage) {
				t.Errorf("first hit does not hold %q: %v", c.wantInPassage, res.Hits)
			}
		})
	}
}

func TestSearchAliases(t *testing.T) {
	ix, err := Open(t.TempDir(), Options{Aliases: [][]string{{"Saltmarsh", "Saltmarsh Point", "SMP"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Sync(context.Background(), queryCorpus()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ q, want string }{
		{"US sanctions on shipping", "The United States on Monday imposed sanctions"},
		{"America sanctions tankers", "The United States on Monday imposed sanctions"},
		{"Federal Security Service oil network", "run by the FSB"},
		{"cracks at the SMP reactor", "Saltmarsh nuclear plant"},
		{"nukes plant cracks", "Saltmarsh nuclear plant"},
	} {
		t.Run(c.q, func(t *testing.T) {
			hits := search(t, ix, c.q)
			if len(hits) == 0 || !strings.Contains(hits[0].Passage.Text, c.want) {
				t.Errorf("first hit does not hold %q: %v", c.want, firstText(hits))
			}
		})
	}
}

func firstText(hits []Hit) string {
	if len(hits) == 0 {
		return "(no results)"
	}
	return hits[0].Passage.Text
}

// TestSearchTreatsSyntaxAsText sends questions that bleve's query-string
// syntax would reject or misread; they are plain text here.
func TestSearchTreatsSyntaxAsText(t *testing.T) {
	ix := openTestIndex(t, queryCorpus())
	for _, q := range []string{
		`"unterminated quote about the harbour`,
		`harbour: dredging`,
		`+dredging -reactor`,
		`dredg* ship?`,
		`(cracks AND pipes) OR [reactor]`,
		`10:30 ships`,
		`title:harbour`,
		`"ghost tankers" near Crete`,
		`\ / ^ ~ ! { }  cracks`,
		strings.Repeat("harbour ", 2000),
	} {
		t.Run(q[:min(len(q), 40)], func(t *testing.T) {
			res, err := ix.Search(context.Background(), Query{Text: q})
			if err != nil {
				t.Fatalf("Search(%q): %v", q, err)
			}
			if len(res.Hits) == 0 {
				t.Errorf("Search(%q) found nothing; its words are in the corpus", q)
			}
		})
	}
}

func TestSearchQuotedPhrase(t *testing.T) {
	ix := openTestIndex(t, queryCorpus())
	hits := search(t, ix, `"ghost tankers"`)
	if len(hits) == 0 || !strings.Contains(hits[0].Passage.Text, "ghost tankers") {
		t.Errorf("first hit for the phrase does not hold it: %s", firstText(hits))
	}
}

func TestSearchNothingFound(t *testing.T) {
	ix := openTestIndex(t, queryCorpus())
	res, err := ix.Search(context.Background(), Query{Text: "zyxwv qwrtp"})
	if err != nil {
		t.Fatalf("a question with no match is not an error: %v", err)
	}
	if len(res.Hits) != 0 {
		t.Errorf("hits for nonsense: %v", res.Hits)
	}
	if len(res.Closest) == 0 {
		t.Error("no closest articles offered")
	}
	for _, q := range []string{"", "   ", "?!", "— …"} {
		if _, err := ix.Search(context.Background(), Query{Text: q}); !errors.Is(err, ErrEmptyQuery) {
			t.Errorf("Search(%q): %v; want ErrEmptyQuery", q, err)
		}
	}
}

func TestSearchFilters(t *testing.T) {
	ix := openTestIndex(t, queryCorpus())
	date := func(s string) time.Time { d, _ := ParseDate(s); return d }
	for _, c := range []struct {
		name     string
		q        Query
		articles []string // every hit must be from one of these
		none     bool
	}{
		{"source by id", Query{Text: "plant", Source: "2025/reactor"}, []string{"2025/reactor"}, false},
		{"source by path", Query{Text: "plant", Source: "2025/reactor.txt"}, []string{"2025/reactor"}, false},
		{"source by title words", Query{Text: "said", Source: "dredging harbour"}, []string{"2024/harbour"}, false},
		{"unknown source", Query{Text: "plant", Source: "no such article"}, nil, true},
		{"speaker surname", Query{Text: "risk", Speaker: "wren"}, []string{"2025/reactor"}, false},
		{"speaker full name any order", Query{Text: "ships", Speaker: "Kristiansen Oddvar"}, []string{"2024/harbour"}, false},
		{"since", Query{Text: "said", Since: date("2025-01-01")}, []string{"2025/sanctions", "2025/reactor"}, false},
		{"until", Query{Text: "said", Until: date("2024-12-31")}, []string{"2024/harbour"}, false},
		{"range", Query{Text: "said", Since: date("2025-03-01"), Until: date("2025-03-12")}, []string{"2025/reactor"}, false},
		{"empty range", Query{Text: "said", Since: date("2023-01-01"), Until: date("2023-12-31")}, nil, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.q.Limit = 20
			res, err := ix.Search(context.Background(), c.q)
			if err != nil {
				t.Fatal(err)
			}
			if c.none {
				if len(res.Hits) != 0 {
					t.Errorf("got %d hits; want none", len(res.Hits))
				}
				return
			}
			if len(res.Hits) == 0 {
				t.Fatal("no hits")
			}
			for _, h := range res.Hits {
				ok := false
				for _, a := range c.articles {
					ok = ok || h.Article.ID == a
				}
				if !ok {
					t.Errorf("hit from %s; want only %v", h.Article.ID, c.articles)
				}
			}
		})
	}
}

func TestSearchPaging(t *testing.T) {
	ix := openTestIndex(t, queryCorpus())
	all, err := ix.Search(context.Background(), Query{Text: "said", Limit: 6})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := ix.Search(context.Background(), Query{Text: "said", Limit: 3})
	second, _ := ix.Search(context.Background(), Query{Text: "said", Limit: 3, Offset: 3})
	if !first.More {
		t.Error("first page does not say there are more results")
	}
	got := append(first.Hits, second.Hits...)
	if len(got) != len(all.Hits) {
		t.Fatalf("two pages hold %d hits; one page of 6 holds %d", len(got), len(all.Hits))
	}
	for i := range got {
		if got[i].Article.ID != all.Hits[i].Article.ID || got[i].Passage.Index != all.Hits[i].Passage.Index || got[i].Rank != i+1 {
			t.Errorf("hit %d: %s#%d rank %d; want %s#%d rank %d", i, got[i].Article.ID, got[i].Passage.Index, got[i].Rank, all.Hits[i].Article.ID, all.Hits[i].Passage.Index, i+1)
		}
	}
}

func TestQuotesAndSpeakers(t *testing.T) {
	ix := openTestIndex(t, queryCorpus())
	qs, err := ix.Quotes("aalvik")
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 1 || qs[0].Speaker != "Sunniva Aalvik" || !strings.Contains(qs[0].Text, "forty years of paint") {
		t.Errorf("Quotes(aalvik) = %+v; want her one quotation", qs)
	}
	if !strings.Contains(qs[0].Role, "marine biologist") {
		t.Errorf("role %q; want the marine biologist role", qs[0].Role)
	}
	speakers, err := ix.Speakers()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Speaker{}
	for _, s := range speakers {
		byName[s.Name] = s
	}
	for name, n := range map[string]int{"Oddvar Kristiansen": 2, "Marisol Etxeberria": 2, "Tobias Wren": 1, "Priya Ramaswamy": 1} {
		if byName[name].Quotes != n {
			t.Errorf("%s quoted %d times; want %d (speakers: %+v)", name, byName[name].Quotes, n, speakers)
		}
	}
}

// TestAnswerClause checks that an answer is narrowed to the clause after a
// colon only when both sides are clauses, never cut at a label.
func TestAnswerClause(t *testing.T) {
	ix := openTestIndex(t, fstest.MapFS{"a.txt": {Data: []byte(`Canal Report

The inspectors listed the worst failures in their annual report to the council: the eastern lock gate leaks so badly that barges wait for hours before it opens.

The lock keeper's cottage on the towpath, photographed in 1931 by the canal company Photo: Archive
`)}})
	for _, c := range []struct{ q, want string }{
		{"Why do barges wait at the eastern lock gate?", "the eastern lock gate leaks so badly that barges wait for hours before it opens."},
		{"lock keeper cottage photographed", "The lock keeper's cottage on the towpath, photographed in 1931 by the canal company Photo: Archive"},
	} {
		hits := search(t, ix, c.q)
		if len(hits) == 0 || hits[0].AnswerText() != c.want {
			t.Errorf("answer to %q = %q; want %q", c.q, firstAnswer(hits), c.want)
		}
	}
}

func firstAnswer(hits []Hit) string {
	if len(hits) == 0 {
		return "(no results)"
	}
	return hits[0].AnswerText()
}
