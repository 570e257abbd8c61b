package fakediscord

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// The rules below are written out by hand from Discord's documentation and
// its OpenAPI description (discord-openapi.json, v10). Where the two differ,
// the comment at the rule says which one it follows and why.

// problems collects the contract breaches found in one request body, each
// as "json.path: what is wrong".
type problems []string

func (p *problems) addf(path, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	*p = append(*p, msg)
}

// Limits of a message (Discord: "Create Message", "Embed Limits",
// "Component Reference").
const (
	maxContent          = 2000 // the OpenAPI says 4000 for channel messages, but that is for Nitro users; bots get 2000
	maxEmbeds           = 10
	maxEmbedTitle       = 256
	maxEmbedDescription = 4096
	maxEmbedFields      = 25
	maxFieldName        = 256
	maxFieldValue       = 1024
	maxFooterText       = 2048
	maxAuthorName       = 256
	maxEmbedsTotal      = 6000
	maxEmbedURL         = 2048
	maxActionRows       = 5
	maxRowComponents    = 5
	maxButtonLabel      = 80
	maxButtonURL        = 512
	maxCustomID         = 100
	maxNonce            = 25
)

// Message flags a bot may set.
const (
	flagSuppressEmbeds int64 = 1 << 2
	flagEphemeral      int64 = 1 << 6
	flagLoading        int64 = 1 << 7
)

// flagNames describes a flags mask for messages.
func flagNames(mask int64) string {
	switch mask {
	case flagSuppressEmbeds:
		return "0 or 4 (SUPPRESS_EMBEDS)"
	case flagSuppressEmbeds | flagEphemeral:
		return "0, 4 (SUPPRESS_EMBEDS), 64 (EPHEMERAL) or both"
	}
	return fmt.Sprintf("bits of %d", mask)
}

// checkString records a problem unless o[key] is absent, null or a string
// of min..max characters; required makes absence a problem too. It
// returns the string ("" when absent).
func checkString(p *problems, o object, path, key string, min, max int, required bool) string {
	v, ok := o[key]
	if !ok || v == nil {
		if required {
			p.addf(field(path, key), "missing; want a string of %d to %d characters", min, max)
		}
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		p.addf(field(path, key), "is %s; want a string", typeName(v))
		return ""
	}
	if n := runes(s); n < min || n > max {
		if min > 0 {
			p.addf(field(path, key), "%d characters; want %d to %d", n, min, max)
		} else {
			p.addf(field(path, key), "%d characters; max %d", n, max)
		}
	}
	return s
}

// checkType returns o[key] as a T: absent and null are the zero value
// and false, any other type a problem (want names the type expected).
func checkType[T any](p *problems, o object, path, key, want string) (T, bool) {
	var zero T
	v, ok := o[key]
	if !ok || v == nil {
		return zero, false
	}
	t, is := v.(T)
	if !is {
		p.addf(field(path, key), "is %s; want %s", typeName(v), want)
	}
	return t, is
}

// checkBool records a problem unless o[key] is absent, null or a boolean.
func checkBool(p *problems, o object, path, key string) bool {
	b, _ := checkType[bool](p, o, path, key, "a boolean")
	return b
}

// checkIntRange records a problem unless o[key] is absent, null or an
// integer in min..max. It returns the integer and whether one was there.
func checkIntRange(p *problems, o object, path, key string, min, max int64) (int64, bool) {
	v, ok := o[key]
	if !ok || v == nil {
		return 0, false
	}
	n, isInt := asInt(v)
	if !isInt {
		p.addf(field(path, key), "is %s; want an integer", typeName(v))
		return 0, false
	}
	if n < min || n > max {
		p.addf(field(path, key), "%d; want %d to %d", n, min, max)
	}
	return n, true
}

// checkArray returns o[key] as an array; absent and null are an empty
// array, anything else a problem.
func checkArray(p *problems, o object, path, key string) []any {
	a, _ := checkType[[]any](p, o, path, key, "an array")
	return a
}

// checkObject returns o[key] as an object; absent and null are nil,
// anything else a problem.
func checkObject(p *problems, o object, path, key string) object {
	m, _ := checkType[object](p, o, path, key, "an object")
	return m
}

// checkURL records a problem unless s is an absolute URL of one of the
// schemes, with a host for http and https, of at most max characters.
func checkURL(p *problems, path, s string, max int, schemes ...string) {
	if n := runes(s); n > max {
		p.addf(path, "URL of %d characters; max %d", n, max)
	}
	u, err := url.Parse(s)
	ok := err == nil && u.IsAbs()
	if ok {
		ok = false
		for _, sc := range schemes {
			if strings.EqualFold(u.Scheme, sc) {
				ok = true
			}
		}
		if (strings.EqualFold(u.Scheme, "http") || strings.EqualFold(u.Scheme, "https")) && u.Host == "" {
			ok = false
		}
	}
	if !ok {
		p.addf(path, "%q is not a valid absolute %s URL", s, strings.Join(schemes, "/"))
	}
}

// checkURLField checks o[key] with checkURL when it is present.
func checkURLField(p *problems, o object, path, key string, max int, required bool, schemes ...string) {
	s := checkString(p, o, path, key, 0, 1<<30, required)
	if s == "" {
		if required && !absent(o, key) {
			p.addf(field(path, key), "empty; want a URL")
		}
		return
	}
	checkURL(p, field(path, key), s, max, schemes...)
}

// messageRules says how a message body is checked.
type messageRules struct {
	flags int64 // the flags that may be set
	// empty is the message whose emptiness is judged (the body itself, or
	// the original merged with an edit), or nil to skip that rule.
	empty object
}

// validateMessage checks a message body: a channel message, an
// interaction response's data, a follow-up or an edit.
func validateMessage(p *problems, path string, m object, rules messageRules) {
	checkAllowedMentions(p, path, m)
	checkString(p, m, path, "content", 0, maxContent, false)
	checkBool(p, m, path, "tts")
	checkEmbeds(p, field(path, "embeds"), checkArray(p, m, path, "embeds"))
	checkComponents(p, field(path, "components"), checkArray(p, m, path, "components"))
	if f, ok := checkIntRange(p, m, path, "flags", 0, 1<<53); ok && f&^rules.flags != 0 {
		p.addf(field(path, "flags"), "%d; only %s may be set here", f, flagNames(rules.flags))
	}
	if rules.empty != nil && emptyMessage(rules.empty) {
		p.addf(path, "empty message: no content, embeds, components, attachments, stickers or poll (Discord answers 50006 Cannot send an empty message)")
	}
}

// emptyMessage reports whether a message would have nothing to show.
func emptyMessage(m object) bool {
	for _, k := range []string{"content", "embeds", "components", "attachments", "sticker_ids", "poll"} {
		if !isZero(m[k]) {
			return false
		}
	}
	return true
}

// checkAllowedMentions enforces the design's rule: every message carries
// allowed_mentions {"parse": []}, so nothing in it can ping anyone.
func checkAllowedMentions(p *problems, path string, m object) {
	at := field(path, "allowed_mentions")
	v, ok := m["allowed_mentions"]
	if !ok {
		p.addf(at, `missing; every message must carry {"parse": []} so that it pings no one`)
		return
	}
	am, isObj := v.(object)
	if !isObj {
		p.addf(at, `is %s; want {"parse": []}`, typeName(v))
		return
	}
	pv, ok := am["parse"]
	switch parse, isArr := pv.([]any); {
	case !ok:
		p.addf(field(at, "parse"), "missing; want [] (absent parse lets Discord parse every mention)")
	case pv == nil:
		p.addf(field(at, "parse"), "is null; want [] (an empty list, not null)")
	case !isArr:
		p.addf(field(at, "parse"), "is %s; want []", typeName(pv))
	case len(parse) > 0:
		p.addf(field(at, "parse"), "%s; want [] (no mention type may be parsed)", mustJSON(parse))
	}
	for _, k := range []string{"users", "roles"} {
		if ids := checkArray(p, am, at, k); len(ids) > 0 {
			p.addf(field(at, k), "lists %d IDs; want none (the bot must ping no one)", len(ids))
		}
	}
	if checkBool(p, am, at, "replied_user") {
		p.addf(field(at, "replied_user"), "true; want false or absent (the bot must ping no one)")
	}
}

// checkEmbeds checks the embeds of a message and their combined size.
func checkEmbeds(p *problems, path string, embeds []any) {
	if len(embeds) > maxEmbeds {
		p.addf(path, "%d embeds; max %d", len(embeds), maxEmbeds)
	}
	total := 0
	for i, v := range embeds {
		at := elem(path, i)
		e, ok := v.(object)
		if !ok {
			p.addf(at, "is %s; want an object", typeName(v))
			continue
		}
		title := checkString(p, e, at, "title", 0, maxEmbedTitle, false)
		desc := checkString(p, e, at, "description", 0, maxEmbedDescription, false)
		total += runes(title) + runes(desc)
		checkURLField(p, e, at, "url", maxEmbedURL, false, "http", "https")
		checkIntRange(p, e, at, "color", 0, 0xFFFFFF)
		if ts := checkString(p, e, at, "timestamp", 0, 64, false); ts != "" {
			if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
				p.addf(field(at, "timestamp"), "%q is not an ISO 8601 timestamp", ts)
			}
		}
		if f := checkObject(p, e, at, "footer"); f != nil {
			total += runes(checkString(p, f, field(at, "footer"), "text", 1, maxFooterText, true))
			checkURLField(p, f, field(at, "footer"), "icon_url", maxEmbedURL, false, "http", "https", "attachment")
		}
		if a := checkObject(p, e, at, "author"); a != nil {
			total += runes(checkString(p, a, field(at, "author"), "name", 1, maxAuthorName, true))
			checkURLField(p, a, field(at, "author"), "url", maxEmbedURL, false, "http", "https")
			checkURLField(p, a, field(at, "author"), "icon_url", maxEmbedURL, false, "http", "https", "attachment")
		}
		for _, k := range []string{"image", "thumbnail"} {
			if img := checkObject(p, e, at, k); img != nil {
				checkURLField(p, img, field(at, k), "url", maxEmbedURL, true, "http", "https", "attachment")
			}
		}
		fields := checkArray(p, e, at, "fields")
		if len(fields) > maxEmbedFields {
			p.addf(field(at, "fields"), "%d fields; max %d", len(fields), maxEmbedFields)
		}
		for j, fv := range fields {
			fat := elem(field(at, "fields"), j)
			f, ok := fv.(object)
			if !ok {
				p.addf(fat, "is %s; want an object", typeName(fv))
				continue
			}
			total += runes(checkString(p, f, fat, "name", 1, maxFieldName, true))
			total += runes(checkString(p, f, fat, "value", 1, maxFieldValue, true))
			checkBool(p, f, fat, "inline")
		}
		if title == "" && desc == "" && len(fields) == 0 && absent(e, "author") && absent(e, "footer") && absent(e, "image") && absent(e, "thumbnail") {
			p.addf(at, "empty embed: no title, description, fields, author, footer, image or thumbnail")
		}
	}
	if total > maxEmbedsTotal {
		p.addf(path, "%d characters in all embeds together; max %d (titles, descriptions, field names and values, footer texts, author names)", total, maxEmbedsTotal)
	}
}

// checkComponents checks a message's components: action rows of buttons
// or of one select menu (components v2 are not allowed without their flag,
// which a bot of this design does not set).
func checkComponents(p *problems, path string, rows []any) {
	if len(rows) > maxActionRows {
		p.addf(path, "%d action rows; max %d", len(rows), maxActionRows)
	}
	seen := map[string]string{}
	for i, rv := range rows {
		at := elem(path, i)
		row, ok := rv.(object)
		if !ok {
			p.addf(at, "is %s; want an action row object", typeName(rv))
			continue
		}
		if t, _ := asInt(row["type"]); t != 1 {
			p.addf(field(at, "type"), "%s; top-level message components must be action rows (type 1)", mustJSON(row["type"]))
			continue
		}
		comps, isArr := row["components"].([]any)
		if !isArr {
			p.addf(field(at, "components"), "is %s; want an array of 1 to %d components", typeName(row["components"]), maxRowComponents)
			continue
		}
		if len(comps) < 1 || len(comps) > maxRowComponents {
			p.addf(field(at, "components"), "%d components in an action row; want 1 to %d", len(comps), maxRowComponents)
		}
		for j, cv := range comps {
			cat := elem(field(at, "components"), j)
			c, ok := cv.(object)
			if !ok {
				p.addf(cat, "is %s; want a component object", typeName(cv))
				continue
			}
			t, _ := asInt(c["type"])
			switch t {
			case 2:
				checkButton(p, cat, c, seen)
			case 3, 5, 6, 7, 8:
				if len(comps) > 1 {
					p.addf(cat, "a select menu must be alone in its action row (this row has %d components)", len(comps))
				}
				checkSelect(p, cat, c, t, seen)
			default:
				p.addf(field(cat, "type"), "%s; an action row of a message holds buttons (2) or one select menu (3, 5-8)", mustJSON(c["type"]))
			}
		}
	}
}

// checkCustomID checks a custom_id and that it is unique in the message.
func checkCustomID(p *problems, at string, c object, seen map[string]string) {
	id := checkString(p, c, at, "custom_id", 1, maxCustomID, true)
	if id == "" {
		return
	}
	if prev, dup := seen[id]; dup {
		p.addf(field(at, "custom_id"), "%q is also used at %s; custom_ids must be unique in a message", id, prev)
		return
	}
	seen[id] = at
}

func checkButton(p *problems, at string, c object, seen map[string]string) {
	style, ok := asInt(c["style"])
	if !ok || style < 1 || style > 5 {
		p.addf(field(at, "style"), "%s; want 1 to 5 (PRIMARY, SECONDARY, SUCCESS, DANGER, LINK)", mustJSON(c["style"]))
	}
	label := checkString(p, c, at, "label", 0, maxButtonLabel, false)
	if label == "" && absent(c, "emoji") {
		p.addf(at, "a button needs a label or an emoji")
	}
	checkObject(p, c, at, "emoji")
	checkBool(p, c, at, "disabled")
	if style == 5 {
		if !absent(c, "custom_id") {
			p.addf(field(at, "custom_id"), "a link button (style 5) must not have a custom_id")
		}
		checkURLField(p, c, at, "url", maxButtonURL, true, "http", "https", "discord")
		return
	}
	checkCustomID(p, at, c, seen)
	if !absent(c, "url") {
		p.addf(field(at, "url"), "only link buttons (style 5) take a url")
	}
}

func checkSelect(p *problems, at string, c object, t int64, seen map[string]string) {
	checkCustomID(p, at, c, seen)
	checkString(p, c, at, "placeholder", 0, 150, false)
	min, hasMin := checkIntRange(p, c, at, "min_values", 0, 25)
	max, hasMax := checkIntRange(p, c, at, "max_values", 1, 25)
	if hasMin && hasMax && min > max {
		p.addf(at, "min_values %d is more than max_values %d", min, max)
	}
	if t != 3 {
		return
	}
	opts, isArr := c["options"].([]any)
	if !isArr || len(opts) < 1 || len(opts) > 25 {
		p.addf(field(at, "options"), "a string select needs 1 to 25 options")
	}
	for k, ov := range opts {
		oat := elem(field(at, "options"), k)
		o, ok := ov.(object)
		if !ok {
			p.addf(oat, "is %s; want an object", typeName(ov))
			continue
		}
		checkString(p, o, oat, "label", 1, 100, true)
		checkString(p, o, oat, "value", 1, 100, true)
		checkString(p, o, oat, "description", 0, 100, false)
		checkBool(p, o, oat, "default")
	}
}

// Interaction types (what the user did) and callback types (how the bot
// answers).
const (
	interactionPing         = 1
	interactionCommand      = 2
	interactionComponent    = 3
	interactionAutocomplete = 4
	interactionModalSubmit  = 5
)

// callbackFits lists, for each callback type, the interaction types it
// may answer (Discord: "Interaction Response Object", "Interaction
// Callback Type"); nil means the callback type is unknown.
func callbackFits(t int64) []int {
	switch t {
	case 1:
		return []int{interactionPing}
	case 4, 5:
		return []int{interactionCommand, interactionComponent, interactionModalSubmit}
	case 6, 7:
		return []int{interactionComponent, interactionModalSubmit}
	case 8:
		return []int{interactionAutocomplete}
	case 9:
		return []int{interactionCommand, interactionComponent}
	}
	return nil
}

// validateCallback checks the body of POST /interactions/{id}/{token}/callback
// for an interaction of type itype (0 when unknown). It returns the
// callback type (0 when unreadable) and its data.
func validateCallback(p *problems, body any, itype int) (int, object) {
	o, ok := body.(object)
	if !ok {
		p.addf("", "body is %s; want an object", typeName(body))
		return 0, nil
	}
	t, ok := asInt(o["type"])
	fits := callbackFits(t)
	if !ok || fits == nil {
		p.addf("type", "%s; want 1, 4, 5, 6, 7, 8 or 9", mustJSON(o["type"]))
		return 0, nil
	}
	if itype != 0 && !containsInt(fits, itype) {
		p.addf("type", "callback type %d cannot answer an interaction of type %d", t, itype)
	}
	data := checkObject(p, o, "", "data")
	switch t {
	case 1, 6:
		if data != nil {
			for _, k := range sortedKeys(data) {
				if !isZero(data[k]) {
					p.addf(field("data", k), "callback type %d takes no data", t)
				}
			}
		}
	case 4:
		if data == nil {
			p.addf("data", "missing; a type 4 response needs a message")
			break
		}
		validateMessage(p, "data", data, messageRules{flags: flagSuppressEmbeds | flagEphemeral, empty: data})
	case 5:
		for _, k := range sortedKeys(data) {
			if k == "flags" {
				if f, ok := checkIntRange(p, data, "data", "flags", 0, 1<<53); ok && f&^(flagSuppressEmbeds|flagEphemeral) != 0 {
					p.addf("data.flags", "%d; only %s may be set here", f, flagNames(flagSuppressEmbeds|flagEphemeral))
				}
				continue
			}
			// discordgo always sends tts, content, components and embeds;
			// zero values there change nothing, anything else is lost.
			if !isZero(data[k]) {
				p.addf(field("data", k), "a deferred response (type 5) takes only flags; this would be ignored")
			}
		}
	case 7:
		if data == nil {
			p.addf("data", "missing; a type 7 response needs the message's new content")
			break
		}
		rules := messageRules{flags: flagSuppressEmbeds | flagEphemeral}
		// An update is partial; it empties the message only when it sets
		// every part of it.
		if _, c := data["content"]; c {
			if _, e := data["embeds"]; e {
				if _, k := data["components"]; k {
					rules.empty = data
				}
			}
		}
		validateMessage(p, "data", data, rules)
	case 8:
		if data == nil {
			p.addf("data", "missing; an autocomplete result needs data.choices")
			break
		}
		validateChoices(p, "data.choices", data["choices"], 0)
	case 9:
		if data == nil {
			p.addf("data", "missing; a modal needs custom_id, title and components")
			break
		}
		validateModal(p, "data", data)
	}
	return int(t), data
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// validateChoices checks autocomplete results or an option's choices: at
// most 25, each a name of 1..100 characters and a value (a string of at
// most 100 characters, or a number). optType narrows the value: 3 string,
// 4 integer, 10 number; 0 accepts any.
func validateChoices(p *problems, path string, v any, optType int64) {
	if v == nil {
		return
	}
	choices, ok := v.([]any)
	if !ok {
		p.addf(path, "is %s; want an array", typeName(v))
		return
	}
	if len(choices) > 25 {
		p.addf(path, "%d choices; max 25", len(choices))
	}
	for i, cv := range choices {
		at := elem(path, i)
		c, ok := cv.(object)
		if !ok {
			p.addf(at, "is %s; want an object with name and value", typeName(cv))
			continue
		}
		checkString(p, c, at, "name", 1, 100, true)
		val, has := c["value"]
		switch {
		case !has || val == nil:
			p.addf(field(at, "value"), "missing")
		case optType == 4:
			if _, ok := asInt(val); !ok {
				p.addf(field(at, "value"), "is %s; an integer option's choice needs an integer", typeName(val))
			}
		case optType == 10:
			if !isNumber(val) {
				p.addf(field(at, "value"), "is %s; a number option's choice needs a number", typeName(val))
			}
		default:
			s, isStr := val.(string)
			switch {
			case isStr:
				if n := runes(s); n > 100 {
					p.addf(field(at, "value"), "%d characters; max 100", n)
				}
			case optType == 3 || !isNumber(val):
				p.addf(field(at, "value"), "is %s; want a string", typeName(val))
			}
		}
	}
}

// validateModal checks a modal (callback type 9): a custom_id, a title and
// 1..5 action rows of one text input each.
func validateModal(p *problems, path string, d object) {
	checkString(p, d, path, "custom_id", 1, maxCustomID, true)
	checkString(p, d, path, "title", 1, 45, true)
	rows, ok := d["components"].([]any)
	if !ok || len(rows) < 1 || len(rows) > 5 {
		p.addf(field(path, "components"), "want 1 to 5 action rows, each with one text input")
	}
	seen := map[string]string{}
	for i, rv := range rows {
		at := elem(field(path, "components"), i)
		row, ok := rv.(object)
		if t, _ := asInt(row["type"]); !ok || t != 1 {
			p.addf(at, "want an action row (type 1)")
			continue
		}
		inputs, ok := row["components"].([]any)
		if !ok || len(inputs) != 1 {
			p.addf(field(at, "components"), "want exactly one text input in each action row of a modal")
			continue
		}
		iat := elem(field(at, "components"), 0)
		in, ok := inputs[0].(object)
		if t, _ := asInt(in["type"]); !ok || t != 4 {
			p.addf(iat, "want a text input (type 4)")
			continue
		}
		checkCustomID(p, iat, in, seen)
		checkString(p, in, iat, "label", 1, 45, true)
		if s, ok := asInt(in["style"]); !ok || (s != 1 && s != 2) {
			p.addf(field(iat, "style"), "%s; want 1 (short) or 2 (paragraph)", mustJSON(in["style"]))
		}
		min, hasMin := checkIntRange(p, in, iat, "min_length", 0, 4000)
		max, hasMax := checkIntRange(p, in, iat, "max_length", 1, 4000)
		if hasMin && hasMax && min > max {
			p.addf(iat, "min_length %d is more than max_length %d", min, max)
		}
		checkString(p, in, iat, "value", 0, 4000, false)
		checkString(p, in, iat, "placeholder", 0, 100, false)
		checkBool(p, in, iat, "required")
	}
}

// commandName is the rule for chat command and option names (Discord:
// "Application Command Naming"); they must also be lower case.
var commandName = regexp.MustCompile(`^[-_'\p{L}\p{N}]{1,32}$`)

func checkCommandName(p *problems, path, name string) {
	if !commandName.MatchString(name) {
		p.addf(path, "%q does not match ^[-_'\\p{L}\\p{N}]{1,32}$", name)
	}
	if strings.ToLower(name) != name {
		p.addf(path, "%q must be lower case", name)
	}
}

// commandLimit is the number of commands of type t an application may
// have in one scope (Discord: "Registering a Command"; the OpenAPI caps
// the array at their sum, 130).
func commandLimit(t int64) int {
	if t == 1 {
		return 100
	}
	return 15
}

// commandTypeName names a command type, "" when it is not one.
func commandTypeName(t int64) string {
	switch t {
	case 1:
		return "chat input"
	case 2:
		return "user"
	case 3:
		return "message"
	}
	return ""
}

// maxPermissions is the OpenAPI maximum of default_member_permissions.
const maxPermissions = 18014398509481983

// validateCommands checks the body of a bulk overwrite
// (PUT /applications/{app}[/guilds/{guild}]/commands) and returns its
// commands.
func validateCommands(p *problems, body any) []object {
	if body == nil {
		return nil // the OpenAPI allows null: no commands
	}
	list, ok := body.([]any)
	if !ok {
		p.addf("", "body is %s; want an array of commands", typeName(body))
		return nil
	}
	if len(list) > 130 {
		p.addf("", "%d commands; max 130", len(list))
	}
	counts := map[int64]int{}
	names := map[string]int{}
	var out []object
	for i, cv := range list {
		at := elem("", i)
		c, ok := cv.(object)
		if !ok {
			p.addf(at, "is %s; want a command object", typeName(cv))
			continue
		}
		out = append(out, c)
		t := int64(1)
		if !absent(c, "type") {
			var isInt bool
			t, isInt = asInt(c["type"])
			if !isInt || commandTypeName(t) == "" {
				p.addf(field(at, "type"), "%s; want 1 (chat input), 2 (user) or 3 (message)", mustJSON(c["type"]))
				continue
			}
		}
		counts[t]++
		name := checkString(p, c, at, "name", 1, 32, true)
		if t == 1 {
			checkCommandName(p, field(at, "name"), name)
			checkString(p, c, at, "description", 1, 100, true)
			validateOptions(p, field(at, "options"), c["options"], 0)
		} else {
			if !isZero(c["description"]) {
				p.addf(field(at, "description"), "%s commands take no description (want empty or absent)", commandTypeName(t))
			}
			if !isZero(c["options"]) {
				p.addf(field(at, "options"), "%s commands take no options", commandTypeName(t))
			}
		}
		key := fmt.Sprintf("%d/%s", t, name)
		if prev, dup := names[key]; dup && name != "" {
			p.addf(field(at, "name"), "%q is also the name of commands[%d]; names must be unique among %s commands", name, prev, commandTypeName(t))
		} else {
			names[key] = i
		}
		// The OpenAPI types default_member_permissions as integer or null
		// (Discord's prose docs call it a string of digits); follow the
		// OpenAPI, which the design says requests must validate against.
		if v := c["default_member_permissions"]; v != nil {
			n, isInt := asInt(v)
			switch {
			case !isInt:
				p.addf(field(at, "default_member_permissions"), "is %s (%s); the OpenAPI description wants an integer or null", typeName(v), mustJSON(v))
			case n < 0 || n > maxPermissions:
				p.addf(field(at, "default_member_permissions"), "%d; want 0 to %d", n, int64(maxPermissions))
			}
		}
		checkBool(p, c, at, "dm_permission")
		checkBool(p, c, at, "nsfw")
		checkEnumSet(p, c, at, "contexts", 0, 2)
		checkEnumSet(p, c, at, "integration_types", 0, 1)
		checkObject(p, c, at, "name_localizations")
		checkObject(p, c, at, "description_localizations")
	}
	for t, n := range counts {
		if n > commandLimit(t) {
			p.addf("", "%d %s commands; max %d", n, commandTypeName(t), commandLimit(t))
		}
	}
	return out
}

// checkEnumSet checks an optional array of distinct integers in min..max
// with at least one element.
func checkEnumSet(p *problems, o object, path, key string, min, max int64) {
	if absent(o, key) {
		return
	}
	list := checkArray(p, o, path, key)
	if list == nil {
		return
	}
	if len(list) == 0 {
		p.addf(field(path, key), "empty; want at least one value or null")
	}
	seen := map[int64]bool{}
	for i, v := range list {
		n, ok := asInt(v)
		if !ok || n < min || n > max {
			p.addf(elem(field(path, key), i), "%s; want %d to %d", mustJSON(v), min, max)
			continue
		}
		if seen[n] {
			p.addf(elem(field(path, key), i), "%d is repeated", n)
		}
		seen[n] = true
	}
}

// Option levels: the options of a chat command, of a subcommand group,
// of a subcommand.
const (
	levelCommand = iota
	levelGroup
	levelSubcommand
)

// optionTypeName names an option type, "" when it is not one.
func optionTypeName(t int64) string {
	names := [...]string{1: "subcommand", 2: "subcommand group", 3: "string", 4: "integer", 5: "boolean",
		6: "user", 7: "channel", 8: "role", 9: "mentionable", 10: "number", 11: "attachment"}
	if t < 1 || t >= int64(len(names)) {
		return ""
	}
	return names[t]
}

// validateOptions checks a list of command options at a level.
func validateOptions(p *problems, path string, v any, level int) {
	if v == nil {
		return
	}
	list, ok := v.([]any)
	if !ok {
		p.addf(path, "is %s; want an array", typeName(v))
		return
	}
	if len(list) > 25 {
		p.addf(path, "%d options; max 25", len(list))
	}
	names := map[string]int{}
	var subs, others int
	optional := ""
	for i, ov := range list {
		at := elem(path, i)
		o, ok := ov.(object)
		if !ok {
			p.addf(at, "is %s; want an option object", typeName(ov))
			continue
		}
		t, _ := asInt(o["type"])
		if optionTypeName(t) == "" {
			p.addf(field(at, "type"), "%s; want 1 to 11", mustJSON(o["type"]))
			continue
		}
		name := checkString(p, o, at, "name", 1, 32, true)
		checkCommandName(p, field(at, "name"), name)
		if prev, dup := names[name]; dup && name != "" {
			p.addf(field(at, "name"), "%q is also the name of %s; option names must be unique", name, elem(path, prev))
		} else {
			names[name] = i
		}
		checkString(p, o, at, "description", 1, 100, true)
		required := checkBool(p, o, at, "required")
		autocomplete := checkBool(p, o, at, "autocomplete")
		choices, _ := o["choices"].([]any)
		scalar := t == 3 || t == 4 || t == 10

		switch t {
		case 1, 2:
			subs++
			if t == 2 && level != levelCommand {
				p.addf(at, "a subcommand group may appear only among a command's options")
			}
			if t == 1 && level == levelSubcommand {
				p.addf(at, "a subcommand cannot hold subcommands")
			}
			next := levelSubcommand
			if t == 2 {
				next = levelGroup
			}
			validateOptions(p, field(at, "options"), o["options"], next)
		default:
			others++
			if level == levelGroup {
				p.addf(at, "a subcommand group may hold only subcommands (type 1); this is a %s option", optionTypeName(t))
			}
			if !isZero(o["options"]) {
				p.addf(field(at, "options"), "only subcommands and groups take options")
			}
			if required && optional != "" {
				p.addf(at, "required option %q comes after optional option %q; required options must come first", name, optional)
			}
			if !required && optional == "" {
				optional = name
			}
		}
		if autocomplete && !scalar {
			p.addf(field(at, "autocomplete"), "allowed only on string, integer and number options, not %s", optionTypeName(t))
		}
		if autocomplete && len(choices) > 0 {
			p.addf(field(at, "autocomplete"), "cannot be combined with choices")
		}
		if len(choices) > 0 && !scalar {
			p.addf(field(at, "choices"), "allowed only on string, integer and number options")
		}
		validateChoices(p, field(at, "choices"), o["choices"], t)
		if t != 3 && (!absent(o, "min_length") || !absent(o, "max_length")) {
			p.addf(at, "min_length and max_length are only for string options")
		}
		if t == 3 {
			checkIntRange(p, o, at, "min_length", 0, 6000)
			checkIntRange(p, o, at, "max_length", 1, 6000)
		}
		if t != 4 && t != 10 && (!absent(o, "min_value") || !absent(o, "max_value")) {
			p.addf(at, "min_value and max_value are only for integer and number options")
		}
		if t != 7 && !isZero(o["channel_types"]) {
			p.addf(field(at, "channel_types"), "only channel options take channel_types")
		}
	}
	if subs > 0 && others > 0 {
		p.addf(path, "subcommands and groups cannot be mixed with other options at the same level")
	}
}

// validateNonce checks a channel message's nonce (an integer, or a string
// of at most 25 characters) and returns it as a key, "" when absent.
func validateNonce(p *problems, m object) string {
	v := m["nonce"]
	switch n := v.(type) {
	case nil:
		return ""
	case string:
		if runes(n) > maxNonce {
			p.addf("nonce", "%d characters; max %d", runes(n), maxNonce)
		}
		return "s:" + n
	default:
		i, ok := asInt(v)
		if !ok {
			p.addf("nonce", "is %s; want an integer or a string", typeName(v))
			return ""
		}
		return fmt.Sprintf("i:%d", i)
	}
}
