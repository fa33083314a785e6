package promote

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	// Freeze windows name IANA time zones; CI images often lack zoneinfo.
	_ "time/tzdata"

	"github.com/platform-team/platform/internal/gitlab"
)

const minutesPerWeek = 7 * 24 * 60

// Window is a weekly freeze window of platform.yaml, such as
// "Fri 15:00 - Mon 08:00 Europe/Berlin". It may wrap the end of the week,
// and follows the zone's wall clock through daylight saving changes.
type Window struct {
	Text       string
	Start, End int // minutes since Monday 00:00 in Location
	Location   *time.Location
}

var windowPattern = regexp.MustCompile(`^\s*([A-Za-z]+)\s+(\d{1,2}):(\d{2})\s*-\s*([A-Za-z]+)\s+(\d{1,2}):(\d{2})\s+(\S+)\s*$`)

var weekdays = map[string]int{ // days since Monday
	"mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
	"thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
	"sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}

// ParseWindow parses "WEEKDAY HH:MM - WEEKDAY HH:MM ZONE" (ZONE an IANA
// name such as Europe/Berlin, or UTC).
func ParseWindow(s string) (Window, error) {
	m := windowPattern.FindStringSubmatch(s)
	if m == nil {
		return Window{}, fmt.Errorf("freeze window %q: want WEEKDAY HH:MM - WEEKDAY HH:MM ZONE, such as \"Fri 15:00 - Mon 08:00 Europe/Berlin\"", s)
	}
	w := Window{Text: strings.TrimSpace(s)}
	var err error
	if w.Start, err = weekMinute(m[1], m[2], m[3]); err != nil {
		return Window{}, fmt.Errorf("freeze window %q: %w", s, err)
	}
	if w.End, err = weekMinute(m[4], m[5], m[6]); err != nil {
		return Window{}, fmt.Errorf("freeze window %q: %w", s, err)
	}
	if w.Start == w.End {
		return Window{}, fmt.Errorf("freeze window %q: it starts when it ends", s)
	}
	if m[7] == "Local" {
		return Window{}, fmt.Errorf("freeze window %q: name a time zone such as Europe/Berlin, not Local", s)
	}
	if w.Location, err = time.LoadLocation(m[7]); err != nil {
		return Window{}, fmt.Errorf("freeze window %q: unknown time zone %q", s, m[7])
	}
	return w, nil
}

func weekMinute(day, hh, mm string) (int, error) {
	d, ok := weekdays[strings.ToLower(day)]
	if !ok {
		return 0, fmt.Errorf("%q is not a weekday (Mon, Tue, ... Sun)", day)
	}
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	if h > 23 || m > 59 {
		return 0, fmt.Errorf("%s:%s is not a time of day", hh, mm)
	}
	return d*24*60 + h*60 + m, nil
}

// minuteOfWeek is t's wall clock in loc as minutes since Monday 00:00.
func minuteOfWeek(t time.Time, loc *time.Location) int {
	t = t.In(loc)
	return (int(t.Weekday())+6)%7*24*60 + t.Hour()*60 + t.Minute()
}

// Active reports whether t falls in the window: from its start, inclusive,
// to its end, exclusive.
func (w Window) Active(t time.Time) bool {
	m := minuteOfWeek(t, w.Location)
	if w.Start < w.End {
		return w.Start <= m && m < w.End
	}
	return m >= w.Start || m < w.End
}

// Ends is the first end of the window after t.
func (w Window) Ends(t time.Time) time.Time {
	local := t.In(w.Location)
	ahead := (w.End - minuteOfWeek(t, w.Location) + minutesPerWeek) % minutesPerWeek
	if ahead == 0 {
		ahead = minutesPerWeek
	}
	// Count in wall-clock days and minutes, so a daylight saving change
	// in between does not shift the end off its hour.
	y, mo, d := local.Date()
	minutes := local.Hour()*60 + local.Minute() + ahead
	return time.Date(y, mo, d+minutes/(24*60), 0, minutes%(24*60), 0, 0, w.Location)
}

// FreezeActive reports whether a GitLab deploy freeze period is in force at
// now: the latest start, at or before now in the period's time zone, is
// later than the latest end. When it is, until is the next end.
func FreezeActive(fp gitlab.FreezePeriod, now time.Time) (active bool, until time.Time, err error) {
	start, err := parseCron(fp.FreezeStart)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("freeze start: %w", err)
	}
	end, err := parseCron(fp.FreezeEnd)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("freeze end: %w", err)
	}
	loc := time.UTC
	if fp.CronTimezone != "" {
		if loc, err = time.LoadLocation(fp.CronTimezone); err != nil {
			return false, time.Time{}, fmt.Errorf("unknown cron time zone %q", fp.CronTimezone)
		}
	}
	lastStart, ok := start.prev(now, loc)
	if !ok {
		return false, time.Time{}, nil
	}
	if lastEnd, ok := end.prev(now, loc); ok && !lastStart.After(lastEnd) {
		return false, time.Time{}, nil
	}
	until, _ = end.next(now, loc)
	return true, until, nil
}
