package generator

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
	"github.com/pathway-ledger/ledger/rtt"
)

func cfg(n int) Config {
	return Config{Pathways: n, Seed: 42, Today: rtt.MustParseDate("2026-11-24"), HistoryDays: 730, SessionWeeks: 4}
}

func TestNHSNumbersAreValidTestRangeNumbers(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 5000; i++ {
		n := NHSNumber(i)
		require.True(t, strings.HasPrefix(n, "999"), n)
		require.True(t, pathway.ValidNHSNumber(n), n)
		seen[n] = true
	}
	require.Greater(t, len(seen), 4500, "mostly distinct patients")
}

func TestGenerationIsDeterministicBySeed(t *testing.T) {
	a, b := Generate(cfg(10), 7), Generate(cfg(10), 7)
	require.Equal(t, a, b)
	other := cfg(10)
	other.Seed = 43
	require.NotEqual(t, a.ID, Generate(other, 7).ID)
}

// Every generated pathway is a valid fold, dates never after today, and the mix looks
// like a trust: two-week-wait referrals, nullified DNAs, decisions to admit, treatment,
// open waiters, some over 18 weeks.
func TestGeneratedTrustIsPlausible(t *testing.T) {
	c := cfg(3000)
	var tww, nullified, listed, treated, open, over18, transfers, cancelledOnDay int
	for i := 0; i < c.Pathways; i++ {
		p := Generate(c, i)
		require.NotEmpty(t, p.Events)
		var h []pathway.Recorded
		for k, e := range p.Events {
			require.False(t, e.On().After(c.Today), "%s dated after today", e.Type())
			h = append(h, pathway.Recorded{Event: e, EventID: EventID(p.ID, k), StreamVersion: uint64(k)})
		}
		s := pathway.Fold(h)
		require.True(t, s.Exists)
		v := pathway.DeriveState(s, c.Today, pathway.DeriveOptions{})
		if s.ReferralPriority == "two_week_wait" {
			tww++
		}
		for _, per := range v.Periods {
			if per.Clock == "nullified" {
				nullified++
			}
			if per.StopStatus != nil && *per.StopStatus == "30" {
				treated++
			}
			if per.TransferredOut {
				transfers++
			}
		}
		if len(s.Entries) > 0 {
			listed++
		}
		if v.CurrentPeriod.Clock == "running" {
			open++
			if !v.CurrentPeriod.Within18Weeks {
				over18++
			}
		}
		for _, b := range v.Bookings {
			if b.TwentyEightDayDeadline != nil {
				cancelledOnDay++
			}
		}
	}
	require.InDelta(t, 0.10, float64(tww)/3000, 0.05, "two-week-wait share")
	require.Positive(t, nullified)
	require.InDelta(t, 0.35, float64(listed)/3000, 0.15, "decisions to admit")
	require.Positive(t, treated)
	require.Positive(t, transfers)
	require.Positive(t, cancelledOnDay)
	require.Greater(t, open, 300)
	require.Positive(t, over18)
	require.Less(t, over18, open)
}

func TestToStoreWritesAVerifiableTrustAndIsIdempotent(t *testing.T) {
	store, err := sqlite.Open(t.TempDir())
	require.NoError(t, err)
	defer store.Close()
	ctx := context.Background()
	c := cfg(200)
	st, err := ToStore(ctx, c, store, nil)
	require.NoError(t, err)
	require.Equal(t, 200, st.Pathways)
	require.Positive(t, st.Sessions)
	rep, err := eventstore.Verify(ctx, store, nil)
	require.NoError(t, err)
	require.True(t, rep.OK)
	require.Equal(t, uint64(st.Events), rep.Events)
	require.Equal(t, uint64(st.Pathways+st.Sessions), rep.Streams)

	again, err := ToStore(ctx, c, store, nil)
	require.NoError(t, err, "same seed, same ids: recognised, nothing written twice")
	require.Equal(t, st, again)
	rep, err = eventstore.Verify(ctx, store, nil)
	require.NoError(t, err)
	require.Equal(t, uint64(st.Events), rep.Events)
}

func TestNDJSONHasOneEventPerLine(t *testing.T) {
	var buf bytes.Buffer
	st, err := ToNDJSON(cfg(20), &buf)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, st.Events)
	require.Contains(t, lines[len(lines)-1], `"kind":"event"`)
	require.Contains(t, lines[len(lines)-1], `"stream":"pathway-`)
}

func TestConfigRefusesNonsense(t *testing.T) {
	c := cfg(-1)
	require.Error(t, c.Validate())
	c = cfg(10)
	c.HistoryDays = 5
	require.Error(t, c.Validate())
}

// Most generated lists are confirmed, as a trust's would be weeks ahead; some are
// not, so the demo shows a missed checkpoint too.
func TestMostGeneratedSessionsAreConfirmed(t *testing.T) {
	cfg := Config{Pathways: 1, Seed: 3, Today: rtt.MustParseDate("2026-11-24"), HistoryDays: 30, SessionWeeks: 4}
	confirmed, all := 0, 0
	for _, s := range Sessions(cfg) {
		all++
		if session.Fold(s.Events).ConfirmedOn != nil {
			confirmed++
		}
	}
	require.Greater(t, all, 50)
	require.Greater(t, confirmed, all*3/4)
	require.Less(t, confirmed, all)
}
