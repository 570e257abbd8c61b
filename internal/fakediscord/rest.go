package fakediscord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// serveCommands answers GET and PUT (bulk overwrite) of
// /applications/{app}/commands and /applications/{app}/guilds/{guild}/commands.
func (s *Server) serveCommands(c *call, app, guild string) {
	if !c.authorized() {
		return
	}
	if app != s.opts.ApplicationID {
		c.violate("application %s is not the bot's (%s)", app, s.opts.ApplicationID)
		c.fail(http.StatusForbidden, 50001, "Missing Access")
		return
	}
	if guild != "" && !containsString(s.opts.GuildIDs, guild) {
		c.violate("guild %s is not one of the bot's guilds (Options.GuildIDs)", guild)
		c.fail(http.StatusForbidden, 50001, "Missing Access")
		return
	}
	if c.r.Method == http.MethodGet {
		s.mu.Lock()
		answer := json.RawMessage(mustJSON(nonNil(s.commandViews[guild])))
		s.mu.Unlock()
		c.reply(http.StatusOK, answer)
		return
	}

	var p problems
	var cmds []object
	v, ok := c.decode()
	if ok {
		cmds = validateCommands(&p, v)
	}
	s.mu.Lock()
	s.commandWrites++
	s.mu.Unlock()
	if !ok {
		return
	}
	if len(p) > 0 {
		c.invalid(p)
		return
	}
	var raws []json.RawMessage
	if v != nil {
		if err := json.Unmarshal(c.body, &raws); err != nil {
			c.fail(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
			return
		}
	}

	s.mu.Lock()
	views := make([]object, 0, len(cmds))
	for _, cmd := range cmds {
		view := make(object, len(cmd)+6)
		for k, v := range cmd {
			view[k] = v
		}
		t := int64(1)
		if n, ok := asInt(cmd["type"]); ok {
			t = n
		}
		name, _ := cmd["name"].(string)
		key := fmt.Sprintf("%s/%d/%s", guild, t, name)
		id := s.commandIDs[key]
		if id == "" {
			id = s.newIDLocked()
			s.commandIDs[key] = id
		}
		view["id"], view["application_id"], view["version"], view["type"] = id, s.opts.ApplicationID, s.newIDLocked(), t
		if guild != "" {
			view["guild_id"] = guild
		}
		if absent(cmd, "description") {
			view["description"] = ""
		}
		// Discord answers permissions as a string of digits.
		if n, ok := asInt(cmd["default_member_permissions"]); ok {
			view["default_member_permissions"] = strconv.FormatInt(n, 10)
		} else {
			view["default_member_permissions"] = nil
		}
		if absent(cmd, "nsfw") {
			view["nsfw"] = false
		}
		views = append(views, view)
	}
	s.commands[guild] = raws
	s.commandViews[guild] = views
	answer := json.RawMessage(mustJSON(views))
	s.mu.Unlock()
	c.reply(http.StatusOK, answer)
}

func nonNil(v []object) []object {
	if v == nil {
		return []object{}
	}
	return v
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Commands returns the commands of the last accepted bulk overwrite for a
// scope: guildID, or "" for global commands. It returns nil when none was
// accepted.
func (s *Server) Commands(guildID string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.commands[guildID]...)
}

// CommandWrites returns the number of bulk overwrites (PUT .../commands)
// that reached the fake, accepted or rejected; injected failures are not
// counted.
func (s *Server) CommandWrites() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commandWrites
}

// SetChannel makes GET /channels/{id} answer ch and lets the bot post
// messages to it; ch must hold a string "id" (SetChannel panics
// otherwise, as it is a mistake in the test). Channels not set answer 404
// Unknown Channel (code 10003), to GET and to messages alike.
func (s *Server) SetChannel(ch map[string]any) {
	id, _ := ch["id"].(string)
	if id == "" {
		panic("fakediscord: SetChannel needs a channel with a string \"id\"")
	}
	raw := mustJSON(ch)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[id] = raw
}

// serveChannelHistory answers GET /channels/{id}/messages: the latest
// messages the bot posted there, newest first, at most limit (default
// 50, at most 100), as Discord answers a bot with Read Message History.
func (s *Server) serveChannelHistory(c *call, id string) {
	if !c.authorized() {
		return
	}
	limit := 50
	if v := c.r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			c.violate("limit %q; Discord wants 1 to 100", v)
			c.fail(http.StatusBadRequest, 50035, "Invalid Form Body")
			return
		}
		limit = n
	}
	s.mu.Lock()
	_, known := s.channels[id]
	msgs := s.channelObjs[id]
	out := []object{}
	for i := len(msgs) - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, msgs[i])
	}
	s.mu.Unlock()
	if !known {
		c.fail(http.StatusNotFound, 10003, "Unknown Channel")
		return
	}
	c.reply(http.StatusOK, out)
}

// RemoveChannel deletes a channel set with SetChannel: from then on it
// answers 404 Unknown Channel, as a deleted channel does.
func (s *Server) RemoveChannel(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.channels, id)
}

// ChannelMessages returns the bodies of the messages the fake accepted for
// a channel (POST /channels/{id}/messages), in order. A message that
// enforce_nonce turned into the earlier one is not listed twice.
func (s *Server) ChannelMessages(channelID string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.channelMsgs[channelID]...)
}

// serveChannel answers GET /channels/{id}.
func (s *Server) serveChannel(c *call, id string) {
	if !c.authorized() {
		return
	}
	s.mu.Lock()
	ch, ok := s.channels[id]
	s.mu.Unlock()
	if !ok {
		c.fail(http.StatusNotFound, 10003, "Unknown Channel")
		return
	}
	c.reply(http.StatusOK, json.RawMessage(ch))
}

// serveChannelMessage answers POST /channels/{id}/messages, honouring
// nonce and enforce_nonce as Discord does: within a few minutes, a second
// message with the same nonce in the same channel returns the first one.
func (s *Server) serveChannelMessage(c *call, id string) {
	if !c.authorized() {
		return
	}
	s.mu.Lock()
	_, known := s.channels[id]
	s.mu.Unlock()
	if !known {
		c.fail(http.StatusNotFound, 10003, "Unknown Channel")
		return
	}
	v, ok := c.decode()
	if !ok {
		return
	}
	body, isObj := v.(object)
	var p problems
	nonce, enforce := "", false
	if !isObj {
		p.addf("", "body is %s; want an object", typeName(v))
	} else {
		validateMessage(&p, "", body, messageRules{flags: flagSuppressEmbeds, empty: body})
		nonce = validateNonce(&p, body)
		enforce = checkBool(&p, body, "", "enforce_nonce")
	}
	if len(p) > 0 {
		c.invalid(p)
		return
	}
	key := id + "\x00" + nonce
	s.mu.Lock()
	now := s.now()
	if e, seen := s.nonces[key]; nonce != "" && enforce && seen && now.Sub(e.at) <= nonceWindow {
		answer := json.RawMessage(mustJSON(e.message))
		s.mu.Unlock()
		c.reply(http.StatusOK, answer)
		return
	}
	msg := s.newMessageLocked(id, body, 0)
	s.channelMsgs[id] = append(s.channelMsgs[id], append(json.RawMessage(nil), c.body...))
	s.channelObjs[id] = append(s.channelObjs[id], msg)
	if nonce != "" {
		s.nonces[key] = nonceEntry{at: now, message: msg}
	}
	answer := json.RawMessage(mustJSON(msg))
	s.mu.Unlock()
	c.reply(http.StatusOK, answer)
}
