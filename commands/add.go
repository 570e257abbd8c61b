package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/dossier-bot/dossier/internal/discordtext"
)

// /add [file] [url]: add an article to the corpus, from an attached .txt
// or .md file, or from a form. Registered when Config.Library is set.

// Library is what /add needs: a place to put new articles.
type Library interface {
	// Add saves an article into the corpus and indexes it. Errors with a
	// UserMessage() string method are shown to the user.
	Add(ctx context.Context, a NewArticle) (*AddedArticle, error)
}

// NewArticle is an article a user adds: a form (Title, Text and the rest)
// or a file (FileName and Data).
type NewArticle struct {
	Title, Author, Publication, Date, URL, Text string
	FileName                                    string
	Data                                        []byte
}

// AddedArticle is what was saved and how it was read.
type AddedArticle struct {
	ID, Path, Title string
	Published       string // YYYY-MM-DD, or ""
	Passages        int
	// Speakers are the people and bodies quoted, in order of appearance.
	Speakers []string
	Quotes   int
}

// maxUpload bounds an attached article.
const maxUpload = 8 << 20

// The form's fields, as Discord limits a modal: five inputs.
const (
	fieldTitle       = "title"
	fieldPublication = "publication"
	fieldAuthor      = "author"
	fieldDate        = "date"
	fieldText        = "text"
)

func (r *Router) addCommand() *command {
	def := wireCommand{
		Name:        "add",
		Type:        commandChat,
		Description: "Add an article: attach a .txt or .md file, or fill in a form",
		Contexts:    []int{0},
		Options: []wireOptionDef{
			{Type: optionAttachment, Name: "file", Description: "A .txt or .md article (leave it out to paste one into a form)"},
			{Type: optionString, Name: "url", Description: "Where the article was published (for the form)", MaxLength: 500},
		},
	}
	if p := r.cfg.AddPermission; p > 0 {
		def.DefaultMemberPermissions = &p
	}
	return &command{def: def, handle: r.add}
}

// addState is what the form's submission needs besides its fields.
type addState struct {
	URL string `json:"u,omitempty"`
}

// mayAdd checks at run time that the member may add articles.
func (r *Router) mayAdd(req Request) error {
	p := r.cfg.AddPermission
	if p <= 0 || req.Permissions&(p|permAdministrator) != 0 {
		return nil
	}
	return userErr("You need the " + permissionName(p) + " permission to add articles.")
}

func permissionName(p int64) string {
	switch p {
	case permManageMessages:
		return "Manage Messages"
	case permManageChannels:
		return "Manage Channels"
	case 1 << 5:
		return "Manage Server"
	case permAdministrator:
		return "Administrator"
	}
	return "required"
}

func (r *Router) add(ctx context.Context, req Request) (Response, error) {
	if err := r.mayAdd(req); err != nil {
		return Response{}, err
	}
	url := strings.TrimSpace(req.String("url"))
	if id := req.String("file"); id != "" {
		att, ok := req.Attachments[id]
		if !ok {
			return Response{}, userErr("Discord did not send the attached file. Try attaching it again.")
		}
		if att.Size > maxUpload {
			return Response{}, userErr(fmt.Sprintf("%s is %d MiB; an article may be up to %d MiB.", discordtext.Escape(att.Filename), att.Size>>20, maxUpload>>20))
		}
		data, err := r.download(ctx, att.URL)
		if err != nil {
			return Response{}, fmt.Errorf("download %s: %w", att.Filename, err)
		}
		resp, err := r.saveArticle(ctx, req, NewArticle{FileName: att.Filename, Data: data})
		if err == nil && url != "" {
			resp.Message.Content = discordtext.Clip(resp.Message.Content+"\n(The `url` option goes with the form; for a file, put `url:` in its front matter.)", maxContent)
		}
		return resp, err
	}
	key, err := r.cfg.Memory.Put(addState{URL: url})
	if err != nil {
		return Response{}, err
	}
	return Response{Modal: &Modal{
		CustomID: customID("add", key, 0),
		Title:    "Add an article",
		Inputs: []Input{
			{CustomID: fieldTitle, Label: "Headline", Required: true, MaxLength: 300},
			{CustomID: fieldPublication, Label: "Publication", Placeholder: "The Harbor Times", MaxLength: 200},
			{CustomID: fieldAuthor, Label: "Author", Placeholder: "Naomi Ellis", MaxLength: 200},
			{CustomID: fieldDate, Label: "Date published", Placeholder: "2025-05-15 (optional)", MaxLength: 40},
			{CustomID: fieldText, Label: "Text", Paragraph: true, Required: true, MinLength: 20, MaxLength: 4000,
				Placeholder: "Paste the article. Paragraphs separated by a blank line."},
		},
	}}, nil
}

// addForm saves the article of a submitted form.
func (r *Router) addForm(ctx context.Context, req Request) (Response, error) {
	var st addState
	ok, err := r.cfg.Memory.Get(req.Key, &st)
	if err != nil {
		return Response{}, err
	}
	if !ok {
		return Response{}, userErr("This form has expired. Run /add again.")
	}
	if err := r.mayAdd(req); err != nil {
		return Response{}, err
	}
	f := req.Fields
	return r.saveArticle(ctx, req, NewArticle{
		Title: f[fieldTitle], Publication: f[fieldPublication], Author: f[fieldAuthor],
		Date: f[fieldDate], Text: f[fieldText], URL: st.URL,
	})
}

// saveArticle adds an article and says how it was read.
func (r *Router) saveArticle(ctx context.Context, req Request, a NewArticle) (Response, error) {
	added, err := r.cfg.Library.Add(ctx, a)
	if err != nil {
		var um interface{ UserMessage() string }
		if errors.As(err, &um) {
			return Response{}, userErr("The article was not added: " + um.UserMessage())
		}
		return Response{}, err
	}
	r.log.Info("article added", "id", added.ID, "path", added.Path, "by", req.UserID, "passages", added.Passages)
	var b strings.Builder
	fmt.Fprintf(&b, "Added **%s**", discordtext.Escape(discordtext.Clip(added.Title, 200)))
	if added.Published != "" {
		fmt.Fprintf(&b, " (%s)", added.Published)
	}
	if req.UserName != "" {
		fmt.Fprintf(&b, ", shared by %s", discordtext.Escape(req.UserName))
	}
	fmt.Fprintf(&b, ".\n%d %s", added.Passages, plural(added.Passages, "passage", "passages"))
	if added.Quotes > 0 {
		fmt.Fprintf(&b, ", %d %s", added.Quotes, plural(added.Quotes, "quotation", "quotations"))
	}
	if len(added.Speakers) > 0 {
		names := added.Speakers
		more := ""
		if len(names) > 8 {
			names, more = names[:8], fmt.Sprintf(" and %d more", len(added.Speakers)-8)
		}
		fmt.Fprintf(&b, "; quoted: %s%s", discordtext.Escape(strings.Join(names, ", ")), more)
	}
	b.WriteString(". Ask about it with `/ask`.")
	return Response{Message: &Message{Content: discordtext.Clip(b.String(), maxContent)}}, nil
}

// download fetches an attachment from Discord's CDN.
func (r *Router) download(ctx context.Context, url string) ([]byte, error) {
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return nil, fmt.Errorf("attachment URL %q is not http(s)", url)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := r.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxUpload+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxUpload {
		return nil, userErr(fmt.Sprintf("The file is larger than %d MiB.", maxUpload>>20))
	}
	return data, nil
}
