package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
	"github.com/spf13/cobra"
	bolt "go.etcd.io/bbolt"

	"github.com/dossier-bot/dossier/commands"
	"github.com/dossier-bot/dossier/config"
)

// drainTimeout is how long a shutdown waits for interactions in flight.
const drainTimeout = 5 * time.Second

func (a *app) serveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the Discord bot (gateway, and the HTTP endpoint when http.addr is set)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.serve(cmd.Context())
		},
	}
}

// errNoToken explains how to get a token, and how to try Dossier without
// one.
var errNoToken = usagef(`serve needs a Discord bot token: create an application at https://discord.com/developers/applications, add a bot to it, copy its token and set DOSSIER_DISCORD_TOKEN (see the README, "Running the bot"); to try Dossier without Discord, run: dossier ask "Who was killed with polonium?"`)

func (a *app) serve(ctx context.Context) error {
	if err := a.setup(); err != nil {
		return err
	}
	cfg := a.cfg
	token := strings.TrimPrefix(cfg.Discord.Token, "Bot ")
	if token == "" && cfg.HTTP.Addr == "" {
		return errNoToken
	}
	var publicKey ed25519.PublicKey
	if cfg.HTTP.Addr != "" {
		if cfg.Discord.PublicKey == "" {
			return &config.Error{Key: "discord.public_key", Problem: "is needed when http.addr is set", Fix: "copy the Public Key from the application's General Information page into DOSSIER_DISCORD_PUBLIC_KEY"}
		}
		k, _ := hex.DecodeString(cfg.Discord.PublicKey)
		publicKey = ed25519.PublicKey(k)
	}
	log := redactingLogger(a.log, token)

	ix, rep, err := a.openIndex(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	state, err := bolt.Open(filepath.Join(cfg.Data.Dir, "state.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("open state file: %w", err)
	}
	defer state.Close()
	memory, err := commands.NewMemory(state, time.Now)
	if err != nil {
		return err
	}
	rateLimit := cfg.Limits.Questions
	if rateLimit == 0 {
		rateLimit = -1 // off
	}
	router := commands.New(commands.Config{
		Searcher:   ix,
		Memory:     memory,
		Logger:     log,
		RateLimit:  rateLimit,
		RateWindow: cfg.Limits.Window,
	})

	// The session speaks to Discord (or to api_base_url: a proxy or a test
	// server); REST goes through its client and rate limiter.
	session, err := discordgo.New("Bot " + token)
	if err != nil {
		return fmt.Errorf("create Discord session: %w", err)
	}
	transport, err := commands.NewTransport(cfg.Discord.APIBaseURL, nil)
	if err != nil {
		return &config.Error{Key: "discord.api_base_url", Problem: err.Error(), Fix: "write a scheme and host such as https://discord.com"}
	}
	session.Client = &http.Client{Timeout: 20 * time.Second, Transport: transport}
	session.Identify.Intents = discordgo.IntentsGuilds
	session.LogLevel = discordgo.LogWarning
	useDiscordLogger(log)
	rest := commands.NewREST(session)

	// Interactions run under their own context: a shutdown stops taking
	// new ones at once but lets those in flight finish.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()

	var transports []string
	var ready atomic.Bool
	removeGateway := func() {}
	if token != "" {
		readyCh := make(chan *discordgo.Ready, 1)
		session.AddHandlerOnce(func(_ *discordgo.Session, r *discordgo.Ready) { readyCh <- r })
		session.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) {
			log.Info("guild available", "guild", g.ID, "name", g.Name)
		})
		removeGateway = router.ServeGateway(work, session, rest)
		if err := session.Open(); err != nil {
			return gatewayError(err)
		}
		defer session.Close()
		var r *discordgo.Ready
		select {
		case r = <-readyCh:
		case <-time.After(30 * time.Second):
			return errors.New("Discord's gateway did not send READY within 30 s")
		case <-ctx.Done():
			return nil
		}
		appID := cfg.Discord.ApplicationID
		if appID == "" && r.Application != nil {
			appID = r.Application.ID
		}
		var guilds []string
		for _, g := range r.Guilds {
			guilds = append(guilds, g.ID)
		}
		user := ""
		if r.User != nil {
			user = r.User.Username
		}
		log.Info("connected to Discord", "bot", user, "application", appID, "guilds", guilds)
		scope := "global"
		if cfg.Discord.GuildID != "" {
			scope = "guild " + cfg.Discord.GuildID
		}
		changed, err := router.Register(ctx, rest, appID, cfg.Discord.GuildID)
		switch {
		case err != nil:
			log.Error("command registration failed; the previous commands stay", "scope", scope, "err", err)
		case changed:
			log.Info("commands registered", "scope", scope)
		default:
			log.Info("commands unchanged since the last registration", "scope", scope)
		}
		transports = append(transports, "gateway")
	}

	var srv *http.Server
	if cfg.HTTP.Addr != "" {
		ln, err := net.Listen("tcp", cfg.HTTP.Addr)
		if err != nil {
			return fmt.Errorf("http.addr %s: %w", cfg.HTTP.Addr, err)
		}
		srv = &http.Server{
			Handler:           router.HTTPHandler(work, publicKey, rest, ready.Load),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      30 * time.Second,
		}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("HTTP endpoint stopped", "err", err)
			}
		}()
		transports = append(transports, "http "+ln.Addr().String())
		if token == "" {
			log.Warn("no bot token: commands are not registered; register them once by running serve with a token")
		}
	}
	ready.Store(true)
	articles, passages := ix.Stats()
	log.Info("dossier is serving", "articles", articles, "passages", passages, "skipped", len(rep.Skipped), "transports", transports)

	<-ctx.Done()
	log.Info("shutting down")
	ready.Store(false)
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
		srv.Shutdown(sctx)
		cancel()
	}
	removeGateway()
	if !router.Drain(drainTimeout) {
		log.Warn("interactions still running after the drain timeout; stopping them", "timeout", drainTimeout)
	}
	stopWork()
	return nil
}

// gatewayError explains a failure to connect to the gateway.
func gatewayError(err error) error {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		switch ce.Code {
		case 4004:
			return errors.New("Discord rejected the bot token (gateway close 4004): copy the token again from the Bot page of the developer portal into DOSSIER_DISCORD_TOKEN")
		case 4014:
			return errors.New("Discord refused the gateway intents (close 4014)")
		}
		return fmt.Errorf("Discord closed the gateway (code %d): %s", ce.Code, ce.Text)
	}
	return fmt.Errorf("connect to Discord's gateway: %w", err)
}

// redactingLogger returns a logger that never writes the token.
func redactingLogger(l *slog.Logger, token string) *slog.Logger {
	if token == "" {
		return l
	}
	return slog.New(&redactHandler{next: l.Handler(), secret: token})
}

// redactHandler replaces a secret in messages and attribute values.
type redactHandler struct {
	next   slog.Handler
	secret string
}

func (h *redactHandler) Enabled(ctx context.Context, lv slog.Level) bool {
	return h.next.Enabled(ctx, lv)
}

func (h *redactHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *redactHandler) attr(a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.redact(a.Value.String()))
	case slog.KindGroup:
		var as []any
		for _, g := range a.Value.Group() {
			as = append(as, h.attr(g))
		}
		return slog.Group(a.Key, as...)
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok {
			return slog.String(a.Key, h.redact(err.Error()))
		}
		return slog.String(a.Key, h.redact(a.Value.String()))
	}
	return a
}

func (h *redactHandler) redact(s string) string {
	return strings.ReplaceAll(s, h.secret, "<token>")
}

func (h *redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = h.attr(a)
	}
	return &redactHandler{next: h.next.WithAttrs(red), secret: h.secret}
}

func (h *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{next: h.next.WithGroup(name), secret: h.secret}
}

// discordgo logs through one package variable; it is set once, to a
// function that writes to the logger of the latest serve.
var (
	discordLog     atomic.Pointer[slog.Logger]
	discordLogOnce sync.Once
)

// useDiscordLogger routes discordgo's own log lines into l.
func useDiscordLogger(l *slog.Logger) {
	discordLog.Store(l)
	discordLogOnce.Do(func() {
		discordgo.Logger = func(msgL, caller int, format string, a ...any) {
			logDiscord(discordLog.Load(), msgL, format, a...)
		}
	})
}

// logDiscord writes one discordgo log line.
func logDiscord(l *slog.Logger, msgL int, format string, a ...any) {
	msg := "discordgo: " + fmt.Sprintf(format, a...)
	switch msgL {
	case discordgo.LogError:
		l.Error(msg)
	case discordgo.LogWarning:
		l.Warn(msg)
	case discordgo.LogInformational:
		l.Info(msg)
	default:
		l.Debug(msg)
	}
}
