package session

import (
	"errors"
	"fmt"
)

// Clock is a wall-clock time of day, "HH:MM" from 00:00 to 23:59, held as minutes
// after midnight. Sessions are civil appointments on one calendar day, so they need
// no time zone and no instant arithmetic; a session may not run past midnight.
type Clock struct{ minutes int16 }

// ErrBadClock is returned for text that is not a time of day "HH:MM".
var ErrBadClock = errors.New("session: time must be HH:MM between 00:00 and 23:59")

// NewClock builds a Clock; it panics on an impossible time (a programming error).
func NewClock(hour, minute int) Clock {
	if hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		panic(fmt.Sprintf("session: invalid time %02d:%02d", hour, minute))
	}
	return Clock{minutes: int16(hour*60 + minute)}
}

// ParseClock parses exactly "HH:MM" (two digits each, 24-hour).
func ParseClock(s string) (Clock, error) {
	if len(s) != 5 || s[2] != ':' {
		return Clock{}, fmt.Errorf("%w: %q", ErrBadClock, s)
	}
	digits := [4]byte{s[0], s[1], s[3], s[4]}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return Clock{}, fmt.Errorf("%w: %q", ErrBadClock, s)
		}
	}
	h := int(digits[0]-'0')*10 + int(digits[1]-'0')
	m := int(digits[2]-'0')*10 + int(digits[3]-'0')
	if h > 23 || m > 59 {
		return Clock{}, fmt.Errorf("%w: %q", ErrBadClock, s)
	}
	return NewClock(h, m), nil
}

// MustParseClock is ParseClock for literals in tests and tables.
func MustParseClock(s string) Clock {
	c, err := ParseClock(s)
	if err != nil {
		panic(err)
	}
	return c
}

// Minutes returns the minutes after midnight.
func (c Clock) Minutes() int { return int(c.minutes) }

// MinutesUntil returns the minutes from c to later (negative if later is earlier).
func (c Clock) MinutesUntil(later Clock) int { return int(later.minutes - c.minutes) }

func (c Clock) String() string {
	return fmt.Sprintf("%02d:%02d", c.minutes/60, c.minutes%60)
}

// MarshalText implements encoding.TextMarshaler (and so JSON as a string).
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Clock) UnmarshalText(b []byte) error {
	p, err := ParseClock(string(b))
	if err != nil {
		return err
	}
	*c = p
	return nil
}
