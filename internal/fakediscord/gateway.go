package fakediscord

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// gwConn is one gateway websocket connection.
type gwConn struct {
	ws      *websocket.Conn
	version string
	wmu     sync.Mutex // serialises writes; taken after Server.mu, never before

	// Guarded by Server.mu.
	identified bool     // IDENTIFY or RESUME accepted here (a second one is 4005)
	authed     bool     // carries the current session: dispatches go here
	greeted    bool     // READY or RESUMED has been written
	closing    bool     // the server sent a close frame
	sess       *session // the session this connection carries
}

// session is a gateway session: its ID, the last sequence number sent and
// the dispatches sent since READY, for replay on RESUME.
type session struct {
	id  string
	seq int64
	log []sentEvent
}

type sentEvent struct {
	seq   int64
	frame []byte
}

// writeLocked writes one text frame; c.wmu must be held.
func (c *gwConn) writeLocked(b []byte) error {
	c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

func (c *gwConn) write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.writeLocked(b)
}

// gatewayFrame encodes a gateway payload. seq and typ are null when zero.
func gatewayFrame(op int, seq int64, typ string, d any) []byte {
	f := struct {
		Op int     `json:"op"`
		D  any     `json:"d"`
		S  *int64  `json:"s"`
		T  *string `json:"t"`
	}{Op: op, D: d}
	if seq != 0 {
		f.S = &seq
	}
	if typ != "" {
		f.T = &typ
	}
	return mustJSON(f)
}

// closeText is Discord's reason for a gateway close code.
func closeText(code int) string {
	switch code {
	case 4000:
		return "Unknown error."
	case 4001:
		return "Unknown opcode."
	case 4002:
		return "Error while decoding payload."
	case 4003:
		return "Not authenticated."
	case 4004:
		return "Authentication failed."
	case 4005:
		return "Already authenticated."
	case 4007:
		return "Invalid seq."
	case 4008:
		return "Rate limited."
	case 4009:
		return "Session timed out."
	case 4010:
		return "Invalid shard."
	case 4011:
		return "Sharding required."
	case 4012:
		return "Invalid API version."
	case 4013:
		return "Invalid intent(s)."
	case 4014:
		return "Disallowed intent(s)."
	}
	return ""
}

// closeEndsSession reports whether Discord forgets the session when it
// closes the gateway with code (so RESUME then gets op 9).
func closeEndsSession(code int) bool {
	switch code {
	case 4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014:
		return true
	}
	return false
}

// serveGateway upgrades a request to the gateway websocket and serves it
// until either side closes it.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	if !websocket.IsWebSocketUpgrade(r) {
		s.serveUnknown(w, r)
		return
	}
	q := r.URL.Query()
	if v := q.Get("v"); v != "9" && v != "10" {
		s.violate("gateway %s: v=%q; want 9 or 10", r.URL.RequestURI(), v)
	}
	if e := q.Get("encoding"); e != "json" {
		s.violate("gateway %s: encoding=%q; the fake speaks json only", r.URL.RequestURI(), e)
	}
	if z := q.Get("compress"); z != "" {
		s.violate("gateway %s: compress=%q; the fake does not compress the transport", r.URL.RequestURI(), z)
	}
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader answered
	}
	c := &gwConn{ws: ws, version: q.Get("v")}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.conns[c] = true
	s.conn = c
	s.handlers.Add(1)
	s.notifyLocked()
	s.mu.Unlock()
	defer s.handlers.Done()

	closeCode := 0
	if err := c.write(gatewayFrame(10, 0, "", map[string]any{
		"heartbeat_interval": s.opts.HeartbeatInterval.Milliseconds(),
	})); err == nil {
		ws.SetReadLimit(1 << 20)
		for {
			mt, data, err := ws.ReadMessage()
			if err != nil {
				var ce *websocket.CloseError
				if errors.As(err, &ce) {
					closeCode = ce.Code
				}
				break
			}
			s.mu.Lock()
			closing := c.closing
			s.mu.Unlock()
			if closing {
				continue // after our close frame, only the client's close matters
			}
			if mt != websocket.TextMessage {
				s.violate("gateway: binary frame; discordgo sends JSON text")
				s.closeConn(c, 4002)
				continue
			}
			s.handlePayload(c, data)
		}
	}

	s.mu.Lock()
	delete(s.conns, c)
	if s.conn == c {
		s.conn = nil
	}
	// Discord ends the session when the client closes with 1000 or 1001
	// (discordgo's Session.Close sends 1000); other codes keep it
	// resumable.
	if (closeCode == websocket.CloseNormalClosure || closeCode == websocket.CloseGoingAway) &&
		!c.closing && c.sess != nil && c.sess == s.sess {
		s.sess = nil
	}
	c.authed = false
	s.notifyLocked()
	s.mu.Unlock()
	ws.Close()
}

// closeConn sends a close frame with code and gives the client two
// seconds to close its side before the read loop gives up.
func (s *Server) closeConn(c *gwConn, code int) {
	s.mu.Lock()
	c.closing = true
	c.authed = false
	if s.conn == c {
		s.conn = nil
	}
	if closeEndsSession(code) && c.sess != nil && c.sess == s.sess {
		s.sess = nil
	}
	s.notifyLocked()
	s.mu.Unlock()
	deadline := time.Now().Add(writeTimeout)
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, closeText(code)), deadline)
	c.ws.SetReadDeadline(time.Now().Add(2 * time.Second))
}

// handlePayload answers one payload from the client.
func (s *Server) handlePayload(c *gwConn, data []byte) {
	v, err := decodeJSON(data)
	p, _ := v.(object)
	op, isInt := asInt(p["op"])
	if err != nil || p == nil || !isInt {
		s.violate("gateway: payload is not a JSON object with an integer op: %.200s", data)
		s.closeConn(c, 4002)
		return
	}
	d := p["d"]
	switch op {
	case 1: // heartbeat
		if _, ok := asInt(d); d != nil && !ok {
			s.violate("gateway: heartbeat d is %s; want the last sequence number or null", typeName(d))
		}
		c.write(gatewayFrame(11, 0, "", nil))
	case 2:
		s.identify(c, d)
	case 6:
		s.resume(c, d)
	case 3, 4, 8, 31: // presence, voice state, request members, soundboard
		s.mu.Lock()
		ok := c.identified
		s.mu.Unlock()
		if !ok {
			s.violate("gateway: op %d before IDENTIFY", op)
			s.closeConn(c, 4003)
		}
	default:
		s.violate("gateway: unknown opcode %d", op)
		s.closeConn(c, 4001)
	}
}

// tokenMatches reports whether a gateway token is the bot's, with or
// without "Bot ".
func (s *Server) tokenMatches(v any) bool {
	t, _ := v.(string)
	return t != "" && strings.TrimPrefix(t, "Bot ") == s.token
}

// identify answers IDENTIFY: READY with a new session, or close 4004 for
// a wrong token.
func (s *Server) identify(c *gwConn, dv any) {
	d, _ := dv.(object)
	s.mu.Lock()
	s.identifies++
	switch {
	case c.identified:
		s.violateLocked("gateway: IDENTIFY on a connection that is already authenticated")
		s.mu.Unlock()
		s.closeConn(c, 4005)
		return
	case d == nil || !s.tokenMatches(d["token"]):
		s.mu.Unlock()
		s.closeConn(c, 4004)
		return
	}
	if _, ok := asInt(d["intents"]); !ok {
		s.violateLocked("gateway: IDENTIFY without integer intents (%s)", mustJSON(d["intents"]))
		s.mu.Unlock()
		s.closeConn(c, 4013)
		return
	}
	if props, ok := d["properties"].(object); !ok {
		s.violateLocked("gateway: IDENTIFY without properties")
	} else {
		for _, k := range []string{"os", "browser", "device"} {
			if _, ok := props[k]; !ok {
				if _, ok := props["$"+k]; !ok {
					s.violateLocked("gateway: IDENTIFY properties without %s", k)
				}
			}
		}
	}
	if lt, ok := asInt(d["large_threshold"]); !absent(d, "large_threshold") && (!ok || lt < 50 || lt > 250) {
		s.violateLocked("gateway: IDENTIFY large_threshold %s; want 50 to 250", mustJSON(d["large_threshold"]))
	}
	var shard any
	if !absent(d, "shard") {
		sh, _ := d["shard"].([]any)
		var id, count int64
		ok := len(sh) == 2
		if ok {
			var ok1, ok2 bool
			id, ok1 = asInt(sh[0])
			count, ok2 = asInt(sh[1])
			ok = ok1 && ok2 && id >= 0 && id < count
		}
		if !ok || count != 1 {
			s.violateLocked("gateway: IDENTIFY shard %s; the fake serves one shard, [0, 1]", mustJSON(d["shard"]))
		}
		shard = d["shard"]
	}

	sess := &session{id: randomSessionID(), seq: 1}
	s.sess = sess
	c.sess, c.identified, c.authed, c.greeted = sess, true, true, false
	s.conn = c
	guilds := make([]any, 0, len(s.opts.GuildIDs))
	for _, g := range s.opts.GuildIDs {
		guilds = append(guilds, object{"id": g, "unavailable": true})
	}
	version := 9
	if c.version == "10" {
		version = 10
	}
	ready := object{
		"v": version, "user": s.botUser(), "guilds": guilds,
		"session_id": sess.id, "session_type": "normal", "resume_gateway_url": s.wsURL,
		"application":      object{"id": s.opts.ApplicationID, "flags": 0},
		"private_channels": []any{}, "relationships": []any{}, "presences": []any{},
		"guild_join_requests": []any{}, "geo_ordered_rtc_regions": []any{}, "user_settings": object{},
	}
	if shard != nil {
		ready["shard"] = shard
	}
	frame := gatewayFrame(0, sess.seq, "READY", ready)
	c.wmu.Lock()
	s.mu.Unlock()
	c.writeLocked(frame)
	c.wmu.Unlock()
	s.mu.Lock()
	c.greeted = true
	s.notifyLocked()
	s.mu.Unlock()
}

func randomSessionID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("fakediscord: random session ID: %v", err))
	}
	return hex.EncodeToString(b)
}

// resume answers RESUME: the missed dispatches and RESUMED, op 9 for an
// unknown session, or a close for a wrong token or sequence.
func (s *Server) resume(c *gwConn, dv any) {
	d, _ := dv.(object)
	s.mu.Lock()
	s.resumes++
	if c.identified {
		s.violateLocked("gateway: RESUME on a connection that is already authenticated")
		s.mu.Unlock()
		s.closeConn(c, 4005)
		return
	}
	if d == nil || !s.tokenMatches(d["token"]) {
		s.mu.Unlock()
		s.closeConn(c, 4004)
		return
	}
	id, _ := d["session_id"].(string)
	seq, ok := asInt(d["seq"])
	sess := s.sess
	if sess == nil || id == "" || sess.id != id {
		s.mu.Unlock()
		c.write(gatewayFrame(9, 0, "", false))
		return
	}
	if !ok || seq > sess.seq {
		s.violateLocked("gateway: RESUME seq %s; the last sequence sent was %d", mustJSON(d["seq"]), sess.seq)
		s.mu.Unlock()
		s.closeConn(c, 4007)
		return
	}
	var old *gwConn
	if s.conn != nil && s.conn != c && s.conn.sess == sess {
		old = s.conn
		old.authed = false
	}
	c.sess, c.identified, c.authed, c.greeted = sess, true, true, false
	s.conn = c
	var replay [][]byte
	for _, e := range sess.log {
		if e.seq > seq {
			replay = append(replay, e.frame)
		}
	}
	sess.seq++
	resumed := gatewayFrame(0, sess.seq, "RESUMED", object{})
	c.wmu.Lock()
	s.mu.Unlock()
	if old != nil {
		old.ws.Close()
	}
	for _, f := range replay {
		if c.writeLocked(f) != nil {
			break
		}
	}
	c.writeLocked(resumed)
	c.wmu.Unlock()
	s.mu.Lock()
	c.greeted = true
	s.notifyLocked()
	s.mu.Unlock()
}

// WaitReady blocks until a client holds a live gateway session: it has
// identified and received READY, or resumed and received RESUMED, and the
// connection has not been dropped, closed or told to reconnect since. It
// returns an error when ctx is done first or the server is closed.
func (s *Server) WaitReady(ctx context.Context) error {
	return s.waitFor(ctx, "wait for a ready gateway session", func() bool {
		return s.conn != nil && s.conn.authed && s.conn.greeted
	})
}

// Dispatch sends a dispatch (op 0) of eventType with data as "d" and the
// session's next sequence number. It returns an error wrapping
// ErrNoSession when no client has identified, or its session has ended.
// While the session is resumable but its connection is down (after Drop,
// SendReconnect or a network error), the event is kept, as Discord keeps
// it, and replayed when the client resumes; Dispatch then returns nil.
// Dispatching INTERACTION_CREATE registers the interaction (its id and
// token) so that its callback and webhooks are accepted.
func (s *Server) Dispatch(eventType string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("dispatch %s: %w", eventType, err)
	}
	s.mu.Lock()
	sess := s.sess
	if s.closed || sess == nil {
		s.mu.Unlock()
		return fmt.Errorf("dispatch %s: %w", eventType, ErrNoSession)
	}
	sess.seq++
	frame := gatewayFrame(0, sess.seq, eventType, json.RawMessage(raw))
	sess.log = append(sess.log, sentEvent{seq: sess.seq, frame: frame})
	if eventType == "INTERACTION_CREATE" {
		s.registerInteractionLocked(raw)
	}
	c := s.conn
	s.notifyLocked()
	if c == nil || !c.authed || c.sess != sess {
		s.mu.Unlock()
		return nil
	}
	c.wmu.Lock()
	s.mu.Unlock()
	// A failed write is not an error here: the event stays in the
	// session's log and a RESUME replays it.
	c.writeLocked(frame)
	c.wmu.Unlock()
	return nil
}

// Drop closes the current gateway connection abruptly, with no close
// frame, as a network failure would. The session stays resumable.
// discordgo notices on its next read, waits a second in its Close and
// reconnects with RESUME.
func (s *Server) Drop() {
	s.mu.Lock()
	c := s.conn
	s.conn = nil
	if c != nil {
		c.authed = false
	}
	s.notifyLocked()
	s.mu.Unlock()
	if c != nil {
		c.ws.Close()
	}
}

// SendReconnect sends op 7 (Reconnect) on the current connection; the
// session stays resumable and dispatches wait for the RESUME. It does
// nothing when no client is connected.
func (s *Server) SendReconnect() {
	s.mu.Lock()
	c := s.conn
	if c == nil {
		s.mu.Unlock()
		return
	}
	c.authed = false
	s.notifyLocked()
	c.wmu.Lock()
	s.mu.Unlock()
	c.writeLocked(gatewayFrame(7, 0, "", nil))
	c.wmu.Unlock()
}

// SendInvalidSession sends op 9 (Invalid Session) with d = resumable on
// the current connection, which then waits for a new IDENTIFY (or
// RESUME). When resumable is false the session ends: Dispatch fails and a
// RESUME gets op 9 until the client identifies again. It does nothing
// when no client is connected.
func (s *Server) SendInvalidSession(resumable bool) {
	s.mu.Lock()
	c := s.conn
	if c == nil {
		s.mu.Unlock()
		return
	}
	if !resumable && c.sess == s.sess {
		s.sess = nil
	}
	c.identified, c.authed, c.greeted, c.sess = false, false, false, nil
	s.notifyLocked()
	c.wmu.Lock()
	s.mu.Unlock()
	c.writeLocked(gatewayFrame(9, 0, "", resumable))
	c.wmu.Unlock()
}

// CloseGateway closes the current connection with a close frame holding
// code and Discord's reason for it (4004 "Authentication failed.", ...).
// Codes after which Discord does not resume (4004, 4007, 4009-4014) end
// the session. It does nothing when no client is connected.
func (s *Server) CloseGateway(code int) {
	s.mu.Lock()
	c := s.conn
	s.mu.Unlock()
	if c != nil {
		s.closeConn(c, code)
	}
}

// Identifies returns the number of IDENTIFY payloads received, accepted
// or not.
func (s *Server) Identifies() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identifies
}

// Resumes returns the number of RESUME payloads received, accepted or
// not.
func (s *Server) Resumes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resumes
}
