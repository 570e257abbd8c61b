// Package commands is Dossier's Discord front: the slash commands, the
// message command and the buttons, each defined next to its handler; a
// router that dispatches interactions to them; the rendering of answers
// into Discord messages within Discord's limits; and the two transports
// that bring interactions in, the gateway (through a discordgo session)
// and the HTTP interactions endpoint.
//
// Handlers are plain functions of (context, Request) to (Response,
// error) and know nothing of Discord's wire format or of discordgo; the
// router turns their responses into Discord's JSON, answers within the
// 3 s Discord allows (deferring and editing when an answer takes
// longer), logs every failure once with the command's name and shows the
// user a short private message. Every message allows no mentions.
//
// The package uses search for answers and discordgo only in
// transport.go; it must not import config or digest.
package commands
