package digest

import (
	"strings"
	"testing"
	"time"
)

func TestParseTimeOfDay(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // "" for an error
	}{
		{"09:00", "09:00"}, {"9:00", "09:00"}, {"18:30", "18:30"}, {"0:05", "00:05"},
		{"9am", "09:00"}, {"9 AM", "09:00"}, {"9:30pm", "21:30"}, {"12am", "00:00"}, {"12pm", "12:00"},
		{"12:15 a.m.", "00:15"}, {"1830", "18:30"}, {"7", "07:00"}, {"7.45", "07:45"}, {"noon", "12:00"},
		{"midnight", "00:00"}, {" 08:00 ", "08:00"},
		{"24:00", ""}, {"9:60", ""}, {"13pm", ""}, {"0am", ""}, {"tomorrow", ""}, {"", ""}, {"9:5", ""},
	} {
		got, err := ParseTimeOfDay(c.in)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("ParseTimeOfDay(%q) = %v; want an error", c.in, got)
		case c.want == "" && !strings.Contains(err.Error(), "HH:MM"):
			t.Errorf("ParseTimeOfDay(%q) error %q does not say how to write a time", c.in, err)
		case c.want != "" && (err != nil || got.String() != c.want):
			t.Errorf("ParseTimeOfDay(%q) = %v, %v; want %s", c.in, got, err, c.want)
		}
	}
}

func TestParseZone(t *testing.T) {
	for _, c := range []struct{ in, want, offset string }{
		{"UTC", "UTC", "+0000"},
		{"gmt", "UTC", "+0000"},
		{"Europe/London", "Europe/London", ""},
		{"europe/london", "Europe/London", ""},
		{"London", "Europe/London", ""},
		{"new york", "America/New_York", ""},
		{"America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires", ""},
		{"+02:00", "UTC+02:00", "+0200"},
		{"-0530", "UTC-05:30", "-0530"},
		{"UTC+2", "UTC+02:00", "+0200"},
		{"GMT-5", "UTC-05:00", "-0500"},
		{"+00:00", "UTC", "+0000"},
		{"Etc/GMT+5", "Etc/GMT+5", "-0500"},
	} {
		name, loc, err := ParseZone(c.in)
		if err != nil || name != c.want {
			t.Errorf("ParseZone(%q) = %q, %v; want %q", c.in, name, err, c.want)
			continue
		}
		again, err := LoadZone(name)
		if err != nil {
			t.Errorf("LoadZone(%q): %v", name, err)
			continue
		}
		jan := time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC)
		if got, want := jan.In(again).Format("-0700"), jan.In(loc).Format("-0700"); got != want {
			t.Errorf("LoadZone(%q) offset %s; ParseZone gave %s", name, got, want)
		}
		if c.offset != "" && jan.In(loc).Format("-0700") != c.offset {
			t.Errorf("ParseZone(%q) offset %s; want %s", c.in, jan.In(loc).Format("-0700"), c.offset)
		}
	}
	for _, in := range []string{"", "Mars/Olympus", "+15:00", "Londn"} {
		if name, _, err := ParseZone(in); err == nil {
			t.Errorf("ParseZone(%q) = %q; want an error", in, name)
		}
	}
	_, _, err := ParseZone("Berlin/Europe")
	if err == nil || !strings.Contains(err.Error(), "Europe/Berlin") {
		t.Errorf("ParseZone(Berlin/Europe) error %v; want a suggestion of Europe/Berlin", err)
	}
}

func TestMatchZones(t *testing.T) {
	for _, c := range []struct {
		typed, first string
		min          int
	}{
		{"", "UTC", 10},
		{"Europe/Lon", "Europe/London", 1},
		{"york", "America/New_York", 1},
		{"new y", "America/New_York", 1},
		{"tokyo", "Asia/Tokyo", 1},
		{"america", "America/Adak", 25},
	} {
		got := MatchZones(c.typed, 25)
		if len(got) < c.min || got[0] != c.first || len(got) > 25 {
			t.Errorf("MatchZones(%q) = %v; want at least %d, %s first", c.typed, got, c.min, c.first)
		}
		for _, n := range got {
			if strings.HasPrefix(n, "US/") || strings.HasPrefix(n, "Etc/") {
				t.Errorf("MatchZones(%q) offers the legacy name %s", c.typed, n)
			}
		}
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := LoadZone(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestRunAtAcrossDaylightSaving checks the rule for the days the clocks
// change: a time that does not exist runs at the first instant after the
// jump; a time that happens twice runs at the first.
func TestRunAtAcrossDaylightSaving(t *testing.T) {
	for _, c := range []struct {
		zone    string
		date    string
		at      TimeOfDay
		wantUTC string
	}{
		// New York springs forward 2025-03-09 02:00 EST -> 03:00 EDT.
		{"America/New_York", "2025-03-09", TimeOfDay{2, 30}, "2025-03-09T07:00:00Z"},
		{"America/New_York", "2025-03-09", TimeOfDay{1, 59}, "2025-03-09T06:59:00Z"},
		{"America/New_York", "2025-03-09", TimeOfDay{3, 0}, "2025-03-09T07:00:00Z"},
		{"America/New_York", "2025-03-09", TimeOfDay{9, 0}, "2025-03-09T13:00:00Z"},
		// ...and falls back 2025-11-02 02:00 EDT -> 01:00 EST: 01:30 twice.
		{"America/New_York", "2025-11-02", TimeOfDay{1, 30}, "2025-11-02T05:30:00Z"},
		{"America/New_York", "2025-11-02", TimeOfDay{2, 30}, "2025-11-02T07:30:00Z"},
		{"America/New_York", "2025-11-02", TimeOfDay{0, 30}, "2025-11-02T04:30:00Z"},
		// London: 2025-03-30 01:00 GMT -> 02:00 BST; 2025-10-26 02:00 BST -> 01:00 GMT.
		{"Europe/London", "2025-03-30", TimeOfDay{1, 30}, "2025-03-30T01:00:00Z"},
		{"Europe/London", "2025-03-30", TimeOfDay{2, 0}, "2025-03-30T01:00:00Z"},
		{"Europe/London", "2025-10-26", TimeOfDay{1, 30}, "2025-10-26T00:30:00Z"},
		{"Europe/London", "2025-10-26", TimeOfDay{9, 0}, "2025-10-26T09:00:00Z"},
		// Lord Howe moves by half an hour: 2025-10-05 02:00 -> 02:30 (+10:30 -> +11).
		{"Australia/Lord_Howe", "2025-10-05", TimeOfDay{2, 15}, "2025-10-04T15:30:00Z"},
		// Havana springs forward at midnight: 2025-03-09 00:00 -> 01:00.
		{"America/Havana", "2025-03-09", TimeOfDay{0, 0}, "2025-03-09T05:00:00Z"},
		{"America/Havana", "2025-03-09", TimeOfDay{0, 30}, "2025-03-09T05:00:00Z"},
	} {
		loc := mustZone(t, c.zone)
		d, _ := time.Parse(time.DateOnly, c.date)
		got := RunAt(c.at, loc, d.Year(), d.Month(), d.Day()).UTC().Format(time.RFC3339)
		if got != c.wantUTC {
			t.Errorf("%s %s at %s runs %s; want %s", c.zone, c.date, c.at, got, c.wantUTC)
		}
	}
}

// TestNextNeverSkipsOrDoublesADay walks two years of runs in zones with
// daylight saving, at times that fall in the gaps and the overlaps and at
// midnight: every local day has exactly one run, in order.
func TestNextNeverSkipsOrDoublesADay(t *testing.T) {
	zones := []string{"America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Havana", "Pacific/Chatham", "UTC", "UTC+05:30"}
	times := []TimeOfDay{{0, 0}, {0, 30}, {1, 30}, {2, 0}, {2, 30}, {3, 0}, {9, 0}, {23, 59}}
	for _, zone := range zones {
		loc := mustZone(t, zone)
		for _, at := range times {
			start := time.Date(2024, 12, 31, 23, 0, 0, 0, loc)
			prev, prevDay := start, Day("")
			for i := 0; i < 730; i++ {
				run, day := Next(at, loc, prev)
				if !run.After(prev) {
					t.Fatalf("%s %s: run %d at %v is not after %v", zone, at, i, run, prev)
				}
				if prevDay != "" {
					pd, _ := time.Parse(time.DateOnly, string(prevDay))
					if want := Day(pd.AddDate(0, 0, 1).Format(time.DateOnly)); day != want {
						t.Fatalf("%s %s: after %s came %s; want %s", zone, at, prevDay, day, want)
					}
				}
				local := run.In(loc)
				if got := Day(local.Format(time.DateOnly)); got != day {
					t.Errorf("%s %s: the run for %s is on local date %s", zone, at, day, got)
				}
				// The run is at the time asked for, or just after a jump
				// over it (never more than the jump, at most an hour).
				asked := time.Date(local.Year(), local.Month(), local.Day(), at.Hour, at.Minute, 0, 0, time.UTC)
				wall := time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute(), 0, 0, time.UTC)
				if d := wall.Sub(asked); d < 0 || d > time.Hour {
					t.Errorf("%s %s: the run for %s is at %s local", zone, at, day, local.Format("15:04 MST"))
				}
				if latest, lday := Latest(at, loc, run); !latest.Equal(run) || lday != day {
					t.Errorf("%s %s: Latest at the run %v = %v %s; want the run itself", zone, at, run, latest, lday)
				}
				if latest, lday := Latest(at, loc, run.Add(-time.Second)); !latest.Before(run) || lday == day {
					t.Errorf("%s %s: Latest just before the run %v = %v %s; want the day before", zone, at, run, latest, lday)
				}
				prev, prevDay = run, day
			}
		}
	}
}
