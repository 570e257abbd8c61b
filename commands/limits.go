package commands

import (
	"strings"

	"github.com/dossier-bot/dossier/internal/discordtext"
)

// Discord's limits on what a message may hold (DESIGN.md, "Discord facts
// that bind the design"). Every message Dossier sends is fitted to them
// here, whatever the article text or the user's question.
const (
	maxContent          = discordtext.MaxContent
	maxEmbeds           = discordtext.MaxEmbeds
	maxEmbedTitle       = discordtext.MaxEmbedTitle
	maxEmbedDescription = discordtext.MaxEmbedDescription
	maxEmbedFields      = discordtext.MaxEmbedFields
	maxFieldName        = discordtext.MaxFieldName
	maxFieldValue       = discordtext.MaxFieldValue
	maxFooter           = discordtext.MaxFooter
	maxAuthorName       = discordtext.MaxAuthorName
	maxEmbedsTotal      = discordtext.MaxEmbedsTotal
	maxCustomID         = discordtext.MaxCustomID
	maxButtonsPerRow    = discordtext.MaxButtonsPerRow
	maxRows             = discordtext.MaxRows
	maxButtonLabel      = discordtext.MaxButtonLabel
	maxChoices          = discordtext.MaxChoices
	maxChoiceName       = discordtext.MaxChoiceName
	maxChoiceValue      = discordtext.MaxChoiceValue
	maxURL              = discordtext.MaxURL
)

// embedSize is an embed's size as Discord adds it up for the 6000 limit.
func embedSize(e wireEmbed) int {
	n := discordtext.Runes(e.Title) + discordtext.Runes(e.Description)
	if e.Author != nil {
		n += discordtext.Runes(e.Author.Name)
	}
	if e.Footer != nil {
		n += discordtext.Runes(e.Footer.Text)
	}
	for _, f := range e.Fields {
		n += discordtext.Runes(f.Name) + discordtext.Runes(f.Value)
	}
	return n
}

// fitMessage makes a message respect every limit: it clips each part,
// drops embeds beyond ten or beyond the 6000-character total, and keeps
// buttons within five rows of five with valid custom IDs.
func fitMessage(m *wireMessageOut) {
	m.Content = discordtext.Clip(m.Content, maxContent)
	if len(m.Embeds) > maxEmbeds {
		m.Embeds = m.Embeds[:maxEmbeds]
	}
	total := 0
	var kept []wireEmbed
	for _, e := range m.Embeds {
		e.Title = discordtext.Clip(e.Title, maxEmbedTitle)
		e.Description = discordtext.Clip(e.Description, maxEmbedDescription)
		e.URL = discordtext.SafeURL(e.URL)
		if e.Author != nil {
			e.Author.Name = discordtext.Clip(e.Author.Name, maxAuthorName)
			e.Author.URL = discordtext.SafeURL(e.Author.URL)
			if e.Author.Name == "" {
				e.Author = nil
			}
		}
		if e.Footer != nil {
			e.Footer.Text = discordtext.Clip(e.Footer.Text, maxFooter)
			if e.Footer.Text == "" {
				e.Footer = nil
			}
		}
		if len(e.Fields) > maxEmbedFields {
			e.Fields = e.Fields[:maxEmbedFields]
		}
		for i := range e.Fields {
			e.Fields[i].Name = orDash(discordtext.Clip(e.Fields[i].Name, maxFieldName))
			e.Fields[i].Value = orDash(discordtext.Clip(e.Fields[i].Value, maxFieldValue))
		}
		size := embedSize(e)
		if total+size > maxEmbedsTotal {
			// Shorten the description to what is left, or stop.
			room := maxEmbedsTotal - total - (size - discordtext.Runes(e.Description))
			if room < 200 || len(kept) > 0 && room < 600 {
				break
			}
			e.Description = discordtext.Clip(e.Description, room)
			size = embedSize(e)
		}
		total += size
		kept = append(kept, e)
	}
	m.Embeds = kept
	if m.Embeds == nil {
		m.Embeds = []wireEmbed{}
	}
	fitComponents(&m.Components)
	m.AllowedMentions = noMentions()
}

func fitComponents(rows *[]wireActionRow) {
	var out []wireActionRow
	for _, r := range *rows {
		var btns []wireButton
		for _, b := range r.Components {
			b.Label = discordtext.Clip(b.Label, maxButtonLabel)
			if b.URL != "" {
				if b.URL = discordtext.SafeURL(b.URL); b.URL == "" {
					continue
				}
				b.CustomID = ""
			} else if b.CustomID == "" || len(b.CustomID) > maxCustomID {
				continue
			}
			btns = append(btns, b)
			if len(btns) == maxButtonsPerRow {
				break
			}
		}
		if len(btns) > 0 {
			out = append(out, wireActionRow{Type: 1, Components: btns})
		}
		if len(out) == maxRows {
			break
		}
	}
	if out == nil {
		out = []wireActionRow{}
	}
	*rows = out
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
