package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dossier-bot/dossier/search"
)

func (a *app) quotesCmd() *cobra.Command {
	var speaker string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "quotes [--speaker S] [--json]",
		Short: "List the attributed quotations of the corpus",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ix, _, err := a.openIndex(cmd.Context())
			if err != nil {
				return err
			}
			defer ix.Close()
			qs, err := ix.Quotes(speaker)
			if err != nil {
				return err
			}
			if asJSON {
				type jq struct {
					Text         string      `json:"text"`
					Speaker      string      `json:"speaker"`
					Role         string      `json:"role"`
					Article      jsonArticle `json:"article"`
					PassageIndex int         `json:"passage_index"`
				}
				out := struct {
					Quotes []jq `json:"quotes"`
				}{Quotes: []jq{}}
				for _, q := range qs {
					out.Quotes = append(out.Quotes, jq{Text: q.Text, Speaker: q.Speaker, Role: q.Role, Article: articleJSON(q.Article), PassageIndex: q.PassageIndex})
				}
				return writeJSON(a.stdout, out)
			}
			r := newRenderer(a.stdout)
			shown := 0
			for _, q := range qs {
				if q.Speaker == "" {
					continue
				}
				if shown > 0 {
					fmt.Fprintln(a.stdout)
				}
				shown++
				who := q.Speaker
				if q.Title != "" {
					who = q.Title + " " + who
				}
				if q.Role != "" {
					who += ", " + q.Role
				}
				for _, l := range wrapWords("“"+q.Text+"”", r.width-2) {
					fmt.Fprintln(a.stdout, "  "+l)
				}
				fmt.Fprintln(a.stdout, "  "+r.style("— "+sourceLine(q.Article, who), ansiCyan))
			}
			if shown == 0 {
				if speaker != "" {
					fmt.Fprintf(a.stdout, "No quotation is attributed to %q. Run 'dossier quotes' to see who is quoted.\n", speaker)
				} else {
					fmt.Fprintln(a.stdout, "No attributed quotations in the corpus.")
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&speaker, "speaker", "", "only quotations by this speaker (words of the name)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "machine-readable output")
	return cmd
}

func (a *app) sourcesCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sources [--json]",
		Short: "List the indexed articles with their metadata",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ix, _, err := a.openIndex(cmd.Context())
			if err != nil {
				return err
			}
			defer ix.Close()
			arts := ix.Articles()
			if asJSON {
				type js struct {
					jsonArticle
					Passages int `json:"passages"`
					Quotes   int `json:"quotes"`
				}
				out := struct {
					Articles []js `json:"articles"`
				}{Articles: []js{}}
				for _, ar := range arts {
					out.Articles = append(out.Articles, js{jsonArticle: articleJSON(ar), Passages: ar.Passages, Quotes: ar.Quotes})
				}
				return writeJSON(a.stdout, out)
			}
			if len(arts) == 0 {
				fmt.Fprintln(a.stdout, "No articles indexed. Put .txt or .md files in the corpus directory and run 'dossier index'.")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PUBLISHED\tTITLE\tPUBLICATION\tAUTHOR\tPASSAGES\tQUOTES\tID")
			for _, ar := range arts {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", orDash(ar.PublishedDate()), clip(ar.Title, 60), orDash(clip(ar.Publication, 24)), orDash(clip(ar.Author, 24)), ar.Passages, ar.Quotes, ar.ID)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "machine-readable output")
	return cmd
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func (a *app) indexCmd() *cobra.Command {
	var rebuild bool
	cmd := &cobra.Command{
		Use:   "index [--rebuild]",
		Short: "Bring the index up to date with the corpus",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.setup(); err != nil {
				return err
			}
			ix, err := a.open()
			if err != nil {
				return err
			}
			defer ix.Close()
			if rebuild {
				if err := ix.Rebuild(); err != nil {
					return err
				}
			}
			rep, err := ix.Sync(cmd.Context(), a.corpus())
			if err != nil {
				return fmt.Errorf("index the corpus: %w", err)
			}
			for _, s := range rep.Skipped {
				fmt.Fprintf(a.stderr, "skipped %s: %s\n", s.Path, s.Reason)
			}
			fmt.Fprintf(a.stdout, "%s in %s\n", rep, roundDuration(rep.Took))
			return nil
		},
	}
	cmd.Flags().BoolVar(&rebuild, "rebuild", false, "discard the index and index every article again")
	return cmd
}

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module's build information.
var version = ""

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := version
			if v == "" {
				v = "devel"
				if bi, ok := debug.ReadBuildInfo(); ok {
					if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
						v = bi.Main.Version
					}
					for _, s := range bi.Settings {
						if s.Key == "vcs.revision" && len(s.Value) >= 12 {
							v += "+" + s.Value[:12]
						}
					}
				}
			}
			fmt.Fprintf(a.stdout, "dossier %s (%s, index %s)\n", strings.TrimSpace(v), runtime.Version(), search.IndexVersion)
			return nil
		},
	}
}

// roundDuration rounds a duration for people: 3ms, 1.2s, 45s.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond)
	case d < time.Second:
		return d.Round(time.Millisecond)
	default:
		return d.Round(100 * time.Millisecond)
	}
}
