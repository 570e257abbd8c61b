package commands

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// The HTTP interactions endpoint: Discord POSTs each interaction, signed
// with the application's Ed25519 key, and takes the initial response as
// the HTTP answer. Later edits (after a deferral) go through REST, as on
// the gateway.

// maxInteractionBody bounds the size of an interaction request.
const maxInteractionBody = 1 << 20

// maxClockSkew is how far an interaction's timestamp may be from now.
const maxClockSkew = 5 * time.Minute

// HTTPHandler returns the handler of POST /interactions and GET /healthz.
// ctx bounds the work started by interactions (it outlives each HTTP
// request, since a deferred answer is edited after the response). ready
// reports whether the bot can answer; /healthz says so.
func (r *Router) HTTPHandler(ctx context.Context, publicKey ed25519.PublicKey, rest *REST, ready func() bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /interactions", func(w http.ResponseWriter, req *http.Request) {
		r.serveHTTP(ctx, w, req, publicKey, rest)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if ready != nil && !ready() || r.closing.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"status":"starting"}`+"\n")
			return
		}
		io.WriteString(w, `{"status":"ok"}`+"\n")
	})
	return mux
}

func (r *Router) serveHTTP(ctx context.Context, w http.ResponseWriter, req *http.Request, publicKey ed25519.PublicKey, rest *REST) {
	sig, err := hex.DecodeString(req.Header.Get("X-Signature-Ed25519"))
	ts := req.Header.Get("X-Signature-Timestamp")
	if err != nil || len(sig) != ed25519.SignatureSize || ts == "" {
		http.Error(w, "missing or malformed signature", http.StatusUnauthorized)
		return
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		http.Error(w, "malformed timestamp", http.StatusUnauthorized)
		return
	}
	if d := r.cfg.Now().Sub(time.Unix(secs, 0)); d > maxClockSkew || d < -maxClockSkew {
		http.Error(w, "stale timestamp", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxInteractionBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read request", http.StatusBadRequest)
		return
	}
	if len(publicKey) != ed25519.PublicKeySize || !ed25519.Verify(publicKey, append([]byte(ts), body...), sig) {
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	in, err := ParseInteraction(body)
	if err != nil {
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	hr := &httpResponder{rest: rest, first: make(chan wireCallback, 1), written: make(chan struct{})}
	defer close(hr.written)
	go r.serve(ctx, in, hr)
	var cb wireCallback
	select {
	case cb = <-hr.first:
	case <-time.After(2800 * time.Millisecond):
		// The router always answers or defers before this; if it has not,
		// defer here rather than let Discord time out.
		hr.abandon()
		cb = wireCallback{Type: callbackDeferred}
	case <-req.Context().Done():
		hr.abandon()
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(cb); err != nil {
		r.log.Error("write interaction response", "err", err)
	}
}

// httpResponder hands the initial callback to the HTTP handler, which
// writes it as the response; edits go through REST.
type httpResponder struct {
	rest  *REST
	first chan wireCallback
	// written is closed once the HTTP response is out: follow-ups must
	// wait for Discord to have the reply.
	written chan struct{}

	mu        sync.Mutex
	sent      bool
	abandoned bool // the handler deferred on the router's behalf
}

var errResponseGone = errors.New("the HTTP response was already written")

func (h *httpResponder) respond(ctx context.Context, in *Interaction, cb wireCallback) error {
	h.mu.Lock()
	if h.abandoned {
		h.mu.Unlock()
		// The HTTP answer was a deferral: the message becomes an edit.
		if msg, ok := cb.Data.(wireMessageOut); ok {
			msg.Flags = 0
			return h.editOriginal(ctx, in, msg)
		}
		return nil
	}
	defer h.mu.Unlock()
	if h.sent {
		return errResponseGone
	}
	h.sent = true
	h.first <- cb
	return nil
}

// abandon records that the HTTP handler answered without the router.
func (h *httpResponder) abandon() {
	h.mu.Lock()
	if !h.sent {
		h.abandoned = true
	}
	h.sent = true
	h.mu.Unlock()
}

func (h *httpResponder) followUp(ctx context.Context, in *Interaction, msg wireMessageOut) error {
	select {
	case <-h.written:
	case <-ctx.Done():
		return ctx.Err()
	}
	if h.rest == nil {
		return errors.New("no REST client to send a follow-up")
	}
	return gatewayResponder{h.rest}.followUp(ctx, in, msg)
}

func (h *httpResponder) editOriginal(ctx context.Context, in *Interaction, msg wireMessageOut) error {
	if h.rest == nil {
		return errors.New("no REST client to edit the answer")
	}
	return gatewayResponder{h.rest}.editOriginal(ctx, in, msg)
}
