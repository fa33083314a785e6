package promote

import (
	"strings"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/gitlab"
)

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestParseWindow(t *testing.T) {
	w, err := ParseWindow("  Fri 15:00 - Mon 08:00 Europe/Berlin ")
	if err != nil {
		t.Fatal(err)
	}
	if w.Start != 4*1440+15*60 || w.End != 8*60 || w.Location.String() != "Europe/Berlin" || w.Text != "Fri 15:00 - Mon 08:00 Europe/Berlin" {
		t.Fatalf("window = %+v", w)
	}
	for _, s := range []string{"friday 9:05-SATURDAY 10:00 UTC", "Sun 23:59 - Mon 00:00 America/New_York", "Tue 00:00 - Tue 23:00 Asia/Kolkata"} {
		if _, err := ParseWindow(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"Fri 15:00 - Mon 08:00", "want WEEKDAY HH:MM - WEEKDAY HH:MM ZONE"},
		{"Fri 15:00 Mon 08:00 UTC", "want WEEKDAY HH:MM - WEEKDAY HH:MM ZONE"},
		{"Fry 15:00 - Mon 08:00 UTC", `"Fry" is not a weekday`},
		{"Fri 24:00 - Mon 08:00 UTC", "24:00 is not a time of day"},
		{"Fri 15:60 - Mon 08:00 UTC", "15:60 is not a time of day"},
		{"Fri 15:00 - Fri 15:00 UTC", "it starts when it ends"},
		{"Fri 15:00 - Mon 08:00 Mars/Olympus", `unknown time zone "Mars/Olympus"`},
		{"Fri 15:00 - Mon 08:00 Local", "not Local"},
	} {
		_, err := ParseWindow(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.in) {
			t.Errorf("%q: error = %v, want %q", c.in, err, c.want)
		}
	}
}

func TestWindowActive(t *testing.T) {
	cases := []struct {
		window, now string
		want        bool
	}{
		// Wrapping the week, in summer (CEST, UTC+2).
		{"Fri 15:00 - Mon 08:00 Europe/Berlin", "2026-07-03T12:59:00Z", false}, // Fri 14:59
		{"Fri 15:00 - Mon 08:00 Europe/Berlin", "2026-07-03T13:00:00Z", true},  // Fri 15:00
		{"Fri 15:00 - Mon 08:00 Europe/Berlin", "2026-07-05T12:00:00Z", true},  // Sun
		{"Fri 15:00 - Mon 08:00 Europe/Berlin", "2026-07-06T05:59:00Z", true},  // Mon 07:59
		{"Fri 15:00 - Mon 08:00 Europe/Berlin", "2026-07-06T06:00:00Z", false}, // Mon 08:00
		{"Fri 15:00 - Mon 08:00 Europe/Berlin", "2026-07-08T12:00:00Z", false}, // Wed
		// The same wall clock in winter (CET, UTC+1).
		{"Fri 15:00 - Mon 08:00 Europe/Berlin", "2026-01-09T13:30:00Z", false}, // Fri 14:30
		{"Fri 15:00 - Mon 08:00 Europe/Berlin", "2026-01-09T14:00:00Z", true},  // Fri 15:00
		// Across the spring-forward night (29 March 2026, 02:00 CET → 03:00 CEST).
		{"Sat 22:00 - Sun 04:00 Europe/Berlin", "2026-03-29T01:30:00Z", true},  // 03:30 CEST
		{"Sat 22:00 - Sun 04:00 Europe/Berlin", "2026-03-29T02:00:00Z", false}, // 04:00 CEST
		{"Sat 22:00 - Sun 04:00 Europe/Berlin", "2026-03-22T02:30:00Z", true},  // 03:30 CET a week before
		{"Sat 22:00 - Sun 04:00 Europe/Berlin", "2026-03-22T03:00:00Z", false}, // 04:00 CET
		// Another zone: Saturday morning UTC is still Friday evening in Los Angeles.
		{"Fri 17:00 - Fri 23:00 America/Los_Angeles", "2026-07-04T02:00:00Z", true},  // Fri 19:00 PDT
		{"Fri 17:00 - Fri 23:00 America/Los_Angeles", "2026-07-03T19:00:00Z", false}, // Fri 12:00 PDT
		{"Sun 22:00 - Mon 02:00 UTC", "2026-07-06T01:59:59Z", true},
		{"Sun 22:00 - Mon 02:00 UTC", "2026-07-05T21:59:59Z", false},
	}
	for _, c := range cases {
		w, err := ParseWindow(c.window)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Active(at(t, c.now)); got != c.want {
			t.Errorf("%s at %s: active = %v, want %v", c.window, c.now, got, c.want)
		}
	}
}

func TestWindowEnds(t *testing.T) {
	w, _ := ParseWindow("Fri 15:00 - Mon 08:00 Europe/Berlin")
	// Friday before the spring-forward Sunday: the end is 08:00 summer time.
	got := w.Ends(at(t, "2026-03-27T16:00:00Z"))
	if want := at(t, "2026-03-30T06:00:00Z"); !got.Equal(want) {
		t.Errorf("ends %s, want %s", got, want)
	}
	// Exactly at an end, the next one is a week later.
	got = w.Ends(at(t, "2026-07-06T06:00:00Z"))
	if want := at(t, "2026-07-13T06:00:00Z"); !got.Equal(want) {
		t.Errorf("ends %s, want %s", got, want)
	}
}

func TestParseCron(t *testing.T) {
	good := []string{"* * * * *", "0 23 * * 5", "0 7 * * MON", "*/15 9-17 * * mon-fri", "0 0 24 12 *", "0 0 1,15 * *", "5/10 * * jan-mar,dec 7", "@weekly", "@DAILY", "0 0 ? * sun"}
	for _, s := range good {
		if _, err := parseCron(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	bad := map[string]string{
		"":                "want 5 fields",
		"0 0 * *":         "want 5 fields",
		"0 0 0 * * * *":   "want 5 fields",
		"60 * * * *":      `"60" is not a value from 0 to 59`,
		"* 24 * * *":      `"24" is not a value from 0 to 23`,
		"* * 0 * *":       `"0" is not a value from 1 to 31`,
		"* * * 13 *":      `"13" is not a value from 1 to 12`,
		"* * * * 8":       `"8" is not a value from 0 to 7`,
		"* * * * fri-mon": `range "fri-mon" runs backwards`,
		"*/0 * * * *":     `invalid step in "*/0"`,
		"a * * * *":       `"a" is not a value`,
		"@often":          "want 5 fields",
	}
	for s, want := range bad {
		if _, err := parseCron(s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error = %v, want %q", s, err, want)
		}
	}
}

func TestCronPrevNext(t *testing.T) {
	cases := []struct {
		expr, zone, now, prev, next string
	}{
		{"0 23 * * 5", "UTC", "2026-07-05T12:00:00Z", "2026-07-03T23:00:00Z", "2026-07-10T23:00:00Z"},
		{"0 23 * * 5", "UTC", "2026-07-03T23:00:00Z", "2026-07-03T23:00:00Z", "2026-07-10T23:00:00Z"},
		{"*/15 * * * *", "UTC", "2026-07-03T10:07:30Z", "2026-07-03T10:00:00Z", "2026-07-03T10:15:00Z"},
		{"0 0 24 12 *", "UTC", "2026-07-01T00:00:00Z", "2025-12-24T00:00:00Z", "2026-12-24T00:00:00Z"},
		{"0 0 29 2 *", "UTC", "2026-07-01T00:00:00Z", "2024-02-29T00:00:00Z", "2028-02-29T00:00:00Z"},
		// Day of month or day of week, when both are restricted: the 13th or a Friday.
		{"0 0 13 * fri", "UTC", "2026-07-12T00:00:00Z", "2026-07-10T00:00:00Z", "2026-07-13T00:00:00Z"},
		// 7 is Sunday; names are case-insensitive.
		{"0 12 * * 7", "UTC", "2026-07-08T00:00:00Z", "2026-07-05T12:00:00Z", "2026-07-12T12:00:00Z"},
		{"0 12 * JUL SUN", "UTC", "2026-07-08T00:00:00Z", "2026-07-05T12:00:00Z", "2026-07-12T12:00:00Z"},
		// In a zone: 09:00 New York is 13:00Z in summer, 14:00Z in winter.
		{"0 9 * * *", "America/New_York", "2026-07-03T13:30:00Z", "2026-07-03T13:00:00Z", "2026-07-04T13:00:00Z"},
		{"0 9 * * *", "America/New_York", "2026-01-09T13:30:00Z", "2026-01-08T14:00:00Z", "2026-01-09T14:00:00Z"},
		// 02:30 does not happen in Berlin on 29 March 2026; Go moves it to 03:30 CEST.
		{"30 2 * * *", "Europe/Berlin", "2026-03-29T01:15:00Z", "2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z"},
		{"30 2 * * *", "Europe/Berlin", "2026-03-29T01:45:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"},
	}
	for _, c := range cases {
		spec, err := parseCron(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Fatal(err)
		}
		now := at(t, c.now)
		if p, ok := spec.prev(now, loc); !ok || !p.Equal(at(t, c.prev)) {
			t.Errorf("%s %s prev(%s) = %s %v, want %s", c.expr, c.zone, c.now, p.UTC(), ok, c.prev)
		}
		if n, ok := spec.next(now, loc); !ok || !n.Equal(at(t, c.next)) {
			t.Errorf("%s %s next(%s) = %s %v, want %s", c.expr, c.zone, c.now, n.UTC(), ok, c.next)
		}
	}
	never, _ := parseCron("0 0 30 2 *")
	if _, ok := never.prev(at(t, "2026-07-01T00:00:00Z"), time.UTC); ok {
		t.Error("30 February happened")
	}
	if _, ok := never.next(at(t, "2026-07-01T00:00:00Z"), time.UTC); ok {
		t.Error("30 February will happen")
	}
}

func TestFreezeActive(t *testing.T) {
	weekend := gitlab.FreezePeriod{FreezeStart: "0 23 * * 5", FreezeEnd: "0 7 * * 1", CronTimezone: "Europe/Berlin"}
	christmas := gitlab.FreezePeriod{FreezeStart: "0 0 24 12 *", FreezeEnd: "0 0 2 1 *"}
	office := gitlab.FreezePeriod{FreezeStart: "0 9 * * 1-5", FreezeEnd: "0 17 * * 1-5", CronTimezone: "America/New_York"}
	cases := []struct {
		name   string
		fp     gitlab.FreezePeriod
		now    string
		active bool
		until  string
	}{
		{"friday before", weekend, "2026-07-03T20:59:00Z", false, ""}, // 22:59 CEST
		{"friday start", weekend, "2026-07-03T21:00:00Z", true, "2026-07-06T05:00:00Z"},
		{"sunday", weekend, "2026-07-05T10:00:00Z", true, "2026-07-06T05:00:00Z"},
		{"monday end", weekend, "2026-07-06T05:00:00Z", false, ""},
		{"winter sunday", weekend, "2026-01-11T06:00:00Z", true, "2026-01-12T06:00:00Z"},
		{"over the new year", christmas, "2026-01-01T12:00:00Z", true, "2026-01-02T00:00:00Z"},
		{"christmas eve", christmas, "2025-12-24T00:00:00Z", true, "2026-01-02T00:00:00Z"},
		{"before christmas", christmas, "2025-12-23T23:59:00Z", false, ""},
		{"after the new year", christmas, "2026-01-02T00:00:00Z", false, ""},
		{"office hours, summer", office, "2026-07-06T13:30:00Z", true, "2026-07-06T21:00:00Z"}, // Mon 09:30 EDT
		{"before office, winter", office, "2026-01-12T13:30:00Z", false, ""},                   // Mon 08:30 EST
		{"weekend office", office, "2026-07-04T15:00:00Z", false, ""},
		{"never starts", gitlab.FreezePeriod{FreezeStart: "0 0 30 2 *", FreezeEnd: "0 0 1 3 *"}, "2026-07-01T00:00:00Z", false, ""},
		{"never ends", gitlab.FreezePeriod{FreezeStart: "0 0 1 * *", FreezeEnd: "0 0 31 2 *"}, "2026-07-01T00:00:00Z", true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			active, until, err := FreezeActive(c.fp, at(t, c.now))
			if err != nil {
				t.Fatal(err)
			}
			if active != c.active {
				t.Fatalf("active = %v, want %v", active, c.active)
			}
			if c.until == "" && !until.IsZero() || c.until != "" && !until.Equal(at(t, c.until)) {
				t.Fatalf("until = %s, want %s", until.UTC(), c.until)
			}
		})
	}
	for _, fp := range []gitlab.FreezePeriod{
		{FreezeStart: "0 0 * *", FreezeEnd: "0 0 * * *"},
		{FreezeStart: "0 0 * * *", FreezeEnd: "0 99 * * *"},
		{FreezeStart: "0 0 * * *", FreezeEnd: "0 1 * * *", CronTimezone: "Nowhere/City"},
	} {
		if _, _, err := FreezeActive(fp, time.Now()); err == nil {
			t.Errorf("%+v: no error", fp)
		}
	}
}
