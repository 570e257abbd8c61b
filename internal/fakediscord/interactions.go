package fakediscord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Callback is the bot's answer to an interaction: the body of its POST to
// /interactions/{id}/{token}/callback.
type Callback struct {
	Type          int             // the callback type (4 message, 5 deferred, 8 autocomplete, ...)
	Data          json.RawMessage // the body's "data", nil when absent
	Raw           []byte          // the whole body
	InteractionID string
	Token         string
	Status        int // the status the fake answered: 204, or 400/404 when it rejected the callback
}

// interaction is an interaction the fake dispatched, and what the bot did
// with it. Guarded by Server.mu.
type interaction struct {
	id, token, channelID string
	typ                  int // 0 when the dispatch did not say
	created              time.Time
	answered             bool
	callbacks            []callbackRecord
	original             object // the original response message, nil before one exists
	edits                []editRecord
	editsRead            int
	followUps            []json.RawMessage
}

type callbackRecord struct {
	cb  *Callback
	err error
}

type editRecord struct {
	body json.RawMessage
	err  error
}

// registerInteractionLocked remembers a dispatched INTERACTION_CREATE.
func (s *Server) registerInteractionLocked(raw []byte) {
	v, err := decodeJSON(raw)
	o, _ := v.(object)
	if err != nil || o == nil {
		return
	}
	id, _ := o["id"].(string)
	token, _ := o["token"].(string)
	if id == "" || token == "" || s.interactions[id] != nil {
		return
	}
	it := &interaction{id: id, token: token, created: s.now()}
	if t, ok := asInt(o["type"]); ok {
		it.typ = int(t)
	}
	it.channelID, _ = o["channel_id"].(string)
	if ch, ok := o["channel"].(object); ok && it.channelID == "" {
		it.channelID, _ = ch["id"].(string)
	}
	s.interactions[id] = it
	s.byToken[token] = it
}

// Interact dispatches INTERACTION_CREATE with interaction as its data,
// after filling in id (a new snowflake), token (random), application_id
// and version (1) when they are missing, and waits for the bot's callback.
// It returns the first callback the fake answered, injected failures
// (FailNext) aside. When the fake rejected it (a contract violation, or
// later than 3 s), it returns the callback and an error saying why. It
// returns an error wrapping ErrNoSession when no client is connected, and
// ctx's error when the bot does not answer in time.
func (s *Server) Interact(ctx context.Context, interaction map[string]any) (*Callback, error) {
	data := make(map[string]any, len(interaction)+4)
	for k, v := range interaction {
		data[k] = v
	}
	for _, k := range []string{"id", "token", "application_id"} {
		if v, ok := data[k]; ok && v != nil {
			if _, isStr := v.(string); !isStr {
				return nil, fmt.Errorf("interact: %s is %T; Discord sends it as a string", k, v)
			}
		}
	}
	if id, _ := data["id"].(string); id == "" {
		s.mu.Lock()
		data["id"] = s.newIDLocked()
		s.mu.Unlock()
	}
	if t, _ := data["token"].(string); t == "" {
		data["token"] = randomToken()
	}
	if a, _ := data["application_id"].(string); a == "" {
		data["application_id"] = s.opts.ApplicationID
	}
	if _, ok := data["version"]; !ok {
		data["version"] = 1
	}
	id := data["id"].(string)
	if err := s.Dispatch("INTERACTION_CREATE", data); err != nil {
		return nil, fmt.Errorf("interact: %w", err)
	}
	var rec callbackRecord
	err := s.waitFor(ctx, "wait for the callback to interaction "+id, func() bool {
		it := s.interactions[id]
		if it == nil || len(it.callbacks) == 0 {
			return false
		}
		rec = it.callbacks[0]
		return true
	})
	if err != nil {
		return nil, err
	}
	cb := *rec.cb
	return &cb, rec.err
}

// WaitEdit waits for the next edit of the original response of the
// interaction with token (PATCH /webhooks/{app}/{token}/messages/@original)
// that no earlier WaitEdit returned, and returns its body. When the fake
// rejected the edit it returns the body and an error saying why. It
// returns ctx's error when no edit comes in time.
func (s *Server) WaitEdit(ctx context.Context, token string) (json.RawMessage, error) {
	var rec editRecord
	err := s.waitFor(ctx, "wait for an edit of the original response", func() bool {
		it := s.byToken[token]
		if it == nil || it.editsRead >= len(it.edits) {
			return false
		}
		rec = it.edits[it.editsRead]
		it.editsRead++
		return true
	})
	if err != nil {
		return nil, err
	}
	return rec.body, rec.err
}

// FollowUps returns the bodies of the follow-up messages
// (POST /webhooks/{app}/{token}) the fake accepted for the interaction
// with token, in order.
func (s *Server) FollowUps(token string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.byToken[token]
	if it == nil {
		return nil
	}
	return append([]json.RawMessage(nil), it.followUps...)
}

// serveCallback answers POST /interactions/{id}/{token}/callback.
func (s *Server) serveCallback(c *call, id, token string) {
	v, ok := c.decode()
	if !ok {
		s.recordCallback(id, token, c, 0, nil, http.StatusBadRequest, errors.New("callback body is not JSON"))
		return
	}
	s.mu.Lock()
	it := s.interactions[id]
	itype := 0
	if it != nil && it.token == token {
		itype = it.typ
	}
	s.mu.Unlock()
	if it == nil || it.token != token {
		c.violate("unknown interaction %s (not dispatched by the fake, or another token)", id)
		c.fail(http.StatusNotFound, 10062, "Unknown interaction")
		return
	}
	var p problems
	ctype, data := validateCallback(&p, v, itype)
	var envelope struct {
		Data json.RawMessage `json:"data"`
	}
	json.Unmarshal(c.body, &envelope)
	cb := &Callback{Type: ctype, Data: envelope.Data, Raw: append([]byte(nil), c.body...), InteractionID: id, Token: token}

	s.mu.Lock()
	age := s.now().Sub(it.created)
	switch {
	case it.answered:
		s.violateLocked("%s: interaction %s was already acknowledged", c.route, id)
		s.mu.Unlock()
		c.fail(http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
		return
	case age > callbackDeadline:
		msg := fmt.Sprintf("answered %s after the interaction was created; Discord allows %s", age.Round(time.Millisecond), callbackDeadline)
		s.violateLocked("%s: %s", c.route, msg)
		cb.Status = http.StatusNotFound
		it.callbacks = append(it.callbacks, callbackRecord{cb: cb, err: errors.New("callback rejected: " + msg)})
		s.mu.Unlock()
		c.fail(http.StatusNotFound, 10062, "Unknown interaction")
		return
	case len(p) > 0:
		cb.Status = http.StatusBadRequest
		it.callbacks = append(it.callbacks, callbackRecord{cb: cb, err: errors.New("callback rejected: " + strings.Join(p, "; "))})
		s.mu.Unlock()
		c.invalid(p)
		return
	}
	it.answered = true
	msgType := 0
	if it.typ == interactionCommand {
		msgType = 20
	}
	switch ctype {
	case 4:
		it.original = s.newMessageLocked(it.channelID, data, msgType)
	case 5:
		flags, _ := asInt(data["flags"])
		it.original = s.newMessageLocked(it.channelID, object{}, msgType)
		it.original["flags"] = flags | flagLoading
	}
	cb.Status = http.StatusNoContent
	it.callbacks = append(it.callbacks, callbackRecord{cb: cb})
	var answer json.RawMessage
	if c.r.URL.Query().Get("with_response") == "true" {
		res := object{"type": ctype}
		in := object{"id": id, "type": it.typ}
		if it.original != nil {
			res["message"] = it.original
			f, _ := asInt(it.original["flags"])
			in["response_message_id"] = it.original["id"]
			in["response_message_loading"] = ctype == 5
			in["response_message_ephemeral"] = f&flagEphemeral != 0
		}
		answer = mustJSON(object{"interaction": in, "resource": res})
	}
	s.mu.Unlock()
	if answer != nil {
		c.reply(http.StatusOK, answer)
		return
	}
	c.reply(http.StatusNoContent, nil)
}

// recordCallback records a callback the fake could not read, so that
// Interact returns instead of waiting.
func (s *Server) recordCallback(id, token string, c *call, ctype int, data json.RawMessage, status int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it := s.interactions[id]; it != nil && it.token == token {
		it.callbacks = append(it.callbacks, callbackRecord{
			cb:  &Callback{Type: ctype, Data: data, Raw: append([]byte(nil), c.body...), InteractionID: id, Token: token, Status: status},
			err: err,
		})
	}
}

// webhookLocked finds the interaction of a webhook route and checks that
// it may be used; on failure it records the violation and returns the
// error answer. s.mu must be held.
func (s *Server) webhookLocked(c *call, app, token string, needAnswer bool) (*interaction, func()) {
	it := s.byToken[token]
	switch {
	case app != s.opts.ApplicationID:
		s.violateLocked("%s: application %s in the path is not the bot's (%s)", c.route, app, s.opts.ApplicationID)
		return nil, func() { c.fail(http.StatusNotFound, 10015, "Unknown Webhook") }
	case it == nil:
		s.violateLocked("%s: unknown interaction token", c.route)
		return nil, func() { c.fail(http.StatusNotFound, 10015, "Unknown Webhook") }
	case s.now().Sub(it.created) > tokenLifetime:
		s.violateLocked("%s: interaction token used %s after the interaction; it lasts %s", c.route, s.now().Sub(it.created).Round(time.Second), tokenLifetime)
		return nil, func() { c.fail(http.StatusUnauthorized, 50027, "Invalid Webhook Token") }
	case needAnswer && !it.answered:
		s.violateLocked("%s: webhook used before the interaction was answered", c.route)
		return nil, func() { c.fail(http.StatusNotFound, 10015, "Unknown Webhook") }
	}
	return it, nil
}

// serveOriginal answers GET, PATCH and DELETE of
// /webhooks/{app}/{token}/messages/@original.
func (s *Server) serveOriginal(c *call, app, token string) {
	var body object
	if c.r.Method == http.MethodPatch {
		v, ok := c.decode()
		if !ok {
			s.recordEdit(token, c.body, errors.New("edit body is not JSON"))
			return
		}
		if body, ok = v.(object); !ok {
			p := problems{fmt.Sprintf("body is %s; want an object", typeName(v))}
			s.recordEdit(token, c.body, errors.New("edit rejected: "+p[0]))
			c.invalid(p)
			return
		}
	}
	s.mu.Lock()
	it, failed := s.webhookLocked(c, app, token, true)
	if failed != nil {
		s.mu.Unlock()
		failed()
		return
	}
	switch c.r.Method {
	case http.MethodGet:
		if it.original == nil {
			s.mu.Unlock()
			c.fail(http.StatusNotFound, 10008, "Unknown Message")
			return
		}
		answer := json.RawMessage(mustJSON(it.original))
		s.mu.Unlock()
		c.reply(http.StatusOK, answer)
		return
	case http.MethodDelete:
		it.original = nil
		s.mu.Unlock()
		c.reply(http.StatusNoContent, nil)
		return
	}

	original := it.original
	if original == nil {
		// After type 6 or 7 the original is the message the component was
		// on, which the fake never saw; start from an empty one.
		original = s.newMessageLocked(it.channelID, object{}, 0)
	}
	merged := make(object, len(original))
	for k, v := range original {
		merged[k] = v
	}
	mergeMessage(merged, body)
	s.mu.Unlock()

	var p problems
	validateMessage(&p, "", body, messageRules{flags: flagSuppressEmbeds | flagEphemeral, empty: merged})
	if len(p) > 0 {
		s.recordEdit(token, c.body, errors.New("edit rejected: "+strings.Join(p, "; ")))
		c.invalid(p)
		return
	}
	origFlags, _ := asInt(original["flags"])
	newFlags := origFlags &^ flagLoading
	if f, ok := asInt(body["flags"]); ok {
		newFlags = f | origFlags&flagEphemeral
	}
	merged["flags"] = newFlags
	merged["edited_timestamp"] = s.now().UTC().Format(time.RFC3339Nano)

	s.mu.Lock()
	it.original = merged
	it.edits = append(it.edits, editRecord{body: append(json.RawMessage(nil), c.body...)})
	answer := json.RawMessage(mustJSON(merged))
	s.mu.Unlock()
	c.reply(http.StatusOK, answer)
}

// recordEdit records a rejected edit, so that WaitEdit returns.
func (s *Server) recordEdit(token string, body []byte, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it := s.byToken[token]; it != nil {
		it.edits = append(it.edits, editRecord{body: append(json.RawMessage(nil), body...), err: err})
	}
}

// serveFollowUp answers POST /webhooks/{app}/{token}: a follow-up message.
func (s *Server) serveFollowUp(c *call, app, token string) {
	v, ok := c.decode()
	if !ok {
		return
	}
	body, isObj := v.(object)
	s.mu.Lock()
	it, failed := s.webhookLocked(c, app, token, true)
	s.mu.Unlock()
	if failed != nil {
		failed()
		return
	}
	var p problems
	if !isObj {
		p.addf("", "body is %s; want an object", typeName(v))
	} else {
		validateMessage(&p, "", body, messageRules{flags: flagSuppressEmbeds | flagEphemeral, empty: body})
	}
	if len(p) > 0 {
		c.invalid(p)
		return
	}
	s.mu.Lock()
	msg := s.newMessageLocked(it.channelID, body, 0)
	it.followUps = append(it.followUps, append(json.RawMessage(nil), c.body...))
	answer := json.RawMessage(mustJSON(msg))
	s.mu.Unlock()
	c.reply(http.StatusOK, answer)
}
