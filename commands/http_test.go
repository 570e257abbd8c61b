package commands

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func httpEndpoint(t *testing.T, ready func() bool) (*httptest.Server, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := newTestRouter(t, seedIndex(t), nil)
	srv := httptest.NewServer(r.HTTPHandler(context.Background(), pub, nil, ready))
	t.Cleanup(srv.Close)
	return srv, priv
}

// post sends body to /interactions signed with key at ts (sign false:
// no signature headers).
func post(t *testing.T, srv *httptest.Server, key ed25519.PrivateKey, ts time.Time, body []byte, sign bool) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/interactions", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if sign {
		stamp := strconv.FormatInt(ts.Unix(), 10)
		sig := ed25519.Sign(key, append([]byte(stamp), body...))
		req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
		req.Header.Set("X-Signature-Timestamp", stamp)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, out
}

func TestHTTPEndpoint(t *testing.T) {
	srv, key := httpEndpoint(t, nil)
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	ask, err := os.ReadFile(filepath.Join("testdata", "interactions", "ask.json"))
	if err != nil {
		t.Fatal(err)
	}
	ping := []byte(`{"id":"1300000000000000999","application_id":"1100000000000000001","type":1,"token":"tok","version":1}`)
	for _, c := range []struct {
		name   string
		key    ed25519.PrivateKey
		ts     time.Time
		body   []byte
		sign   bool
		tamper bool
		status int
		want   string
	}{
		{"ping", key, fixedNow, ping, true, false, 200, `{"type":1}`},
		{"ask", key, fixedNow, ask, true, false, 200, `"type":4`},
		{"missing signature", key, fixedNow, ping, false, false, 401, ""},
		{"wrong key", otherKey, fixedNow, ping, true, false, 401, ""},
		{"tampered body", key, fixedNow, ping, true, true, 401, ""},
		{"stale timestamp", key, fixedNow.Add(-6 * time.Minute), ping, true, false, 401, ""},
		{"future timestamp", key, fixedNow.Add(6 * time.Minute), ping, true, false, 401, ""},
		{"oversized body", key, fixedNow, append([]byte(`{"type":1,"x":"`), append(bytes.Repeat([]byte("a"), 1<<20), '"', '}')...), true, false, 413, ""},
		{"not json", key, fixedNow, []byte("hello"), true, false, 400, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := c.body
			var resp *http.Response
			var out []byte
			if c.tamper {
				// Sign one body, send another.
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/interactions", bytes.NewReader(bytes.Replace(body, []byte(`"type":1`), []byte(`"type":2`), 1)))
				stamp := strconv.FormatInt(c.ts.Unix(), 10)
				req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(c.key, append([]byte(stamp), body...))))
				req.Header.Set("X-Signature-Timestamp", stamp)
				r, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				out, _ = io.ReadAll(r.Body)
				r.Body.Close()
				resp = r
			} else {
				resp, out = post(t, srv, c.key, c.ts, body, c.sign)
			}
			if resp.StatusCode != c.status {
				t.Errorf("status %d (%s); want %d", resp.StatusCode, out, c.status)
			}
			if c.want != "" && !strings.Contains(string(out), c.want) {
				t.Errorf("body %s; want it to contain %s", out, c.want)
			}
			if c.status == 200 {
				var cb map[string]any
				if err := json.Unmarshal(out, &cb); err != nil {
					t.Errorf("response is not JSON: %s", out)
				}
				if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type %q; want application/json", ct)
				}
				for _, v := range validateCallbackBody(out) {
					t.Errorf("response breaks Discord's contract: %s", v)
				}
			}
		})
	}
}

func TestHealthz(t *testing.T) {
	ready := false
	srv, _ := httpEndpoint(t, func() bool { return ready })
	for _, c := range []struct {
		ready  bool
		status int
	}{{false, 503}, {true, 200}} {
		ready = c.ready
		resp, err := http.Get(srv.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("healthz while ready=%v: %d; want %d", c.ready, resp.StatusCode, c.status)
		}
	}
}
