package commands

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ParseInteraction reads an interaction from Discord's JSON.
func ParseInteraction(data []byte) (*Interaction, error) {
	var in Interaction
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("parse interaction: %w", err)
	}
	if in.Type == 0 {
		return nil, fmt.Errorf("parse interaction: no type")
	}
	return &in, nil
}

// request turns an interaction into a handler's request.
func request(in *Interaction) (Request, error) {
	req := Request{
		Options:       map[string]any{},
		GuildID:       in.GuildID,
		ChannelID:     in.ChannelID,
		Locale:        in.Locale,
		ApplicationID: in.ApplicationID,
		Token:         in.Token,
	}
	if in.Member != nil {
		req.Permissions = snowflakeInt(in.Member.Permissions)
		if in.Member.User != nil {
			req.UserID, req.UserName = in.Member.User.ID, displayName(in.Member.User)
		}
		if in.Member.Nick != "" {
			req.UserName = in.Member.Nick
		}
	} else if in.User != nil {
		req.UserID, req.UserName = in.User.ID, displayName(in.User)
	}
	req.AppPermissions = snowflakeInt(in.AppPermissions)
	if in.Message != nil {
		req.EphemeralSource = in.Message.Flags&flagEphemeral != 0
	}
	switch in.Type {
	case interactionCommand, interactionAutocomplete:
		var d wireCommandData
		if err := json.Unmarshal(in.Data, &d); err != nil {
			return req, fmt.Errorf("command data: %w", err)
		}
		req.Command = d.Name
		opts := d.Options
		if len(opts) == 1 && opts[0].Type == optionSubcommand {
			req.Sub = opts[0].Name
			opts = opts[0].Options
		}
		for _, o := range opts {
			v, err := optionValue(o)
			if err != nil {
				return req, fmt.Errorf("option %s: %w", o.Name, err)
			}
			req.Options[o.Name] = v
			if o.Focused {
				req.Focused = o.Name
			}
		}
		if d.Resolved != nil {
			if d.Type == commandMessage {
				if m, ok := d.Resolved.Messages[d.TargetID]; ok {
					t := &TargetMessage{ID: m.ID, Content: m.Content}
					if m.Author != nil {
						t.AuthorName = displayName(m.Author)
					}
					// A message of embeds only: read their text.
					if strings.TrimSpace(t.Content) == "" {
						var parts []string
						for _, e := range m.Embeds {
							parts = append(parts, e.Description)
						}
						t.Content = strings.Join(parts, "\n")
					}
					req.Target = t
				}
			}
			for id, c := range d.Resolved.Channels {
				if req.Channels == nil {
					req.Channels = map[string]Channel{}
				}
				req.Channels[id] = Channel{ID: c.ID, Name: c.Name, Type: c.Type, Permissions: snowflakeInt(c.Permissions), HasPermissions: c.Permissions != ""}
			}
			for id, a := range d.Resolved.Attachments {
				if req.Attachments == nil {
					req.Attachments = map[string]Attachment{}
				}
				req.Attachments[id] = Attachment{ID: a.ID, Filename: a.Filename, URL: a.URL, ContentType: a.ContentType, Size: a.Size}
			}
		}
		if d.Type == commandMessage && req.Target == nil {
			return req, fmt.Errorf("message command without its message")
		}
	case interactionComponent:
		var d wireComponentData
		if err := json.Unmarshal(in.Data, &d); err != nil {
			return req, fmt.Errorf("component data: %w", err)
		}
		act, key, arg, ok := parseCustomID(d.CustomID)
		if !ok {
			return req, errForged
		}
		req.Action, req.Key, req.Arg = act, key, arg
	case interactionModalSubmit:
		var d wireModalData
		if err := json.Unmarshal(in.Data, &d); err != nil {
			return req, fmt.Errorf("modal data: %w", err)
		}
		act, key, arg, ok := parseCustomID(d.CustomID)
		if !ok {
			return req, errForged
		}
		req.Action, req.Key, req.Arg = act, key, arg
		req.Fields = map[string]string{}
		for _, row := range d.Components {
			for _, c := range row.Components {
				req.Fields[c.CustomID] = c.Value
			}
		}
	}
	return req, nil
}

func displayName(u *wireUser) string {
	if u.GlobalName != "" {
		return u.GlobalName
	}
	return u.Username
}

// optionValue decodes an option's value by its type.
func optionValue(o wireOption) (any, error) {
	if len(o.Value) == 0 || string(o.Value) == "null" {
		return nil, nil
	}
	switch o.Type {
	case optionBoolean:
		var b bool
		err := json.Unmarshal(o.Value, &b)
		return b, err
	case optionInteger:
		var n json.Number
		if err := json.Unmarshal(o.Value, &n); err != nil {
			// Autocomplete sends what the user has typed so far, a string.
			var s string
			if err2 := json.Unmarshal(o.Value, &s); err2 == nil {
				return s, nil
			}
			return nil, err
		}
		return n.Int64()
	default:
		var s string
		err := json.Unmarshal(o.Value, &s)
		return s, err
	}
}

// Custom IDs carry what a button needs: a version, an action, the key of
// the answer it belongs to, and a number. "d1:more:Xk3f9a2b:0". Anything
// else is stale or forged.
const customIDVersion = "d1"

var reCustomID = regexp.MustCompile(`^d1:([a-z]{2,10}):([A-Za-z0-9_-]{1,64}):([0-9]{1,3})$`)

// customID builds a button's custom_id.
func customID(action, key string, arg int) string {
	return customIDVersion + ":" + action + ":" + key + ":" + strconv.Itoa(arg)
}

func parseCustomID(s string) (action, key string, arg int, ok bool) {
	m := reCustomID.FindStringSubmatch(s)
	if m == nil || len(s) > maxCustomID {
		return "", "", 0, false
	}
	arg, _ = strconv.Atoi(m[3])
	return m[1], m[2], arg, true
}
