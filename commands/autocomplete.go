package commands

import (
	"context"
	"strings"

	"github.com/dossier-bot/dossier/internal/discordtext"
	"github.com/dossier-bot/dossier/search"
)

// Autocomplete for the source option (article titles, matched by the
// start of any of their words, newest first) and the speaker option (the
// people the articles quote, with their roles, most quoted first). An
// empty input lists the newest articles or the most quoted people.

func (r *Router) completeArticleOrSpeaker(ctx context.Context, req Request) (Response, error) {
	typed, _ := req.Options[req.Focused].(string)
	switch req.Focused {
	case "source":
		return Response{Choices: r.articleChoices(typed)}, nil
	case "speaker":
		choices, err := r.speakerChoices(typed)
		return Response{Choices: choices}, err
	}
	return Response{}, nil
}

// matchesWords reports whether every typed word starts some word of the
// candidate.
func matchesWords(typed, candidate []string) bool {
	for _, t := range typed {
		found := false
		for _, c := range candidate {
			if strings.HasPrefix(c, t) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (r *Router) articleChoices(typed string) []Choice {
	want := search.Words(typed)
	var out []Choice
	for _, a := range r.cfg.Searcher.Articles() {
		if len(a.ID) > maxChoiceValue {
			continue // the value must carry the whole ID
		}
		if len(want) > 0 && !matchesWords(want, search.Words(a.Title+" "+a.ID)) {
			continue
		}
		name := a.Title
		if d := a.PublishedDate(); d != "" {
			name = discordtext.Clip(a.Title, maxChoiceName-13) + " · " + d
		}
		out = append(out, Choice{Name: discordtext.Clip(name, maxChoiceName), Value: a.ID})
		if len(out) == maxChoices {
			break
		}
	}
	return out
}

func (r *Router) speakerChoices(typed string) ([]Choice, error) {
	speakers, err := r.cfg.Searcher.Speakers()
	if err != nil {
		return nil, err
	}
	want := search.Words(typed)
	var out []Choice
	for _, s := range speakers {
		if len(s.Name) > maxChoiceValue {
			continue
		}
		if len(want) > 0 && !matchesWords(want, search.Words(s.Name+" "+s.Role)) {
			continue
		}
		name := s.Name
		if s.Role != "" {
			name += " — " + s.Role
		}
		out = append(out, Choice{Name: discordtext.Clip(name, maxChoiceName), Value: s.Name})
		if len(out) == maxChoices {
			break
		}
	}
	return out, nil
}
