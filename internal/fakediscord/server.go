package fakediscord

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Options configures a Server. The zero value works: every field has a
// default.
type Options struct {
	// Token is the bot token the bot must present, without "Bot ": REST
	// requests to bot routes carry "Authorization: Bot <Token>", and
	// IDENTIFY and RESUME carry the token with or without "Bot " (discordgo
	// sends it with). A leading "Bot " here is ignored.
	Token string
	// ApplicationID is the application's ID, in READY and in the paths of
	// command and webhook routes. Default "1100000000000000001".
	ApplicationID string
	// BotUserID is the bot user's ID, in READY and GET /users/@me.
	// Default "1100000000000000002".
	BotUserID string
	// GuildIDs are the guilds listed in READY (as unavailable, as Discord
	// lists them) and the only guilds whose commands may be written.
	GuildIDs []string
	// HeartbeatInterval is sent in HELLO. Default 41250ms.
	HeartbeatInterval time.Duration
	// Now is the clock that times the interaction deadlines (3 s to
	// answer, 15 min to edit and follow up) and the nonce window. Default
	// time.Now.
	Now func() time.Time
}

// Defaults of Options.
const (
	DefaultApplicationID     = "1100000000000000001"
	DefaultBotUserID         = "1100000000000000002"
	DefaultHeartbeatInterval = 41250 * time.Millisecond
	// BotUsername is the bot user's name in READY and GET /users/@me.
	BotUsername = "Dossier"
)

// Deadlines Discord enforces.
const (
	callbackDeadline = 3 * time.Second  // to answer an interaction
	tokenLifetime    = 15 * time.Minute // an interaction token's webhook lifetime
	nonceWindow      = 5 * time.Minute  // how long enforce_nonce remembers a nonce
	writeTimeout     = 5 * time.Second  // for a gateway write
)

// ErrNoSession is returned by Dispatch and Interact when no client has an
// established gateway session to send events to.
var ErrNoSession = errors.New("no gateway session: no client has identified, or its session was invalidated")

// Request is one REST request the Server received, as Requests lists it.
type Request struct {
	Method string
	Path   string // the URL path, e.g. /api/v9/channels/1/messages
	Query  string // the raw query, without "?"
	Header http.Header
	Body   []byte
	Status int // the status the Server answered
}

// Server is a fake Discord: REST under /api/v9 and /api/v10 and a gateway
// websocket at /gateway, on a loopback httptest server. Its methods are
// safe for concurrent use. Close it when done.
type Server struct {
	opts     Options
	token    string // Options.Token without "Bot "
	now      func() time.Time
	http     *httptest.Server
	wsURL    string
	upgrader websocket.Upgrader
	handlers sync.WaitGroup // gateway connections still being served

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced on every change, to wake waiters
	closed     bool
	lastID     uint64
	requests   []*Request
	violations []string
	failures   []failure

	// gateway
	conns      map[*gwConn]bool
	conn       *gwConn  // the newest connection that may carry the session
	sess       *session // the resumable session, or nil
	identifies int
	resumes    int

	// interactions by ID and by token
	interactions map[string]*interaction
	byToken      map[string]*interaction

	// REST state
	commands      map[string][]json.RawMessage // scope ("" global, else guild ID) -> last accepted overwrite
	commandViews  map[string][]object          // scope -> what GET answers
	commandIDs    map[string]string            // scope/type/name -> stable ID
	commandWrites int
	channels      map[string]json.RawMessage
	channelMsgs   map[string][]json.RawMessage
	channelObjs   map[string][]object   // the messages as Discord made them
	nonces        map[string]nonceEntry // channel + nonce -> earlier message
}

type nonceEntry struct {
	at      time.Time
	message object
}

// failure is a response injected by FailNext.
type failure struct {
	method  string
	pattern []string
	status  int
	body    string
	headers map[string]string
	// lost: the request is carried out, and only its answer is replaced.
	lost bool
}

// New starts a fake Discord on loopback with opts. It never fails: an
// httptest server panics if it cannot listen.
func New(opts Options) *Server {
	if opts.ApplicationID == "" {
		opts.ApplicationID = DefaultApplicationID
	}
	if opts.BotUserID == "" {
		opts.BotUserID = DefaultBotUserID
	}
	if opts.HeartbeatInterval <= 0 {
		opts.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.GuildIDs = append([]string(nil), opts.GuildIDs...)
	s := &Server{
		opts:         opts,
		token:        strings.TrimPrefix(opts.Token, "Bot "),
		now:          opts.Now,
		changed:      make(chan struct{}),
		conns:        map[*gwConn]bool{},
		interactions: map[string]*interaction{},
		byToken:      map[string]*interaction{},
		commands:     map[string][]json.RawMessage{},
		commandViews: map[string][]object{},
		commandIDs:   map[string]string{},
		channels:     map[string]json.RawMessage{},
		channelMsgs:  map[string][]json.RawMessage{},
		channelObjs:  map[string][]object{},
		nonces:       map[string]nonceEntry{},
		upgrader: websocket.Upgrader{
			CheckOrigin: func(*http.Request) bool { return true },
		},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveREST)
	mux.HandleFunc("/gateway", s.serveGateway)
	mux.HandleFunc("/gateway/", s.serveGateway)
	mux.HandleFunc("/", s.serveUnknown)
	s.http = httptest.NewServer(mux)
	s.wsURL = "ws" + strings.TrimPrefix(s.http.URL, "http") + "/gateway"
	return s
}

// URL returns the base URL of the fake, e.g. http://127.0.0.1:PORT, with
// no trailing slash: the value to send https://discord.com to.
func (s *Server) URL() string { return s.http.URL }

// Close drops every gateway connection, stops the server and waits for
// its goroutines. Waiters return an error. Close the discordgo session
// first: once the fake is gone, discordgo retries to connect forever.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := make([]*gwConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.conn = nil
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.ws.Close()
	}
	s.http.Close()
	s.handlers.Wait()
}

// notifyLocked wakes everyone waiting for a change. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until cond, called with s.mu held, is true, ctx is done
// or the server is closed.
func (s *Server) waitFor(ctx context.Context, what string, cond func() bool) error {
	for {
		s.mu.Lock()
		if cond() {
			s.mu.Unlock()
			return nil
		}
		closed, ch := s.closed, s.changed
		s.mu.Unlock()
		if closed {
			return fmt.Errorf("%s: fake Discord closed", what)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", what, ctx.Err())
		case <-ch:
		}
	}
}

// violateLocked records a contract violation. s.mu must be held.
func (s *Server) violateLocked(format string, args ...any) {
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
}

func (s *Server) violate(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violateLocked(format, args...)
}

// Violations returns every contract violation seen so far, in order, each
// naming the request (or gateway payload) and the rule it broke.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// Requests returns every REST request received so far, in the order they
// arrived, with the status each got (0 while it is being answered).
// Gateway websocket upgrades are not listed.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = *r
		out[i].Header = r.Header.Clone()
		out[i].Body = append([]byte(nil), r.Body...)
	}
	return out
}

// FailNext makes the next REST request that matches method (""
// or "*" for any) and pathPattern fail with status, body and headers,
// without reaching the route. pathPattern is the path after the version
// prefix ("/api/v9" may be included or left out) with "*" standing for one
// segment, as in "/interactions/*/*/callback". Injected failures queue up
// and each is used once, in order. The answer carries only the headers
// given, plus Content-Type: application/json when body is not empty. For a
// rate limit use status 429 with a body like
// {"message":"You are being rate limited.","retry_after":0.05,"global":false}
// (discordgo sleeps retry_after seconds and retries) and a Retry-After
// header.
func (s *Server) FailNext(method, pathPattern string, status int, body string, headers map[string]string) {
	rest, _ := splitVersion(pathPattern)
	if rest == "" {
		rest = pathPattern
	}
	h := make(map[string]string, len(headers))
	for k, v := range headers {
		h[k] = v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{
		method:  strings.ToUpper(method),
		pattern: segments(rest),
		status:  status,
		body:    body,
		headers: h,
	})
}

// LoseNextReply makes the next REST request that matches method and
// pathPattern (as for FailNext) take effect as usual (a message is
// created, a callback recorded) while the bot receives status instead of
// the answer: a reply lost on the way back, or a server that failed after
// committing. Use it to check that a retry does not act twice.
func (s *Server) LoseNextReply(method, pathPattern string, status int) {
	rest, _ := splitVersion(pathPattern)
	if rest == "" {
		rest = pathPattern
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{
		method:  strings.ToUpper(method),
		pattern: segments(rest),
		status:  status,
		body:    fmt.Sprintf(`{"message": "%d: injected failure", "code": 0}`, status),
		lost:    true,
	})
}

// takeFailureLocked removes and returns the first injected failure that
// matches, or nil.
func (s *Server) takeFailureLocked(method string, segs []string) *failure {
	for i, f := range s.failures {
		if f.method != "" && f.method != "*" && f.method != method {
			continue
		}
		if len(f.pattern) != len(segs) {
			continue
		}
		match := true
		for j, p := range f.pattern {
			if p != "*" && p != segs[j] {
				match = false
				break
			}
		}
		if match {
			s.failures = append(s.failures[:i:i], s.failures[i+1:]...)
			return &f
		}
	}
	return nil
}

// splitVersion strips "/api/v9" or "/api/v10" from a path and returns the
// rest and the version, or "", "" when the path has neither.
func splitVersion(path string) (rest, version string) {
	for _, v := range []string{"9", "10"} {
		prefix := "/api/v" + v
		if path == prefix || strings.HasPrefix(path, prefix+"/") {
			return strings.TrimPrefix(path, prefix), v
		}
	}
	return "", ""
}

func segments(path string) []string {
	path = strings.Trim(path, "/")
	if path == "" {
		return nil
	}
	return strings.Split(path, "/")
}

// newIDLocked returns a new snowflake.
func (s *Server) newIDLocked() string {
	s.lastID++
	return strconv.FormatUint(1300000000000000000+s.lastID, 10)
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("fakediscord: random token: %v", err))
	}
	return "aW50ZXJhY3Rpb24" + hex.EncodeToString(b)
}

// call is one REST request being answered.
type call struct {
	s       *Server
	w       http.ResponseWriter
	r       *http.Request
	rec     *Request
	segs    []string // path after the version prefix
	route   string   // METHOD PATH, for violations
	body    []byte   // the JSON body (payload_json of a multipart body)
	written bool
}

// violate records a violation of this request.
func (c *call) violate(format string, args ...any) {
	c.s.violate("%s: %s", c.route, fmt.Sprintf(format, args...))
}

// reply answers with status and v as JSON (no body when v is nil), with
// rate-limit headers like Discord's.
func (c *call) reply(status int, v any) {
	h := c.w.Header()
	sum := fnv.New32a()
	sum.Write([]byte(c.r.Method + " " + routeTemplate(c.segs)))
	h.Set("X-RateLimit-Bucket", fmt.Sprintf("%08x", sum.Sum32()))
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "4")
	reset := c.s.now().Add(time.Second)
	h.Set("X-RateLimit-Reset", fmt.Sprintf("%d.%03d", reset.Unix(), reset.Nanosecond()/1e6))
	h.Set("X-RateLimit-Reset-After", "1.000")
	if v == nil {
		c.w.WriteHeader(status)
	} else {
		h.Set("Content-Type", "application/json")
		c.w.WriteHeader(status)
		c.w.Write(mustJSON(v))
	}
	c.s.mu.Lock()
	c.rec.Status = status
	c.s.mu.Unlock()
	c.written = true
}

// fail answers with Discord's error shape.
func (c *call) fail(status, code int, message string) {
	c.reply(status, map[string]any{"message": message, "code": code})
}

// invalid answers 400 Invalid Form Body and records each problem.
func (c *call) invalid(p problems) {
	for _, msg := range p {
		c.violate("%s", msg)
	}
	c.reply(http.StatusBadRequest, map[string]any{
		"message": "Invalid Form Body", "code": 50035,
		"errors":          map[string]any{},
		"fake_violations": []string(p),
	})
}

// routeTemplate replaces the IDs and tokens of a path with placeholders,
// so that every interaction's callback shares one bucket name.
func routeTemplate(segs []string) string {
	out := make([]string, len(segs))
	for i, seg := range segs {
		out[i] = seg
		if i > 0 && seg != "@me" && seg != "@original" && seg != "commands" && seg != "messages" &&
			seg != "callback" && seg != "guilds" && seg != "bot" {
			out[i] = "{}"
		}
	}
	return "/" + strings.Join(out, "/")
}

// serveUnknown answers any path outside /api and /gateway.
func (s *Server) serveUnknown(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.requests = append(s.requests, &Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: body, Status: http.StatusNotFound})
	s.violateLocked("unexpected request %s %s", r.Method, r.URL.Path)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	w.Write([]byte(`{"message": "404: Not Found", "code": 0}`))
}

// serveREST records a REST request, answers an injected failure if one
// matches, and otherwise routes it.
func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	rest, _ := splitVersion(r.URL.Path)
	c := &call{s: s, w: w, r: r, segs: segments(rest), route: r.Method + " " + r.URL.Path, body: body}
	c.rec = &Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
	s.mu.Lock()
	s.requests = append(s.requests, c.rec)
	f := s.takeFailureLocked(r.Method, c.segs)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if !c.written {
			c.rec.Status = http.StatusInternalServerError
		}
		s.notifyLocked()
		s.mu.Unlock()
	}()

	if f != nil && f.lost {
		// Carry the request out against a recorder, then answer the
		// failure.
		real := c.w
		c.w = httptest.NewRecorder()
		if len(body) == 0 || c.readBody() {
			s.route(c)
		}
		c.w = real
		real.Header().Set("Content-Type", "application/json")
		real.WriteHeader(f.status)
		io.WriteString(real, f.body)
		s.mu.Lock()
		c.rec.Status = f.status
		c.written = true
		s.mu.Unlock()
		return
	}
	if f != nil {
		for k, v := range f.headers {
			w.Header().Set(k, v)
		}
		if f.body != "" && w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(f.status)
		io.WriteString(w, f.body)
		s.mu.Lock()
		c.rec.Status = f.status
		c.written = true
		s.mu.Unlock()
		return
	}
	if !strings.HasPrefix(r.Header.Get("User-Agent"), "DiscordBot (") {
		c.violate("User-Agent %q; Discord wants \"DiscordBot ($url, $version)\"", r.Header.Get("User-Agent"))
	}
	if len(body) > 0 {
		if !c.readBody() {
			return
		}
	}
	s.route(c)
}

// readBody checks the Content-Type of a request with a body and, for a
// multipart body, extracts payload_json. It answers and returns false when
// the body cannot be read.
func (c *call) readBody() bool {
	ct, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	switch {
	case err == nil && ct == "application/json":
		return true
	case err == nil && ct == "multipart/form-data":
		mr := multipart.NewReader(strings.NewReader(string(c.body)), params["boundary"])
		for {
			part, err := mr.NextPart()
			if err != nil {
				c.violate("multipart body without a payload_json part")
				c.fail(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
				return false
			}
			if part.FormName() == "payload_json" {
				b, err := io.ReadAll(part)
				if err != nil {
					c.fail(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
					return false
				}
				c.body = b
				return true
			}
		}
	default:
		c.violate("Content-Type %q; want application/json", c.r.Header.Get("Content-Type"))
		return true
	}
}

// decode parses the JSON body, answering 400 and returning false when it
// is not JSON.
func (c *call) decode() (any, bool) {
	v, err := decodeJSON(c.body)
	if err != nil {
		c.violate("body is not valid JSON: %v", err)
		c.fail(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return nil, false
	}
	return v, true
}

// authorized checks the bot token of a bot route, answering 401 and
// returning false when it is missing or wrong.
func (c *call) authorized() bool {
	got := c.r.Header.Get("Authorization")
	if got == "Bot "+c.s.token {
		return true
	}
	switch {
	case got == "":
		c.violate("no Authorization header; bot routes need \"Bot <token>\"")
	case got == c.s.token:
		c.violate("Authorization lacks the \"Bot \" prefix")
	default:
		c.violate("Authorization header does not hold \"Bot \" and the bot's token")
	}
	c.fail(http.StatusUnauthorized, 0, "401: Unauthorized")
	return false
}

// route answers a REST request by its method and path.
func (s *Server) route(c *call) {
	seg := c.segs
	n := len(seg)
	method := c.r.Method
	at := func(i int) string {
		if i < n {
			return seg[i]
		}
		return ""
	}
	switch {
	case n == 1 && seg[0] == "gateway" && method == http.MethodGet:
		c.reply(http.StatusOK, map[string]any{"url": s.wsURL})
	case n == 2 && seg[0] == "gateway" && seg[1] == "bot" && method == http.MethodGet:
		if c.authorized() {
			c.reply(http.StatusOK, map[string]any{
				"url": s.wsURL, "shards": 1,
				"session_start_limit": map[string]any{"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1},
			})
		}
	case n == 2 && seg[0] == "users" && seg[1] == "@me" && method == http.MethodGet:
		if c.authorized() {
			c.reply(http.StatusOK, s.botUser())
		}
	case at(0) == "applications" && (n == 3 && seg[2] == "commands" || n == 5 && seg[2] == "guilds" && seg[4] == "commands") &&
		(method == http.MethodPut || method == http.MethodGet):
		guild := ""
		if n == 5 {
			guild = seg[3]
		}
		s.serveCommands(c, seg[1], guild)
	case n == 4 && seg[0] == "interactions" && seg[3] == "callback" && method == http.MethodPost:
		s.serveCallback(c, seg[1], seg[2])
	case n == 3 && seg[0] == "webhooks" && method == http.MethodPost:
		s.serveFollowUp(c, seg[1], seg[2])
	case n == 5 && seg[0] == "webhooks" && seg[3] == "messages" && seg[4] == "@original" &&
		(method == http.MethodPatch || method == http.MethodGet || method == http.MethodDelete):
		s.serveOriginal(c, seg[1], seg[2])
	case n == 2 && seg[0] == "channels" && method == http.MethodGet:
		s.serveChannel(c, seg[1])
	case n == 3 && seg[0] == "channels" && seg[2] == "messages" && method == http.MethodPost:
		s.serveChannelMessage(c, seg[1])
	case n == 3 && seg[0] == "channels" && seg[2] == "messages" && method == http.MethodGet:
		s.serveChannelHistory(c, seg[1])
	default:
		s.violate("unexpected request %s %s", method, c.r.URL.Path)
		c.fail(http.StatusNotFound, 0, "404: Not Found")
	}
}

// botUser is the bot's user object.
func (s *Server) botUser() object {
	return object{
		"id": s.opts.BotUserID, "username": BotUsername, "discriminator": "0", "global_name": nil,
		"avatar": nil, "bot": true, "verified": true, "flags": 0, "mfa_enabled": false,
	}
}

// newMessageLocked builds the message object Discord would answer for a
// message body sent to channelID.
func (s *Server) newMessageLocked(channelID string, body object, msgType int) object {
	m := object{
		"id": s.newIDLocked(), "channel_id": channelID, "type": msgType,
		"author": s.botUser(), "content": "", "embeds": []any{}, "components": []any{},
		"attachments": []any{}, "mentions": []any{}, "mention_roles": []any{},
		"mention_everyone": false, "pinned": false, "tts": false, "flags": 0,
		"timestamp": s.now().UTC().Format(time.RFC3339Nano), "edited_timestamp": nil,
	}
	mergeMessage(m, body)
	return m
}

// mergeMessage applies the fields of a message body to a message object.
func mergeMessage(m, body object) {
	for _, k := range []string{"content", "embeds", "components", "flags", "tts", "nonce", "attachments", "poll"} {
		v, ok := body[k]
		if !ok {
			continue
		}
		if v == nil {
			switch k {
			case "content":
				v = ""
			case "embeds", "components", "attachments":
				v = []any{}
			case "flags":
				v = 0
			}
		}
		m[k] = v
	}
}
