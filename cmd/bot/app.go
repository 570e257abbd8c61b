package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dossier-bot/dossier/config"
	"github.com/dossier-bot/dossier/search"
	"github.com/dossier-bot/dossier/seeds"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // a runtime failure
	exitUsage   = 2 // a usage or configuration error
)

// usageError is an error in how the command was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// app holds what every command shares: the output streams, the
// environment and the global flags.
type app struct {
	stdout, stderr io.Writer
	env            []string
	configFile     string
	cmd            *cobra.Command // the root command, for its flags

	cfg *config.Config
	log *slog.Logger

	// now is the clock (time.Now when nil), and digestPoll how often
	// the digest scheduler looks at it: tests replace both.
	now        func() time.Time
	digestPoll time.Duration
}

// run runs the command line and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) int {
	return (&app{stdout: stdout, stderr: stderr, env: env}).run(ctx, args)
}

// run runs the command line with a's streams and environment.
func (a *app) run(ctx context.Context, args []string) int {
	stdout, stderr := a.stdout, a.stderr
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "dossier: "+strings.TrimPrefix(err.Error(), "dossier: "))
	var ue *usageError
	var ce *config.Error
	switch {
	case errors.As(err, &ue), errors.As(err, &ce):
		return exitUsage
	case isCobraUsage(err):
		fmt.Fprintln(stderr, "Run 'dossier --help' for usage.")
		return exitUsage
	}
	return exitFailure
}

// isCobraUsage reports whether cobra rejected the arguments.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "requires at most", "bad flag syntax"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "dossier",
		Short: "Answer questions from a folder of news articles, with quoted, attributed passages",
		Long: `Dossier reads a folder of news articles and answers questions with the
passages that answer them, quoted word for word, with their source and the
speaker of any quotation. It runs as a Discord bot (dossier serve) and on
the command line (dossier ask).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	pf := root.PersistentFlags()
	pf.StringVar(&a.configFile, "config", "", "configuration file (default: ./"+config.DefaultFile+" when it exists)")
	pf.String("corpus", "", "directory of articles (config corpus.dir; default: seeds)")
	pf.String("data", "", "directory for the index and state (config data.dir; default: data)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usagef("%v", err) })
	a.cmd = root
	root.AddCommand(a.serveCmd(), a.askCmd(), a.quotesCmd(), a.sourcesCmd(), a.indexCmd(), a.digestCmd(), a.versionCmd())
	return root
}

// setup loads the configuration and builds the logger.
func (a *app) setup() error {
	if a.cfg != nil {
		return nil
	}
	cfg, err := config.Load(a.configFile, a.env, a.cmd.PersistentFlags())
	if err != nil {
		return err
	}
	a.cfg = cfg
	a.log = newLogger(a.stderr, cfg.Log.Level, cfg.Log.Format)
	return nil
}

func newLogger(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	switch strings.ToLower(level) {
	case "debug":
		lv = slog.LevelDebug
	case "warn", "warning":
		lv = slog.LevelWarn
	case "error":
		lv = slog.LevelError
	default:
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	if strings.ToLower(format) == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// corpus returns the articles: the corpus directory, or the seeds built
// into the binary when the default directory does not exist.
func (a *app) corpus() fs.FS {
	if a.cfg.Corpus.Embedded {
		return seeds.FS()
	}
	return os.DirFS(a.cfg.Corpus.Dir)
}

// open opens the index in the data directory.
func (a *app) open() (*search.Index, error) {
	ix, err := search.Open(a.cfg.Data.Dir, search.Options{Logger: a.log, Aliases: a.cfg.Search.Aliases})
	if errors.Is(err, search.ErrLocked) {
		return nil, fmt.Errorf("%w; stop it or use another --data directory", err)
	}
	return ix, err
}

// openIndex opens the index and brings it up to date with the corpus.
// Unless verbose, the sync is reported only in the log at debug level.
func (a *app) openIndex(ctx context.Context) (*search.Index, search.SyncReport, error) {
	if err := a.setup(); err != nil {
		return nil, search.SyncReport{}, err
	}
	ix, err := a.open()
	if err != nil {
		return nil, search.SyncReport{}, err
	}
	rep, err := ix.Sync(ctx, a.corpus())
	if err != nil {
		ix.Close()
		return nil, rep, fmt.Errorf("index the corpus: %w", err)
	}
	a.log.Debug("index up to date", "report", rep.String(), "took", rep.Took)
	return ix, rep, nil
}
