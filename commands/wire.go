package commands

import (
	"encoding/json"
	"strconv"
)

// The JSON Dossier reads from and writes to Discord. Incoming interactions
// arrive as the same JSON over the gateway (INTERACTION_CREATE) and over
// HTTP, so one parser serves both. Outgoing payloads are Dossier's own
// types, shaped to Discord's OpenAPI description: every message carries
// allowed_mentions with an empty parse list, and nothing is sent as null
// that the API does not expect.

// Interaction types.
const (
	interactionPing         = 1
	interactionCommand      = 2
	interactionComponent    = 3
	interactionAutocomplete = 4
	interactionModalSubmit  = 5
)

// Callback types.
const (
	callbackPong           = 1
	callbackMessage        = 4
	callbackDeferred       = 5
	callbackUpdateMessage  = 7
	callbackAutocomplete   = 8
	callbackModal          = 9
	callbackDeferredUpdate = 6
)

// Command types.
const (
	commandChat    = 1
	commandMessage = 3
)

// Option types.
const (
	optionSubcommand = 1
	optionString     = 3
	optionInteger    = 4
	optionBoolean    = 5
	optionChannel    = 7
	optionAttachment = 11
)

const flagEphemeral = 1 << 6

// Interaction is an interaction as Discord sends it.
type Interaction struct {
	ID             string          `json:"id"`
	ApplicationID  string          `json:"application_id"`
	Type           int             `json:"type"`
	Data           json.RawMessage `json:"data"`
	GuildID        string          `json:"guild_id"`
	ChannelID      string          `json:"channel_id"`
	Member         *wireMember     `json:"member"`
	User           *wireUser       `json:"user"`
	Token          string          `json:"token"`
	Locale         string          `json:"locale"`
	AppPermissions string          `json:"app_permissions"`
	Message        *wireMessage    `json:"message"`
}

type wireUser struct {
	ID         string `json:"id"`
	Username   string `json:"username"`
	GlobalName string `json:"global_name"`
}

type wireMember struct {
	User        *wireUser `json:"user"`
	Nick        string    `json:"nick"`
	Permissions string    `json:"permissions"`
}

type wireMessage struct {
	ID        string    `json:"id"`
	ChannelID string    `json:"channel_id"`
	Content   string    `json:"content"`
	Author    *wireUser `json:"author"`
	Flags     int       `json:"flags"`
	Embeds    []struct {
		Description string `json:"description"`
	} `json:"embeds"`
}

type wireCommandData struct {
	ID       string       `json:"id"`
	Name     string       `json:"name"`
	Type     int          `json:"type"`
	Options  []wireOption `json:"options"`
	TargetID string       `json:"target_id"`
	Resolved *struct {
		Messages    map[string]wireMessage    `json:"messages"`
		Attachments map[string]wireAttachment `json:"attachments"`
		Channels    map[string]wireChannel    `json:"channels"`
	} `json:"resolved"`
}

type wireOption struct {
	Name    string          `json:"name"`
	Type    int             `json:"type"`
	Value   json.RawMessage `json:"value"`
	Options []wireOption    `json:"options"`
	Focused bool            `json:"focused"`
}

type wireAttachment struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	Size        int    `json:"size"`
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
}

type wireChannel struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Type        int    `json:"type"`
	Permissions string `json:"permissions"`
}

type wireComponentData struct {
	CustomID      string   `json:"custom_id"`
	ComponentType int      `json:"component_type"`
	Values        []string `json:"values"`
}

type wireModalData struct {
	CustomID   string `json:"custom_id"`
	Components []struct {
		Components []struct {
			CustomID string `json:"custom_id"`
			Value    string `json:"value"`
		} `json:"components"`
	} `json:"components"`
}

// Outgoing payloads.

type wireCallback struct {
	Type int `json:"type"`
	Data any `json:"data,omitempty"`
}

type wireAllowedMentions struct {
	Parse []string `json:"parse"`
}

// noMentions lets a message mention no one: not @everyone, not a role,
// not a user, whatever its text says.
func noMentions() wireAllowedMentions { return wireAllowedMentions{Parse: []string{}} }

type wireMessageOut struct {
	Content         string              `json:"content"`
	Embeds          []wireEmbed         `json:"embeds"`
	Components      []wireActionRow     `json:"components"`
	AllowedMentions wireAllowedMentions `json:"allowed_mentions"`
	Flags           int                 `json:"flags,omitempty"`
	Nonce           string              `json:"nonce,omitempty"`
	EnforceNonce    bool                `json:"enforce_nonce,omitempty"`
}

type wireEmbed struct {
	Title       string           `json:"title,omitempty"`
	URL         string           `json:"url,omitempty"`
	Description string           `json:"description,omitempty"`
	Color       int              `json:"color,omitempty"`
	Author      *wireEmbedAuthor `json:"author,omitempty"`
	Footer      *wireEmbedFooter `json:"footer,omitempty"`
	Fields      []wireEmbedField `json:"fields,omitempty"`
}

type wireEmbedAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type wireEmbedFooter struct {
	Text string `json:"text"`
}

type wireEmbedField struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline,omitempty"`
}

type wireActionRow struct {
	Type       int          `json:"type"` // 1
	Components []wireButton `json:"components"`
}

type wireButton struct {
	Type     int    `json:"type"` // 2
	Style    int    `json:"style"`
	Label    string `json:"label"`
	CustomID string `json:"custom_id,omitempty"`
	URL      string `json:"url,omitempty"`
	Disabled bool   `json:"disabled,omitempty"`
}

type wireAutocomplete struct {
	Choices []wireChoice `json:"choices"`
}

type wireChoice struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type wireModal struct {
	CustomID   string         `json:"custom_id"`
	Title      string         `json:"title"`
	Components []wireInputRow `json:"components"`
}

type wireInputRow struct {
	Type       int             `json:"type"` // 1
	Components []wireTextInput `json:"components"`
}

type wireTextInput struct {
	Type        int    `json:"type"` // 4
	CustomID    string `json:"custom_id"`
	Style       int    `json:"style"` // 1 short, 2 paragraph
	Label       string `json:"label"`
	Required    bool   `json:"required"`
	MinLength   int    `json:"min_length,omitempty"`
	MaxLength   int    `json:"max_length,omitempty"`
	Placeholder string `json:"placeholder,omitempty"`
	Value       string `json:"value,omitempty"`
}

// Application command definitions, as sent in the bulk overwrite.

type wireCommand struct {
	Name                     string          `json:"name"`
	Type                     int             `json:"type"`
	Description              string          `json:"description,omitempty"`
	Options                  []wireOptionDef `json:"options,omitempty"`
	DefaultMemberPermissions *int64          `json:"default_member_permissions,omitempty"`
	Contexts                 []int           `json:"contexts,omitempty"`
}

type wireOptionDef struct {
	Type         int             `json:"type"`
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	Required     bool            `json:"required,omitempty"`
	Autocomplete bool            `json:"autocomplete,omitempty"`
	MinLength    *int            `json:"min_length,omitempty"`
	MaxLength    int             `json:"max_length,omitempty"`
	ChannelTypes []int           `json:"channel_types,omitempty"`
	Options      []wireOptionDef `json:"options,omitempty"`
}

// snowflakeInt parses a permissions bit set, which Discord sends as a
// string of digits.
func snowflakeInt(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
