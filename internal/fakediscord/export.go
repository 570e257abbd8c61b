package fakediscord

// The validation rules, for unit tests that check a payload without a
// server. The server applies the same rules to every request it gets.

// ValidateCallback checks the body of an interaction callback (POST
// /interactions/{id}/{token}/callback) answering an interaction of type
// itype (0 when unknown) and returns the rules it breaks.
func ValidateCallback(itype int, body []byte) []string {
	v, err := decodeJSON(body)
	if err != nil {
		return []string{"body is not JSON: " + err.Error()}
	}
	var p problems
	validateCallback(&p, v, itype)
	return p
}

// ValidateMessage checks a message body as sent to a webhook (an edit of
// an interaction's answer, or a follow-up) and returns the rules it
// breaks.
func ValidateMessage(body []byte) []string {
	v, err := decodeJSON(body)
	if err != nil {
		return []string{"body is not JSON: " + err.Error()}
	}
	m, ok := v.(object)
	if !ok {
		return []string{"body is not an object"}
	}
	var p problems
	validateMessage(&p, "", m, messageRules{flags: flagSuppressEmbeds | flagEphemeral, empty: m})
	return p
}

// ValidateCommands checks the body of a bulk overwrite of application
// commands and returns the rules it breaks.
func ValidateCommands(body []byte) []string {
	v, err := decodeJSON(body)
	if err != nil {
		return []string{"body is not JSON: " + err.Error()}
	}
	var p problems
	validateCommands(&p, v)
	return p
}
