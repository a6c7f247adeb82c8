package rtt

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseDateStrict(t *testing.T) {
	for _, bad := range []string{"", "2025-2-01", "2025-02-30", "01/02/2025", "2025-02-01T00:00:00Z", " 2025-02-01"} {
		_, err := ParseDate(bad)
		require.ErrorIs(t, err, ErrBadDate, bad)
	}
	d, err := ParseDate("2024-02-29")
	require.NoError(t, err)
	require.Equal(t, "2024-02-29", d.String())
}

func TestDateJSONRoundTrip(t *testing.T) {
	var v struct {
		On Date `json:"on"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"on":"2025-01-06"}`), &v))
	require.Equal(t, NewDate(2025, time.January, 6), v.On)
	out, err := json.Marshal(v)
	require.NoError(t, err)
	require.JSONEq(t, `{"on":"2025-01-06"}`, string(out))
	require.Error(t, json.Unmarshal([]byte(`{"on":"2025-13-01"}`), &v))
}

// A late-evening instant in British Summer Time is still that London day.
func TestDateOfUsesLondon(t *testing.T) {
	require.Equal(t, MustParseDate("2025-07-01"), DateOf(time.Date(2025, 6, 30, 23, 30, 0, 0, time.UTC)))
	require.Equal(t, MustParseDate("2025-01-31"), DateOf(time.Date(2025, 1, 31, 23, 30, 0, 0, time.UTC)))
}

func TestMonthEnds(t *testing.T) {
	require.Equal(t, MustParseDate("2025-02-28"), MustParseDate("2025-02-10").MonthEnd())
	require.Equal(t, MustParseDate("2024-02-29"), MustParseDate("2024-02-10").MonthEnd())
	require.Equal(t, MustParseDate("2025-12-31"), MustParseDate("2025-12-01").MonthEnd())
	require.Equal(t, MustParseDate("2025-12-01"), MustParseDate("2025-12-31").MonthStart())
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-01-06", "2024-02-29", "0000-00-00", "9999-12-31", "2025-1-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("round trip %q → %q", s, d.String())
		}
	})
}
