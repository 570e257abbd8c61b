// Package corpusgen owns the deterministic generation of large, realistic
// synthetic news corpora for tests and benchmarks.
//
// A Generator builds a synthetic but pronounceable language (content words
// with inflected forms, person names, places, organisations, publications)
// and renders articles in the shapes found in scraped news folders: plain
// text with headlines, date lines, bylines, photo captions, datelines,
// section headings, bullet lists, quotations and trailing boilerplate, and
// Markdown with YAML front matter. Content words are drawn from a Zipf
// distribution mixed with per-article topic words and a small uniform share,
// so that large corpora exercise a long vocabulary tail.
//
// Every article is derived only from the seed and its index, so any article
// can be produced on its own, in any order and concurrently, and the same
// Options always yield byte-identical output. Questions pairs natural
// language questions with the article and a verbatim phrase of the paragraph
// that answers them.
package corpusgen
