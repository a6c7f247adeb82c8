package rtt

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // the reference Europe/London zone for TestPropertyDateOfMatchesTZDatabase

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// RTT.md §3: waits are calendar days, so dates are exactly YYYY-MM-DD and nothing else.
func TestParseDate(t *testing.T) {
	good := []struct {
		in         string
		y          int
		m          time.Month
		d          int
		sinceEpoch int
	}{
		{"1970-01-01", 1970, time.January, 1, 0},
		{"1969-12-31", 1969, time.December, 31, -1},
		{"2024-02-29", 2024, time.February, 29, 19782},
		{"2025-01-02", 2025, time.January, 2, 20090},
		{"0001-01-01", 1, time.January, 1, -719162},
		{"9999-12-31", 9999, time.December, 31, 2932896},
	}
	for _, c := range good {
		d, err := ParseDate(c.in)
		require.NoError(t, err, c.in)
		require.Equal(t, c.in, d.String())
		require.Equal(t, c.y, d.Year(), c.in)
		require.Equal(t, c.m, d.Month(), c.in)
		require.Equal(t, c.d, d.Day(), c.in)
		require.Equal(t, c.sinceEpoch, DaysBetween(Date{}, d), c.in)
		require.Equal(t, NewDate(c.y, c.m, c.d), d, c.in)
	}
	for _, bad := range []string{
		"", "2025-2-01", "2025-02-1", "2025-02-30", "2025-13-01", "2025-00-10", "2025-01-00",
		"2023-02-29", "1900-02-29", "01/02/2025", "02-01-2025", "2025/01/02", "20250102",
		"2025-02-01T00:00:00Z", " 2025-02-01", "2025-02-01 ", "+025-02-01", "2025-02-0a",
		"2025_02_01", "２０２５-02-01",
	} {
		_, err := ParseDate(bad)
		require.ErrorIs(t, err, ErrBadDate, "%q", bad)
	}
}

func TestNewDatePanicsOnImpossibleDay(t *testing.T) {
	require.Panics(t, func() { NewDate(2025, time.February, 29) })
	require.Panics(t, func() { NewDate(2025, 13, 1) })
	require.Panics(t, func() { NewDate(2025, time.April, 31) })
	require.Panics(t, func() { MustParseDate("2025-04-31") })
	require.NotPanics(t, func() { NewDate(2024, time.February, 29) })
}

// RTT.md §3: day arithmetic across month, year and leap-day boundaries.
func TestDayArithmetic(t *testing.T) {
	cases := []struct {
		from string
		n    int
		to   string
	}{
		{"2025-01-02", 88, "2025-03-31"},
		{"2025-01-02", 127, "2025-05-09"},
		{"2024-02-28", 1, "2024-02-29"},
		{"2024-02-29", 1, "2024-03-01"},
		{"2025-02-28", 1, "2025-03-01"},
		{"2025-12-31", 1, "2026-01-01"},
		{"2025-03-01", -1, "2025-02-28"},
		{"2024-01-01", 366, "2025-01-01"},
		{"2025-06-10", 0, "2025-06-10"},
	}
	for _, c := range cases {
		from, to := MustParseDate(c.from), MustParseDate(c.to)
		require.Equal(t, to, from.AddDays(c.n), "%s %+d", c.from, c.n)
		require.Equal(t, c.n, DaysBetween(from, to))
		require.Equal(t, c.n, from.DaysUntil(to))
		require.Equal(t, -c.n, to.DaysUntil(from))
	}
}

func TestCompare(t *testing.T) {
	a, b := MustParseDate("2025-03-30"), MustParseDate("2025-03-31")
	require.True(t, a.Before(b))
	require.False(t, b.Before(a))
	require.True(t, b.After(a))
	require.False(t, a.After(a))
	require.True(t, a.Equal(MustParseDate("2025-03-30")))
	require.False(t, a.Equal(b))
	require.Equal(t, -1, a.Compare(b))
	require.Equal(t, 1, b.Compare(a))
	require.Equal(t, 0, a.Compare(a))
}

// RTT.md §3: the incomplete-pathway census is the month end.
func TestMonthStartAndEnd(t *testing.T) {
	cases := []struct{ in, start, end string }{
		{"2025-02-10", "2025-02-01", "2025-02-28"},
		{"2024-02-10", "2024-02-01", "2024-02-29"},
		{"2025-12-01", "2025-12-01", "2025-12-31"},
		{"2025-12-31", "2025-12-01", "2025-12-31"},
		{"2025-04-30", "2025-04-01", "2025-04-30"},
		{"2015-04-15", "2015-04-01", "2015-04-30"},
	}
	for _, c := range cases {
		d := MustParseDate(c.in)
		require.Equal(t, c.start, d.MonthStart().String(), c.in)
		require.Equal(t, c.end, d.MonthEnd().String(), c.in)
	}
}

func TestWeekday(t *testing.T) {
	cases := map[string]time.Weekday{
		"1970-01-01": time.Thursday, "1969-12-31": time.Wednesday, "1969-12-28": time.Sunday,
		"2025-03-30": time.Sunday, "2025-06-10": time.Tuesday, "2026-01-02": time.Friday,
	}
	for s, wd := range cases {
		require.Equal(t, wd, MustParseDate(s).Weekday(), s)
	}
}

func TestDateTextAndJSON(t *testing.T) {
	var v struct {
		On Date `json:"on"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"on":"2025-01-06"}`), &v))
	require.Equal(t, NewDate(2025, time.January, 6), v.On)
	out, err := json.Marshal(v)
	require.NoError(t, err)
	require.JSONEq(t, `{"on":"2025-01-06"}`, string(out))

	for _, bad := range []string{`{"on":"2025-13-01"}`, `{"on":"6 Jan 2025"}`, `{"on":""}`} {
		err := json.Unmarshal([]byte(bad), &v)
		require.ErrorIs(t, err, ErrBadDate, bad)
	}
	var typeErr *json.UnmarshalTypeError
	require.ErrorAs(t, json.Unmarshal([]byte(`{"on":20250106}`), &v), &typeErr)

	txt, err := MustParseDate("2024-02-29").MarshalText()
	require.NoError(t, err)
	require.Equal(t, "2024-02-29", string(txt))
	var d Date
	require.NoError(t, d.UnmarshalText([]byte("2024-02-29")))
	require.Equal(t, MustParseDate("2024-02-29"), d)
	require.ErrorIs(t, d.UnmarshalText([]byte("2024-02-30")), ErrBadDate)
	require.Equal(t, MustParseDate("2024-02-29"), d, "a failed decode leaves the value alone")
}

// A late-evening instant in British Summer Time is already the next London day; in
// winter London is UTC. The clock changes happen at 01:00 UTC.
func TestDateOfUsesLondon(t *testing.T) {
	cases := []struct {
		utc  time.Time
		want string
	}{
		{time.Date(2025, 6, 30, 23, 30, 0, 0, time.UTC), "2025-07-01"},
		{time.Date(2025, 1, 31, 23, 30, 0, 0, time.UTC), "2025-01-31"},
		{time.Date(2025, 3, 30, 0, 59, 0, 0, time.UTC), "2025-03-30"},
		{time.Date(2025, 3, 29, 23, 59, 0, 0, time.UTC), "2025-03-29"},
		{time.Date(2025, 10, 25, 23, 0, 0, 0, time.UTC), "2025-10-26"},
		{time.Date(2025, 10, 26, 0, 59, 0, 0, time.UTC), "2025-10-26"},
		{time.Date(2025, 10, 26, 23, 30, 0, 0, time.UTC), "2025-10-26"},
		{time.Date(2025, 7, 1, 0, 30, 0, 0, time.FixedZone("BST", 3600)), "2025-07-01"},
		{time.Date(2025, 7, 1, 20, 0, 0, 0, time.FixedZone("EDT", -4*3600)), "2025-07-02"},
	}
	for _, c := range cases {
		require.Equal(t, c.want, DateOf(c.utc).String(), c.utc.String())
	}
}

func TestPropertyDateOfMatchesTZDatabase(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	from := time.Date(1996, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	to := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	rapid.Check(t, func(t *rapid.T) {
		at := time.Unix(rapid.Int64Range(from, to).Draw(t, "unix"), 0)
		y, m, d := at.In(london).Date()
		if got, want := DateOf(at), NewDate(y, m, d); got != want {
			t.Fatalf("DateOf(%s) = %s, tz database says %s", at.UTC(), got, want)
		}
	})
	// Every transition hour, not just random instants.
	for y := 1996; y < 2100; y++ {
		for _, mo := range []time.Month{time.March, time.October} {
			edge := lastSunday(y, mo).Time().Add(time.Hour)
			for _, at := range []time.Time{edge.Add(-time.Second), edge, edge.Add(22*time.Hour + 59*time.Minute)} {
				yy, mm, dd := at.In(london).Date()
				require.Equal(t, NewDate(yy, mm, dd), DateOf(at), at.String())
			}
		}
	}
}

func genAnyDate(t *rapid.T, label string) Date {
	return MustParseDate("0001-01-01").AddDays(rapid.IntRange(0, 3652058).Draw(t, label))
}

func TestPropertyDateRoundTripsAndArithmetic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := genAnyDate(t, "d")
		p, err := ParseDate(d.String())
		if err != nil || p != d {
			t.Fatalf("%s does not round trip: %v %v", d, p, err)
		}
		n := rapid.IntRange(-5000, 5000).Draw(t, "n")
		if DaysBetween(d, d.AddDays(n)) != n || d.AddDays(n).AddDays(-n) != d {
			t.Fatalf("AddDays(%d) and DaysBetween disagree at %s", n, d)
		}
		if d.MonthStart().Day() != 1 || d.MonthStart().After(d) || d.MonthEnd().Before(d) ||
			d.MonthEnd().AddDays(1).Day() != 1 || d.MonthEnd().Month() != d.Month() {
			t.Fatalf("month bounds of %s: %s..%s", d, d.MonthStart(), d.MonthEnd())
		}
		if d.AddDays(1).Weekday() != (d.Weekday()+1)%7 {
			t.Fatalf("weekday does not advance at %s", d)
		}
	})
}

// FuzzParseDate: outside text is either a strict YYYY-MM-DD calendar date that round
// trips exactly, or ErrBadDate; UnmarshalText agrees with ParseDate.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-01-06", "2024-02-29", "2023-02-29", "0000-00-00",
		"9999-12-31", "0000-01-01", "2025-1-1", "+025-01-01", "2025-01-06T00:00:00Z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		var u Date
		uerr := u.UnmarshalText([]byte(s))
		if (err == nil) != (uerr == nil) || (err == nil && u != d) {
			t.Fatalf("ParseDate and UnmarshalText disagree on %q: %v / %v", s, err, uerr)
		}
		if err != nil {
			if !errors.Is(err, ErrBadDate) {
				t.Fatalf("%q: error %v is not ErrBadDate", s, err)
			}
			return
		}
		if len(s) != 10 || s[4] != '-' || s[7] != '-' {
			t.Fatalf("accepted non-YYYY-MM-DD %q", s)
		}
		for i, c := range []byte(s) {
			if i != 4 && i != 7 && (c < '0' || c > '9') {
				t.Fatalf("accepted non-digit in %q", s)
			}
		}
		if d.String() != s {
			t.Fatalf("round trip %q → %q", s, d.String())
		}
		if NewDate(d.Year(), d.Month(), d.Day()) != d {
			t.Fatalf("fields of %q do not rebuild it", s)
		}
	})
}
