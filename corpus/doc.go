// Package corpus owns the corpus folder: it keeps the index current while
// the bot runs, by watching the folder for changes, and it writes the
// articles users add into it.
//
// A Folder wraps a directory of article files and the index built from
// it. Watch syncs the index after file-system events (fsnotify, with a
// periodic full rescan as a safety net), waiting until a burst of events
// is over and until files have stopped being written, so that a
// half-copied article is never indexed. Add composes an article from a
// form (Markdown with YAML front matter) or takes an uploaded file,
// validates it with the article parser, writes it atomically under a name
// that never overwrites anything, and indexes it. Every sync, whoever
// starts it, runs one at a time.
//
// The package uses search for parsing and indexing. It must not import
// discordgo, commands, digest or cmd/bot: it knows nothing of Discord, and
// the command that lets users add articles calls it.
package corpus
