package pathway

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/rtt"
)

// Every day rtt can parse, 0000-01-01 to 9999-12-31, reads the same on the fast path.
func TestCanonicalDateAgreesWithRTTOnEveryDay(t *testing.T) {
	first, last := rtt.MustParseDate("0000-01-01"), rtt.MustParseDate("9999-12-31")
	step := 1
	if testing.Short() {
		step = 97
	}
	for d := first; !d.After(last); d = d.AddDays(step) {
		got, ok := canonicalDate([]byte(d.String()))
		if !ok || got != d {
			t.Fatalf("%s read as %s (ok %v)", d, got, ok)
		}
	}
}

// Impossible days are left to rtt.ParseDate, which refuses them.
func TestCanonicalDateRefusesWhatRTTRefuses(t *testing.T) {
	for _, s := range []string{"2025-02-29", "1900-02-29", "2100-02-29", "2025-04-31", "2025-00-10", "2025-13-01",
		"2025-01-00", "2025-01-32", "2025-1-01", "+025-01-01", "2025/01/01", "2025-01-1 ", "20250-1-01", "２０２５-01-01", ""} {
		_, ok := canonicalDate([]byte(s))
		require.False(t, ok, s)
		_, err := rtt.ParseDate(s)
		require.Error(t, err, s)
	}
	for _, s := range []string{"2000-02-29", "2024-02-29", "0000-02-29", "1600-02-29"} {
		d, ok := canonicalDate([]byte(s))
		require.True(t, ok, s)
		require.Equal(t, rtt.MustParseDate(s), d)
	}
}

func FuzzCanonicalDate(f *testing.F) {
	for _, s := range []string{"2025-01-06", "0000-02-29", "9999-12-31", "2025-02-29", "2025-1-06"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := canonicalDate([]byte(s))
		want, err := rtt.ParseDate(s)
		if ok != (err == nil) || got != want {
			t.Fatalf("%q: fast path %v %v, rtt %v %v", s, got, ok, want, err)
		}
	})
}

func TestKnownPrioritiesAreRTTs(t *testing.T) {
	for _, p := range knownPriorities {
		got, err := rtt.ParsePriority(string(p))
		require.NoError(t, err)
		require.Equal(t, p, got)
	}
}
