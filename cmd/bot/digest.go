package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	bolt "go.etcd.io/bbolt"

	"github.com/dossier-bot/dossier/digest"
	"github.com/dossier-bot/dossier/search"
)

func (a *app) digestCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "digest",
		Short: "Daily digests of new articles",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usagef("digest needs a subcommand: dossier digest preview [--since 24h]")
		},
	}
	var since, topic string
	var asJSON bool
	preview := &cobra.Command{
		Use:   "preview [--since 24h] [--topic T] [--json]",
		Short: "Print the digest of the articles that entered the corpus recently",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			window, err := parseSince(since)
			if err != nil {
				return err
			}
			if t := strings.TrimSpace(topic); t != "" && len(search.Terms(t)) == 0 {
				return usagef("--topic %q has no word to match articles by: give a subject, such as Iran or elections, or leave it out", t)
			}
			return a.digestPreview(cmd.Context(), window, topic, asJSON)
		},
	}
	preview.Flags().StringVar(&since, "since", "24h", "how far back: a duration such as 24h, 90m or 7d")
	preview.Flags().StringVar(&topic, "topic", "", "only articles that match this topic")
	preview.Flags().BoolVar(&asJSON, "json", false, "machine-readable output")
	cmd.AddCommand(preview)
	return cmd
}

// parseSince reads --since: a Go duration, or a number of days ("7d").
func parseSince(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 && n <= 366 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d > 366*24*time.Hour {
		return 0, usagef("--since %q is not a duration of up to a year: write e.g. 24h, 90m or 7d", s)
	}
	return d, nil
}

// now is the app's clock.
func (a *app) clock() time.Time {
	if a.now != nil {
		return a.now()
	}
	return time.Now()
}

// corpusSource names the corpus for the digest's first-seen times: its
// folder, or the built-in seeds.
func (a *app) corpusSource() string {
	if a.cfg.Corpus.Embedded {
		return "seeds (built in)"
	}
	if abs, err := filepath.Abs(a.cfg.Corpus.Dir); err == nil {
		return abs
	}
	return a.cfg.Corpus.Dir
}

// openState opens the bot's state file in the data directory.
func (a *app) openState() (*bolt.DB, error) {
	path := filepath.Join(a.cfg.Data.Dir, "state.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("state file %s is in use by another dossier process; stop it or use another --data directory", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open state file: %w", err)
	}
	return db, nil
}

func (a *app) digestPreview(ctx context.Context, window time.Duration, topic string, asJSON bool) error {
	ix, _, err := a.openIndex(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	db, err := a.openState()
	if err != nil {
		return err
	}
	defer db.Close()
	store, err := digest.NewStore(db)
	if err != nil {
		return err
	}
	// The state file records when the articles of one corpus arrived. A
	// preview of another corpus must not rewrite that record: it uses a
	// scratch one, where articles are dated by their files.
	if src, err := store.Source(); err == nil && src != "" && src != a.corpusSource() {
		a.log.Info("the state file is about another corpus; previewing with a scratch one, articles dated by their files", "state_corpus", src)
		tmp, err := os.MkdirTemp("", "dossier-preview-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		scratch, err := bolt.Open(filepath.Join(tmp, "state.db"), 0o600, nil)
		if err != nil {
			return fmt.Errorf("scratch state file: %w", err)
		}
		defer scratch.Close()
		if store, err = digest.NewStore(scratch); err != nil {
			return err
		}
	}
	svc := digest.New(digest.Config{Store: store, Corpus: ix, Source: a.corpusSource(), Logger: a.log, Now: a.clock})
	if err := svc.Observe(ix.Articles()); err != nil {
		return err
	}
	now := a.clock()
	d, err := svc.Compose(ctx, now.Add(-window), now, topic)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(a.stdout, digestJSON(d))
	}
	a.printDigest(d)
	return nil
}

type jsonDigest struct {
	Since    string            `json:"since"`
	Through  string            `json:"through"`
	Topic    string            `json:"topic"`
	Articles []jsonDigestEntry `json:"articles"`
}

type jsonDigestEntry struct {
	Article   jsonArticle `json:"article"`
	FirstSeen string      `json:"first_seen"`
	Summary   []string    `json:"summary"`
	Quote     *jsonQuote  `json:"quote"`
}

func digestJSON(d *digest.Digest) jsonDigest {
	out := jsonDigest{Since: d.Since.UTC().Format(time.RFC3339), Through: d.Through.UTC().Format(time.RFC3339), Topic: d.Topic, Articles: []jsonDigestEntry{}}
	for _, it := range d.Items {
		e := jsonDigestEntry{Article: articleJSON(it.Article), FirstSeen: it.FirstSeen.UTC().Format(time.RFC3339), Summary: it.Summary}
		if e.Summary == nil {
			e.Summary = []string{}
		}
		if q := it.Quote; q != nil {
			e.Quote = &jsonQuote{Text: q.Text, Speaker: q.Speaker, Role: q.Role}
		}
		out.Articles = append(out.Articles, e)
	}
	return out
}

// printDigest writes a digest for a terminal.
func (a *app) printDigest(d *digest.Digest) {
	r := newRenderer(a.stdout)
	since := d.Since.Local().Format("Mon 2 Jan 2006, 15:04 MST")
	if len(d.Items) == 0 {
		fmt.Fprintf(a.stdout, "Nothing new in the articles since %s.\n", since)
		return
	}
	head := fmt.Sprintf("Digest: %d new %s since %s", len(d.Items), plural(len(d.Items), "article", "articles"), since)
	if d.Topic != "" {
		head += fmt.Sprintf(" (on %q)", d.Topic)
	}
	fmt.Fprintln(a.stdout, r.style(head, ansiBold))
	for _, it := range d.Items {
		fmt.Fprintln(a.stdout)
		fmt.Fprintln(a.stdout, r.style(it.Article.Title, ansiBold))
		if src := sourceLine(it.Article, ""); src != "" && src != it.Article.Title {
			fmt.Fprintln(a.stdout, "  "+r.style(strings.TrimPrefix(src, it.Article.Title+" · "), ansiDim))
		}
		if it.Article.URL != "" {
			fmt.Fprintln(a.stdout, "  "+r.style(it.Article.URL, ansiDim))
		}
		for _, l := range wrapWords(strings.Join(it.Summary, " "), r.width-2) {
			fmt.Fprintln(a.stdout, "  "+l)
		}
		if q := it.Quote; q != nil {
			for _, l := range wrapWords("“"+q.Text+"”", r.width-4) {
				fmt.Fprintln(a.stdout, "    "+l)
			}
			who := q.Speaker
			if q.Title != "" {
				who = q.Title + " " + who
			}
			if q.Role != "" {
				who += ", " + q.Role
			}
			fmt.Fprintln(a.stdout, "    "+r.style("— "+who, ansiCyan))
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
