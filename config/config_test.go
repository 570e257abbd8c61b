package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// inDir runs the test in a temporary working directory, so that no
// dossier.yaml of the developer's is read.
func inDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}

func TestDefaults(t *testing.T) {
	inDir(t)
	cfg, err := Load("", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Discord: Discord{APIBaseURL: "https://discord.com"},
		Corpus:  Corpus{Dir: "seeds", Embedded: true, AddPermission: "manage_messages", Rescan: time.Minute},
		Data:    Data{Dir: "data"},
		Digest:  Digest{Time: "09:00", Timezone: "UTC", CatchUp: 6 * time.Hour},
		Log:     Log{Level: "info", Format: "text"},
		Limits:  Limits{Questions: 5, Window: 10 * time.Second},
	}
	if !reflect.DeepEqual(*cfg, want) {
		t.Errorf("Load with nothing set = %+v; want %+v", *cfg, want)
	}
}

func TestPrecedence(t *testing.T) {
	dir := inDir(t)
	for _, d := range []string{"file-corpus", "env-corpus", "flag-corpus"} {
		os.Mkdir(filepath.Join(dir, d), 0o755)
	}
	os.WriteFile(DefaultFile, []byte("corpus:\n  dir: file-corpus\ndata:\n  dir: file-data\nlog:\n  level: debug\n"), 0o644)
	env := []string{"DOSSIER_CORPUS_DIR=env-corpus", "DOSSIER_DATA_DIR=env-data", "PATH=/bin"}
	flags := pflag.NewFlagSet("test", pflag.ContinueOnError)
	flags.String("corpus", "", "")
	flags.String("data", "", "")
	flags.Parse([]string{"--corpus", "flag-corpus"})

	cfg, err := Load("", env, flags)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Corpus.Dir != "flag-corpus" {
		t.Errorf("corpus.dir = %q; want the flag's value", cfg.Corpus.Dir)
	}
	if cfg.Data.Dir != "env-data" {
		t.Errorf("data.dir = %q; want the environment's value over the file's", cfg.Data.Dir)
	}
	if cfg.Log.Level != "debug" {
		t.Errorf("log.level = %q; want the file's value over the default", cfg.Log.Level)
	}
	if cfg.File != DefaultFile {
		t.Errorf("File = %q; want %q", cfg.File, DefaultFile)
	}
}

func TestAliasesFromFileAndEnv(t *testing.T) {
	inDir(t)
	os.WriteFile("c.yaml", []byte("search:\n  aliases:\n    - [Kyiv, Kiev]\n    - [Navalny, Navalnyi, Navalniy]\n"), 0o644)
	cfg, err := Load("c.yaml", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"Kyiv", "Kiev"}, {"Navalny", "Navalnyi", "Navalniy"}}
	if !reflect.DeepEqual(cfg.Search.Aliases, want) {
		t.Errorf("aliases from file = %v; want %v", cfg.Search.Aliases, want)
	}
	cfg, err = Load("", []string{"DOSSIER_SEARCH_ALIASES=Kyiv,Kiev; Navalny, Navalnyi"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]string{{"Kyiv", "Kiev"}, {"Navalny", "Navalnyi"}}; !reflect.DeepEqual(cfg.Search.Aliases, want) {
		t.Errorf("aliases from env = %v; want %v", cfg.Search.Aliases, want)
	}
}

// TestBadValues checks that every bad value is reported with its key and
// a fix, in the form the command line prints before exiting 2.
func TestBadValues(t *testing.T) {
	for _, c := range []struct {
		name, file string
		env        []string
		key        string
	}{
		{"log level", "", []string{"DOSSIER_LOG_LEVEL=loud"}, "log.level"},
		{"log format", "log:\n  format: xml\n", nil, "log.format"},
		{"digest time", "", []string{"DOSSIER_DIGEST_TIME=25:00"}, "digest.time"},
		{"digest timezone", "digest:\n  timezone: Mars/Olympus\n", nil, "digest.timezone"},
		{"guild id", "", []string{"DOSSIER_DISCORD_GUILD_ID=my-server"}, "discord.guild_id"},
		{"application id", "", []string{"DOSSIER_DISCORD_APPLICATION_ID=12"}, "discord.application_id"},
		{"public key", "", []string{"DOSSIER_DISCORD_PUBLIC_KEY=abc"}, "discord.public_key"},
		{"api base url", "", []string{"DOSSIER_DISCORD_API_BASE_URL=discord.com"}, "discord.api_base_url"},
		{"api base url with path", "", []string{"DOSSIER_DISCORD_API_BASE_URL=https://discord.com/api/v10"}, "discord.api_base_url"},
		{"http addr", "", []string{"DOSSIER_HTTP_ADDR=8080"}, "http.addr"},
		{"missing corpus", "", []string{"DOSSIER_CORPUS_DIR=no/such/dir"}, "corpus.dir"},
		{"unknown key", "corpus:\n  directory: x\n", nil, "corpus.directory"},
		{"unknown env", "", []string{"DOSSIER_CORPUS_DIRS=x"}, "DOSSIER_CORPUS_DIRS"},
		{"bad yaml", "corpus: [unclosed\n", nil, "c.yaml"},
		{"aliases shape", "search:\n  aliases: [Kyiv, Kiev]\n", nil, "search.aliases"},
		{"token with space", "", []string{"DOSSIER_DISCORD_TOKEN=abc def"}, "discord.token"},
		{"question limit", "", []string{"DOSSIER_LIMITS_QUESTIONS=many"}, "limits.questions"},
		{"limit window", "limits:\n  window: 10\n", nil, "limits.window"},
		{"catch up", "", []string{"DOSSIER_DIGEST_CATCH_UP=forever"}, "digest.catch_up"},
		{"catch up too long", "digest:\n  catch_up: 72h\n", nil, "digest.catch_up"},
		{"post empty", "", []string{"DOSSIER_DIGEST_POST_EMPTY=sometimes"}, "digest.post_empty"},
		{"add permission", "corpus:\n  add_permission: editors\n", nil, "corpus.add_permission"},
		{"rescan", "", []string{"DOSSIER_CORPUS_RESCAN=1ms"}, "corpus.rescan"},
		{"section given a value", "log: debug\n", nil, "log"},
		{"section given a number", "digest: 5\n", nil, "digest"},
		{"unknown top-level key", "colour: red\n", nil, "colour"},
		{"digest time out of range", "digest:\n  time: \"24:30\"\n", nil, "digest.time"},
		{"digest offset out of range", "", []string{"DOSSIER_DIGEST_TIMEZONE=+15:00"}, "digest.timezone"},
	} {
		t.Run(c.name, func(t *testing.T) {
			inDir(t)
			path := ""
			if c.file != "" {
				path = "c.yaml"
				os.WriteFile(path, []byte(c.file), 0o644)
			}
			_, err := Load(path, c.env, nil)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("Load: %v; want a *config.Error", err)
			}
			if ce.Key != c.key {
				t.Errorf("error key %q; want %q (%v)", ce.Key, c.key, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "config: "+c.key+": ") || !strings.Contains(msg, "; ") || ce.Fix == "" {
				t.Errorf("message %q; want 'config: %s: <problem>; <fix>'", msg, c.key)
			}
		})
	}
}

func TestUnknownKeySuggestsTheKnownOne(t *testing.T) {
	inDir(t)
	os.WriteFile("c.yaml", []byte("log:\n  levl: debug\n"), 0o644)
	_, err := Load("c.yaml", nil, nil)
	if err == nil || !strings.Contains(err.Error(), "did you mean log.level?") {
		t.Errorf("Load: %v; want a suggestion of log.level", err)
	}
}

func TestMissingConfigFlagFile(t *testing.T) {
	inDir(t)
	_, err := Load("nope.yaml", nil, nil)
	var ce *Error
	if !errors.As(err, &ce) || ce.Key != "--config" {
		t.Errorf("Load(nope.yaml): %v; want an error for --config", err)
	}
}

func TestStringHidesToken(t *testing.T) {
	inDir(t)
	cfg, err := Load("", []string{"DOSSIER_DISCORD_TOKEN=secret-token-value"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.String(); strings.Contains(s, "secret-token-value") || !strings.Contains(s, "token=set") {
		t.Errorf("String() = %q; want the token hidden and reported as set", s)
	}
}

func TestDigestDefaultsTakeWhatSubscribeTakes(t *testing.T) {
	for _, c := range []struct{ time, zone string }{
		{"9am", "+02:00"}, {"1830", "london"}, {"18:30", "America/New_York"}, {"6:30 pm", "UTC"},
	} {
		inDir(t)
		cfg, err := Load("", []string{"DOSSIER_DIGEST_TIME=" + c.time, "DOSSIER_DIGEST_TIMEZONE=" + c.zone}, nil)
		if err != nil {
			t.Errorf("time %q, zone %q: %v; want them accepted, as /digest subscribe accepts them", c.time, c.zone, err)
			continue
		}
		if cfg.Digest.Time != c.time || cfg.Digest.Timezone != c.zone {
			t.Errorf("got %q %q; want %q %q", cfg.Digest.Time, cfg.Digest.Timezone, c.time, c.zone)
		}
	}
}

func TestSectionsInTheFile(t *testing.T) {
	// A section whose settings are all commented out is no error.
	inDir(t)
	os.WriteFile("c.yaml", []byte("digest:\n  # time: \"10:00\"\nlog:\n"), 0o644)
	if _, err := Load("c.yaml", nil, nil); err != nil {
		t.Errorf("Load with empty sections: %v; want no error", err)
	}
}

func TestDigestAndCorpusSettings(t *testing.T) {
	inDir(t)
	os.WriteFile("c.yaml", []byte("digest:\n  catch_up: 90m\n  post_empty: true\ncorpus:\n  add_permission: Everyone\n"), 0o644)
	cfg, err := Load("c.yaml", []string{"DOSSIER_CORPUS_RESCAN=off"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Digest.CatchUp != 90*time.Minute || !cfg.Digest.PostEmpty || cfg.Corpus.AddPermission != "everyone" || cfg.Corpus.Rescan != 0 {
		t.Errorf("digest %+v corpus %+v; want catch_up 90m, post_empty, everyone, rescan off", cfg.Digest, cfg.Corpus)
	}
}
