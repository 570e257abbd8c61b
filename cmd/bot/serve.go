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
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
	"github.com/spf13/cobra"

	"github.com/dossier-bot/dossier/commands"
	"github.com/dossier-bot/dossier/config"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/digest"
	"github.com/dossier-bot/dossier/search"
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
	state, err := a.openState()
	if err != nil {
		return err
	}
	defer state.Close()
	memory, err := commands.NewMemory(state, a.clock)
	if err != nil {
		return err
	}

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

	// Digests: first-seen times are recorded after every sync; posting
	// needs the bot token.
	store, err := digest.NewStore(state)
	if err != nil {
		return err
	}
	dcfg := digest.Config{
		Store: store, Corpus: ix, Source: a.corpusSource(), Logger: log, Now: a.clock, Poll: a.digestPoll,
		CatchUp: cfg.Digest.CatchUp, PostEmpty: cfg.Digest.PostEmpty,
		DefaultTime: cfg.Digest.Time, DefaultZone: cfg.Digest.Timezone,
	}
	if token != "" {
		dcfg.Poster = poster{rest}
	}
	digests := digest.New(dcfg)
	if err := digests.Observe(ix.Articles()); err != nil {
		return err
	}

	// The corpus folder is watched, and /add writes into it.
	var folder *corpus.Folder
	if !cfg.Corpus.Embedded {
		rescan := cfg.Corpus.Rescan
		if rescan == 0 {
			rescan = -1
		}
		folder = corpus.New(cfg.Corpus.Dir, ix, corpus.Options{
			Logger: log, Rescan: rescan, Now: a.clock,
			OnSync: func(search.SyncReport) {
				if err := digests.Observe(ix.Articles()); err != nil {
					log.Error("record new articles", "err", err)
				}
			},
		})
	}

	rateLimit := cfg.Limits.Questions
	if rateLimit == 0 {
		rateLimit = -1 // off
	}
	rcfg := commands.Config{
		Searcher:   ix,
		Memory:     memory,
		Logger:     log,
		Now:        a.clock,
		RateLimit:  rateLimit,
		RateWindow: cfg.Limits.Window,
	}
	if token != "" {
		rcfg.Digests = digestCommands{svc: digests, rest: rest}
	}
	if folder != nil && cfg.Corpus.AddPermission != "none" {
		rcfg.Library = library{folder}
		rcfg.AddPermission = addPermission(cfg.Corpus.AddPermission)
	}
	router := commands.New(rcfg)

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
			if g.Guild == nil || g.Unavailable || len(g.Channels) == 0 {
				return
			}
			// A paused digest's channel deleted while the bot was away.
			ids := make([]string, 0, len(g.Channels))
			for _, c := range g.Channels {
				ids = append(ids, c.ID)
			}
			digests.GuildChannels(g.ID, ids)
		})
		// A deleted channel's digest is paused (and removed a week later).
		session.AddHandler(func(_ *discordgo.Session, c *discordgo.ChannelDelete) {
			if c.Channel != nil {
				digests.ChannelDeleted(c.GuildID, c.ID)
			}
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
	// Background work: the corpus watcher and the digest scheduler.
	var background sync.WaitGroup
	if folder != nil {
		background.Go(func() { folder.Watch(work) })
	}
	if dcfg.Poster != nil {
		background.Go(func() { digests.Run(work) })
	}
	ready.Store(true)
	articles, passages := ix.Stats()
	subs, _ := digests.List("")
	watching := "built-in seeds (not watched)"
	if folder != nil {
		watching = folder.Dir()
	}
	log.Info("dossier is serving", "articles", articles, "passages", passages, "skipped", len(rep.Skipped),
		"corpus", watching, "digests", len(subs), "transports", transports)

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
	background.Wait()
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
