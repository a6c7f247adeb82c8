package pathways

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/rtt"
)

// coldWant is what the cold store should hold for one pathway.
type coldWant struct {
	periods []period
	stands  bool
}

// With runs of a few keys and blocks of a few periods, so that every sequence seals
// runs, fills blocks, gives a long pathway its own block, takes keys out of sealed
// runs and the open map, puts taken keys back and compacts: the store answers as a
// map of pathway to periods would.
func TestColdStoreHoldsWhatAMapWould(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		c := newColdStoreSized(sizes{run: rapid.IntRange(1, 4).Draw(rt, "run"), block: rapid.IntRange(1, 6).Draw(rt, "block"),
			slack: rapid.IntRange(0, 3).Draw(rt, "slack")})
		want := map[string]coldWant{}
		ids := make([]string, 12)
		for i := range ids {
			ids[i] = fmt.Sprintf("00000000-0000-4000-8000-%012x", i*7919)
			if i%4 == 3 {
				ids[i] = fmt.Sprintf("RXX-%d", i) // not a UUID: kept by name
			}
		}
		day := 0
		for step := range rapid.IntRange(1, 200).Draw(rt, "steps") {
			id := rapid.SampledFrom(ids).Draw(rt, "id")
			if _, cold := want[id]; cold {
				require.True(rt, c.take(id), "step %d: take %s", step, id)
				delete(want, id)
			} else {
				ps := make([]period, rapid.IntRange(0, 8).Draw(rt, "periods"))
				for i := range ps {
					day++
					ps[i] = period{start: rtt.Date{}.AddDays(day), spec: uint16(step), status: uint8(i)}
				}
				stands := rapid.Bool().Draw(rt, "stands")
				c.put(id, ps, stands)
				want[id] = coldWant{periods: ps, stands: stands}
			}
			requireColdStore(rt, &c, want, ids)
		}
	})
}

func requireColdStore(t require.TestingT, c *coldStore, want map[string]coldWant, ids []string) {
	got := map[string]coldWant{}
	c.eachUUID(func(k [16]byte, sp span) bool {
		got[uuidString(k[:])] = coldWant{periods: slices.Clone(c.at(sp)), stands: sp.stands()}
		return true
	})
	for id, sp := range c.byName {
		got[id] = coldWant{periods: slices.Clone(c.at(sp)), stands: sp.stands()}
	}
	norm := func(m map[string]coldWant) map[string]coldWant {
		out := map[string]coldWant{}
		for id, w := range m {
			out[id] = coldWant{periods: append([]period{}, w.periods...), stands: w.stands}
		}
		return out
	}
	require.Equal(t, norm(want), norm(got))
	for _, id := range ids {
		_, cold := want[id]
		require.Equal(t, cold, c.has(id), id)
	}
	var all, seen []period
	exists := 0
	for _, w := range want {
		all = append(all, w.periods...)
		if w.stands {
			exists++
		}
	}
	c.eachPeriod(func(p *period) bool {
		seen = append(seen, *p)
		return true
	})
	byStart := func(a, b period) int { return a.start.Compare(b.start) }
	slices.SortFunc(all, byStart)
	slices.SortFunc(seen, byStart)
	require.Equal(t, append([]period{}, all...), append([]period{}, seen...), "every live period once, no dead one")
	require.Equal(t, exists, c.exists)
	require.Equal(t, len(want)-len(c.byName), c.uuids)
	require.LessOrEqual(t, len(c.open), c.run)
	for _, run := range c.runs {
		require.True(t, slices.IsSortedFunc(run, func(a, b coldKey) int { return slices.Compare(a.key[:], b.key[:]) }))
	}
}

// compareKeys orders 16-byte keys exactly as bytes.Compare does.
func TestCompareKeysIsByteOrder(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		a := [16]byte(rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(rt, "a"))
		b := a
		for _, i := range rapid.SliceOfN(rapid.IntRange(0, 15), 0, 3).Draw(rt, "changed") {
			b[i] = rapid.Byte().Draw(rt, "to")
		}
		require.Equal(rt, slices.Compare(a[:], b[:]), compareKeys(&a, &b))
	})
}
