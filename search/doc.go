// Package search owns Dossier's articles and their index: it parses
// article files (plain text scraped from the web, or Markdown with YAML
// front matter) into passages with metadata and attributed quotations,
// indexes them in bleve, and answers questions with ranked passages.
//
// It is the only package that imports bleve, and no bleve type crosses its
// API. It must not import the commands, digest or config packages.
//
// Text analysis is Dossier's own (tokens, folding, stop words, irregular
// forms, the Snowball English stemmer) and is fed to bleve as token
// streams, so the index and the re-ranker see the same words. The index
// holds, per passage: "text" (stems, stop words left out), "exact"
// (every word folded but not stemmed: phrases and spelling), "names"
// (capitalised words), "section", "article", "speaker", "kind" and
// "published". A bbolt catalog beside the index holds article metadata,
// content hashes and passage text.
//
// Answering a question: the question is analysed into concepts (words,
// aliases such as US / United States / America, related forms such as
// Russia / Russian, spelling corrections against the corpus's own
// words), bleve proposes candidate passages with a weighted disjunction,
// and each candidate is re-ranked on its own text (see rank.go). The
// sentence that best answers is the hit's Answer.
package search
