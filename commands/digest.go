package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dossier-bot/dossier/internal/discordtext"
)

// /digest subscribe|unsubscribe|list|preview: a channel's daily digest of
// what is new. Registered when Config.Digests is set.

// Digests is what /digest needs: the subscriptions and their digests.
// Errors with a UserMessage() string method are shown to the user.
type Digests interface {
	Subscribe(ctx context.Context, req DigestRequest) (DigestInfo, error)
	Unsubscribe(ctx context.Context, guildID, channelID string) (bool, error)
	List(ctx context.Context, guildID string) ([]DigestInfo, error)
	// Preview returns what the channel's digest would post now.
	Preview(ctx context.Context, guildID, channelID string) (DigestPreview, error)
	// Zones suggests time zones for what the user has typed.
	Zones(typed string, limit int) []string
	// CanPost returns an error saying why the bot cannot post digests in
	// the channel, or nil.
	CanPost(ctx context.Context, guildID, channelID string) error
}

// DigestRequest asks for a channel's digest. Time and Zone are as the user
// typed them; empty means the defaults.
type DigestRequest struct {
	GuildID, ChannelID, ChannelName string
	Time, Zone, Topic               string
	By                              string
}

// DigestInfo describes a subscription.
type DigestInfo struct {
	ChannelID, ChannelName string
	Time, Zone, Topic      string
	// Next is the next digest's time (zero when paused).
	Next time.Time
	// Paused says why the digest stopped; "" while active.
	Paused string
	// Last says what became of the latest digest, "" when none yet.
	Last string
	// Replaced reports, after Subscribe, that the channel already had a
	// digest and it was changed.
	Replaced bool
}

// DigestPreview is what a channel's digest would post now.
type DigestPreview struct {
	// Messages are what would be posted; none when nothing is new and
	// such a day posts nothing.
	Messages []Message
	// Since is where the digest's window starts.
	Since time.Time
	// Subscribed reports whether the channel has a digest; without one
	// the preview shows the last 24 hours.
	Subscribed bool
	// Paused says why the channel's digest is paused, if it is.
	Paused string
}

// Discord permission bits.
const (
	permAdministrator  = 1 << 3
	permManageChannels = 1 << 4
	permManageMessages = 1 << 13
	permViewChannel    = 1 << 10
	permSendMessages   = 1 << 11
	permEmbedLinks     = 1 << 14
)

// Channel types a digest can be posted in: text and announcement.
var digestChannelTypes = []int{0, 5}

func (r *Router) digestCommand() *command {
	perm := int64(permManageChannels)
	channel := func(desc string) wireOptionDef {
		return wireOptionDef{Type: optionChannel, Name: "channel", Description: desc, Required: true, ChannelTypes: digestChannelTypes}
	}
	return &command{
		def: wireCommand{
			Name:                     "digest",
			Type:                     commandChat,
			Description:              "A daily digest of new articles in a channel",
			DefaultMemberPermissions: &perm,
			Contexts:                 []int{0},
			Options: []wireOptionDef{
				{Type: optionSubcommand, Name: "subscribe", Description: "Post a digest of new articles in a channel every day", Options: []wireOptionDef{
					channel("Where to post the digest"),
					{Type: optionString, Name: "time", Description: "When, on a 24-hour clock: 09:00 (9am works too)", MaxLength: 20},
					{Type: optionString, Name: "timezone", Description: "Time zone, e.g. Europe/London or +02:00 (start typing a city)", Autocomplete: true, MaxLength: 64},
					{Type: optionString, Name: "topic", Description: "Only articles about this (optional)", MaxLength: 200},
				}},
				{Type: optionSubcommand, Name: "unsubscribe", Description: "Stop a channel's digest", Options: []wireOptionDef{
					channel("The channel whose digest to stop"),
				}},
				{Type: optionSubcommand, Name: "list", Description: "This server's digests"},
				{Type: optionSubcommand, Name: "preview", Description: "The digest as it would be posted now, shown only to you"},
			},
		},
		handle:   r.digest,
		complete: r.completeZone,
		private:  func(Request) bool { return true },
	}
}

func (r *Router) digest(ctx context.Context, req Request) (Response, error) {
	if req.GuildID == "" {
		return Response{}, userErr("Digests are posted in server channels: use /digest in a server.")
	}
	switch req.Sub {
	case "subscribe":
		return r.digestSubscribe(ctx, req)
	case "unsubscribe":
		return r.digestUnsubscribe(ctx, req)
	case "list":
		return r.digestList(ctx, req)
	case "preview":
		return r.digestPreview(ctx, req)
	}
	return Response{}, userErr("Use /digest subscribe, unsubscribe, list or preview.")
}

// digestErr shows the user an error made for them, and passes others on.
func digestErr(err error) error {
	var um interface{ UserMessage() string }
	if errors.As(err, &um) {
		return userErr(um.UserMessage())
	}
	return err
}

// mayManage checks the member's permission at run time, since servers can
// change who sees the command. What counts is the permission in the
// channel that gets the digest, as Discord resolved it with that
// channel's overwrites; without it, the permission where the command was
// used.
func mayManage(req Request, channelID string) error {
	perms := req.Permissions
	if c, ok := req.Channels[channelID]; ok && c.HasPermissions {
		perms = c.Permissions
	}
	if perms&(permManageChannels|permAdministrator) == 0 {
		return userErr(fmt.Sprintf("You need the Manage Channels permission in <#%s> to change its digest.", channelID))
	}
	return nil
}

// targetChannel returns the channel option and its name.
func targetChannel(req Request) (id, name string, err error) {
	id = req.String("channel")
	if id == "" {
		return "", "", userErr("Choose a channel, for example `#news`.")
	}
	name = id
	if c, ok := req.Channels[id]; ok {
		if c.Name != "" {
			name = c.Name
		}
		if c.Type != 0 && c.Type != 5 {
			return "", "", userErr("Digests can be posted in text and announcement channels only.")
		}
	}
	return id, name, nil
}

func (r *Router) digestSubscribe(ctx context.Context, req Request) (Response, error) {
	id, name, err := targetChannel(req)
	if err != nil {
		return Response{}, err
	}
	if err := mayManage(req, id); err != nil {
		return Response{}, err
	}
	// The interaction says what the bot may do in the channel it came
	// from; elsewhere ask Discord.
	if id == req.ChannelID && req.AppPermissions != 0 {
		need := int64(permViewChannel | permSendMessages | permEmbedLinks)
		if req.AppPermissions&need != need && req.AppPermissions&permAdministrator == 0 {
			return Response{}, userErr(fmt.Sprintf("Dossier cannot post digests in <#%s>: it needs the View Channel, Send Messages and Embed Links permissions there.", id))
		}
	} else if err := r.cfg.Digests.CanPost(ctx, req.GuildID, id); err != nil {
		return Response{}, digestErr(err)
	}
	info, err := r.cfg.Digests.Subscribe(ctx, DigestRequest{
		GuildID: req.GuildID, ChannelID: id, ChannelName: name,
		Time: req.String("time"), Zone: req.String("timezone"), Topic: req.String("topic"), By: req.UserName,
	})
	if err != nil {
		return Response{}, digestErr(err)
	}
	text := fmt.Sprintf("Every day at **%s** (%s), <#%s> gets a digest of the articles that are new", info.Time, discordtext.Escape(info.Zone), id)
	if info.Topic != "" {
		text += " about “" + discordtext.Escape(discordtext.Clip(info.Topic, 200)) + "”"
	}
	if info.Replaced {
		text += ". This replaces the channel's earlier digest settings; nothing already posted is posted again. Next: " + discordTimestamp(info.Next) + "."
	} else {
		text += ". The first one: " + discordTimestamp(info.Next) + "."
	}
	text += " `/digest preview` in that channel shows what it would hold now."
	return Response{Message: &Message{Content: text, Ephemeral: true}}, nil
}

// discordTimestamp is a time Discord shows in each reader's own zone.
func discordTimestamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return fmt.Sprintf("<t:%d:F> (<t:%d:R>)", t.Unix(), t.Unix())
}

func (r *Router) digestUnsubscribe(ctx context.Context, req Request) (Response, error) {
	id, _, err := targetChannel(req)
	if err != nil {
		return Response{}, err
	}
	if err := mayManage(req, id); err != nil {
		return Response{}, err
	}
	ok, err := r.cfg.Digests.Unsubscribe(ctx, req.GuildID, id)
	if err != nil {
		return Response{}, digestErr(err)
	}
	text := fmt.Sprintf("<#%s> had no digest.", id)
	if ok {
		text = fmt.Sprintf("<#%s> will get no more digests.", id)
	}
	return Response{Message: &Message{Content: text, Ephemeral: true}}, nil
}

func (r *Router) digestList(ctx context.Context, req Request) (Response, error) {
	infos, err := r.cfg.Digests.List(ctx, req.GuildID)
	if err != nil {
		return Response{}, digestErr(err)
	}
	if len(infos) == 0 {
		return Response{Message: &Message{Content: "No channel of this server has a digest. Start one with `/digest subscribe`.", Ephemeral: true}}, nil
	}
	var b strings.Builder
	for _, in := range infos {
		line := fmt.Sprintf("<#%s> · %s %s", in.ChannelID, in.Time, discordtext.Escape(in.Zone))
		if in.Topic != "" {
			line += " · about “" + discordtext.Escape(discordtext.Clip(in.Topic, 100)) + "”"
		}
		if in.Paused != "" {
			line += "\n  **Paused:** " + discordtext.Escape(discordtext.Clip(in.Paused, 300))
		} else {
			line += "\n  Next: " + discordTimestamp(in.Next)
		}
		if in.Last != "" {
			line += " · last: " + discordtext.Escape(discordtext.Clip(in.Last, 300))
		}
		b.WriteString(line + "\n")
	}
	e := Embed{
		Title:       fmt.Sprintf("%d %s", len(infos), plural(len(infos), "digest", "digests")),
		Description: discordtext.Clip(strings.TrimSpace(b.String()), maxEmbedDescription),
		Color:       embedColor,
	}
	return Response{Message: &Message{Embeds: []Embed{e}, Ephemeral: true}}, nil
}

func (r *Router) digestPreview(ctx context.Context, req Request) (Response, error) {
	p, err := r.cfg.Digests.Preview(ctx, req.GuildID, req.ChannelID)
	if err != nil {
		return Response{}, digestErr(err)
	}
	if len(p.Messages) == 0 {
		text := "**Preview** (only you can see this): no article is new since " + discordTimestamp(p.Since) + ", so this channel's digest would post nothing now."
		if !p.Subscribed {
			text = "**Preview** (only you can see this): this channel has no digest, and no article entered the corpus in the last 24 hours."
		}
		return Response{Message: &Message{Content: text, Ephemeral: true}}, nil
	}
	var note string
	switch {
	case !p.Subscribed:
		note = "**Preview** (only you can see this): this channel has no digest. One would hold the articles of the last 24 hours:"
	case p.Paused != "":
		note = "**Preview** (only you can see this): this channel's digest is paused (" + discordtext.Escape(discordtext.Clip(p.Paused, 300)) + "). It would post:"
	default:
		note = "**Preview** (only you can see this): what this channel's digest would post now"
		if len(p.Messages) > 1 {
			note += fmt.Sprintf(", in %d messages", len(p.Messages))
		}
		note += ":"
	}
	msgs := make([]Message, len(p.Messages))
	for i, m := range p.Messages {
		m.Ephemeral = true
		msgs[i] = m
	}
	msgs[0].Content = discordtext.Clip(note+"\n"+msgs[0].Content, maxContent)
	return Response{Message: &msgs[0], FollowUps: msgs[1:]}, nil
}

// completeZone suggests time zones.
func (r *Router) completeZone(ctx context.Context, req Request) (Response, error) {
	if req.Focused != "timezone" {
		return Response{}, nil
	}
	var out []Choice
	for _, z := range r.cfg.Digests.Zones(req.String("timezone"), maxChoices) {
		out = append(out, Choice{Name: strings.ReplaceAll(z, "_", " "), Value: z})
	}
	return Response{Choices: out}, nil
}
