package digest

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // schedules must work on a machine without zoneinfo
)

// TimeOfDay is a wall-clock time, to the minute.
type TimeOfDay struct{ Hour, Minute int }

// String returns the time as HH:MM.
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

var (
	reClock     = regexp.MustCompile(`^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$`)
	reClockFour = regexp.MustCompile(`^(\d{2})(\d{2})$`)
)

// ParseTimeOfDay reads a time as people type it: 09:00, 9:00, 18:30, 9am,
// 9:30 pm, 1830, noon, midnight. Its error says how to write one.
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	in := strings.ToLower(strings.Join(strings.Fields(s), " "))
	bad := fmt.Errorf("%q is not a time of day: write it as HH:MM on a 24-hour clock, like 09:00 or 18:30 (9am works too)", strings.TrimSpace(s))
	switch in {
	case "noon", "midday":
		return TimeOfDay{12, 0}, nil
	case "midnight":
		return TimeOfDay{0, 0}, nil
	}
	var h, m int
	var suffix string
	if sm := reClockFour.FindStringSubmatch(in); sm != nil {
		h, _ = strconv.Atoi(sm[1])
		m, _ = strconv.Atoi(sm[2])
	} else if sm := reClock.FindStringSubmatch(in); sm != nil {
		h, _ = strconv.Atoi(sm[1])
		if sm[2] != "" {
			m, _ = strconv.Atoi(sm[2])
		}
		suffix = strings.ReplaceAll(sm[3], ".", "")
	} else {
		return TimeOfDay{}, bad
	}
	switch suffix {
	case "am", "pm":
		if h < 1 || h > 12 {
			return TimeOfDay{}, bad
		}
		if h == 12 {
			h = 0
		}
		if suffix == "pm" {
			h += 12
		}
	}
	if h > 23 || m > 59 {
		return TimeOfDay{}, bad
	}
	return TimeOfDay{h, m}, nil
}

var reOffset = regexp.MustCompile(`^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$`)

// zoneIndex maps lower-cased zone names, and the city of each
// Area/City name ("new york" for America/New_York), to the name.
var zoneIndex = sync.OnceValue(func() map[string]string {
	idx := make(map[string]string, 2*len(zoneNames))
	cities := map[string][]string{}
	for _, n := range zoneNames {
		idx[strings.ToLower(n)] = n
		if i := strings.LastIndexByte(n, '/'); i > 0 && suggestable(n) {
			city := strings.ToLower(strings.ReplaceAll(n[i+1:], "_", " "))
			cities[city] = append(cities[city], n)
		}
	}
	for city, names := range cities {
		if _, taken := idx[city]; !taken && len(names) == 1 {
			idx[city] = names[0]
		}
	}
	return idx
})

// ParseZone reads a time zone as people type it: an IANA name in any case
// (Europe/London, europe/london), a city of one (London, new york), UTC or
// GMT, or a fixed offset (+02:00, -0530, UTC+2, GMT-5). It returns the
// zone's canonical name, which LoadZone reads back. Its error suggests
// names that contain what was typed.
func ParseZone(s string) (string, *time.Location, error) {
	in := strings.TrimSpace(s)
	low := strings.ToLower(strings.Join(strings.Fields(in), " "))
	switch low {
	case "":
		return "", nil, fmt.Errorf("the time zone is empty: give an IANA name like Europe/London, or an offset like +02:00")
	case "utc", "gmt", "z", "zulu", "universal", "+00:00", "-00:00", "+0", "-0", "utc+0", "utc-0", "gmt+0", "gmt-0":
		return "UTC", time.UTC, nil
	}
	if sm := reOffset.FindStringSubmatch(low); sm != nil {
		h, _ := strconv.Atoi(sm[2])
		m := 0
		if sm[3] != "" {
			m, _ = strconv.Atoi(sm[3])
		}
		if h > 14 || m > 59 || h == 14 && m > 0 {
			return "", nil, fmt.Errorf("%q is not a UTC offset: offsets run from -12:00 to +14:00", in)
		}
		if h == 0 && m == 0 {
			return "UTC", time.UTC, nil
		}
		name := fmt.Sprintf("UTC%s%02d:%02d", sm[1], h, m)
		loc, err := LoadZone(name)
		return name, loc, err
	}
	name, ok := zoneIndex()[low]
	if !ok {
		name, ok = zoneIndex()[strings.ReplaceAll(low, "_", " ")]
	}
	if !ok {
		msg := fmt.Sprintf("%q is not a time zone I know: give an IANA name like Europe/London or America/New_York, or an offset like +02:00", in)
		near := MatchZones(in, 3)
		if len(near) == 0 {
			// "Berlin/Europe", "Paris France": try the words one by one.
			for _, w := range strings.FieldsFunc(in, func(r rune) bool { return r == '/' || r == ' ' || r == ',' }) {
				if len(w) >= 3 && len(near) < 3 {
					near = append(near, MatchZones(w, 3-len(near))...)
				}
			}
		}
		if len(near) > 0 {
			msg += "; did you mean " + strings.Join(near, ", ") + "?"
		}
		return "", nil, fmt.Errorf("%s", msg)
	}
	loc, err := LoadZone(name)
	return name, loc, err
}

// LoadZone returns the location of a name ParseZone returned.
func LoadZone(name string) (*time.Location, error) {
	if rest, ok := strings.CutPrefix(name, "UTC"); ok && len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') {
		h, err1 := strconv.Atoi(rest[1:3])
		m, err2 := strconv.Atoi(rest[4:6])
		if err1 != nil || err2 != nil || rest[3] != ':' {
			return nil, fmt.Errorf("time zone %q: bad offset", name)
		}
		secs := h*3600 + m*60
		if rest[0] == '-' {
			secs = -secs
		}
		return time.FixedZone(name, secs), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	return loc, nil
}

// suggestable reports whether a zone is one to offer: the Area/City names
// of today's database, not the legacy aliases (US/Eastern, Etc/GMT+5).
func suggestable(name string) bool {
	area, _, ok := strings.Cut(name, "/")
	if !ok {
		return name == "UTC"
	}
	switch area {
	case "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific":
		return true
	}
	return false
}

// commonZones are offered before anything is typed.
var commonZones = [...]string{
	"UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Kyiv", "Europe/Moscow",
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
	"Asia/Jerusalem", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo",
	"Australia/Sydney", "Pacific/Auckland", "Africa/Johannesburg", "Africa/Lagos",
}

// MatchZones returns up to limit zone names for what a user has typed:
// names that start with it first, then names with a part (area or city)
// that starts with it, then names that contain it; spaces match
// underscores. An empty input gives the most used zones.
func MatchZones(typed string, limit int) []string {
	q := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(typed), " ", "_"))
	if q == "" {
		return append([]string(nil), commonZones[:min(limit, len(commonZones))]...)
	}
	type match struct {
		name string
		rank int
	}
	var ms []match
	for _, n := range zoneNames {
		if !suggestable(n) {
			continue
		}
		low := strings.ToLower(n)
		rank := -1
		switch {
		case strings.HasPrefix(low, q):
			rank = 0
		case strings.Contains(low, "/"+q):
			rank = 1
		case strings.Contains(low, q):
			rank = 2
		}
		if rank >= 0 {
			ms = append(ms, match{n, rank})
		}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].rank < ms[j].rank })
	out := make([]string, 0, min(limit, len(ms)))
	for _, m := range ms[:min(limit, len(ms))] {
		out = append(out, m.name)
	}
	return out
}

// Day is a calendar date in a subscription's zone: the day a digest is
// for, "2006-01-02".
type Day string

func dayOf(y int, m time.Month, d int) Day {
	return Day(fmt.Sprintf("%04d-%02d-%02d", y, m, d))
}

// RunAt returns the instant the digest of local date (y, m, d) runs: the
// wall-clock time at in loc that day. When that time does not exist
// (the clocks jumped over it), it is the first instant after the jump;
// when it happens twice (the clocks went back), the first of the two.
func RunAt(at TimeOfDay, loc *time.Location, y int, m time.Month, d int) time.Time {
	t := time.Date(y, m, d, at.Hour, at.Minute, 0, 0, loc)
	want := time.Date(y, m, d, at.Hour, at.Minute, 0, 0, time.UTC)
	got := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	switch {
	case got.After(want):
		// Normalised forward over a gap: the jump is where t's zone
		// period starts.
		start, _ := t.ZoneBounds()
		if !start.IsZero() {
			return start
		}
	case got.Before(want):
		// Normalised back over a gap: the jump is where t's period ends.
		_, end := t.ZoneBounds()
		if !end.IsZero() {
			return end
		}
	default:
		// The wall clock exists; if it also existed an hour (or so)
		// earlier, before the clocks went back, take that first one.
		start, _ := t.ZoneBounds()
		if !start.IsZero() {
			_, off := t.Zone()
			_, prevOff := start.Add(-time.Second).Zone()
			if prevOff > off {
				earlier := t.Add(-time.Duration(prevOff-off) * time.Second)
				if earlier.Before(start) {
					e := earlier.In(loc)
					if e.Hour() == at.Hour && e.Minute() == at.Minute && e.Day() == d {
						return earlier
					}
				}
			}
		}
	}
	return t
}

// Latest returns the latest run at or before now, and its day.
func Latest(at TimeOfDay, loc *time.Location, now time.Time) (time.Time, Day) {
	y, m, d := now.In(loc).Date()
	t := RunAt(at, loc, y, m, d)
	if t.After(now) {
		y, m, d = time.Date(y, m, d-1, 12, 0, 0, 0, time.UTC).Date()
		t = RunAt(at, loc, y, m, d)
	}
	return t, dayOf(y, m, d)
}

// Next returns the first run after after, and its day.
func Next(at TimeOfDay, loc *time.Location, after time.Time) (time.Time, Day) {
	y, m, d := after.In(loc).Date()
	t := RunAt(at, loc, y, m, d)
	if !t.After(after) {
		y, m, d = time.Date(y, m, d+1, 12, 0, 0, 0, time.UTC).Date()
		t = RunAt(at, loc, y, m, d)
	}
	return t, dayOf(y, m, d)
}
