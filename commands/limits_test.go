package commands

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dossier-bot/dossier/internal/fakediscord"
	"github.com/dossier-bot/dossier/search"
)

// checkCallback checks a callback against Discord's contract, with the
// same rules the fake Discord applies to every request in the end-to-end
// tests: the limits of DESIGN.md and an empty allowed_mentions list.
func checkCallback(t testing.TB, cb wireCallback) {
	t.Helper()
	body, err := json.Marshal(cb)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range fakediscord.ValidateCallback(0, body) {
		t.Errorf("callback breaks Discord's contract: %s\n%s", v, body)
	}
}

func TestRenderPassageCropsAroundTheAnswer(t *testing.T) {
	before := strings.Repeat("Filler words about the harbour and the council. ", 40)
	answer := "Alexander Litvinenko was killed in 2006 through polonium poisoning."
	after := strings.Repeat(" More words follow about other matters entirely.", 40)
	text := before + answer + after
	start := len(before)
	a := search.Span{Start: start, End: start + len(answer)}
	m := []search.Span{{Start: start + strings.Index(answer, "polonium"), End: start + strings.Index(answer, "polonium") + len("polonium")}}
	got := renderPassage(text, a, m, passageBudget)
	if n := utf8.RuneCountInString(got); n > passageBudget+100 {
		t.Errorf("rendered %d characters; want about %d", n, passageBudget)
	}
	if !strings.Contains(got, "**Alexander Litvinenko was killed in 2006 through**") && !strings.Contains(got, "**Alexander Litvinenko was killed in 2006 through polonium poisoning.**") {
		t.Errorf("answer not in bold: %q", got)
	}
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Errorf("cuts not marked with …: %q", got)
	}
	// Cuts fall between words.
	inner := strings.TrimSuffix(strings.TrimPrefix(got, "…"), "…")
	for _, w := range []string{inner[:strings.Index(inner, " ")], inner[strings.LastIndex(inner, " ")+1:]} {
		if !strings.Contains(text, " "+w+" ") && !strings.HasPrefix(text, w) && !strings.Contains(text, " "+w) {
			t.Errorf("cut inside a word: %q", w)
		}
	}
}

// TestLimitsHoldForHugeArticles renders answers from an article with a
// 10,000-character paragraph and a 300-character headline with Markdown
// and mentions in it: every part of every message stays within Discord's
// limits and nothing can ping or link.
func TestLimitsHoldForHugeArticles(t *testing.T) {
	headline := strings.Repeat("Very Long Headline About the @everyone [Harbour](https://evil.example) ", 5)
	para := strings.Repeat("The dredging of the northern channel **must** wait for <@&123> approval, said the harbour master. ", 110)
	ix, err := search.Open(t.TempDir(), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	fsys := mapFS(map[string]string{
		"huge.md":   "---\ntitle: \"" + headline + "\"\npublication: " + strings.Repeat("Gazette ", 60) + "\nurl: https://example.com/" + strings.Repeat("x", 3000) + "\n---\n\n" + para + "\n",
		"other.txt": "Harbour Notes\n\n" + strings.Repeat("Dredging the channel is a long job for the harbour. ", 60) + "\n",
	})
	if _, err := ix.Sync(context.Background(), fsys); err != nil {
		t.Fatal(err)
	}
	r, _ := newTestRouter(t, ix, nil)
	for _, q := range []string{"dredging harbour master", "northern channel approval"} {
		in := loadFixture(t, "ask.json")
		setOption(t, in, "question", q)
		cb := serveOne(t, r, in)
		checkCallback(t, cb)
		m := message(t, cb)
		if len(m.Embeds) == 0 {
			t.Fatalf("no embeds for %q", q)
		}
		text := allText(m)
		for _, bad := range []string{"@everyone", "](https://evil", "<@&123>"} {
			if unescaped(text, bad) {
				t.Errorf("unescaped %q in %q", bad, text)
			}
		}
	}
	cb := serveOne(t, r, loadFixture(t, "sources.json"))
	checkCallback(t, cb)
}

func setOption(t testing.TB, in *Interaction, name, value string) {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal(in.Data, &d); err != nil {
		t.Fatal(err)
	}
	opts, _ := d["options"].([]any)
	found := false
	for _, o := range opts {
		om := o.(map[string]any)
		if om["name"] == name {
			om["value"] = value
			found = true
		}
	}
	if !found {
		opts = append(opts, map[string]any{"name": name, "type": optionString, "value": value})
	}
	d["options"] = opts
	raw, _ := json.Marshal(d)
	in.Data = raw
}

func validateCallbackBody(body []byte) []string { return fakediscord.ValidateCallback(0, body) }

func validateCommandsBody(body []byte) []string { return fakediscord.ValidateCommands(body) }
