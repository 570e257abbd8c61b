package commands

import (
	"context"
	"errors"

	"github.com/dossier-bot/dossier/search"
)

// Searcher is what the commands need of the corpus. *search.Index
// implements it.
type Searcher interface {
	Search(ctx context.Context, q search.Query) (*search.Results, error)
	Articles() []search.ArticleInfo
	Article(id string) (*search.Article, bool, error)
	Speakers() ([]search.Speaker, error)
	Quotes(speaker string) ([]search.QuoteHit, error)
}

var _ Searcher = (*search.Index)(nil)

// Request is an interaction as a handler sees it: no Discord types, only
// what the handler needs.
type Request struct {
	// Command is the command's name ("ask", "Find in articles"); Sub the
	// subcommand ("subscribe"), if any.
	Command, Sub string
	// Options holds the options the user gave, by name: string, bool or
	// int64 values.
	Options map[string]any
	// Focused is the option being typed, for autocomplete.
	Focused string
	// Action and Key come from a button's custom_id; Arg is its number.
	Action, Key string
	Arg         int
	// Target is the message a message command was used on.
	Target *TargetMessage
	// EphemeralSource reports whether the message a button is on was
	// private.
	EphemeralSource    bool
	UserID, UserName   string
	GuildID, ChannelID string
	// Permissions are the member's permissions in the channel; AppPermissions
	// the bot's. Zero outside a guild.
	Permissions, AppPermissions int64
	Locale                      string
	// Channels, Attachments and Fields carry resolved channel options,
	// uploaded files and modal fields.
	Channels    map[string]Channel
	Attachments map[string]Attachment
	Fields      map[string]string
	// ApplicationID and Token identify the interaction, for follow-ups.
	ApplicationID, Token string
}

// String returns a string option, or "".
func (r *Request) String(name string) string {
	s, _ := r.Options[name].(string)
	return s
}

// Bool returns a boolean option, or false.
func (r *Request) Bool(name string) bool {
	b, _ := r.Options[name].(bool)
	return b
}

// TargetMessage is the message a message command was used on.
type TargetMessage struct {
	ID, Content, AuthorName string
}

// Channel is a channel given as an option.
type Channel struct {
	ID, Name string
	Type     int
	// Permissions are the invoking member's permissions in the channel,
	// overwrites included; HasPermissions says Discord sent them.
	Permissions    int64
	HasPermissions bool
}

// Attachment is a file given as an option.
type Attachment struct {
	ID, Filename, URL, ContentType string
	Size                           int
}

// Response is a handler's answer.
type Response struct {
	// Message is a reply, or with Update the new content of the message
	// the button was on.
	Message *Message
	Update  bool
	// Choices answer an autocomplete.
	Choices []Choice
	// Modal opens a form.
	Modal *Modal
	// FollowUps are further messages sent after the reply, in order
	// (a reply that needs more than one message).
	FollowUps []Message
}

// Message is a reply.
type Message struct {
	Content   string
	Embeds    []Embed
	Buttons   []Button // laid out five to a row
	Ephemeral bool
}

// Embed is a rich block of a message. Text is shown as Markdown; escape
// what comes from articles or users.
type Embed struct {
	Title, URL        string
	Description       string
	Author, AuthorURL string
	Footer            string
	Fields            []Field
	Color             int
}

// Field is a name and value in an embed.
type Field struct {
	Name, Value string
	Inline      bool
}

// ButtonStyle is how a button looks.
type ButtonStyle int

// Button styles.
const (
	Primary   ButtonStyle = 1
	Secondary ButtonStyle = 2
	Success   ButtonStyle = 3
	Link      ButtonStyle = 5
)

// Button is a message button: CustomID for an action, or URL for a link.
type Button struct {
	Label, CustomID, URL string
	Style                ButtonStyle
}

// Choice is an autocomplete suggestion.
type Choice struct{ Name, Value string }

// Modal is a form.
type Modal struct {
	CustomID, Title string
	Inputs          []Input
}

// Input is a text field of a modal.
type Input struct {
	CustomID, Label, Placeholder, Value string
	Paragraph, Required                 bool
	MinLength, MaxLength                int
}

// UserError is an error made for the user: the router shows its text
// (privately) instead of a generic apology.
type UserError struct{ Msg string }

func (e *UserError) Error() string { return e.Msg }

// userErr returns a UserError.
func userErr(msg string) error { return &UserError{Msg: msg} }

// isUserError reports whether err is (or wraps) a UserError and returns it.
func isUserError(err error) (*UserError, bool) {
	var ue *UserError
	ok := errors.As(err, &ue)
	return ue, ok
}

// Handler answers a request. Handlers know nothing of Discord's wire
// format; the router turns their responses into Discord's.
type Handler func(ctx context.Context, req Request) (Response, error)
