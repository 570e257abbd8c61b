package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/search"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var reScore = regexp.MustCompile(`"score": [0-9.e+-]+`)

// dossier runs the command line in-process against the seed articles with
// a fresh data directory, and returns its exit status and output.
func dossier(t *testing.T, dataDir string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	all := append([]string{"--corpus", "../../seeds", "--data", dataDir}, args...)
	code := run(context.Background(), all, &stdout, &stderr, []string{"PATH=" + os.Getenv("PATH")})
	return code, stdout.String(), stderr.String()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

// TestJSONContract checks the --json outputs against golden files: the
// shapes of DESIGN.md that scripts rely on.
func TestJSONContract(t *testing.T) {
	data := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
	}{
		{"ask.golden.json", []string{"ask", "--json", "-n", "2", "What did the Foreign Ministry spokesperson say about the accusations?"}},
		{"ask-filtered.golden.json", []string{"ask", "--json", "--speaker", "Clarke", "nuclear weapons"}},
		{"ask-none.golden.json", []string{"ask", "--json", "--source", "no such article", "polonium"}},
		{"quotes.golden.json", []string{"quotes", "--json", "--speaker", "Tashjian"}},
		{"sources.golden.json", []string{"sources", "--json"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := dossier(t, data, c.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !json.Valid([]byte(out)) {
				t.Fatalf("not JSON: %s", out)
			}
			// Scores move whenever ranking is tuned; the golden files
			// pin everything else.
			out = reScore.ReplaceAllString(out, `"score": 0`)
			golden(t, c.name, []byte(out))
		})
	}
}

// TestAskJSONShape checks the field names and types of ask --json
// without depending on ranking.
func TestAskJSONShape(t *testing.T) {
	code, out, errOut := dossier(t, t.TempDir(), "ask", "--json", "sanctions")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v struct {
		Query      *string `json:"query"`
		Suggestion *string `json:"suggestion"`
		Results    []struct {
			Rank    *int     `json:"rank"`
			Score   *float64 `json:"score"`
			Article struct {
				ID, Title, Author, Publication, Published, URL, Path *string
			} `json:"article"`
			Passage struct {
				Index   *int    `json:"index"`
				Section *string `json:"section"`
				Text    *string `json:"text"`
				Answer  *string `json:"answer"`
			} `json:"passage"`
			Quotes []struct{ Text, Speaker, Role *string } `json:"quotes"`
		} `json:"results"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	if v.Query == nil || v.Suggestion == nil || len(v.Results) == 0 {
		t.Fatalf("missing query, suggestion or results: %s", out)
	}
	for i, r := range v.Results {
		if r.Rank == nil || *r.Rank != i+1 || r.Score == nil || r.Article.ID == nil || r.Article.Path == nil || r.Passage.Text == nil || r.Passage.Answer == nil || r.Quotes == nil {
			t.Errorf("result %d lacks a field: %s", i, out)
		}
		if !strings.Contains(*r.Passage.Text, *r.Passage.Answer) {
			t.Errorf("answer %q is not in the passage text", *r.Passage.Answer)
		}
	}
}

func TestAskHumanOutput(t *testing.T) {
	code, out, errOut := dossier(t, t.TempDir(), "ask", "-n", "1", "What did Nasser Kanani say?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{"1. “", "»", "«", "— Nasser Kanani, Foreign Ministry spokesperson · Iran Accused of Hiring Criminal Gangs", "Naomi Ellis · 2025-05-15"} {
		if !strings.Contains(flat, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour codes written to a non-terminal:\n%q", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if n := len([]rune(line)); n > 82 {
			t.Errorf("line of %d columns; want wrapped to 80: %q", n, line)
		}
	}
}

func TestAskSpellingAndNoResults(t *testing.T) {
	data := t.TempDir()
	code, out, _ := dossier(t, data, "ask", "-n", "1", "What did Carl Bilt say?")
	if code != 0 || !strings.Contains(out, "Did you mean:") || !strings.Contains(out, "Bildt") {
		t.Errorf("exit %d, output:\n%s\nwant a did-you-mean with Bildt", code, out)
	}
	code, out, _ = dossier(t, data, "ask", "zxqv wrpt")
	if code != 0 || !strings.Contains(out, "No passage answers") || !strings.Contains(out, "closest articles") {
		t.Errorf("exit %d, output:\n%s\nwant no results with the closest articles", code, out)
	}
}

// TestAskWithFiltersThatMatchNothing names the filter, not the
// question, as what found nothing.
func TestAskWithFiltersThatMatchNothing(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{
		{"--source", "no such article"},
		{"--speaker", "Nobody Atall"},
		{"--until", "1990-01-01"},
	} {
		code, out, _ := dossier(t, data, append(append([]string{"ask"}, args...), "polonium")...)
		if code != 0 || !strings.Contains(out, args[0]) || !strings.Contains(out, "Leave the filters out") {
			t.Errorf("ask %v polonium: exit %d, output:\n%s\nwant the filter named as what found nothing", args, code, out)
		}
	}
}

func TestExitStatus(t *testing.T) {
	data := t.TempDir()
	for _, c := range []struct {
		name    string
		args    []string
		env     []string
		code    int
		message string
	}{
		{"no question", []string{"ask"}, nil, exitUsage, "ask needs a question"},
		{"blank question", []string{"ask", "   "}, nil, exitUsage, "ask needs a question"},
		{"question of punctuation", []string{"ask", "?!"}, nil, exitUsage, "no words to search for"},
		{"bad -n", []string{"ask", "-n", "0", "x"}, nil, exitUsage, "-n must be between 1 and 50"},
		{"bad date", []string{"ask", "--since", "last week", "x"}, nil, exitUsage, "--since \"last week\" is not a date"},
		{"reversed dates", []string{"ask", "--since", "2025-02-01", "--until", "2025-01-01", "x"}, nil, exitUsage, "is before --since"},
		{"unknown flag", []string{"ask", "--colour", "x"}, nil, exitUsage, "unknown flag"},
		{"unknown command", []string{"frobnicate"}, nil, exitUsage, "unknown command"},
		{"bad config value", []string{"sources"}, []string{"DOSSIER_LOG_LEVEL=loud"}, exitUsage, "config: log.level: \"loud\" is not a level; use debug, info, warn or error"},
		{"missing config file", []string{"--config", "nope.yaml", "sources"}, nil, exitUsage, "config: --config: file \"nope.yaml\" not found"},
		{"extra argument", []string{"sources", "extra"}, nil, exitUsage, "unknown command"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"--corpus", "../../seeds", "--data", data}, c.args...)
			code := run(context.Background(), args, &stdout, &stderr, c.env)
			if code != c.code {
				t.Errorf("exit %d; want %d (stderr %q)", code, c.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.message) {
				t.Errorf("stderr %q; want it to say %q", stderr.String(), c.message)
			}
			if lines := strings.Count(strings.TrimSpace(stderr.String()), "\n"); lines > 1 {
				t.Errorf("stderr has %d lines; want a one-line message (and at most a usage hint)", lines+1)
			}
		})
	}
}

func TestLockedDataDir(t *testing.T) {
	data := t.TempDir()
	ix, err := search.Open(data, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	code, _, errOut := dossier(t, data, "ask", "polonium")
	if code != exitFailure {
		t.Errorf("exit %d; want %d", code, exitFailure)
	}
	if !regexp.MustCompile(`data dir in use by another dossier process \(pid \d+\)`).MatchString(errOut) {
		t.Errorf("stderr %q; want it to say the data dir is in use and by which pid", errOut)
	}
}

func TestIndexAndVersion(t *testing.T) {
	data := t.TempDir()
	code, out, errOut := dossier(t, data, "index")
	if code != 0 || !regexp.MustCompile(`^indexed 3 articles \(3 new, 0 changed, 0 removed\), \d+ passages in `).MatchString(out) {
		t.Errorf("index: exit %d, %q %q", code, out, errOut)
	}
	code, out, _ = dossier(t, data, "index", "--rebuild")
	if code != 0 || !strings.HasPrefix(out, "indexed 3 articles (3 new, 0 changed, 0 removed)") {
		t.Errorf("index --rebuild: exit %d, %q; want all three indexed again", code, out)
	}
	code, out, _ = dossier(t, data, "version")
	if code != 0 || !regexp.MustCompile(`^dossier \S+ \(go\S+, index dossier-index-\d+\)\n$`).MatchString(out) {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

// TestEmbeddedSeeds runs with no corpus directory and no configuration,
// as a newcomer does: the seeds built into the binary are the corpus.
func TestEmbeddedSeeds(t *testing.T) {
	t.Chdir(t.TempDir())
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"ask", "--json", "-n", "1", "Novichok"}, &stdout, &stderr, nil)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Novichok nerve agent") {
		t.Errorf("no seed passage in %s", stdout.String())
	}
	if _, err := os.Stat("data/catalog.db"); err != nil {
		t.Errorf("default data dir not created in the working directory: %v", err)
	}
}
