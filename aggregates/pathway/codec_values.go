package pathway

import (
	"time"

	"github.com/pathway-ledger/ledger/rtt"
)

// Readers for the rtt value types. Each has a fast path for the canonical text and
// otherwise defers to rtt's own parser, so rtt stays the one place a rule is
// decided; the fast path only ever accepts what rtt accepts (tested exhaustively).

func (s *scanner) date(dst *rtt.Date) error {
	// As Encode writes it: a quote, YYYY-MM-DD (nothing canonicalDate accepts
	// needs scanning as a string) and a quote.
	if end := s.pos + 11; end < len(s.data) && s.data[s.pos] == '"' && s.data[end] == '"' {
		if d, ok := canonicalDate(s.data[s.pos+1 : end]); ok {
			*dst = d
			s.pos = end + 1
			return nil
		}
	}
	b, err := s.stringBytes()
	if err != nil {
		return err
	}
	if d, ok := canonicalDate(b); ok {
		*dst = d
		return nil
	}
	d, err := rtt.ParseDate(string(b))
	*dst = d
	return err
}

// datePtr reads an optional date: null or a date.
func (s *scanner) datePtr(dst **rtt.Date) error {
	if s.literal("null") {
		*dst = nil
		return nil
	}
	d := new(rtt.Date)
	if err := s.date(d); err != nil {
		return err
	}
	*dst = d
	return nil
}

// canonicalDate is rtt.ParseDate for YYYY-MM-DD without time.Parse and its string
// conversion, which were most of a date's cost.
func canonicalDate(b []byte) (rtt.Date, bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return rtt.Date{}, false
	}
	y, ok1 := digits(b[0:4])
	m, ok2 := digits(b[5:7])
	d, ok3 := digits(b[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(time.Month(m), y) {
		return rtt.Date{}, false
	}
	return rtt.Date{}.AddDays(daysSinceEpoch(y, m, d)), true
}

// daysSinceEpoch counts days from 1970-01-01 in the proleptic Gregorian calendar
// (H. Hinnant's days_from_civil, with years counted from 1 March so the leap day
// comes last). The year is moved on one 400-year era so it is never negative.
func daysSinceEpoch(y, m, d int) int {
	const daysPerEra, era0ToEpoch = 146097, 719468
	if m <= 2 {
		y--
	}
	y += 400
	era, yoe := y/400, y%400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return (era-1)*daysPerEra + doe - era0ToEpoch
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(m time.Month, year int) int {
	if m == time.February && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		return 29
	}
	return [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
}

// knownPriorities are returned as the rtt constants, so a priority costs no
// allocation.
var knownPriorities = [...]rtt.Priority{rtt.P1a, rtt.P1b, rtt.P2, rtt.P3, rtt.P4}

func (s *scanner) priority(dst *rtt.Priority) error {
	b, err := s.stringBytes()
	if err != nil {
		return err
	}
	for _, p := range knownPriorities {
		if string(b) == string(p) {
			*dst = p
			return nil
		}
	}
	p, err := rtt.ParsePriority(string(b))
	*dst = p
	return err
}
