// Command dossier is the Dossier bot and its command line: it answers
// questions from a folder of news articles with the passages that answer
// them, quoted word for word, with their source and speaker.
//
// It is the only place that wires the packages together: it reads flags
// and configuration, builds the logger, opens the index and handles
// signals.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Environ())
	stop()
	os.Exit(code)
}
