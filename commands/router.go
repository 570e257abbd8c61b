package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dossier-bot/dossier/internal/discordtext"
)

// Config configures a Router.
type Config struct {
	Searcher Searcher
	// Memory keeps button state. Required.
	Memory *Memory
	// Logger receives one line per failed interaction. Nil discards.
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// RateLimit questions per user in RateWindow (default 5 in 10 s); a
	// negative RateLimit disables the limit.
	RateLimit  int
	RateWindow time.Duration
	// DeferAfter is how long the router waits for an answer before it
	// defers (default 2 s, inside Discord's 3 s).
	DeferAfter time.Duration
	// HandlerTimeout bounds a deferred answer (default 60 s; Discord
	// allows 15 min).
	HandlerTimeout time.Duration
	// Digests, when set, adds /digest.
	Digests Digests
	// Library, when set, adds /add; AddPermission is the permission bit a
	// member needs for it (0: anyone).
	Library       Library
	AddPermission int64
	// HTTPClient downloads attached files (default: a client with a 30 s
	// timeout).
	HTTPClient *http.Client
}

// Router dispatches interactions to the command handlers and turns their
// responses into Discord's. It is safe for concurrent use.
type Router struct {
	cfg     Config
	log     *slog.Logger
	cmds    map[string]*command
	actions map[string]action
	limiter *rateLimiter
	// drainMu orders taking an interaction (inflight.Add) before a
	// drain's Wait: once closing is set no interaction is taken.
	drainMu  sync.Mutex
	inflight sync.WaitGroup
	closing  atomic.Bool
}

// command is a registered command: its definition and its handlers.
type command struct {
	def      wireCommand
	handle   Handler
	complete Handler
	// private reports whether the answer to req is ephemeral; a
	// deferral must say so before the answer exists.
	private func(req Request) bool
	// limited commands count against the per-user rate limit.
	limited bool
}

// action is a button or modal handler.
type action struct {
	handle  Handler
	limited bool
}

// New returns a router with Dossier's commands.
func New(cfg Config) *Router {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = 5
	}
	if cfg.RateWindow <= 0 {
		cfg.RateWindow = 10 * time.Second
	}
	if cfg.DeferAfter <= 0 {
		cfg.DeferAfter = 2 * time.Second
	}
	if cfg.HandlerTimeout <= 0 {
		cfg.HandlerTimeout = 60 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	r := &Router{
		cfg:     cfg,
		log:     cfg.Logger,
		cmds:    map[string]*command{},
		actions: map[string]action{},
		limiter: newRateLimiter(cfg.RateLimit, cfg.RateWindow, cfg.Now),
	}
	cmds := []*command{r.askCommand(), r.quoteCommand(), r.sourcesCommand(), r.helpCommand(), r.findCommand()}
	if cfg.Digests != nil {
		cmds = append(cmds, r.digestCommand())
	}
	if cfg.Library != nil {
		cmds = append(cmds, r.addCommand())
		r.actions["add"] = action{handle: r.addForm}
	}
	for _, c := range cmds {
		r.cmds[c.def.Name] = c
	}
	r.addButtonActions()
	return r
}

// Definitions returns the application commands to register, sorted by
// name, in the form of Discord's bulk overwrite.
func (r *Router) Definitions() []wireCommand {
	out := make([]wireCommand, 0, len(r.cmds))
	for _, c := range r.cmds {
		out = append(out, c.def)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// responder sends an interaction's answers: the initial callback, within
// Discord's 3 s, and edits of the original answer after a deferral.
type responder interface {
	respond(ctx context.Context, in *Interaction, cb wireCallback) error
	editOriginal(ctx context.Context, in *Interaction, msg wireMessageOut) error
	// followUp sends a further message after the reply.
	followUp(ctx context.Context, in *Interaction, msg wireMessageOut) error
}

// Drain stops the router taking new interactions and waits up to timeout
// for those in flight. It reports whether they all finished.
func (r *Router) Drain(timeout time.Duration) bool {
	r.drainMu.Lock()
	r.closing.Store(true)
	r.drainMu.Unlock()
	done := make(chan struct{})
	go func() { r.inflight.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

var (
	errForged  = errors.New("button or form not made by this bot")
	errUnknown = errors.New("unknown command")
)

// take counts an interaction in flight, unless the router is draining.
func (r *Router) take() bool {
	r.drainMu.Lock()
	defer r.drainMu.Unlock()
	if r.closing.Load() {
		return false
	}
	r.inflight.Add(1)
	return true
}

// serve answers one interaction through rs. It never fails: every error
// is logged once with the command's name and answered with a short
// private message.
func (r *Router) serve(ctx context.Context, in *Interaction, rs responder) {
	if in.Type == interactionPing {
		r.send(ctx, in, rs, wireCallback{Type: callbackPong})
		return
	}
	if !r.take() {
		r.send(ctx, in, rs, ephemeralReply("Dossier is restarting. Please try again in a minute."))
		return
	}
	defer r.inflight.Done()

	req, err := request(in)
	name := commandLabel(req)
	if err != nil {
		if errors.Is(err, errForged) {
			r.send(ctx, in, rs, ephemeralReply(staleMessage))
			return
		}
		r.log.Error("unreadable interaction", "cmd", name, "err", err)
		r.send(ctx, in, rs, ephemeralReply("Sorry, Dossier could not read that request."))
		return
	}
	if in.Type == interactionAutocomplete {
		r.autocomplete(ctx, in, req, rs)
		return
	}
	handle, private, limited := r.lookup(in.Type, req)
	if handle == nil {
		r.log.Warn("unknown command", "cmd", name)
		r.send(ctx, in, rs, ephemeralReply(fmt.Sprintf("Dossier does not know %s. Type / to see its commands, or use /help.", name)))
		return
	}
	if limited {
		if ok, wait := r.limiter.allow(req.UserID); !ok {
			secs := int(wait.Seconds() + 0.999)
			r.send(ctx, in, rs, ephemeralReply(fmt.Sprintf("Easy — you can ask %d questions every %s. Try again in %d s.", r.cfg.RateLimit, humanDuration(r.cfg.RateWindow), secs)))
			return
		}
	}

	type result struct {
		resp Response
		err  error
	}
	done := make(chan result, 1)
	hctx, cancel := context.WithTimeout(ctx, r.cfg.HandlerTimeout)
	defer cancel()
	start := r.cfg.Now()
	go func() {
		defer func() {
			if p := recover(); p != nil {
				r.log.Error("handler panicked", "cmd", name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				done <- result{err: errPanic}
			}
		}()
		resp, err := handle(hctx, req)
		done <- result{resp, err}
	}()
	timer := time.NewTimer(r.cfg.DeferAfter)
	defer timer.Stop()
	select {
	case res := <-done:
		r.send(ctx, in, rs, r.callback(name, in, res.resp, res.err))
		r.followUps(ctx, name, in, rs, res.resp, res.err)
	case <-timer.C:
		// Too slow to answer at once: acknowledge now, edit later.
		ack := wireCallback{Type: callbackDeferred}
		if in.Type == interactionComponent && !private {
			ack = wireCallback{Type: callbackDeferredUpdate}
		} else if private {
			ack.Data = map[string]int{"flags": flagEphemeral}
		}
		r.send(ctx, in, rs, ack)
		res := <-done
		cb := r.callback(name, in, res.resp, res.err)
		msg, ok := cb.Data.(wireMessageOut)
		if !ok {
			return
		}
		msg.Flags = 0 // an edit keeps the deferral's visibility
		if err := rs.editOriginal(ctx, in, msg); err != nil {
			r.log.Error("edit deferred answer", "cmd", name, "err", err)
			return
		}
		r.followUps(ctx, name, in, rs, res.resp, res.err)
	}
	r.log.Debug("answered", "cmd", name, "took", r.cfg.Now().Sub(start))
}

var errPanic = errors.New("handler panicked")

// followUps sends a response's further messages once the reply is out.
func (r *Router) followUps(ctx context.Context, name string, in *Interaction, rs responder, resp Response, err error) {
	if err != nil {
		return
	}
	for _, m := range resp.FollowUps {
		if err := rs.followUp(ctx, in, renderMessage(m)); err != nil {
			r.log.Error("send follow-up", "cmd", name, "err", err)
			return
		}
	}
}

const staleMessage = "This button has expired or was not made by Dossier. Ask again with /ask."

// send makes the initial callback, logging a failure.
func (r *Router) send(ctx context.Context, in *Interaction, rs responder, cb wireCallback) {
	if err := rs.respond(ctx, in, cb); err != nil {
		r.log.Error("answer interaction", "interaction", in.ID, "err", err)
	}
}

// lookup finds the handler for a command, button or form.
func (r *Router) lookup(typ int, req Request) (h Handler, private, limited bool) {
	switch typ {
	case interactionCommand:
		c := r.cmds[req.Command]
		if c == nil {
			return nil, false, false
		}
		p := c.private != nil && c.private(req)
		return c.handle, p, c.limited
	case interactionComponent, interactionModalSubmit:
		a, ok := r.actions[req.Action]
		if !ok {
			return func(context.Context, Request) (Response, error) { return Response{}, userErr(staleMessage) }, true, false
		}
		return a.handle, req.EphemeralSource, a.limited
	}
	return nil, false, false
}

// autocomplete answers with choices within Discord's 3 s.
func (r *Router) autocomplete(ctx context.Context, in *Interaction, req Request, rs responder) {
	c := r.cmds[req.Command]
	choices := []wireChoice{}
	if c != nil && c.complete != nil {
		actx, cancel := context.WithTimeout(ctx, 2500*time.Millisecond)
		defer cancel()
		resp, err := c.complete(actx, req)
		if err != nil {
			r.log.Error("autocomplete failed", "cmd", commandLabel(req), "option", req.Focused, "err", err)
		}
		for _, ch := range resp.Choices {
			name, value := discordtext.Clip(ch.Name, maxChoiceName), ch.Value
			if name == "" || value == "" || len(value) > maxChoiceValue {
				continue
			}
			choices = append(choices, wireChoice{Name: name, Value: value})
			if len(choices) == maxChoices {
				break
			}
		}
	}
	r.send(ctx, in, rs, wireCallback{Type: callbackAutocomplete, Data: wireAutocomplete{Choices: choices}})
}

// callback turns a handler's response (or error) into the interaction's
// callback.
func (r *Router) callback(name string, in *Interaction, resp Response, err error) wireCallback {
	if err != nil {
		if ue, ok := isUserError(err); ok {
			return ephemeralReply(ue.Msg)
		}
		if errors.Is(err, errPanic) {
			// Logged with its stack where it was recovered.
			return ephemeralReply(fmt.Sprintf("Sorry, something went wrong while answering %s. Please try again in a moment.", name))
		}
		if errors.Is(err, context.DeadlineExceeded) {
			r.log.Error("command timed out", "cmd", name, "err", err)
			return ephemeralReply("Sorry, that took too long. Please try again, or ask a shorter question.")
		}
		r.log.Error("command failed", "cmd", name, "err", err)
		return ephemeralReply(fmt.Sprintf("Sorry, something went wrong while answering %s. Please try again in a moment.", name))
	}
	switch {
	case resp.Modal != nil:
		return wireCallback{Type: callbackModal, Data: renderModal(*resp.Modal)}
	case resp.Message != nil:
		msg := renderMessage(*resp.Message)
		if resp.Update && in.Type == interactionComponent {
			msg.Flags = 0 // an update keeps the message's visibility
			return wireCallback{Type: callbackUpdateMessage, Data: msg}
		}
		return wireCallback{Type: callbackMessage, Data: msg}
	}
	r.log.Error("command gave no answer", "cmd", name)
	return ephemeralReply("Sorry, Dossier has no answer to that.")
}

// ephemeralReply is a short private message.
func ephemeralReply(text string) wireCallback {
	return wireCallback{Type: callbackMessage, Data: renderMessage(Message{Content: text, Ephemeral: true})}
}

// renderMessage turns a handler's message into Discord's, within every
// limit and with no mentions allowed.
func renderMessage(m Message) wireMessageOut {
	out := wireMessageOut{Content: m.Content, Embeds: []wireEmbed{}}
	for _, e := range m.Embeds {
		we := wireEmbed{Title: e.Title, URL: e.URL, Description: e.Description, Color: e.Color}
		if e.Author != "" {
			we.Author = &wireEmbedAuthor{Name: e.Author, URL: e.AuthorURL}
		}
		if e.Footer != "" {
			we.Footer = &wireEmbedFooter{Text: e.Footer}
		}
		for _, f := range e.Fields {
			we.Fields = append(we.Fields, wireEmbedField{Name: f.Name, Value: f.Value, Inline: f.Inline})
		}
		out.Embeds = append(out.Embeds, we)
	}
	var row []wireButton
	for _, b := range m.Buttons {
		style := int(b.Style)
		if style == 0 {
			style = int(Secondary)
		}
		if b.URL != "" {
			style = int(Link)
		}
		row = append(row, wireButton{Type: 2, Style: style, Label: b.Label, CustomID: b.CustomID, URL: b.URL})
		if len(row) == maxButtonsPerRow {
			out.Components = append(out.Components, wireActionRow{Type: 1, Components: row})
			row = nil
		}
	}
	if len(row) > 0 {
		out.Components = append(out.Components, wireActionRow{Type: 1, Components: row})
	}
	if m.Ephemeral {
		out.Flags = flagEphemeral
	}
	if out.Content == "" && len(out.Embeds) == 0 {
		out.Content = "Dossier has nothing to show."
	}
	fitMessage(&out)
	return out
}

func renderModal(m Modal) wireModal {
	out := wireModal{CustomID: m.CustomID, Title: discordtext.Clip(m.Title, 45)}
	for _, in := range m.Inputs {
		style := 1
		if in.Paragraph {
			style = 2
		}
		out.Components = append(out.Components, wireInputRow{Type: 1, Components: []wireTextInput{{
			Type: 4, CustomID: in.CustomID, Style: style, Label: discordtext.Clip(in.Label, 45), Required: in.Required,
			MinLength: in.MinLength, MaxLength: in.MaxLength, Placeholder: discordtext.Clip(in.Placeholder, 100), Value: in.Value,
		}}})
	}
	return out
}

// commandLabel names a request for logs and messages: "/ask",
// "/digest subscribe", "Find in articles", "button more".
func commandLabel(req Request) string {
	switch {
	case req.Action != "":
		return "button " + req.Action
	case req.Command == "":
		return "interaction"
	case req.Command == findCommandName:
		return req.Command
	case req.Sub != "":
		return "/" + req.Command + " " + req.Sub
	}
	return "/" + req.Command
}

func humanDuration(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	return fmt.Sprintf("%d s", int(d.Seconds()))
}
