package search

import "time"

// An Article is one file of the corpus as the parser understood it.
type Article struct {
	// ID is the file's path under the corpus directory, with forward
	// slashes and without its extension: stable across runs.
	ID string
	// Path is the file's path under the corpus directory.
	Path        string
	Title       string
	Author      string
	Publication string
	// Published is the publication date at midnight UTC, or the zero time
	// when the article does not give one.
	Published time.Time
	URL       string
	Tags      []string
	// Dateline is the place of the dateline ("LONDON"), kept out of the
	// passage text.
	Dateline string
	Passages []Passage
}

// PublishedDate returns Published as YYYY-MM-DD, or "" when it is unknown.
func (a *Article) PublishedDate() string {
	if a.Published.IsZero() {
		return ""
	}
	return a.Published.Format(time.DateOnly)
}

// QuoteCount returns the number of quotations in the article.
func (a *Article) QuoteCount() int {
	n := 0
	for i := range a.Passages {
		n += len(a.Passages[i].Quotes)
	}
	return n
}

// Kind says what part of an article a passage comes from.
type Kind string

// The kinds of passage.
const (
	KindParagraph Kind = "paragraph"
	KindCaption   Kind = "caption"
	KindList      Kind = "list"
)

// A Passage is a run of one to about six sentences of an article, quoted
// word for word.
type Passage struct {
	// Index is the passage's position in its article, from 0.
	Index int
	// Section is the heading the passage stands under, or "".
	Section string
	Kind    Kind
	Text    string
	// Sentences are the byte ranges of Text's sentences.
	Sentences []Span
	// Quotes are the direct quotations in Text, in order.
	Quotes []Quote
}

// A Span is a byte range [Start, End) of a passage's text.
type Span struct{ Start, End int }

// A Quote is a direct quotation and, when the article says who spoke, its
// speaker.
type Quote struct {
	// Text is the quoted words, without the quotation marks.
	Text string
	// Speaker is the person or organisation the article says spoke the
	// words, by name as the article gives it ("Colin Clarke", "Justice
	// Department", "anonymous French intelligence source"); "" when the
	// article does not say.
	Speaker string
	// Title is an honorific or rank given before the name ("Gen.", "Dr.").
	Title string
	// Role is what the article says the speaker is ("research head at The
	// Soufan Group").
	Role string
	// Start and End are the byte range of Text in the passage's text.
	Start, End int
}
