package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/bwmarrin/discordgo"
	"github.com/dossier-bot/dossier/commands"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/digest"
)

// The adapters between the packages: commands knows nothing of digest or
// corpus, and digest nothing of Discord; main wires them.

// digestCommands adapts the digest service to what /digest needs, and
// checks channels through Discord.
type digestCommands struct {
	svc  *digest.Service
	rest *commands.REST
}

var _ commands.Digests = digestCommands{}

func (d digestCommands) Subscribe(ctx context.Context, req commands.DigestRequest) (commands.DigestInfo, error) {
	sub, next, replaced, err := d.svc.Subscribe(digest.Request{
		GuildID: req.GuildID, ChannelID: req.ChannelID, ChannelName: req.ChannelName,
		Time: req.Time, Zone: req.Zone, Topic: req.Topic, By: req.By,
	})
	if err != nil {
		return commands.DigestInfo{}, err
	}
	info := digestInfo(digest.Status{Subscription: sub})
	info.Next, info.Replaced = next, replaced
	return info, nil
}

func (d digestCommands) Unsubscribe(ctx context.Context, guildID, channelID string) (bool, error) {
	return d.svc.Unsubscribe(guildID, channelID)
}

func (d digestCommands) List(ctx context.Context, guildID string) ([]commands.DigestInfo, error) {
	sts, err := d.svc.List(guildID)
	if err != nil {
		return nil, err
	}
	out := make([]commands.DigestInfo, len(sts))
	for i, st := range sts {
		out[i] = digestInfo(st)
	}
	return out, nil
}

func digestInfo(st digest.Status) commands.DigestInfo {
	return commands.DigestInfo{
		ChannelID: st.ChannelID, ChannelName: st.ChannelName, Time: st.Time.String(), Zone: st.Zone, Topic: st.Topic,
		Next: st.Next, Paused: st.Paused, Last: st.Last,
	}
}

func (d digestCommands) Preview(ctx context.Context, guildID, channelID string) (commands.DigestPreview, error) {
	p, err := d.svc.Preview(ctx, guildID, channelID)
	if err != nil {
		return commands.DigestPreview{}, err
	}
	out := commands.DigestPreview{Subscribed: p.Subscribed, Paused: p.Paused, Since: p.Since}
	for _, m := range p.Messages {
		out.Messages = append(out.Messages, commandsMessage(m))
	}
	return out, nil
}

func (d digestCommands) Zones(typed string, limit int) []string {
	return digest.MatchZones(typed, limit)
}

func (d digestCommands) CanPost(ctx context.Context, guildID, channelID string) error {
	if d.rest == nil {
		return nil
	}
	return d.rest.CanPost(ctx, guildID, channelID)
}

// commandsMessage turns a digest message into one the REST client sends.
func commandsMessage(m digest.Message) commands.Message {
	out := commands.Message{Content: m.Content}
	for _, e := range m.Embeds {
		out.Embeds = append(out.Embeds, commands.Embed{Title: e.Title, URL: e.URL, Description: e.Description, Footer: e.Footer, Color: e.Color})
	}
	return out
}

// poster posts digests through the REST client, telling the digest
// package what is known of a failed post's outcome.
type poster struct{ rest *commands.REST }

var (
	_ digest.Poster = poster{}
	_ digest.Finder = poster{}
)

func (p poster) Post(ctx context.Context, channelID string, m digest.Message, nonce string) (string, error) {
	id, err := p.rest.PostMessage(ctx, channelID, commandsMessage(m), nonce)
	return id, postError(err)
}

func (p poster) Find(ctx context.Context, channelID string, m digest.Message) (string, bool, error) {
	return p.rest.FindMessage(ctx, channelID, commandsMessage(m))
}

// postError classifies a failed post for the digest package: a channel
// that is gone or closed, a message Discord refused as malformed, a
// request Discord certainly did not carry out (it rate-limited it, or
// never got it), or an unknown outcome.
func postError(err error) error {
	var rl *discordgo.RateLimitError
	var re *discordgo.RESTError
	var op *net.OpError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, commands.ErrUnknownChannel):
		return fmt.Errorf("%w: %w", digest.ErrChannelGone, err)
	case errors.Is(err, commands.ErrNoAccess):
		return fmt.Errorf("%w: %w", digest.ErrNoAccess, err)
	case errors.As(err, &rl):
		return &digest.NotPostedError{RetryAfter: rl.RetryAfter, Err: err}
	case errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusBadRequest && re.Message != nil:
		// Discord's own refusal of the message, a JSON error (a proxy's
		// page on the way says nothing of the message).
		return fmt.Errorf("%w: %w", digest.ErrRejected, err)
	case errors.As(err, &re) && re.Response != nil && re.Response.StatusCode >= 400 && re.Response.StatusCode < 500 && re.Response.StatusCode != http.StatusRequestTimeout:
		return &digest.NotPostedError{Err: err}
	case errors.As(err, &op) && op.Op == "dial":
		return &digest.NotPostedError{Err: err}
	}
	return err
}

// library adds articles to the corpus folder for /add.
type library struct{ folder *corpus.Folder }

var _ commands.Library = library{}

// userError is an error whose text is for the user.
type userError struct{ msg string }

func (e *userError) Error() string       { return e.msg }
func (e *userError) UserMessage() string { return e.msg }

func (l library) Add(ctx context.Context, a commands.NewArticle) (*commands.AddedArticle, error) {
	added, err := l.folder.Add(ctx, corpus.NewArticle{
		Title: a.Title, Author: a.Author, Publication: a.Publication, Date: a.Date, URL: a.URL, Text: a.Text,
		FileName: a.FileName, Data: a.Data,
	})
	if errors.Is(err, corpus.ErrReadOnly) {
		return nil, &userError{"Dossier is reading its built-in seed articles; set corpus.dir to a folder to add articles."}
	}
	if err != nil {
		return nil, err
	}
	art := added.Article
	out := &commands.AddedArticle{ID: art.ID, Path: added.Path, Title: art.Title, Published: art.PublishedDate(), Passages: len(art.Passages), Quotes: art.QuoteCount()}
	seen := map[string]bool{}
	for _, p := range art.Passages {
		for _, q := range p.Quotes {
			if q.Speaker != "" && !seen[q.Speaker] {
				seen[q.Speaker] = true
				out.Speakers = append(out.Speakers, q.Speaker)
			}
		}
	}
	return out, nil
}

// addPermission is the permission bit config's corpus.add_permission
// names; 0 lets anyone add.
func addPermission(name string) int64 {
	switch name {
	case "manage_messages":
		return 1 << 13
	case "manage_channels":
		return 1 << 4
	case "manage_guild":
		return 1 << 5
	case "administrator":
		return 1 << 3
	}
	return 0
}
