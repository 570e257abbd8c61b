// Package digest owns the daily digests: the subscriptions of channels,
// their schedules in each channel's time zone, the record of when every
// article entered the corpus, the composition of a digest (what is new,
// each article summarised in two sentences with its most notable
// quotation) and the record of what was sent, so that every digest is
// posted once: never twice, never silently skipped.
//
// State lives in buckets of the bot's bbolt file (Store). Discord is
// reached only through the Poster interface the package defines; the
// articles only through Corpus, which *search.Index implements. It must
// not import discordgo, commands or config.
//
// The rules of time: a digest runs at its wall-clock time on every local
// day of its zone (RunAt says what happens on the days the clocks
// change); a digest found late at start-up is posted once if it is at
// most Config.CatchUp late, and skipped with a log line otherwise, its
// articles going into the next digest. The rules of failure: a run is
// recorded as being sent before anything is posted, each part is posted
// with a nonce derived from the subscription, the day and the part (so a
// retried create is de-duplicated by Discord), and the run is marked sent
// once Discord has accepted every part.
package digest
