package promote

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cronSearchYears bounds the search for an occurrence (a 29 February
// schedule fires every 4 years, at worst 8 across a skipped leap year).
const cronSearchYears = 9

// cronSpec is a standard five-field cron expression, as GitLab's deploy
// freeze periods use them: minute hour day-of-month month day-of-week.
type cronSpec struct {
	minute, hour, dom, month, dow uint64 // bit i set: value i matches
	// domStar and dowStar are set when the field starts with * or ?: then
	// a day must match both fields, otherwise either (Vixie cron's rule).
	domStar, dowStar bool
}

var cronMacros = map[string]string{
	"@yearly":   "0 0 1 1 *",
	"@annually": "0 0 1 1 *",
	"@monthly":  "0 0 1 * *",
	"@weekly":   "0 0 * * 0",
	"@daily":    "0 0 * * *",
	"@midnight": "0 0 * * *",
	"@hourly":   "0 * * * *",
}

var (
	monthNames = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
	dayNames   = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
)

// parseCron parses a five-field cron expression: numbers, names (jan, mon),
// *, ranges a-b, steps */n a-b/n a/n, lists, and the @daily-style macros.
func parseCron(expr string) (*cronSpec, error) {
	s := strings.TrimSpace(expr)
	if m, ok := cronMacros[strings.ToLower(s)]; ok {
		s = m
	}
	fields := strings.Fields(s)
	if len(fields) != 5 {
		return nil, fmt.Errorf("cron %q: want 5 fields (minute hour day-of-month month day-of-week), got %d", expr, len(fields))
	}
	c := &cronSpec{}
	var err error
	parse := func(i, lo, hi int, names []string, namesFrom int) uint64 {
		if err != nil {
			return 0
		}
		var bits uint64
		bits, err = parseCronField(fields[i], lo, hi, names, namesFrom)
		if err != nil {
			err = fmt.Errorf("cron %q: %w", expr, err)
		}
		return bits
	}
	c.minute = parse(0, 0, 59, nil, 0)
	c.hour = parse(1, 0, 23, nil, 0)
	c.dom = parse(2, 1, 31, nil, 0)
	c.month = parse(3, 1, 12, monthNames, 1)
	c.dow = parse(4, 0, 7, dayNames, 0)
	if err != nil {
		return nil, err
	}
	if c.dow&(1<<7) != 0 {
		c.dow |= 1 // 7 is Sunday too
	}
	c.domStar = strings.HasPrefix(fields[2], "*") || strings.HasPrefix(fields[2], "?")
	c.dowStar = strings.HasPrefix(fields[4], "*") || strings.HasPrefix(fields[4], "?")
	return c, nil
}

func parseCronField(field string, lo, hi int, names []string, namesFrom int) (uint64, error) {
	var bits uint64
	for part := range strings.SplitSeq(field, ",") {
		rng, stepText, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 || n > hi {
				return 0, fmt.Errorf("invalid step in %q", part)
			}
			step = n
		}
		var from, to int
		switch {
		case rng == "*" || rng == "?":
			from, to = lo, hi
			if hi == 7 && lo == 0 {
				to = 6 // day-of-week: * is Sunday to Saturday once
			}
		default:
			a, b, isRange := strings.Cut(rng, "-")
			var err error
			if from, err = cronValue(a, lo, hi, names, namesFrom); err != nil {
				return 0, fmt.Errorf("%w in %q", err, part)
			}
			to = from
			if isRange {
				if to, err = cronValue(b, lo, hi, names, namesFrom); err != nil {
					return 0, fmt.Errorf("%w in %q", err, part)
				}
				if to < from {
					return 0, fmt.Errorf("range %q runs backwards", part)
				}
			} else if hasStep {
				to = hi // a/n: from a to the end, every n
			}
		}
		for v := from; v <= to; v += step {
			bits |= 1 << v
		}
	}
	return bits, nil
}

func cronValue(s string, lo, hi int, names []string, namesFrom int) (int, error) {
	for i, name := range names {
		if strings.EqualFold(s, name) {
			return i + namesFrom, nil
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%q is not a value from %d to %d", s, lo, hi)
	}
	return n, nil
}

func has(bits uint64, v int) bool { return bits&(1<<v) != 0 }

func (c *cronSpec) dayMatches(t time.Time) bool {
	dom, dow := has(c.dom, t.Day()), has(c.dow, int(t.Weekday()))
	if c.domStar || c.dowStar {
		return dom && dow
	}
	return dom || dow
}

// The searches below walk wall-clock time, held as a UTC time so that no
// daylight saving shift gets in the way, and skip whole months, days and
// hours that cannot match.

// prevWall is the latest wall-clock minute at or before t that matches.
func (c *cronSpec) prevWall(t time.Time) (time.Time, bool) {
	t = t.Truncate(time.Minute)
	limit := t.Year() - cronSearchYears
	for t.Year() >= limit {
		y, m, d := t.Date()
		switch {
		case !has(c.month, int(m)):
			t = time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Add(-time.Minute)
		case !c.dayMatches(t):
			t = time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Add(-time.Minute)
		case !has(c.hour, t.Hour()):
			t = t.Truncate(time.Hour).Add(-time.Minute)
		case !has(c.minute, t.Minute()):
			t = t.Add(-time.Minute)
		default:
			return t, true
		}
	}
	return time.Time{}, false
}

// nextWall is the earliest wall-clock minute at or after t that matches.
func (c *cronSpec) nextWall(t time.Time) (time.Time, bool) {
	if t.Truncate(time.Minute) != t {
		t = t.Truncate(time.Minute).Add(time.Minute)
	}
	limit := t.Year() + cronSearchYears
	for t.Year() <= limit {
		y, m, d := t.Date()
		switch {
		case !has(c.month, int(m)):
			t = time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
		case !c.dayMatches(t):
			t = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
		case !has(c.hour, t.Hour()):
			t = t.Truncate(time.Hour).Add(time.Hour)
		case !has(c.minute, t.Minute()):
			t = t.Add(time.Minute)
		default:
			return t, true
		}
	}
	return time.Time{}, false
}

// wall is t's wall clock in loc, as a UTC time.
func wall(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	y, m, d := t.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// instant is the moment wall clock w happens in loc. A time skipped by a
// daylight saving jump moves forward by the jump, as time.Date does.
func instant(w time.Time, loc *time.Location) time.Time {
	y, m, d := w.Date()
	return time.Date(y, m, d, w.Hour(), w.Minute(), 0, 0, loc)
}

// prev is the latest occurrence in loc at or before now.
func (c *cronSpec) prev(now time.Time, loc *time.Location) (time.Time, bool) {
	w := wall(now, loc)
	for {
		p, ok := c.prevWall(w)
		if !ok {
			return time.Time{}, false
		}
		if at := instant(p, loc); !at.After(now) {
			return at, true
		}
		// p fell into a daylight saving gap that lands after now.
		w = p.Add(-time.Minute)
	}
}

// next is the earliest occurrence in loc after now.
func (c *cronSpec) next(now time.Time, loc *time.Location) (time.Time, bool) {
	// Start a little in the wall-clock past: a time skipped by a daylight
	// saving jump earlier today still happens, moved after the jump.
	w := wall(now, loc).Truncate(time.Minute).Add(-2 * time.Hour)
	for {
		n, ok := c.nextWall(w)
		if !ok {
			return time.Time{}, false
		}
		if at := instant(n, loc); at.After(now) {
			return at, true
		}
		w = n.Add(time.Minute)
	}
}
