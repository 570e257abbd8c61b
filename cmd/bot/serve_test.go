package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/internal/fakediscord"
)

// These tests run `dossier serve` in process against a fake Discord, as a
// user would run the binary: configuration from the environment, the
// seed articles, a data directory that outlives a restart.

const (
	serveToken = "MTEwMDAwMDAwMDAwMDAwMDAwMg.Gx1234.serve-test-secret"
	serveGuild = "1200000000000000010"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// server is a running `dossier serve`.
type server struct {
	stop   context.CancelFunc
	done   chan int
	stderr *syncBuffer
}

// startServe runs `dossier serve` with env on the seeds and dataDir.
func startServe(t *testing.T, dataDir string, env ...string) *server {
	t.Helper()
	return startServeWith(t, serveOptions{corpus: "../../seeds", data: dataDir}, env...)
}

// serveOptions are what a test may change of a serve run: the folders,
// and the clock with how often the digest scheduler reads it.
type serveOptions struct {
	corpus, data string
	now          func() time.Time
	poll         time.Duration
}

func startServeWith(t *testing.T, o serveOptions, env ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{stop: cancel, done: make(chan int, 1), stderr: &syncBuffer{}}
	args := []string{"--corpus", o.corpus, "--data", o.data, "serve"}
	env = append(env, "PATH="+os.Getenv("PATH"))
	a := &app{stdout: io.Discard, stderr: s.stderr, env: env, now: o.now, digestPoll: o.poll}
	go func() { s.done <- a.run(ctx, args) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop within 15 s")
		}
	})
	return s
}

// waitLog waits until the log has a line matching re and returns its
// first submatch (or the match), or fails when serve exits first.
func (s *server) waitLog(t *testing.T, re string) string {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := rx.FindStringSubmatch(s.stderr.String()); m != nil {
			return m[len(m)-1]
		}
		select {
		case code := <-s.done:
			s.done <- code
			t.Fatalf("serve exited with %d before logging %q:\n%s", code, re, s.stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("no log line %q in 20 s:\n%s", re, s.stderr)
	return ""
}

// shutdown stops serve as SIGTERM does and returns its exit status.
func (s *server) shutdown(t *testing.T) int {
	t.Helper()
	s.stop()
	select {
	case code := <-s.done:
		s.done <- code
		return code
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15 s")
	}
	return -1
}

// newFake starts a fake Discord that checks, when the test ends, that no
// request broke Discord's contract.
func newFake(t *testing.T) *fakediscord.Server {
	fake := fakediscord.New(fakediscord.Options{Token: serveToken, GuildIDs: []string{serveGuild}})
	t.Cleanup(func() {
		for _, v := range fake.Violations() {
			t.Errorf("request broke Discord's contract: %s", v)
		}
		fake.Close()
	})
	return fake
}

// askInteraction is an /ask as Discord delivers it.
func askInteraction(question string) map[string]any {
	return map[string]any{
		"type":       2,
		"guild_id":   serveGuild,
		"channel_id": "1200000000000000020",
		"channel":    map[string]any{"id": "1200000000000000020", "type": 0, "guild_id": serveGuild, "name": "newsroom"},
		"member": map[string]any{
			"user":        map[string]any{"id": "1200000000000000042", "username": "ana", "discriminator": "0", "global_name": "Ana"},
			"roles":       []any{},
			"permissions": "2251799813685247",
			"joined_at":   "2024-11-02T09:15:31.224000+00:00",
		},
		"app_permissions": "562949953421311",
		"locale":          "en-US",
		"data": map[string]any{
			"id": "1150000000000000001", "name": "ask", "type": 1,
			"options": []any{map[string]any{"name": "question", "type": 3, "value": question}},
		},
	}
}

// answerText returns the text of a message callback's first embed.
func answerText(t *testing.T, data []byte) string {
	t.Helper()
	var m struct {
		Content string
		Embeds  []struct{ Title, Description string }
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("answer %s: %v", data, err)
	}
	if len(m.Embeds) == 0 {
		return m.Content
	}
	return m.Embeds[0].Title + "\n" + m.Embeds[0].Description
}

func TestServeGateway(t *testing.T) {
	fake := newFake(t)
	data := t.TempDir()
	env := []string{
		"DOSSIER_DISCORD_TOKEN=" + serveToken,
		"DOSSIER_DISCORD_API_BASE_URL=" + fake.URL(),
		"DOSSIER_DISCORD_GUILD_ID=" + serveGuild,
	}
	s := startServe(t, data, env...)
	s.waitLog(t, `dossier is serving`)
	logs := s.stderr.String()
	for _, want := range []string{"guilds=[" + serveGuild + "]", "articles=3", "transports=[gateway]", "commands registered"} {
		if !strings.Contains(logs, want) {
			t.Errorf("startup log lacks %q:\n%s", want, logs)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cb, err := fake.Interact(ctx, askInteraction("Who was killed by polonium poisoning?"))
	if err != nil {
		t.Fatal(err)
	}
	if cb.Type != 4 || !strings.Contains(answerText(t, cb.Data), "Litvinenko") {
		t.Errorf("/ask answered type %d: %s; want the Litvinenko passage", cb.Type, answerText(t, cb.Data))
	}
	if code := s.shutdown(t); code != 0 {
		t.Errorf("exit %d after a shutdown; want 0:\n%s", code, s.stderr)
	}

	// A restart on the same data directory does not register again.
	s2 := startServe(t, data, env...)
	s2.waitLog(t, `dossier is serving`)
	if !strings.Contains(s2.stderr.String(), "commands unchanged") {
		t.Errorf("restart log does not say the commands were unchanged:\n%s", s2.stderr)
	}
	if n := fake.CommandWrites(); n != 1 {
		t.Errorf("%d command registrations over two starts; want 1", n)
	}
	if code := s2.shutdown(t); code != 0 {
		t.Errorf("exit %d; want 0", code)
	}
	for _, l := range []string{s.stderr.String(), s2.stderr.String()} {
		if strings.Contains(l, serveToken) || strings.Contains(l, "serve-test-secret") {
			t.Errorf("the token is in the log:\n%s", l)
		}
	}
}

func TestServeRejectedToken(t *testing.T) {
	fake := newFake(t)
	wrong := "MTEwMDAwMDAwMDAwMDAwMDAwMg.Gx1234.wrong-secret"
	s := startServe(t, t.TempDir(), "DOSSIER_DISCORD_TOKEN="+wrong, "DOSSIER_DISCORD_API_BASE_URL="+fake.URL())
	var code int
	select {
	case code = <-s.done:
		s.done <- code
	case <-time.After(20 * time.Second):
		t.Fatal("serve with a rejected token did not exit")
	}
	out := s.stderr.String()
	if code != 1 || !strings.Contains(out, "rejected the bot token") {
		t.Errorf("exit %d, %q; want 1 and a message that the token was rejected", code, out)
	}
	if strings.Contains(out, "wrong-secret") {
		t.Errorf("the token is in the output:\n%s", out)
	}
}

func TestServeWithoutToken(t *testing.T) {
	code, _, errOut := dossier(t, t.TempDir(), "serve")
	if code != 2 || !strings.Contains(errOut, "DOSSIER_DISCORD_TOKEN") || !strings.Contains(errOut, "dossier ask") {
		t.Errorf("exit %d, %q; want 2, how to get a token, and dossier ask", code, errOut)
	}
}

// signed makes a request to the HTTP endpoint signed with key.
func signed(t *testing.T, url string, key ed25519.PrivateKey, body []byte) *http.Request {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, append([]byte(ts), body...))))
	return req
}

func TestServeHTTPEndpoint(t *testing.T) {
	fake := newFake(t)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s := startServe(t, t.TempDir(),
		"DOSSIER_HTTP_ADDR=127.0.0.1:0",
		"DOSSIER_DISCORD_PUBLIC_KEY="+hex.EncodeToString(pub),
		"DOSSIER_DISCORD_API_BASE_URL="+fake.URL())
	addr := s.waitLog(t, `transports="?\[http ([0-9.:]+)\]`)
	base := "http://" + addr

	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("healthz %d; want 200 once serving", resp.StatusCode)
	}

	post := func(req *http.Request) (int, []byte) {
		t.Helper()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	if code, body := post(signed(t, base+"/interactions", priv, []byte(`{"type":1,"id":"1","token":"t","application_id":"1","version":1}`))); code != 200 || !bytes.Contains(body, []byte(`"type":1`)) {
		t.Errorf("PING: %d %s; want 200 {\"type\":1}", code, body)
	}
	in := askInteraction("Who was killed by polonium poisoning?")
	in["id"], in["token"], in["application_id"], in["version"] = "1300000000000000900", "http-token", fakediscord.DefaultApplicationID, 1
	body, _ := json.Marshal(in)
	code, answer := post(signed(t, base+"/interactions", priv, body))
	var cb struct {
		Type int
		Data json.RawMessage
	}
	json.Unmarshal(answer, &cb)
	if code != 200 || cb.Type != 4 || !strings.Contains(answerText(t, cb.Data), "Litvinenko") {
		t.Errorf("/ask over HTTP: %d %s; want the Litvinenko passage", code, answer)
	}
	if problems := fakediscord.ValidateCallback(2, answer); len(problems) > 0 {
		t.Errorf("the HTTP answer breaks Discord's contract: %v", problems)
	}
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	if code, _ := post(signed(t, base+"/interactions", other, body)); code != http.StatusUnauthorized {
		t.Errorf("a request signed with another key got %d; want 401", code)
	}
	if code := s.shutdown(t); code != 0 {
		t.Errorf("exit %d; want 0:\n%s", code, s.stderr)
	}
}
