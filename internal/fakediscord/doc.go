// Package fakediscord owns a fake Discord for tests: an httptest server on
// loopback that speaks enough of Discord's REST API (v9 and v10) and of its
// websocket gateway for a real discordgo.Session to connect, receive
// INTERACTION_CREATE, answer it and register commands, while the fake
// records every request and checks it against Discord's documented
// contract.
//
// Point the session at the fake by giving it an http.Client whose
// RoundTripper sends https://discord.com to Server.URL: discordgo then asks
// the fake for GET /api/v9/gateway and dials the websocket URL the fake
// answers (the websocket dialer does not use the http.Client, so the
// gateway URL must come from the fake, and it does).
//
// The gateway follows Discord's protocol as discordgo v0.29.0 uses it:
// HELLO, IDENTIFY -> READY, RESUME -> replay -> RESUMED, heartbeats and
// their ACKs, op 7 (reconnect), op 9 (invalid session) and close codes.
// REST bodies are validated by rules written out by hand from Discord's
// documentation and its OpenAPI description (message limits, components,
// allowed_mentions, interaction callbacks, command definitions); every
// breach is answered like Discord answers it (mostly 400) and recorded in
// Server.Violations, which a test asserts is empty in one place.
//
// The package is test support: it must not import any package of the bot
// (commands, digest, search, config, cmd/bot), so any of them can use it,
// and nothing outside tests should import it.
package fakediscord
