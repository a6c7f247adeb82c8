package session

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseClock(t *testing.T) {
	for in, minutes := range map[string]int{"00:00": 0, "08:30": 510, "12:05": 725, "23:59": 1439} {
		c, err := ParseClock(in)
		require.NoError(t, err, in)
		require.Equal(t, minutes, c.Minutes(), in)
		require.Equal(t, in, c.String())
	}
	for _, bad := range []string{"", "8:30", "08:3", "0830", "24:00", "12:60", "ab:cd", "08-30", "08:30:00", " 8:30", "-1:00"} {
		_, err := ParseClock(bad)
		require.ErrorIs(t, err, ErrBadClock, bad)
	}
}

func TestClockJSONAndArithmetic(t *testing.T) {
	var v struct {
		Start Clock `json:"start"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"start":"13:45"}`), &v))
	require.Equal(t, NewClock(13, 45), v.Start)
	out, err := json.Marshal(v)
	require.NoError(t, err)
	require.JSONEq(t, `{"start":"13:45"}`, string(out))
	require.ErrorIs(t, json.Unmarshal([]byte(`{"start":"25:00"}`), &v), ErrBadClock)
	require.Equal(t, 240, MustParseClock("08:30").MinutesUntil(MustParseClock("12:30")))
	require.Equal(t, -30, MustParseClock("08:30").MinutesUntil(MustParseClock("08:00")))
	require.Panics(t, func() { NewClock(24, 0) })
}
