package commands

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	bolt "go.etcd.io/bbolt"
)

// This file is where the router meets discordgo: the REST client, the
// gateway handler and command registration.

// NewTransport returns an http.RoundTripper that sends requests for
// https://discord.com to base instead (a rate-limit proxy, or a test
// server), through next (http.DefaultTransport when nil). Requests to any
// other host pass unchanged.
func NewTransport(base string, next http.RoundTripper) (http.RoundTripper, error) {
	u, err := url.Parse(strings.TrimSuffix(base, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("api base url %q: want scheme://host", base)
	}
	if next == nil {
		next = http.DefaultTransport
	}
	return &rewrite{to: u, next: next}, nil
}

type rewrite struct {
	to   *url.URL
	next http.RoundTripper
}

func (t *rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == "discord.com" && (t.to.Host != "discord.com" || t.to.Scheme != req.URL.Scheme) {
		r := req.Clone(req.Context())
		r.URL.Scheme, r.URL.Host = t.to.Scheme, t.to.Host
		r.URL.Path = strings.TrimSuffix(t.to.Path, "/") + req.URL.Path
		r.Host = t.to.Host
		req = r
	}
	return t.next.RoundTrip(req)
}

// REST sends Dossier's own JSON payloads to Discord's REST API through a
// discordgo session: its HTTP client (see NewTransport), its rate limiter
// (which waits out 429 responses and retries) and its token. It is safe
// for concurrent use.
type REST struct{ s *discordgo.Session }

// NewREST returns a REST client using s.
func NewREST(s *discordgo.Session) *REST { return &REST{s: s} }

// do sends method path (relative to the API root) with body as JSON and
// decodes the answer into out when out is not nil. Errors never hold the
// URL, which carries interaction tokens.
func (c *REST) do(ctx context.Context, method, path string, body, out any, opts ...discordgo.RequestOption) error {
	endpoint := discordgo.EndpointAPI + path
	bucket := routeBucket(method, path)
	if err := c.waitBucket(ctx, endpoint, bucket); err != nil {
		return fmt.Errorf("%s %s: %w", method, redactPath(path), err)
	}
	opts = append(opts, discordgo.WithContext(ctx))
	resp, err := c.s.RequestWithBucketID(method, endpoint, body, bucket, opts...)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = fmt.Errorf("%s %s: %w", method, redactPath(path), ue.Err)
		} else {
			err = fmt.Errorf("%s %s: %w", method, redactPath(path), err)
		}
		return err
	}
	if out != nil && len(resp) > 0 {
		if err := json.Unmarshal(resp, out); err != nil {
			return fmt.Errorf("%s %s: decode answer: %w", method, redactPath(path), err)
		}
	}
	return nil
}

// waitBucket waits, within ctx, until the request's rate-limit bucket
// lets a request through. discordgo waits for it too, but sleeps without
// a context: a shutdown, or a digest's time limit, would wait the limit
// out. When ctx ends first, the error is a *discordgo.RateLimitError, as
// nothing was sent. A bucket held by a request in flight is left to
// discordgo.
func (c *REST) waitBucket(ctx context.Context, endpoint, bucketID string) error {
	rl := c.s.Ratelimiter
	if rl == nil {
		return nil
	}
	b := rl.GetBucket(bucketID)
	if !b.TryLock() {
		return nil
	}
	wait := rl.GetWaitTime(b, 1)
	b.Unlock()
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return &discordgo.RateLimitError{RateLimit: &discordgo.RateLimit{
			TooManyRequests: &discordgo.TooManyRequests{Message: "waiting for the rate limit: " + ctx.Err().Error(), RetryAfter: wait},
			URL:             endpoint,
		}}
	}
}

// routeBucket names the rate-limit bucket of a request: the route, with
// the interaction token, which changes with every request, left in (as
// Discord's own buckets for interaction routes are per interaction).
func routeBucket(method, path string) string { return method + " " + path }

// redactPath hides the tokens in interaction and webhook paths.
func redactPath(p string) string {
	parts := strings.Split(p, "/")
	if len(parts) > 2 && (parts[0] == "interactions" || parts[0] == "webhooks") {
		parts[2] = "<token>"
	}
	return strings.Join(parts, "/")
}

// gatewayResponder answers through REST: the callback endpoint, then
// edits of the original response.
type gatewayResponder struct{ rest *REST }

func (g gatewayResponder) respond(ctx context.Context, in *Interaction, cb wireCallback) error {
	return g.rest.do(ctx, http.MethodPost, "interactions/"+in.ID+"/"+in.Token+"/callback", cb, nil)
}

func (g gatewayResponder) editOriginal(ctx context.Context, in *Interaction, msg wireMessageOut) error {
	return g.rest.do(ctx, http.MethodPatch, "webhooks/"+in.ApplicationID+"/"+in.Token+"/messages/@original", msg, nil)
}

func (g gatewayResponder) followUp(ctx context.Context, in *Interaction, msg wireMessageOut) error {
	return g.rest.do(ctx, http.MethodPost, "webhooks/"+in.ApplicationID+"/"+in.Token, msg, nil)
}

// ServeGateway answers the interactions that the session's gateway
// delivers, through rest, until ctx is done. It returns a function that
// stops it. discordgo reconnects and resumes the gateway by itself.
func (r *Router) ServeGateway(ctx context.Context, s *discordgo.Session, rest *REST) (remove func()) {
	return s.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) {
		if e.Type != "INTERACTION_CREATE" || ctx.Err() != nil {
			return
		}
		in, err := ParseInteraction(e.RawData)
		if err != nil {
			r.log.Error("unreadable interaction from the gateway", "err", err)
			return
		}
		r.serve(ctx, in, gatewayResponder{rest})
	})
}

// Errors of REST calls about a channel.
var (
	// ErrNoAccess is wrapped when Discord refuses the bot the channel
	// (403: Missing Access, Missing Permissions).
	ErrNoAccess = errors.New("Dossier may not see or post in the channel")
	// ErrUnknownChannel is wrapped when the channel does not exist (any
	// more): 404 Unknown Channel.
	ErrUnknownChannel = errors.New("the channel does not exist")
)

// channelError wraps err with ErrNoAccess or ErrUnknownChannel when
// Discord refused the channel.
func channelError(err error) error {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		msg := re.Response.Status
		if re.Message != nil && re.Message.Message != "" {
			msg = re.Message.Message
		}
		switch {
		case re.Message != nil && re.Message.Code == discordgo.ErrCodeUnknownChannel:
			// Only Discord's own word: a bare 404 (a proxy, a wrong
			// api_base_url) says nothing about the channel.
			return fmt.Errorf("%w (%s): %w", ErrUnknownChannel, msg, err)
		case re.Response.StatusCode == http.StatusForbidden && re.Message != nil:
			// Missing Access, Missing Permissions...: Discord's JSON
			// error, not a proxy's page.
			return fmt.Errorf("%w (%s): %w", ErrNoAccess, msg, err)
		}
	}
	return err
}

// PostMessage posts m in a channel with nonce, which Discord enforces: a
// retried create with the same nonce returns the message the first one
// made instead of posting again. It returns the message's ID. Errors wrap
// ErrNoAccess or ErrUnknownChannel when Discord refused the channel; a
// rate limit is returned (a *discordgo.RateLimitError) rather than waited
// out, so the caller decides when to retry.
func (c *REST) PostMessage(ctx context.Context, channelID string, m Message, nonce string) (string, error) {
	m.Ephemeral = false
	body := renderMessage(m)
	body.Nonce, body.EnforceNonce = nonce, nonce != ""
	var out struct {
		ID string `json:"id"`
	}
	if err := c.do(ctx, http.MethodPost, "channels/"+channelID+"/messages", body, &out, discordgo.WithRetryOnRatelimit(false)); err != nil {
		return "", channelError(err)
	}
	if out.ID == "" {
		return "", errors.New("post message: Discord answered without a message ID")
	}
	return out.ID, nil
}

// FindMessage looks among a channel's latest 50 messages for one the bot
// posted with m's content and embeds, and returns its ID. It needs the
// Read Message History permission.
func (c *REST) FindMessage(ctx context.Context, channelID string, m Message) (string, bool, error) {
	var self string
	if st := c.s.State; st != nil && st.User != nil {
		self = st.User.ID
	}
	if self == "" {
		return "", false, errors.New("find message: the bot's own ID is not known yet")
	}
	m.Ephemeral = false
	want := renderMessage(m)
	var got []struct {
		ID      string `json:"id"`
		Content string `json:"content"`
		Author  struct {
			ID string `json:"id"`
		} `json:"author"`
		Embeds []struct {
			Title string `json:"title"`
		} `json:"embeds"`
	}
	if err := c.do(ctx, http.MethodGet, "channels/"+channelID+"/messages?limit=50", nil, &got); err != nil {
		return "", false, channelError(err)
	}
	for _, g := range got {
		if g.Author.ID != self || g.Content != want.Content || len(g.Embeds) != len(want.Embeds) {
			continue
		}
		same := true
		for i := range g.Embeds {
			same = same && g.Embeds[i].Title == want.Embeds[i].Title
		}
		if same {
			return g.ID, true, nil
		}
	}
	return "", false, nil
}

// Permissions a digest needs in its channel.
const digestPermissions = permViewChannel | permSendMessages | permEmbedLinks

// CanPost checks that the bot may post digests in a channel: from the
// gateway's state when it knows the guild (roles and overwrites), else by
// asking Discord for the channel. Its errors are for users.
func (c *REST) CanPost(ctx context.Context, guildID, channelID string) error {
	if st := c.s.State; st != nil && st.User != nil {
		if perms, err := st.UserChannelPermissions(st.User.ID, channelID); err == nil {
			if perms&permAdministrator != 0 || perms&digestPermissions == digestPermissions {
				return nil
			}
			return userErr(fmt.Sprintf("Dossier cannot post digests in <#%s>: give it the View Channel, Send Messages and Embed Links permissions there.", channelID))
		}
	}
	err := channelError(c.do(ctx, http.MethodGet, "channels/"+channelID, nil, nil))
	if errors.Is(err, ErrNoAccess) || errors.Is(err, ErrUnknownChannel) {
		return userErr(fmt.Sprintf("Dossier cannot see <#%s>: give it the View Channel, Send Messages and Embed Links permissions there.", channelID))
	}
	if err != nil {
		return fmt.Errorf("check channel: %w", err)
	}
	return nil
}

var bucketRegistration = []byte("registration")

// Register makes the application's commands match the router's with one
// bulk overwrite (guild commands when guildID is set, else global), only
// when the definitions changed since the last registration, so restarts
// do not churn Discord's command cache. It reports whether it wrote.
func (r *Router) Register(ctx context.Context, rest *REST, appID, guildID string) (bool, error) {
	if appID == "" {
		return false, errors.New("register commands: no application ID")
	}
	defs := r.Definitions()
	body, err := json.Marshal(defs)
	if err != nil {
		return false, fmt.Errorf("register commands: %w", err)
	}
	sum := sha256.Sum256([]byte(appID + "\x00" + guildID + "\x00" + string(body)))
	hash := hex.EncodeToString(sum[:])
	key := []byte(appID + "/" + guildID)
	db := r.cfg.Memory.db
	var stored string
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketRegistration)
		if err != nil {
			return err
		}
		stored = string(b.Get(key))
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("register commands: %w", err)
	}
	if stored == hash {
		return false, nil
	}
	path := "applications/" + appID + "/commands"
	if guildID != "" {
		path = "applications/" + appID + "/guilds/" + guildID + "/commands"
	}
	if err := rest.do(ctx, http.MethodPut, path, defs, nil); err != nil {
		return false, fmt.Errorf("register commands: %w", err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRegistration).Put(key, []byte(hash))
	})
	if err != nil {
		return true, fmt.Errorf("remember command registration: %w", err)
	}
	return true, nil
}
