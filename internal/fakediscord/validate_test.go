package fakediscord

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// ruleCase is one body and the problem it must produce ("" for none).
type ruleCase struct {
	name string
	body string
	want string
}

// runRules decodes each body, validates it and checks the problems.
func runRules(t *testing.T, cases []ruleCase, validate func(p *problems, v any)) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := decodeJSON([]byte(tc.body))
			if err != nil {
				t.Fatalf("bad test body %.80s: %v", tc.body, err)
			}
			var p problems
			validate(&p, v)
			switch {
			case tc.want == "" && len(p) > 0:
				t.Errorf("got problems %q; want none", p)
			case tc.want != "" && !strings.Contains(strings.Join(p, "\n"), tc.want):
				t.Errorf("got problems %q; want one containing %q", p, tc.want)
			}
		})
	}
}

// msg is a message body with allowed_mentions and the given fields.
func msg(fields string) string {
	if fields == "" {
		return `{"allowed_mentions":{"parse":[]}}`
	}
	return `{"allowed_mentions":{"parse":[]},` + fields + `}`
}

// rep repeats a character n times, as a JSON string.
func rep(s string, n int) string { return `"` + strings.Repeat(s, n) + `"` }

func embed(fields string) string { return msg(`"embeds":[{` + fields + `}]`) }

func buttons(list ...string) string {
	return msg(`"components":[{"type":1,"components":[` + strings.Join(list, ",") + `]}]`)
}

func button(id string) string {
	return `{"type":2,"style":1,"label":"More","custom_id":"` + id + `"}`
}

func repeatJSON(item string, n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = item
	}
	return strings.Join(items, ",")
}

func TestMessageRules(t *testing.T) {
	t.Parallel()
	row := `{"type":1,"components":[` + button("a") + `]}`
	cases := []ruleCase{
		{"content", msg(`"content":"hello"`), ""},
		{"allowed_mentions missing", `{"content":"hi"}`, "allowed_mentions: missing"},
		{"allowed_mentions null", `{"content":"hi","allowed_mentions":null}`, "allowed_mentions: is null"},
		{"parse missing", `{"content":"hi","allowed_mentions":{}}`, "allowed_mentions.parse: missing"},
		{"parse null", `{"content":"hi","allowed_mentions":{"parse":null}}`, "allowed_mentions.parse: is null"},
		{"parse everyone", `{"content":"hi","allowed_mentions":{"parse":["everyone"]}}`, "no mention type may be parsed"},
		{"users listed", `{"content":"hi","allowed_mentions":{"parse":[],"users":["1"]}}`, "allowed_mentions.users: lists 1 IDs"},
		{"roles listed", `{"content":"hi","allowed_mentions":{"parse":[],"roles":["1"]}}`, "allowed_mentions.roles: lists 1 IDs"},
		{"empty users", `{"content":"hi","allowed_mentions":{"parse":[],"users":[],"roles":null,"replied_user":false}}`, ""},
		{"replied_user", `{"content":"hi","allowed_mentions":{"parse":[],"replied_user":true}}`, "replied_user: true"},
		{"content 2000 runes", msg(`"content":` + rep("é", 2000)), ""},
		{"content 2001 runes", msg(`"content":` + rep("é", 2001)), "content: 2001 characters; max 2000"},
		{"content not a string", msg(`"content":5`), "content: is a number"},
		{"empty", msg(""), "empty message"},
		{"empty content", msg(`"content":"","embeds":[],"components":null`), "empty message"},
		{"only an embed", embed(`"title":"t"`), ""},
		{"only components", buttons(button("a")), ""},
		{"10 embeds", msg(`"embeds":[` + repeatJSON(`{"title":"t"}`, 10) + `]`), ""},
		{"11 embeds", msg(`"embeds":[` + repeatJSON(`{"title":"t"}`, 11) + `]`), "11 embeds; max 10"},
		{"title 256", embed(`"title":` + rep("a", 256)), ""},
		{"title 257", embed(`"title":` + rep("a", 257)), "embeds[0].title: 257 characters; max 256"},
		{"description 4096", embed(`"description":` + rep("a", 4096)), ""},
		{"description 4097", embed(`"description":` + rep("a", 4097)), "description: 4097 characters; max 4096"},
		{"25 fields", embed(`"fields":[` + repeatJSON(`{"name":"n","value":"v"}`, 25) + `]`), ""},
		{"26 fields", embed(`"fields":[` + repeatJSON(`{"name":"n","value":"v"}`, 26) + `]`), "26 fields; max 25"},
		{"field name empty", embed(`"fields":[{"name":"","value":"v"}]`), "fields[0].name: 0 characters; want 1 to 256"},
		{"field name 257", embed(`"fields":[{"name":` + rep("n", 257) + `,"value":"v"}]`), "fields[0].name: 257 characters"},
		{"field value empty", embed(`"fields":[{"name":"n","value":""}]`), "fields[0].value: 0 characters; want 1 to 1024"},
		{"field value missing", embed(`"fields":[{"name":"n"}]`), "fields[0].value: missing"},
		{"field value 1025", embed(`"fields":[{"name":"n","value":` + rep("v", 1025) + `}]`), "value: 1025 characters; want 1 to 1024"},
		{"footer 2048", embed(`"footer":{"text":` + rep("f", 2048) + `}`), ""},
		{"footer 2049", embed(`"footer":{"text":` + rep("f", 2049) + `}`), "footer.text: 2049 characters"},
		{"author 257", embed(`"author":{"name":` + rep("a", 257) + `}`), "author.name: 257 characters"},
		{"url", embed(`"title":"t","url":"https://example.com/a?b=c"`), ""},
		{"url relative", embed(`"title":"t","url":"/a"`), `"/a" is not a valid absolute http/https URL`},
		{"url ftp", embed(`"title":"t","url":"ftp://example.com"`), "is not a valid absolute http/https URL"},
		{"url 2049", embed(`"title":"t","url":"https://e.com/` + strings.Repeat("a", 2035) + `"`), "URL of 2049 characters; max 2048"},
		{"author url", embed(`"author":{"name":"a","url":"example.com"}`), "author.url"},
		{"color", embed(`"title":"t","color":16777216`), "color: 16777216"},
		{"timestamp", embed(`"title":"t","timestamp":"yesterday"`), "not an ISO 8601 timestamp"},
		{"empty embed", embed(`"color":5`), "empty embed"},
		{"6000 in all", msg(`"embeds":[{"description":` + rep("a", 4000) + `},{"description":` + rep("b", 2000) + `}]`), ""},
		{"6001 in all", msg(`"embeds":[{"description":` + rep("a", 4000) + `},{"title":"t","description":` + rep("b", 2000) + `}]`), "6001 characters in all embeds together; max 6000"},
		{"one embed over 6000", msg(`"embeds":[{"title":` + rep("t", 256) + `,"description":` + rep("d", 4096) + `,"fields":[{"name":` + rep("n", 256) + `,"value":` + rep("v", 1024) + `}],"footer":{"text":` + rep("f", 400) + `}}]`), "6032 characters in all embeds together"},
		{"5 rows, one custom_id", msg(`"components":[` + repeatJSON(row, 5) + `]`), `"a" is also used at`},
		{"6 rows", msg(`"components":[` + repeatJSON(row, 6) + `]`), "6 action rows; max 5"},
		{"5 buttons", buttons(button("a"), button("b"), button("c"), button("d"), `{"type":2,"style":5,"label":"Read","url":"https://example.com"}`), ""},
		{"6 buttons", buttons(button("a"), button("b"), button("c"), button("d"), button("e"), button("f")), "6 components in an action row; want 1 to 5"},
		{"empty row", buttons(), "0 components in an action row"},
		{"button outside a row", msg(`"components":[` + button("a") + `]`), "top-level message components must be action rows"},
		{"duplicate custom_id", buttons(button("a"), button("a")), `"a" is also used at components[0].components[0]`},
		{"custom_id 100", buttons(button(strings.Repeat("x", 100))), ""},
		{"custom_id 101", buttons(button(strings.Repeat("x", 101))), "custom_id: 101 characters; want 1 to 100"},
		{"custom_id missing", buttons(`{"type":2,"style":2,"label":"L"}`), "custom_id: missing"},
		{"style 6", buttons(`{"type":2,"style":6,"label":"L","custom_id":"a"}`), "style: 6; want 1 to 5"},
		{"style missing", buttons(`{"type":2,"label":"L","custom_id":"a"}`), "style: null; want 1 to 5"},
		{"label 80", buttons(`{"type":2,"style":1,"label":` + rep("l", 80) + `,"custom_id":"a"}`), ""},
		{"label 81", buttons(`{"type":2,"style":1,"label":` + rep("l", 81) + `,"custom_id":"a"}`), "label: 81 characters; max 80"},
		{"no label", buttons(`{"type":2,"style":1,"custom_id":"a"}`), "needs a label or an emoji"},
		{"link with custom_id", buttons(`{"type":2,"style":5,"label":"L","url":"https://e.com","custom_id":"a"}`), "link button (style 5) must not have a custom_id"},
		{"link without url", buttons(`{"type":2,"style":5,"label":"L"}`), "url: missing"},
		{"url on a primary button", buttons(`{"type":2,"style":1,"label":"L","custom_id":"a","url":"https://e.com"}`), "only link buttons (style 5) take a url"},
		{"select", buttons(`{"type":3,"custom_id":"s","options":[{"label":"A","value":"a"}]}`), ""},
		{"select with a button", buttons(`{"type":3,"custom_id":"s","options":[{"label":"A","value":"a"}]}`, button("b")), "a select menu must be alone"},
		{"unknown component", buttons(`{"type":4,"custom_id":"t","style":1,"label":"x"}`), "holds buttons (2) or one select menu"},
		{"flags 64", msg(`"content":"x","flags":64`), ""},
		{"flags 4", msg(`"content":"x","flags":4`), ""},
		{"flags 68", msg(`"content":"x","flags":68`), ""},
		{"flags 4096", msg(`"content":"x","flags":4096`), "flags: 4096; only 0, 4 (SUPPRESS_EMBEDS), 64 (EPHEMERAL) or both may be set here"},
		{"flags string", msg(`"content":"x","flags":"64"`), "flags: is a string; want an integer"},
	}
	var rows []string
	for i := range 5 {
		rows = append(rows, `{"type":1,"components":[`+button(fmt.Sprint("r", i))+`]}`)
	}
	cases = append(cases, ruleCase{"5 distinct rows", msg(`"components":[` + strings.Join(rows, ",") + `]`), ""})
	runRules(t, cases, func(p *problems, v any) {
		m, _ := v.(object)
		validateMessage(p, "", m, messageRules{flags: flagSuppressEmbeds | flagEphemeral, empty: m})
	})
}

func TestCallbackRules(t *testing.T) {
	t.Parallel()
	modal := func(components string) string {
		return `{"type":9,"data":{"custom_id":"m","title":"Ask","components":[` + components + `]}}`
	}
	input := func(fields string) string {
		return `{"type":1,"components":[{"type":4,"custom_id":"q","label":"Question","style":1` + fields + `}]}`
	}
	choice := `{"name":"Reuters","value":"reuters"}`
	cases := []struct {
		ruleCase
		itype int
	}{
		{ruleCase{"pong for ping", `{"type":1}`, ""}, 1},
		{ruleCase{"pong for a command", `{"type":1}`, "callback type 1 cannot answer an interaction of type 2"}, 2},
		{ruleCase{"message", `{"type":4,"data":` + msg(`"content":"hi"`) + `}`, ""}, 2},
		{ruleCase{"not an object", `[1]`, "body is an array"}, 2},
		{ruleCase{"type 3", `{"type":3}`, "type: 3; want 1, 4, 5, 6, 7, 8 or 9"}, 2},
		{ruleCase{"type missing", `{"data":{}}`, "type: null"}, 2},
		{ruleCase{"message without data", `{"type":4}`, "data: missing"}, 2},
		{ruleCase{"message data breaks a rule", `{"type":4,"data":{"content":"hi"}}`, "data.allowed_mentions: missing"}, 2},
		{ruleCase{"message for autocomplete", `{"type":4,"data":` + msg(`"content":"hi"`) + `}`, "cannot answer an interaction of type 4"}, 4},
		{ruleCase{"deferred", `{"type":5}`, ""}, 2},
		{ruleCase{"deferred ephemeral", `{"type":5,"data":{"flags":64}}`, ""}, 2},
		{ruleCase{"deferred as discordgo sends it", `{"type":5,"data":{"tts":false,"content":"","components":null,"embeds":null,"flags":64}}`, ""}, 2},
		{ruleCase{"deferred with content", `{"type":5,"data":{"content":"wait"}}`, "data.content: a deferred response (type 5) takes only flags"}, 2},
		{ruleCase{"deferred flags 32", `{"type":5,"data":{"flags":32}}`, "data.flags: 32"}, 2},
		{ruleCase{"deferred update", `{"type":6}`, ""}, 3},
		{ruleCase{"deferred update for a command", `{"type":6}`, "callback type 6 cannot answer an interaction of type 2"}, 2},
		{ruleCase{"update", `{"type":7,"data":` + msg(`"content":"page 2"`) + `}`, ""}, 3},
		{ruleCase{"update partial", `{"type":7,"data":` + msg(`"components":[]`) + `}`, ""}, 3},
		{ruleCase{"update emptying", `{"type":7,"data":` + msg(`"content":"","embeds":null,"components":null`) + `}`, "empty message"}, 3},
		{ruleCase{"update without allowed_mentions", `{"type":7,"data":{"content":"x"}}`, "data.allowed_mentions: missing"}, 3},
		{ruleCase{"choices", `{"type":8,"data":{"choices":[` + choice + `,{"name":"n","value":3}]}}`, ""}, 4},
		{ruleCase{"no choices", `{"type":8,"data":{"choices":[]}}`, ""}, 4},
		{ruleCase{"choices without data", `{"type":8}`, "data: missing"}, 4},
		{ruleCase{"25 choices", `{"type":8,"data":{"choices":[` + repeatJSON(choice, 25) + `]}}`, ""}, 4},
		{ruleCase{"26 choices", `{"type":8,"data":{"choices":[` + repeatJSON(choice, 26) + `]}}`, "data.choices: 26 choices; max 25"}, 4},
		{ruleCase{"choice name empty", `{"type":8,"data":{"choices":[{"name":"","value":"v"}]}}`, "choices[0].name: 0 characters; want 1 to 100"}, 4},
		{ruleCase{"choice name 101", `{"type":8,"data":{"choices":[{"name":` + rep("n", 101) + `,"value":"v"}]}}`, "choices[0].name: 101 characters"}, 4},
		{ruleCase{"choice value 100", `{"type":8,"data":{"choices":[{"name":"n","value":` + rep("v", 100) + `}]}}`, ""}, 4},
		{ruleCase{"choice value 101", `{"type":8,"data":{"choices":[{"name":"n","value":` + rep("v", 101) + `}]}}`, "choices[0].value: 101 characters; max 100"}, 4},
		{ruleCase{"choice value missing", `{"type":8,"data":{"choices":[{"name":"n"}]}}`, "choices[0].value: missing"}, 4},
		{ruleCase{"choices for a command", `{"type":8,"data":{"choices":[]}}`, "cannot answer an interaction of type 2"}, 2},
		{ruleCase{"modal", modal(input(`,"min_length":1,"max_length":4000,"placeholder":"ask"`)), ""}, 2},
		{ruleCase{"modal of 5 rows", modal(strings.Join([]string{
			strings.Replace(input(""), `"q"`, `"q1"`, 1), strings.Replace(input(""), `"q"`, `"q2"`, 1),
			strings.Replace(input(""), `"q"`, `"q3"`, 1), strings.Replace(input(""), `"q"`, `"q4"`, 1),
			strings.Replace(input(""), `"q"`, `"q5"`, 1)}, ",")), ""}, 2},
		{ruleCase{"modal of 6 rows", modal(repeatJSON(input(""), 6)), "want 1 to 5 action rows"}, 2},
		{ruleCase{"modal of no rows", modal(""), "want 1 to 5 action rows"}, 2},
		{ruleCase{"modal title 46", `{"type":9,"data":{"custom_id":"m","title":` + rep("t", 46) + `,"components":[` + input("") + `]}}`, "data.title: 46 characters"}, 2},
		{ruleCase{"modal custom_id 101", `{"type":9,"data":{"custom_id":` + rep("m", 101) + `,"title":"t","components":[` + input("") + `]}}`, "data.custom_id: 101 characters"}, 2},
		{ruleCase{"modal two inputs in a row", modal(`{"type":1,"components":[{"type":4,"custom_id":"a","label":"A","style":1},{"type":4,"custom_id":"b","label":"B","style":1}]}`), "exactly one text input"}, 2},
		{ruleCase{"modal button", modal(`{"type":1,"components":[{"type":2,"custom_id":"a","label":"A","style":1}]}`), "want a text input (type 4)"}, 2},
		{ruleCase{"input without label", modal(`{"type":1,"components":[{"type":4,"custom_id":"a","style":1}]}`), "label: missing"}, 2},
		{ruleCase{"input label 46", modal(`{"type":1,"components":[{"type":4,"custom_id":"a","style":1,"label":` + rep("l", 46) + `}]}`), "label: 46 characters"}, 2},
		{ruleCase{"input style 3", modal(`{"type":1,"components":[{"type":4,"custom_id":"a","label":"A","style":3}]}`), "style: 3; want 1 (short) or 2 (paragraph)"}, 2},
		{ruleCase{"input custom_id 101", modal(`{"type":1,"components":[{"type":4,"custom_id":` + rep("c", 101) + `,"label":"A","style":1}]}`), "custom_id: 101 characters"}, 2},
		{ruleCase{"input max_length 4001", modal(input(`,"max_length":4001`)), "max_length: 4001; want 1 to 4000"}, 2},
		{ruleCase{"input min over max", modal(input(`,"min_length":10,"max_length":5`)), "min_length 10 is more than max_length 5"}, 2},
		{ruleCase{"modal for a modal submit", modal(input("")), "callback type 9 cannot answer an interaction of type 5"}, 5},
	}
	for _, tc := range cases {
		runRules(t, []ruleCase{tc.ruleCase}, func(p *problems, v any) { validateCallback(p, v, tc.itype) })
	}
}

func TestCommandRules(t *testing.T) {
	t.Parallel()
	cmd := func(fields string) string {
		return `[{"name":"ask","description":"Ask the articles"` + fields + `}]`
	}
	opt := func(fields string) string {
		return `{"type":3,"name":"question","description":"What to ask"` + fields + `}`
	}
	opts := func(list ...string) string { return cmd(`,"options":[` + strings.Join(list, ",") + `]`) }
	named := func(n int) string {
		var list []string
		for i := range n {
			list = append(list, fmt.Sprintf(`{"type":3,"name":"o%d","description":"d"}`, i))
		}
		return strings.Join(list, ",")
	}
	chat := func(n int) string {
		var list []string
		for i := range n {
			list = append(list, fmt.Sprintf(`{"name":"c%d","description":"d"}`, i))
		}
		return "[" + strings.Join(list, ",") + "]"
	}
	cases := []ruleCase{
		{"ask", opts(opt(`,"required":true`), `{"type":3,"name":"source","description":"Only this source","autocomplete":true,"required":false,"choices":null,"channel_types":null,"options":null}`), ""},
		{"as discordgo sends it", `[{"name":"ask","description":"d","options":null},{"type":3,"name":"Find in articles","options":null}]`, ""},
		{"null body", `null`, ""},
		{"empty body", `[]`, ""},
		{"not an array", `{"name":"ask"}`, "body is an object; want an array of commands"},
		{"100 chat commands", chat(100), ""},
		{"101 chat commands", chat(101), "101 chat input commands; max 100"},
		{"upper case", `[{"name":"Ask","description":"d"}]`, `"Ask" must be lower case`},
		{"space", `[{"name":"ask me","description":"d"}]`, `"ask me" does not match`},
		{"33 characters", `[{"name":` + rep("a", 33) + `,"description":"d"}]`, "name: 33 characters; want 1 to 32"},
		{"unicode lower case", `[{"name":"größe","description":"d"},{"name":"日本語","description":"d"},{"name":"it's-a_1","description":"d"}]`, ""},
		{"no description", `[{"name":"ask"}]`, "[0].description: missing"},
		{"empty description", `[{"name":"ask","description":""}]`, "[0].description: 0 characters; want 1 to 100"},
		{"description 101", `[{"name":"ask","description":` + rep("d", 101) + `}]`, "description: 101 characters"},
		{"type 4", `[{"name":"launch","type":4}]`, "type: 4; want 1 (chat input), 2 (user) or 3 (message)"},
		{"message command", `[{"name":"Find in articles","type":3}]`, ""},
		{"message command with description", `[{"name":"Find","type":3,"description":"d"}]`, "message commands take no description"},
		{"user command with options", `[{"name":"Who","type":2,"options":[` + opt("") + `]}]`, "user commands take no options"},
		{"message command name 33", `[{"name":` + rep("F", 33) + `,"type":3}]`, "name: 33 characters"},
		{"duplicate names", `[{"name":"ask","description":"d"},{"name":"ask","description":"e"}]`, `"ask" is also the name of commands[0]`},
		{"same name, other type", `[{"name":"find","description":"d"},{"name":"find","type":3}]`, ""},
		{"25 options", cmd(`,"options":[` + named(25) + `]`), ""},
		{"26 options", cmd(`,"options":[` + named(26) + `]`), "[0].options: 26 options; max 25"},
		{"option upper case", opts(`{"type":3,"name":"Question","description":"d"}`), `options[0].name: "Question" must be lower case`},
		{"option no description", opts(`{"type":3,"name":"q"}`), "options[0].description: missing"},
		{"option description 101", opts(`{"type":3,"name":"q","description":` + rep("d", 101) + `}`), "options[0].description: 101 characters"},
		{"option type 12", opts(`{"type":12,"name":"q","description":"d"}`), "type: 12; want 1 to 11"},
		{"duplicate option", opts(opt(""), opt("")), `"question" is also the name of [0].options[0]`},
		{"required first", opts(opt(`,"required":true`), `{"type":5,"name":"private","description":"d"}`), ""},
		{"required after optional", opts(`{"type":5,"name":"private","description":"d"}`, opt(`,"required":true`)), `required option "question" comes after optional option "private"`},
		{"autocomplete on integer", opts(`{"type":4,"name":"n","description":"d","autocomplete":true}`), ""},
		{"autocomplete on boolean", opts(`{"type":5,"name":"b","description":"d","autocomplete":true}`), "autocomplete: allowed only on string, integer and number options"},
		{"autocomplete with choices", opts(opt(`,"autocomplete":true,"choices":[{"name":"a","value":"a"}]`)), "autocomplete: cannot be combined with choices"},
		{"autocomplete false with choices", opts(opt(`,"autocomplete":false,"choices":[{"name":"a","value":"a"}]`)), ""},
		{"26 choices", opts(opt(`,"choices":[` + repeatJSON(`{"name":"a","value":"a"}`, 26) + `]`)), "choices: 26 choices; max 25"},
		{"integer choice not integer", opts(`{"type":4,"name":"n","description":"d","choices":[{"name":"a","value":"a"}]}`), "an integer option's choice needs an integer"},
		{"choices on boolean", opts(`{"type":5,"name":"b","description":"d","choices":[{"name":"a","value":"a"}]}`), "choices: allowed only on string, integer and number options"},
		{"channel_types on string", opts(opt(`,"channel_types":[0]`)), "only channel options take channel_types"},
		{"min_length on integer", opts(`{"type":4,"name":"n","description":"d","min_length":1}`), "min_length and max_length are only for string options"},
		{"subcommands", `[{"name":"digest","description":"d","options":[{"type":1,"name":"list","description":"d","options":null},{"type":1,"name":"subscribe","description":"d","options":[` + opt(`,"required":true`) + `]}]}]`, ""},
		{"subcommands mixed", `[{"name":"digest","description":"d","options":[{"type":1,"name":"list","description":"d"},` + opt("") + `]}]`, "subcommands and groups cannot be mixed"},
		{"group of options", `[{"name":"digest","description":"d","options":[{"type":2,"name":"g","description":"d","options":[` + opt("") + `]}]}]`, "a subcommand group may hold only subcommands"},
		{"permissions integer", cmd(`,"default_member_permissions":8`), ""},
		{"permissions null", cmd(`,"default_member_permissions":null`), ""},
		{"permissions string", cmd(`,"default_member_permissions":"8"`), `default_member_permissions: is a string ("8"); the OpenAPI description wants an integer or null`},
		{"permissions negative", cmd(`,"default_member_permissions":-1`), "default_member_permissions: -1"},
		{"contexts", cmd(`,"contexts":[0,1],"integration_types":[0]`), ""},
		{"contexts empty", cmd(`,"contexts":[]`), "contexts: empty"},
		{"contexts 3", cmd(`,"contexts":[3]`), "contexts[0]: 3; want 0 to 2"},
		{"dm_permission string", cmd(`,"dm_permission":"no"`), "dm_permission: is a string; want a boolean"},
	}
	runRules(t, cases, func(p *problems, v any) { validateCommands(p, v) })
}

func TestNonceRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body    string
		key     string
		problem string
	}{
		{`{}`, "", ""},
		{`{"nonce":"digest-1"}`, "s:digest-1", ""},
		{`{"nonce":12345}`, "i:12345", ""},
		{`{"nonce":` + rep("n", 25) + `}`, "s:" + strings.Repeat("n", 25), ""},
		{`{"nonce":` + rep("n", 26) + `}`, "s:" + strings.Repeat("n", 26), "nonce: 26 characters; max 25"},
		{`{"nonce":1.5}`, "", "nonce: is a number; want an integer or a string"},
		{`{"nonce":true}`, "", "nonce: is a boolean"},
	}
	for _, tc := range cases {
		t.Run(tc.body, func(t *testing.T) {
			v, err := decodeJSON([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			var p problems
			key := validateNonce(&p, v.(object))
			if key != tc.key {
				t.Errorf("got key %q; want %q", key, tc.key)
			}
			if got := strings.Join(p, "\n"); !strings.Contains(got, tc.problem) || (tc.problem == "" && got != "") {
				t.Errorf("got problems %q; want %q", got, tc.problem)
			}
		})
	}
}

// TestDiscordgoStructs shows which of discordgo's own response structs
// pass: a nil AllowedMentions is absent and a zero one sends "parse": null,
// so the bot must set Parse to an empty, non-nil slice.
func TestDiscordgoStructs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		resp  discordgo.InteractionResponse
		itype int
		want  string
	}{
		{"nil allowed mentions", discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "x"}}, 2,
			"data.allowed_mentions: missing"},
		{"zero allowed mentions", discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "x", AllowedMentions: &discordgo.MessageAllowedMentions{}}}, 2,
			"data.allowed_mentions.parse: is null"},
		{"empty parse", discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "x", AllowedMentions: noMentions()}}, 2, ""},
		{"deferred ephemeral", discordgo.InteractionResponse{Type: 5, Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}, 2, ""},
		{"autocomplete", discordgo.InteractionResponse{Type: 8, Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "Reuters", Value: "reuters"}}}}, 4, ""},
		{"modal", discordgo.InteractionResponse{Type: 9, Data: &discordgo.InteractionResponseData{CustomID: "m", Title: "Ask", Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{CustomID: "q", Label: "Question", Style: discordgo.TextInputShort}}},
		}}}, 2, ""},
		{"button row", discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "x", AllowedMentions: noMentions(), Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "More", CustomID: "more", Style: discordgo.PrimaryButton}, discordgo.Button{Label: "Read", URL: "https://example.com", Style: discordgo.LinkButton}}},
		}}}, 2, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := decodeJSON(mustJSON(tc.resp))
			if err != nil {
				t.Fatal(err)
			}
			var p problems
			validateCallback(&p, v, tc.itype)
			switch got := strings.Join(p, "\n"); {
			case tc.want == "" && got != "":
				t.Errorf("got problems %q for %s; want none", got, mustJSON(tc.resp))
			case !strings.Contains(got, tc.want):
				t.Errorf("got problems %q; want %q", got, tc.want)
			}
		})
	}
}
