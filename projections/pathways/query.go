package pathways

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/pathway-ledger/ledger/rtt"
)

var (
	// ErrBadCursor: the cursor is not one WaitingList issued.
	ErrBadCursor = errors.New("pathways: cursor is not valid")
	// ErrBadQuery: a query parameter is out of its range.
	ErrBadQuery = errors.New("pathways: query parameter out of range")
)

// QueryError names the query parameter (API.md name) a WaitingList call refused;
// errors.Is matches it to ErrBadCursor or ErrBadQuery.
type QueryError struct {
	Field  string // "cursor", "limit", "min_weeks", "max_weeks", "breach_within_days"
	Detail string
	Err    error
}

func (e *QueryError) Error() string { return fmt.Sprintf("%v: %s: %s", e.Err, e.Field, e.Detail) }

func (e *QueryError) Unwrap() error { return e.Err }

// maxSpanDays bounds day arithmetic on query numbers far outside any real wait
// (about 27,000 years), so that rtt.Date's 32-bit day count never wraps.
const maxSpanDays = 10_000_000

// scan is a query made ready for the ordered index: exact predicates plus the
// start-date range they imply, so that a scan begins and ends where it can.
type scan struct {
	q       Query
	codes   *codes // the model's, read under its lock
	limit   int
	bounded bool // start at from (else at the first period)
	from    rtt.Date
	after   bool // resume after (from, afterID)
	afterID string
	capped  bool // stop after a start later than to
	to      rtt.Date
}

func newScan(q Query) (*scan, error) {
	sc := &scan{q: q, limit: q.Limit}
	switch {
	case q.Limit < 0:
		return nil, &QueryError{"limit", "must not be negative", ErrBadQuery}
	case q.Limit == 0:
		sc.limit = DefaultLimit
	case q.Limit > MaxLimit:
		sc.limit = MaxLimit
	}
	for _, f := range []struct {
		name string
		v    *int
	}{{"min_weeks", q.MinWeeks}, {"max_weeks", q.MaxWeeks}} {
		if f.v != nil && (*f.v < 0 || *f.v > maxSpanDays/7) {
			return nil, &QueryError{f.name, fmt.Sprintf("must be 0 to %d", maxSpanDays/7), ErrBadQuery}
		}
	}
	if n := q.BreachWithinDays; n != nil && (*n < -maxSpanDays || *n > maxSpanDays) {
		return nil, &QueryError{"breach_within_days", fmt.Sprintf("must be -%d to %d", maxSpanDays, maxSpanDays), ErrBadQuery}
	}
	if q.Cursor != "" {
		day, id, err := decodeCursor(q.Cursor)
		if err != nil {
			return nil, err
		}
		sc.bounded, sc.from, sc.after, sc.afterID = true, day, true, id
	}
	// weeks ≤ M ⟺ wait ≤ 7M+6 days ⟺ started on or after On − (7M+6); a start after
	// On waits 0 days and is inside every such range.
	if m := q.MaxWeeks; m != nil {
		lo := q.On.AddDays(-(7**m + 6))
		if !sc.bounded || lo.After(sc.from) {
			sc.bounded, sc.from, sc.after = true, lo, false
		}
	}
	// weeks ≥ W (W ≥ 1) ⟺ started on or before On − 7W; W = 0 holds for everyone.
	if w := q.MinWeeks; w != nil && *w > 0 {
		sc.capTo(q.On.AddDays(-7 * *w))
	}
	// start + 127 ≤ On + N ⟺ started on or before On + N − 127.
	if n := q.BreachWithinDays; n != nil {
		sc.capTo(q.On.AddDays(*n - rtt.StandardDays - 1))
	}
	return sc, nil
}

func (sc *scan) capTo(d rtt.Date) {
	if !sc.capped || d.Before(sc.to) {
		sc.capped, sc.to = true, d
	}
}

// past reports that no period from this start on can match.
func (sc *scan) past(start rtt.Date) bool { return sc.capped && start.After(sc.to) }

// matches is the whole predicate; the start range above only saves work.
func (sc *scan) matches(p *rec) bool {
	q := &sc.q
	if q.SpecialtyCode != "" && sc.codes.specs.name(p.spec) != q.SpecialtyCode {
		return false
	}
	if q.ListType != "" || q.Priority != "" {
		if p.listType == 0 || (q.ListType != "" && sc.codes.small.name(p.listType) != q.ListType) ||
			(q.Priority != "" && sc.codes.small.name(p.priority) != q.Priority) {
			return false
		}
	}
	weeks := rtt.WaitDays(p.start, q.On) / 7
	if q.MinWeeks != nil && weeks < *q.MinWeeks {
		return false
	}
	if q.MaxWeeks != nil && weeks > *q.MaxWeeks {
		return false
	}
	if n := q.BreachWithinDays; n != nil && rtt.DaysBetween(q.On, rtt.BreachDate(p.start)) > *n {
		return false
	}
	return true
}

// A cursor is the base64url of "<started_on> <pathway_id>" of the last item served.
func encodeCursor(start rtt.Date, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(start.String() + " " + id))
}

// maxCursorID bounds the pathway id a cursor may carry (a UUID is 36 bytes).
const maxCursorID = 128

func decodeCursor(c string) (rtt.Date, string, error) {
	bad := func(detail string) (rtt.Date, string, error) {
		return rtt.Date{}, "", &QueryError{"cursor", detail, ErrBadCursor}
	}
	if len(c) > base64.RawURLEncoding.EncodedLen(len("2006-01-02 ")+maxCursorID) {
		return bad("too long")
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return bad("not base64url")
	}
	day, id, ok := strings.Cut(string(b), " ")
	if !ok || id == "" {
		return bad("not a waiting-list cursor")
	}
	start, err := rtt.ParseDate(day)
	if err != nil {
		return bad("not a waiting-list cursor")
	}
	return start, id, nil
}
