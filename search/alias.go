package search

import "strings"

// DefaultAliases are the built-in groups of names and words that mean the
// same thing. Users add their own in configuration (search.aliases).
var DefaultAliases = [][]string{
	{"US", "U.S.", "USA", "U.S.A.", "United States", "United States of America", "America"},
	{"UK", "U.K.", "United Kingdom", "Britain", "Great Britain"},
	{"EU", "European Union"},
	{"UN", "United Nations"},
	{"NATO", "North Atlantic Treaty Organization"},
	{"FSB", "Federal Security Service"},
	{"CIA", "Central Intelligence Agency"},
	{"FBI", "Federal Bureau of Investigation"},
	{"NSA", "National Security Agency"},
	{"DOJ", "Justice Department", "Department of Justice"},
	{"MI6", "Secret Intelligence Service"},
	{"WHO", "World Health Organization"},
	{"ISIS", "ISIL", "Islamic State", "Daesh"},
	{"IS-K", "ISIS-K", "Islamic State Khorasan", "IS-Khorasan"},
	{"al-Qaeda", "al-Qaida", "al Qaeda", "Al Qaida"},
	{"Soleimani", "Suleimani", "Sulaimani"},
	{"Gaddafi", "Qaddafi", "Kadhafi"},
	{"Kyiv", "Kiev"},
	{"nukes", "nuke", "nuclear weapons", "nuclear"},
	{"AI", "artificial intelligence"},
	{"IRGC", "Revolutionary Guards", "Revolutionary Guard"},
}

// demonyms relate a country to the adjective and people of it, so that
// "Russia" finds "Russian" and "Sweden" finds "Swedish". Forms the stemmer
// already joins, or that differ only by a suffix (Iran, Iranian), are
// found by related-form expansion; these are the irregular ones.
var demonyms = [][]string{
	{"sweden", "swedish", "swede", "swedes"},
	{"britain", "british", "briton", "britons"},
	{"france", "french"},
	{"germany", "german", "germans"},
	{"spain", "spanish"},
	{"china", "chinese"},
	{"netherlands", "dutch", "holland"},
	{"turkey", "turkish", "turks", "turkiye"},
	{"poland", "polish", "poles"},
	{"denmark", "danish", "danes"},
	{"finland", "finnish", "finns"},
	{"ireland", "irish"},
	{"switzerland", "swiss"},
	{"greece", "greek", "greeks"},
	{"israel", "israeli", "israelis"},
	{"pakistan", "pakistani", "pakistanis"},
	{"iraq", "iraqi", "iraqis"},
	{"yemen", "yemeni", "yemenis"},
	{"afghanistan", "afghan", "afghans"},
	{"ukraine", "ukrainian", "ukrainians"},
	{"russia", "russian", "russians"},
	{"iran", "iranian", "iranians"},
	{"america", "american", "americans"},
	{"serbia", "serbian", "serbians", "serbs"},
	{"japan", "japanese"},
	{"vietnam", "vietnamese"},
	{"portugal", "portuguese"},
	{"norway", "norwegian", "norwegians"},
	{"belgium", "belgian", "belgians"},
	{"philippines", "filipino", "filipinos", "philippine"},
	{"thailand", "thai"},
	{"saudi arabia", "saudi", "saudis"},
	{"syria", "syrian", "syrians"},
	{"lebanon", "lebanese"},
	{"sudan", "sudanese"},
	{"wales", "welsh"},
	{"scotland", "scottish", "scots"},
	{"england", "english"},
	{"kenya", "kenyan", "kenyans"},
	{"nepal", "nepali", "nepalese"},
	{"moldova", "moldovan", "moldovans"},
	{"colombia", "colombian", "colombians"},
	{"mexico", "mexican", "mexicans"},
	{"canada", "canadian", "canadians"},
	{"india", "indian", "indians"},
	{"europe", "european", "europeans"},
	{"africa", "african", "africans"},
	{"asia", "asian", "asians"},
}

// aliasForm is one way of writing an alias: its tokens' folded forms
// (to recognise it in a question) and stems (to find it in passages).
type aliasForm struct {
	norms   []string
	stems   []string
	acronym []bool // the token must be written as an acronym to match ("US", not "us")
}

// aliasGroup is a set of forms that mean the same; related groups (a
// country and its people) match each other with a lower weight.
type aliasGroup struct {
	forms   []aliasForm
	related bool
}

type aliasTable struct {
	groups []aliasGroup
}

func newAliasTable(an *analyzer, extra [][]string) *aliasTable {
	t := &aliasTable{}
	add := func(words []string, related bool) {
		var g aliasGroup
		g.related = related
		for _, w := range words {
			toks := an.tokens(w)
			var f aliasForm
			for _, tk := range toks {
				if tk.Joined {
					continue
				}
				stem := tk.Stem
				if stem == "" {
					stem = tk.Norm
				}
				f.norms = append(f.norms, tk.Norm)
				f.stems = append(f.stems, stem)
				f.acronym = append(f.acronym, tk.Acronym && stopWords[tk.Norm])
			}
			if len(f.norms) > 0 {
				g.forms = append(g.forms, f)
			}
		}
		if len(g.forms) > 1 {
			t.groups = append(t.groups, g)
		}
	}
	for _, g := range DefaultAliases {
		add(g, false)
	}
	for _, g := range extra {
		add(g, false)
	}
	for _, g := range demonyms {
		add(g, true)
	}
	return t
}

// aliasMatch is an alias found in a question: tokens [start, end) of the
// question's content words, and the group it belongs to.
type aliasMatch struct {
	start, end int
	group      *aliasGroup
}

// find returns the longest alias that starts at question token i, if any.
func (t *aliasTable) find(toks []token, i int) (aliasMatch, bool) {
	best := aliasMatch{}
	for gi := range t.groups {
		g := &t.groups[gi]
		for _, f := range g.forms {
			n := len(f.norms)
			if i+n > len(toks) || n <= best.end-best.start {
				continue
			}
			ok := true
			for k := 0; k < n; k++ {
				tk := toks[i+k]
				if tk.Norm != f.norms[k] || (f.acronym[k] && !tk.Acronym) {
					ok = false
					break
				}
			}
			if ok {
				best = aliasMatch{start: i, end: i + n, group: g}
			}
		}
	}
	return best, best.group != nil
}

// String lists a group's forms, for debugging and logs.
func (g *aliasGroup) String() string {
	var parts []string
	for _, f := range g.forms {
		parts = append(parts, strings.Join(f.norms, " "))
	}
	return strings.Join(parts, " / ")
}
