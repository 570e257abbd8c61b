package commands

import (
	"context"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/dossier-bot/dossier/internal/discordtext"
)

// "Find in articles": a message command (right-click a message, Apps).
// The message's words are the question; the answer is private, with a
// button to post it to the channel.

const findCommandName = "Find in articles"

func (r *Router) findCommand() *command {
	return &command{
		def:     wireCommand{Name: findCommandName, Type: commandMessage},
		handle:  r.find,
		private: func(Request) bool { return true },
		limited: true,
	}
}

var (
	reMentionTokens = regexp.MustCompile(`<(?:@[!&]?|#|a?:\w+:|t:)\d+(?::\w)?>`)
	reLinks         = regexp.MustCompile(`https?://\S+`)
	reCodeFence     = regexp.MustCompile("(?s)```.*?```")
)

// questionFromMessage turns a chat message into search words: mentions,
// links and code are dropped, and it is cut to a question's length.
func questionFromMessage(s string) string {
	s = reCodeFence.ReplaceAllString(s, " ")
	s = reMentionTokens.ReplaceAllString(s, " ")
	s = reLinks.ReplaceAllString(s, " ")
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 500 {
		s = string([]rune(s)[:500])
	}
	return s
}

func (r *Router) find(ctx context.Context, req Request) (Response, error) {
	if req.Target == nil {
		return Response{}, userErr("Use this on a message: right-click it, then Apps › Find in articles.")
	}
	q := questionFromMessage(req.Target.Content)
	if strings.TrimSpace(q) == "" || !hasWord(q) {
		return Response{}, userErr("That message has no words to look up in the articles.")
	}
	header := "What the articles say about “" + discordtext.Clip(discordtext.Escape(q), 150) + "”"
	return r.answerPage(ctx, answerState{Kind: "find", Query: q, Private: true}, 0, header)
}

func hasWord(s string) bool {
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 && !strings.ContainsRune("“”‘’—–…", r) {
			return true
		}
	}
	return false
}
