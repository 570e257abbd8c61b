package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/dossier-bot/dossier/commands"
	"github.com/dossier-bot/dossier/digest"
)

// TestPostErrorClassification checks how a failed digest post is read:
// only Discord's own error codes pause a digest or give a message up; a
// bare status from something on the way (a proxy, Cloudflare) is retried.
func TestPostErrorClassification(t *testing.T) {
	rest := func(status, code int) error {
		re := &discordgo.RESTError{Response: &http.Response{StatusCode: status, Status: http.StatusText(status)}}
		if code >= 0 { // a JSON error from Discord; -1 for a page from a proxy
			re.Message = &discordgo.APIErrorMessage{Code: code, Message: "from Discord"}
		}
		return re
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"invalid form body", rest(400, 50035), "rejected"},
		{"bare 400 from a proxy", rest(400, -1), "not posted"},
		{"missing access", fmt.Errorf("%w: %w", commands.ErrNoAccess, rest(403, 50001)), "no access"},
		{"bare 403 from a proxy", rest(403, -1), "not posted"},
		{"unknown channel", fmt.Errorf("%w: %w", commands.ErrUnknownChannel, rest(404, 10003)), "gone"},
		{"bare 404", rest(404, -1), "not posted"},
		{"rate limited", &discordgo.RateLimitError{RateLimit: &discordgo.RateLimit{TooManyRequests: &discordgo.TooManyRequests{RetryAfter: 3 * time.Second}}}, "not posted"},
		{"connection refused", &net.OpError{Op: "dial", Err: errors.New("refused")}, "not posted"},
		{"server error", rest(500, -1), "unknown"},
		{"timeout", &net.OpError{Op: "read", Err: errors.New("i/o timeout")}, "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := postError(tt.err)
			var np *digest.NotPostedError
			got := "unknown"
			switch {
			case errors.Is(err, digest.ErrRejected):
				got = "rejected"
			case errors.Is(err, digest.ErrNoAccess):
				got = "no access"
			case errors.Is(err, digest.ErrChannelGone):
				got = "gone"
			case errors.As(err, &np):
				got = "not posted"
			}
			if got != tt.want {
				t.Errorf("postError(%v) is %s (%v); want %s", tt.err, got, err, tt.want)
			}
		})
	}
}
