package search

import (
	"regexp"
	"strings"
	"unicode"
)

// Boilerplate is recognised by its shape: the widgets, bars and calls to
// action that web pages wrap around an article. Each pattern matches a
// whole short block, so an article sentence that happens to start with
// "Share" or "Related" is not lost.
var (
	// Comment widgets: "No comments:", "Post a Comment", "Leave a reply",
	// "Comments (0)", "3 comments", "Comments are closed."
	reComments = regexp.MustCompile(`(?i)^(?:(?:no|\d+|one|two|three)\s+(?:comments?|responses?|replies|thoughts)\s*(?:on\b.*|so far)?[:.!]?|(?:post|add|leave|write|submit|view|show|load|hide|read)\s+(?:a|an|your|all|the|\d+)?\s*(?:new\s+)?(?:comments?|reply|replies|response)\b.*|comments?\s*(?:\(\s*\d+\s*\)|:)?|comments?\s+(?:are\s+)?closed\.?|join the (?:conversation|discussion)\.?|(?:cancel|submit)\s+reply|be the first to comment\.?|\d+\s+(?:shares?|views?|likes?|reactions?))$`)

	// Advertising and page furniture.
	reAdvert = regexp.MustCompile(`(?i)^(?:advertisement|advertising|advert|ad|ads by \w+|sponsored(?: content| post| links?)?|promoted(?: content)?|paid content|story continues below(?: advertisement)?|article continues below(?: advertisement)?|continue reading(?: below| the main story)?|scroll to continue(?: with content)?|skip (?:to (?:main )?content|advertisement)|(?:main )?menu|search|home|print|email|close|loading\.*|back to top|top of page|image|photo|video|play video|watch(?: now)?|listen(?: to (?:this|the) article)?|\d+\s+min(?:ute)?s?\s+read|reading time:?.*)[.:]?$`)

	// Related-content blocks that end the article proper.
	reRelated = regexp.MustCompile(`(?i)^(?:related(?:\s+(?:posts?|articles?|stories|news|coverage|content|reading|links|topics))?|read (?:more|also|next|this next)|see also|more (?:from|on|stories|news|like this|in|to read)\b.*|you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|recommended(?: for you| stories| reading)?|most (?:read|popular|viewed|shared)|trending(?: now| stories)?|popular (?:posts?|stories)|latest (?:news|stories|posts|articles)|also read|don'?t miss|further reading|keep reading|what to read next|top stories|editor'?s picks?)\s*[:.]?$`)

	// "Read more: <headline>", "Related: <headline>" and "READ MORE | ..."
	reRelatedLink = regexp.MustCompile(`(?i)^(?:read (?:more|also|next)|related|see also|also read|more)\s*[:|»>–—-]\s*\S`)

	// Blog and CMS footers and navigation.
	reFooter = regexp.MustCompile(`(?i)^(?:posted (?:in|by|on|at|under)\b.*|filed (?:under|in)\b.*|labels?\s*:.*|tags?\s*:.*|tagged\s*(?:with)?\s*:.*|categor(?:y|ies)\s*:.*|topics?\s*:.*|share (?:this|on|via|the|to|article|story)\b.*|share\s*:?|shares?|newer posts?.*|older posts?.*|home\s*»?|subscribe to:.*|subscribe(?: now| today| here)?[.!]?|sign up(?: for (?:our|the) newsletter)?.*|follow us(?: on)?\b.*|click here\b.*|all rights reserved\.?.*|(?:copyright|©|\(c\))\s*(?:\d{4}|©)?.*|image (?:source|credit)s?\s*:.*|photo (?:credit|source)s?\s*:.*|reporting by\b.*|editing by\b.*|additional reporting\b.*|written by\b.*\bedited by\b.*|contact (?:the )?(?:author|us|reporter)\b.*|about the author\b.*|terms (?:of (?:use|service)|and conditions).*|privacy policy.*|cookie (?:policy|settings|preferences).*|(?:this|the) (?:article|story) (?:was|has been) (?:updated|corrected|amended)\b.*|emailthis.*|blogthis!?.*|share to (?:twitter|facebook|pinterest|x)\b.*|powered by (?:blogger|wordpress)\b.*|subscribe to our newsletter.*|get (?:our|the) newsletter.*|sign in\b.*|log in\b.*|register\b.*|next (?:post|article|story)\s*:?.*|previous (?:post|article|story)\s*:?.*|(?:prev|previous)\s*(?:\||/)\s*next|our (?:standards|editorial (?:standards|principles|guidelines))\b.*|(?:editorial|ethics) (?:standards|policy|principles)\s*:.*|(?:[\p{L}&' ]{0,40} )?(?:editorial standards|editorial guidelines|trust principles|corrections policy|code of ethics|ethics policy))$`)

	reURLOnly    = regexp.MustCompile(`^(?:<?(?:https?://|www\.)\S+>?\s*)+$`)
	reEmail      = regexp.MustCompile(`[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\[email(?:\s|&#160;|&nbsp;)*protected\]`)
	reBreadcrumb = regexp.MustCompile(`^(?:[\p{L}\p{N}&' ]{1,30}\s*(?:>|»|/|›)\s*){2,}[\p{L}\p{N}&' ]{1,40}$`)
	// "Football | Transfers", "World › Europe": a section path.
	reSectionPath = regexp.MustCompile(`^\p{Lu}[\p{L}&']*(?: \p{Lu}[\p{L}&']*){0,2}(?: (?:\||›|»|>|/) \p{Lu}[\p{L}&']*(?: \p{Lu}[\p{L}&']*){0,2})+$`)
)

// shareWords are the words of a share bar.
var shareWords = toSet(`share shares shared tweet tweets email e-mail mail print facebook twitter x whatsapp
linkedin reddit pinterest telegram messenger copy link url pocket flipboard tumblr threads bluesky mastodon
on via this article story save comment comments sms gmail vk`)

var shareNetworks = toSet(`facebook twitter whatsapp linkedin reddit pinterest telegram messenger tumblr flipboard pocket threads bluesky mastodon gmail vk tweet`)

// isShareBar reports whether a line is a row of share buttons: short and
// made of little but network names and share verbs.
func isShareBar(s string) bool {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '-'
	})
	if len(words) == 0 || len(words) > 14 {
		return false
	}
	networks := 0
	for _, w := range words {
		if !shareWords[w] {
			return false
		}
		if shareNetworks[w] || w == "share" {
			networks++
		}
	}
	return networks > 0 || len(words) >= 2
}

// isBoilerplate reports whether a block is page furniture rather than
// article text, and whether it starts the trailing part of a page
// (comments, related links) after which short blocks are furniture too.
func isBoilerplate(s string) (boiler, tail bool) {
	t := strings.TrimSpace(strings.Trim(s, "*_#=[] "))
	if strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") && strings.Count(t, "(") == 1 {
		t = strings.TrimSpace(t[1 : len(t)-1]) // "(Reporting by ...; Editing by ...)"
	}
	if t == "" {
		return true, false
	}
	if !strings.ContainsFunc(t, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return true, false // "* * *", "———"
	}
	words := wordCount(t)
	if words <= 12 {
		switch {
		case reComments.MatchString(t):
			return true, true
		case reRelated.MatchString(t):
			return true, true
		case reAdvert.MatchString(t):
			return true, false
		case isShareBar(t):
			return true, false
		case reBreadcrumb.MatchString(t), reSectionPath.MatchString(t):
			return true, false
		}
	}
	if words <= 25 {
		switch {
		case reFooter.MatchString(t):
			low := strings.ToLower(t)
			return true, strings.HasPrefix(low, "newer post") || strings.HasPrefix(low, "older post") || strings.HasPrefix(low, "labels") || strings.HasPrefix(low, "posted in")
		case reRelatedLink.MatchString(t):
			return true, false
		case reURLOnly.MatchString(t):
			return true, false
		}
	}
	if isCode(t) {
		return true, false
	}
	return false, false
}

// isCode reports whether a block looks like script or markup left over
// from a web page.
func isCode(s string) bool {
	if len(s) < 12 {
		return false
	}
	sym := 0
	for _, r := range s {
		switch r {
		case '{', '}', ';', '=', '<', '>', '(', ')', '$', '[', ']':
			sym++
		}
	}
	return sym*8 > len(s) && (strings.Contains(s, "function") || strings.Contains(s, "var ") || strings.Contains(s, "</") || strings.Contains(s, "{"))
}

// reSolicit matches the sentences that ask the reader to do something for
// the publication: write in, share their thoughts, send tips, subscribe.
var reSolicit = regexp.MustCompile(`(?i)\b(?:please\s+)?(?:share your (?:thoughts|views|opinions?|comments|stories)|send (?:us )?(?:your |a )?(?:tips?|thoughts|views|letters?|comments|stories)|(?:email|e-mail|write to|contact|reach|message) us\b|let us know|tell us (?:what|your|in)|get in touch|drop us a (?:line|note)|have a (?:news )?tip|got a (?:news )?tip|tips? (?:line|@)|in the comments(?: below| section)?|(?:contact|email|e-mail|write to|call) (?:our|the) (?:newsroom|news ?desk|editors?|reporters?|tip ?line)|leave (?:a|your) comment|subscribe to (?:our|the)\b|sign up (?:for|to)\b|follow us (?:on|at)\b|support (?:our|independent) journalism|donate to|become a (?:member|subscriber|patron)|by emailing)`)

// reReaderQuestion matches a sentence that turns to the reader: "In your
// opinion, ...?", "What do you think?".
var reReaderQuestion = regexp.MustCompile(`(?i)\b(?:you|your)\b.*\?["”]?$`)

var (
	reYou = regexp.MustCompile(`(?i)\b(?:you|your)\b`)
	// "Corrections and tips: newsroom@example.com"
	reContactLine = regexp.MustCompile(`^[\p{L}&,' ]{2,40}:\s*(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\[email(?:\s|&#160;|&nbsp;)*protected\])\.?$`)
	reImperative  = regexp.MustCompile(`(?i)^(?:please\s+)?(?:e-?mail|contact|write|send|call|reach|tips?)\b`)
)

var reCourtesy = regexp.MustCompile(`(?i)^(?:thank you|thanks|thanks for reading|thank you for reading|cheers)[.!]*$`)

// stripSolicitations removes the sentences of a paragraph that ask the
// reader to write in, share their thoughts or subscribe, together with the
// questions and courtesies around them. It returns what is left, which may
// be "".
func stripSolicitations(p string) string {
	if !maySolicit(p) {
		return p
	}
	if !reSolicit.MatchString(p) && !reEmail.MatchString(p) && !reReaderQuestion.MatchString(p) {
		return p
	}
	sents := splitSentences(p)
	keep := make([]bool, len(sents))
	solicit := false
	for i, sp := range sents {
		s := p[sp.Start:sp.End]
		keep[i] = true
		switch {
		case reSolicit.MatchString(s), reEmail.MatchString(s) && (reYou.MatchString(s) || reImperative.MatchString(s) || reContactLine.MatchString(s)):
			keep[i] = false
			solicit = true
		}
	}
	if !solicit {
		return p
	}
	// Reader questions and courtesies next to a solicitation go with it.
	for changed := true; changed; {
		changed = false
		for i, sp := range sents {
			if !keep[i] {
				continue
			}
			s := p[sp.Start:sp.End]
			near := (i > 0 && !keep[i-1]) || (i+1 < len(sents) && !keep[i+1])
			if near && (reReaderQuestion.MatchString(s) || reCourtesy.MatchString(s)) {
				keep[i] = false
				changed = true
			}
		}
	}
	var parts []string
	for i, sp := range sents {
		if keep[i] {
			parts = append(parts, p[sp.Start:sp.End])
		}
	}
	return strings.Join(parts, " ")
}

// solicitAnchors are words one of which every solicitation holds; a
// paragraph without any is not searched with the full patterns.
var solicitAnchors = []string{"share", "send", "mail", "write", "contact", "reach", "message", "let us", "tell us",
	"touch", "drop us", "tip", "comment", "subscribe", "sign up", "follow us", "journalism", "donate",
	"become a", "@", "protected", "you"}

func maySolicit(p string) bool { return containsAnyOf(strings.ToLower(p), solicitAnchors) }

// containsAnyOf reports whether s holds any of the substrings.
func containsAnyOf(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
