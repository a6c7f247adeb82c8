package rtt

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Given a national RTT period status code, when it is looked up, then its effect on
// the period is the one in the table ([DD] Referral To Treatment Period Status,
// RTT.md §4), with the scenario that exercises it.
func TestStatusTable(t *testing.T) {
	cases := []struct {
		source string
		code   string
		effect Effect
	}{
		{"RTT.md §4: first activity", "10", EffectStart},
		{"SCENARIOS 6: decision to treat after active monitoring", "11", EffectStart},
		{"SCENARIOS 19: consultant referral for a separate condition", "12", EffectStart},
		{"RTT.md §4: subsequent activity", "20", EffectContinue},
		{"RTT.md §1: inter-provider transfer, leaves our list", "21", EffectTransfer},
		{"SCENARIOS 1: first definitive treatment", "30", EffectStop},
		{"SCENARIOS 6: patient-initiated active monitoring", "31", EffectStop},
		{"SCENARIOS 13: clinician-initiated active monitoring", "32", EffectStop},
		{"SCENARIOS 9, 11: DNA of the first activity", "33", EffectNullify},
		{"SCENARIOS 2, 7: decision not to treat", "34", EffectStop},
		{"SCENARIOS 8: patient declined treatment", "35", EffectStop},
		{"SCENARIOS 8: patient died", "36", EffectStop},
		{"RTT.md §4: after first treatment", "90", EffectNotRTT},
		{"SCENARIOS 6: check-ups during active monitoring", "91", EffectNotRTT},
		{"RTT.md §4: not yet referred", "92", EffectNotRTT},
		{"RTT.md §4: not applicable", "98", EffectNotRTT},
		{"RTT.md §4: not yet known", "99", EffectNotRTT},
	}
	all := AllStatuses()
	require.Len(t, all, len(cases))
	for i, c := range cases {
		s, ok := LookupStatus(c.code)
		require.True(t, ok, c.source)
		require.Equal(t, StatusCode(c.code), s.Code, c.source)
		require.Equal(t, c.effect, s.Effect, c.source)
		require.NotEmpty(t, s.Meaning, c.source)
		require.Equal(t, s, all[i], "AllStatuses is in code order")
	}
	for _, bad := range []string{"", "13", "3", "300", "ab", "1", " 10", "10 "} {
		_, ok := LookupStatus(bad)
		require.False(t, ok, "%q", bad)
	}
	all[0].Meaning = "changed"
	require.NotEqual(t, "changed", AllStatuses()[0].Meaning, "callers get a copy")
}

func TestEffectNames(t *testing.T) {
	names := map[Effect]string{
		EffectStart: "start", EffectContinue: "continue", EffectTransfer: "transfer",
		EffectStop: "stop", EffectNullify: "nullify", EffectNotRTT: "not_rtt", Effect(0): "unknown",
	}
	for e, n := range names {
		require.Equal(t, n, e.String())
	}
}
