// Package rtt holds the national referral-to-treatment rules as pure arithmetic on
// civil dates: no clock, no I/O. Sources are cited where each rule lives.
package rtt

import (
	"errors"
	"fmt"
	"time"
)

// Date is a calendar day with no time zone: RTT waits are counted in calendar days
// (Europe/London), so a date must never shift across a DST change. It is stored as
// days since 1970-01-01, which makes day arithmetic exact. The zero Date is 1970-01-01,
// a real day: where "no date" must be expressed use a pointer or a separate flag.
type Date struct{ days int32 }

const layout = "2006-01-02"

// ErrBadDate is returned for text that is not a valid YYYY-MM-DD calendar date.
var ErrBadDate = errors.New("rtt: date must be a valid calendar date YYYY-MM-DD")

// NewDate builds a Date; it panics on an impossible day (a programming error).
func NewDate(year int, month time.Month, day int) Date {
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	if t.Year() != year || t.Month() != month || t.Day() != day {
		panic(fmt.Sprintf("rtt: invalid date %04d-%02d-%02d", year, month, day))
	}
	return Date{days: int32(t.Unix() / 86400)}
}

// ParseDate parses exactly YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	if len(s) != len(layout) {
		return Date{}, fmt.Errorf("%w: %q", ErrBadDate, s)
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%w: %q", ErrBadDate, s)
	}
	return Date{days: int32(t.Unix() / 86400)}, nil
}

// MustParseDate is ParseDate for literals in tests and tables.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the Europe/London calendar day of an instant. The UK rule in force
// since 1996 is applied directly (British Summer Time from 01:00 UTC on the last
// Sunday of March to 01:00 UTC on the last Sunday of October), so the package needs
// no time-zone database and does no I/O; RTT data never predate 2007.
func DateOf(t time.Time) Date {
	u := t.UTC()
	if summerTime(u) {
		u = u.Add(time.Hour)
	}
	y, m, d := u.Date()
	return NewDate(y, m, d)
}

func summerTime(u time.Time) bool {
	y := u.Year()
	starts := lastSunday(y, time.March).Time().Add(time.Hour)
	ends := lastSunday(y, time.October).Time().Add(time.Hour)
	return !u.Before(starts) && u.Before(ends)
}

func lastSunday(year int, month time.Month) Date {
	last := NewDate(year, month, 1).MonthEnd()
	return last.AddDays(-int(last.Weekday()))
}

// Weekday is the day of the week (1970-01-01 was a Thursday).
func (d Date) Weekday() time.Weekday {
	return time.Weekday(((int(d.days)+int(time.Thursday))%7 + 7) % 7)
}

// Time returns midnight UTC of the day, for formatting and calendar fields only.
func (d Date) Time() time.Time { return time.Unix(int64(d.days)*86400, 0).UTC() }

// Year, Month and Day give the calendar fields.
func (d Date) Year() int         { return d.Time().Year() }
func (d Date) Month() time.Month { return d.Time().Month() }
func (d Date) Day() int          { return d.Time().Day() }

// AddDays moves n calendar days (n may be negative).
func (d Date) AddDays(n int) Date { return Date{days: d.days + int32(n)} }

// DaysUntil returns the calendar days from d to later (negative if later is earlier).
func (d Date) DaysUntil(later Date) int { return int(later.days - d.days) }

// DaysBetween returns b − a in calendar days.
func DaysBetween(a, b Date) int { return int(b.days - a.days) }

func (d Date) Before(o Date) bool { return d.days < o.days }
func (d Date) After(o Date) bool  { return d.days > o.days }
func (d Date) Equal(o Date) bool  { return d.days == o.days }

// Compare returns -1, 0 or +1.
func (d Date) Compare(o Date) int {
	switch {
	case d.days < o.days:
		return -1
	case d.days > o.days:
		return 1
	}
	return 0
}

// MonthEnd returns the last day of d's month (the RTT census date convention).
func (d Date) MonthEnd() Date {
	t := d.Time()
	first := time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC) // normalises December
	return Date{days: int32(first.Unix()/86400) - 1}
}

// MonthStart returns the first day of d's month.
func (d Date) MonthStart() Date {
	t := d.Time()
	return NewDate(t.Year(), t.Month(), 1)
}

func (d Date) String() string { return d.Time().Format(layout) }

// MarshalText implements encoding.TextMarshaler (and so JSON as a string).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}
