package fakediscord

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"unicode/utf8"
)

// object is a decoded JSON object. Numbers in it are json.Number, so that
// an integer can be told from a float and large snowflakes survive.
type object = map[string]any

// decodeJSON decodes exactly one JSON value from b, keeping numbers as
// json.Number.
func decodeJSON(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

// typeName names the JSON type of a decoded value, for messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case object:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// asInt reports v as an integer when it is a JSON number without a
// fraction or exponent.
func asInt(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.ParseInt(n.String(), 10, 64)
	return i, err == nil
}

// isNumber reports whether v is any JSON number.
func isNumber(v any) bool {
	_, ok := v.(json.Number)
	return ok
}

// absent reports whether key is missing from o or null.
func absent(o object, key string) bool {
	v, ok := o[key]
	return !ok || v == nil
}

// isZero reports whether v is the JSON zero of its type: null, false, 0,
// "", [] or {}.
func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case bool:
		return !x
	case json.Number:
		f, err := x.Float64()
		return err == nil && f == 0
	case []any:
		return len(x) == 0
	case object:
		return len(x) == 0
	}
	return false
}

// runes counts the characters of s as Discord's limits count them here:
// Unicode code points.
func runes(s string) int { return utf8.RuneCountInString(s) }

// field joins a JSON path and a key.
func field(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// elem joins a JSON path and an array index.
func elem(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// mustJSON marshals a value the package built itself; it cannot fail.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("fakediscord: marshal %T: %v", v, err))
	}
	return b
}

// sortedKeys returns the keys of o in order, so that problems come out in
// a stable order.
func sortedKeys(o object) []string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
