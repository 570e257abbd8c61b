package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-bot/dossier/digest"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Config is Dossier's configuration. The zero value is not useful; use
// Load, which fills in the defaults.
type Config struct {
	Discord Discord
	Corpus  Corpus
	Data    Data
	HTTP    HTTP
	Digest  Digest
	Log     Log
	Search  Search
	Limits  Limits
	// File is the configuration file that was read, or "" when none was.
	File string
}

// Discord configures the connection to Discord.
type Discord struct {
	// Token is the bot token. It is a secret: String and LogValue never
	// show it.
	Token string
	// ApplicationID is learned from the gateway's READY when empty.
	ApplicationID string
	// GuildID, when set, registers commands in that guild only.
	GuildID string
	// PublicKey is the application's hex Ed25519 key, for the HTTP
	// interactions endpoint.
	PublicKey string
	// APIBaseURL is where REST calls go: https://discord.com, a rate-limit
	// proxy, or a test server.
	APIBaseURL string
}

// Corpus says where the articles are.
type Corpus struct {
	// Dir is the directory of articles (.txt and .md, recursively).
	Dir string
	// Embedded is true when Dir is the default and does not exist: the
	// seed articles built into the binary are the corpus.
	Embedded bool
	// AddPermission is who may add articles with /add: "everyone",
	// "manage_messages", "manage_channels", "manage_guild",
	// "administrator", or "none" (no /add).
	AddPermission string
	// Rescan is how often serve rereads the whole corpus, as a safety net
	// for file systems that miss change events; 0 turns it off.
	Rescan time.Duration
}

// Data says where the index and the state file live.
type Data struct{ Dir string }

// HTTP configures the interactions endpoint.
type HTTP struct {
	// Addr, e.g. ":8080", serves POST /interactions and GET /healthz;
	// empty disables the endpoint.
	Addr string
}

// Digest configures the daily digests.
type Digest struct {
	Time     string // default for new subscriptions: as /digest subscribe takes it (09:00, 9am)
	Timezone string // default for new subscriptions: IANA name or UTC offset
	// CatchUp is how late a missed digest may still be posted at start.
	CatchUp time.Duration
	// PostEmpty posts a short line on days with nothing new.
	PostEmpty bool
}

// Log configures the logger.
type Log struct {
	Level  string // debug, info, warn or error
	Format string // text or json
}

// Limits protect the bot from being flooded.
type Limits struct {
	// Questions per user within Window; 0 turns the limit off.
	Questions int
	Window    time.Duration
}

// Search tunes question answering.
type Search struct {
	// Aliases are groups of words or names that mean the same thing,
	// added to the built-in ones.
	Aliases [][]string
}

// DefaultFile is the configuration file read from the working directory
// when no --config flag is given.
const DefaultFile = "dossier.yaml"

// EnvPrefix is the prefix of the environment variables: DOSSIER_ plus the
// key in upper case with "." as "_" (DOSSIER_CORPUS_DIR).
const EnvPrefix = "DOSSIER"

// defaults lists every key with its default value.
var defaults = map[string]any{
	"discord.token":          "",
	"discord.application_id": "",
	"discord.guild_id":       "",
	"discord.public_key":     "",
	"discord.api_base_url":   "https://discord.com",
	"corpus.dir":             "seeds",
	"corpus.add_permission":  "manage_messages",
	"corpus.rescan":          "1m",
	"data.dir":               "data",
	"http.addr":              "",
	"digest.time":            "09:00",
	"digest.timezone":        "UTC",
	"digest.catch_up":        "6h",
	"digest.post_empty":      false,
	"log.level":              "info",
	"log.format":             "text",
	"search.aliases":         []any{},
	"limits.questions":       5,
	"limits.window":          "10s",
}

// Keys returns every configuration key, sorted.
func Keys() []string {
	keys := make([]string, 0, len(defaults))
	for k := range defaults {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Default returns the default value of a key as text.
func Default(key string) string {
	switch v := defaults[key].(type) {
	case string:
		return v
	case []any:
		return "[]"
	default:
		return fmt.Sprint(v)
	}
}

// Error is a configuration problem: which key, what is wrong with it, and
// how to fix it. Its message has the form
// "config: <key>: <problem>; <fix>".
type Error struct {
	Key, Problem, Fix string
}

func (e *Error) Error() string {
	return fmt.Sprintf("config: %s: %s; %s", e.Key, e.Problem, e.Fix)
}

// Flags maps command-line flag names to configuration keys.
var Flags = map[string]string{
	"corpus": "corpus.dir",
	"data":   "data.dir",
}

// Load reads the configuration: defaults, then the file (path, or
// DefaultFile in the working directory when path is ""), then the
// environment (env, as os.Environ returns it), then the flags of fs that
// were set. It validates the result and returns an *Error for the first
// problem found.
func Load(path string, env []string, flags *pflag.FlagSet) (*Config, error) {
	v := viper.New()
	for k, d := range defaults {
		v.SetDefault(k, d)
	}
	cfg := &Config{}
	file, explicit := path, path != ""
	if file == "" {
		file = DefaultFile
	}
	if _, err := os.Stat(file); err == nil {
		if err := readFile(v, file); err != nil {
			return nil, err
		}
		cfg.File = file
	} else if explicit {
		return nil, &Error{Key: "--config", Problem: fmt.Sprintf("file %q not found", path), Fix: "give the path of a YAML file, or leave --config out to use defaults"}
	}
	// The environment: given explicitly rather than read from the process,
	// so that tests control it.
	for _, kv := range env {
		k, val, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(k, EnvPrefix+"_") {
			continue
		}
		key := envKey(k)
		if key == "" {
			return nil, &Error{Key: k, Problem: "unknown environment variable", Fix: "use one of " + envNames()}
		}
		if key == "search.aliases" {
			groups, err := parseAliasEnv(val)
			if err != nil {
				return nil, &Error{Key: k, Problem: err.Error(), Fix: `write groups separated by ";" and words by ",": "Kyiv,Kiev;Navalny,Navalnyi"`}
			}
			v.Set(key, groups)
			continue
		}
		v.Set(key, val)
	}
	if flags != nil {
		for name, key := range Flags {
			if f := flags.Lookup(name); f != nil && f.Changed {
				v.Set(key, f.Value.String())
			}
		}
	}
	if err := fill(cfg, v); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// readFile reads a YAML configuration file into v, rejecting keys Dossier
// does not know (a typo would otherwise be ignored in silence).
func readFile(v *viper.Viper, file string) error {
	f := viper.New()
	f.SetConfigFile(file)
	f.SetConfigType("yaml")
	if err := f.ReadInConfig(); err != nil {
		return &Error{Key: file, Problem: "cannot read: " + oneLine(err.Error()), Fix: "fix the YAML syntax, or remove the file to use defaults"}
	}
	for _, k := range f.AllKeys() {
		if _, ok := defaults[k]; ok {
			continue
		}
		if keys := sectionKeys(k); len(keys) > 0 {
			if f.Get(k) == nil {
				continue // a section with every key commented out
			}
			return &Error{Key: k, Problem: "is a section in " + file + ", not a setting", Fix: "write its settings indented under it, such as " + strings.Join(keys, ", ")}
		}
		fix := "remove it; known keys are " + strings.Join(Keys(), ", ")
		if s := closest(k); s != "" {
			fix = "did you mean " + s + "?"
		}
		return &Error{Key: k, Problem: "unknown key in " + file, Fix: fix}
	}
	for _, k := range f.AllKeys() {
		v.Set(k, f.Get(k))
	}
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// envKey maps DOSSIER_CORPUS_DIR to corpus.dir, or returns "".
func envKey(name string) string {
	for k := range defaults {
		if name == envName(k) {
			return k
		}
	}
	return ""
}

func envName(key string) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// EnvName returns the environment variable that sets a key.
func EnvName(key string) string { return envName(key) }

func envNames() string {
	var names []string
	for _, k := range Keys() {
		names = append(names, envName(k))
	}
	return strings.Join(names, ", ")
}

// parseAliasEnv reads alias groups from an environment variable:
// groups separated by ";", words by ",".
func parseAliasEnv(s string) ([]any, error) {
	var out []any
	for _, g := range strings.Split(s, ";") {
		if strings.TrimSpace(g) == "" {
			continue
		}
		var words []any
		for _, w := range strings.Split(g, ",") {
			if w = strings.TrimSpace(w); w != "" {
				words = append(words, w)
			}
		}
		if len(words) < 2 {
			return nil, fmt.Errorf("group %q has fewer than two words", g)
		}
		out = append(out, words)
	}
	return out, nil
}

// fill copies the values of v into cfg.
func fill(cfg *Config, v *viper.Viper) error {
	str := func(key string) (string, error) {
		switch x := v.Get(key).(type) {
		case string:
			return strings.TrimSpace(x), nil
		case int, int64, float64, bool:
			return fmt.Sprint(x), nil
		case nil:
			return "", nil
		default:
			return "", &Error{Key: key, Problem: fmt.Sprintf("must be a string, not %T", x), Fix: "write it as a quoted string"}
		}
	}
	fields := []struct {
		key string
		dst *string
	}{
		{"discord.token", &cfg.Discord.Token},
		{"discord.application_id", &cfg.Discord.ApplicationID},
		{"discord.guild_id", &cfg.Discord.GuildID},
		{"discord.public_key", &cfg.Discord.PublicKey},
		{"discord.api_base_url", &cfg.Discord.APIBaseURL},
		{"corpus.dir", &cfg.Corpus.Dir},
		{"data.dir", &cfg.Data.Dir},
		{"http.addr", &cfg.HTTP.Addr},
		{"digest.time", &cfg.Digest.Time},
		{"digest.timezone", &cfg.Digest.Timezone},
		{"corpus.add_permission", &cfg.Corpus.AddPermission},
		{"log.level", &cfg.Log.Level},
		{"log.format", &cfg.Log.Format},
	}
	for _, f := range fields {
		s, err := str(f.key)
		if err != nil {
			return err
		}
		*f.dst = s
	}
	groups, err := aliasGroups(v.Get("search.aliases"))
	if err != nil {
		return err
	}
	cfg.Search.Aliases = groups
	q, err := str("limits.questions")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(q)
	if err != nil || n < 0 || n > 1000 {
		return &Error{Key: "limits.questions", Problem: fmt.Sprintf("%q is not a number of questions", q), Fix: "write a whole number from 0 (no limit) to 1000, e.g. 5"}
	}
	cfg.Limits.Questions = n
	w, err := str("limits.window")
	if err != nil {
		return err
	}
	d, err := time.ParseDuration(w)
	if err != nil || d < time.Second || d > time.Hour {
		return &Error{Key: "limits.window", Problem: fmt.Sprintf("%q is not a duration between 1s and 1h", w), Fix: "write a duration such as 10s or 1m"}
	}
	cfg.Limits.Window = d
	c, err := str("digest.catch_up")
	if err != nil {
		return err
	}
	if cfg.Digest.CatchUp, err = time.ParseDuration(c); err != nil || cfg.Digest.CatchUp < time.Minute || cfg.Digest.CatchUp > 24*time.Hour {
		return &Error{Key: "digest.catch_up", Problem: fmt.Sprintf("%q is not a duration between 1m and 24h", c), Fix: "write how late a missed digest may still be posted, e.g. 6h"}
	}
	pe, err := str("digest.post_empty")
	if err != nil {
		return err
	}
	if cfg.Digest.PostEmpty, err = strconv.ParseBool(pe); err != nil {
		return &Error{Key: "digest.post_empty", Problem: fmt.Sprintf("%q is not true or false", pe), Fix: "write true to post a short line on days with nothing new, or false"}
	}
	rs, err := str("corpus.rescan")
	if err != nil {
		return err
	}
	if rs == "0" || strings.EqualFold(rs, "off") {
		cfg.Corpus.Rescan = 0
	} else if cfg.Corpus.Rescan, err = time.ParseDuration(rs); err != nil || cfg.Corpus.Rescan < 5*time.Second {
		return &Error{Key: "corpus.rescan", Problem: fmt.Sprintf("%q is not a duration of 5s or more", rs), Fix: "write how often to reread the whole corpus, e.g. 1m, or off"}
	}
	if cfg.Corpus.Dir == defaults["corpus.dir"] {
		if _, err := os.Stat(cfg.Corpus.Dir); errors.Is(err, fs.ErrNotExist) {
			cfg.Corpus.Embedded = true
		}
	}
	return nil
}

func aliasGroups(x any) ([][]string, error) {
	bad := &Error{Key: "search.aliases", Problem: "must be a list of lists of words", Fix: "write e.g. [[Kyiv, Kiev], [Navalny, Navalnyi]]"}
	list, ok := x.([]any)
	if !ok {
		if x == nil {
			return nil, nil
		}
		if ss, ok := x.([]string); ok && len(ss) == 0 {
			return nil, nil
		}
		return nil, bad
	}
	var out [][]string
	for _, g := range list {
		items, ok := g.([]any)
		if !ok {
			return nil, bad
		}
		var words []string
		for _, it := range items {
			s, ok := it.(string)
			if !ok || strings.TrimSpace(s) == "" {
				return nil, bad
			}
			words = append(words, strings.TrimSpace(s))
		}
		if len(words) < 2 {
			return nil, &Error{Key: "search.aliases", Problem: fmt.Sprintf("group %v has fewer than two words", words), Fix: "list at least two words that mean the same thing in each group"}
		}
		out = append(out, words)
	}
	return out, nil
}

var (
	reSnowflake = regexp.MustCompile(`^[0-9]{15,21}$`)
	reHexKey    = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)
)

// Validate checks every value and returns an *Error for the first problem.
func (c *Config) Validate() error {
	if c.Discord.ApplicationID != "" && !reSnowflake.MatchString(c.Discord.ApplicationID) {
		return &Error{Key: "discord.application_id", Problem: fmt.Sprintf("%q is not a Discord ID", c.Discord.ApplicationID), Fix: "copy the Application ID from the Discord developer portal (a number of 17-20 digits), or leave it empty"}
	}
	if c.Discord.GuildID != "" && !reSnowflake.MatchString(c.Discord.GuildID) {
		return &Error{Key: "discord.guild_id", Problem: fmt.Sprintf("%q is not a Discord ID", c.Discord.GuildID), Fix: "right-click the server with Developer Mode on and Copy Server ID, or leave it empty for global commands"}
	}
	if c.Discord.PublicKey != "" && !reHexKey.MatchString(c.Discord.PublicKey) {
		return &Error{Key: "discord.public_key", Problem: "is not 64 hexadecimal characters", Fix: "copy the Public Key from the application's General Information page"}
	}
	if strings.ContainsAny(c.Discord.Token, " \t\n") {
		return &Error{Key: "discord.token", Problem: "contains white space", Fix: "copy the token again from the Bot page of the developer portal"}
	}
	u, err := url.Parse(c.Discord.APIBaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return &Error{Key: "discord.api_base_url", Problem: fmt.Sprintf("%q is not a base URL", c.Discord.APIBaseURL), Fix: "write a scheme and host such as https://discord.com or http://localhost:8081"}
	}
	c.Discord.APIBaseURL = strings.TrimSuffix(c.Discord.APIBaseURL, "/")
	if c.Corpus.Dir == "" {
		return &Error{Key: "corpus.dir", Problem: "is empty", Fix: "point it at the directory of articles"}
	}
	if !c.Corpus.Embedded {
		info, err := os.Stat(c.Corpus.Dir)
		switch {
		case err != nil:
			return &Error{Key: "corpus.dir", Problem: fmt.Sprintf("directory %q does not exist", c.Corpus.Dir), Fix: "create it, or point corpus.dir (--corpus, " + envName("corpus.dir") + ") at your articles"}
		case !info.IsDir():
			return &Error{Key: "corpus.dir", Problem: fmt.Sprintf("%q is not a directory", c.Corpus.Dir), Fix: "point corpus.dir at the directory that holds the articles"}
		}
	}
	if c.Data.Dir == "" {
		return &Error{Key: "data.dir", Problem: "is empty", Fix: "point it at a writable directory, e.g. data"}
	}
	if info, err := os.Stat(c.Data.Dir); err == nil && !info.IsDir() {
		return &Error{Key: "data.dir", Problem: fmt.Sprintf("%q is a file", c.Data.Dir), Fix: "point data.dir at a directory (it is created if missing)"}
	}
	if c.HTTP.Addr != "" {
		host, port, err := net.SplitHostPort(c.HTTP.Addr)
		p, perr := strconv.Atoi(port)
		if err != nil || perr != nil || p < 0 || p > 65535 || strings.ContainsAny(host, "/ ") {
			return &Error{Key: "http.addr", Problem: fmt.Sprintf("%q is not a listen address", c.HTTP.Addr), Fix: `write host:port or :port, e.g. ":8080"`}
		}
	}
	// The defaults of /digest subscribe: the forms it accepts.
	if _, err := digest.ParseTimeOfDay(c.Digest.Time); err != nil {
		return &Error{Key: "digest.time", Problem: err.Error(), Fix: "write HH:MM on a 24-hour clock, e.g. 09:00 (9am and 1830 work too)"}
	}
	if _, _, err := digest.ParseZone(c.Digest.Timezone); err != nil {
		return &Error{Key: "digest.timezone", Problem: err.Error(), Fix: "write an IANA name such as UTC, Europe/London or America/New_York, or an offset such as +02:00"}
	}
	switch strings.ToLower(c.Corpus.AddPermission) {
	case "everyone", "manage_messages", "manage_channels", "manage_guild", "administrator", "none":
		c.Corpus.AddPermission = strings.ToLower(c.Corpus.AddPermission)
	default:
		return &Error{Key: "corpus.add_permission", Problem: fmt.Sprintf("%q is not a permission", c.Corpus.AddPermission), Fix: "use everyone, manage_messages, manage_channels, manage_guild, administrator, or none to turn /add off"}
	}
	switch strings.ToLower(c.Log.Level) {
	case "debug", "info", "warn", "warning", "error":
	default:
		return &Error{Key: "log.level", Problem: fmt.Sprintf("%q is not a level", c.Log.Level), Fix: "use debug, info, warn or error"}
	}
	switch strings.ToLower(c.Log.Format) {
	case "text", "json":
	default:
		return &Error{Key: "log.format", Problem: fmt.Sprintf("%q is not a format", c.Log.Format), Fix: "use text or json"}
	}
	return nil
}

// String describes the configuration without its secrets.
func (c *Config) String() string {
	token := "unset"
	if c.Discord.Token != "" {
		token = "set"
	}
	corpus := c.Corpus.Dir
	if c.Corpus.Embedded {
		corpus = "embedded seeds"
	}
	return fmt.Sprintf("corpus=%s data=%s token=%s guild=%s http=%q api=%s", corpus, c.Data.Dir, token, c.Discord.GuildID, c.HTTP.Addr, c.Discord.APIBaseURL)
}

// sectionKeys returns the keys of section sec ("digest": digest.time,
// ...), or none when sec is not one.
func sectionKeys(sec string) []string {
	var out []string
	for _, k := range Keys() {
		if strings.HasPrefix(k, sec+".") {
			out = append(out, k)
		}
	}
	return out
}

// closest returns the known key nearest to an unknown one, if any is
// near enough to be a typo.
func closest(k string) string {
	best, bestD := "", 4
	for _, known := range Keys() {
		if d := editDistance(k, known); d < bestD {
			best, bestD = known, d
		}
	}
	if best == "" {
		// corpus.directory -> corpus.dir: same section, similar name.
		sec, _, ok := strings.Cut(k, ".")
		for _, known := range Keys() {
			if !ok {
				break
			}
			if ks, name, _ := strings.Cut(known, "."); ks == sec && strings.HasPrefix(k[len(sec)+1:], name[:min(3, len(name))]) {
				return known
			}
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
