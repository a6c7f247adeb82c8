package pathways

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// A day's bucket that fills and then drains (a day's referrals, their clocks stopping
// over the months) gives its capacity back, and still orders what is left by id.
func TestPTLBucketGivesBackCapacityAsItDrains(t *testing.T) {
	var x ptlIndex
	day := d("2025-01-06")
	recs := make([]*rec, 400)
	for i := range recs {
		recs[i] = newRec(fmt.Sprintf("00000000-0000-0000-0000-%012d", (i*7919)%400))
		x.insert(day, recs[i])
	}
	require.Equal(t, 400, x.n)
	full := cap(x.days[0].recs)
	require.GreaterOrEqual(t, full, 400)
	kept := map[*rec]bool{}
	for i, r := range recs {
		if i%40 == 0 {
			kept[r] = true
			continue
		}
		x.remove(day, r)
	}
	require.Equal(t, 10, x.n)
	b := x.days[0].recs
	require.Len(t, b, 10)
	require.GreaterOrEqual(t, len(b), cap(b)/4, "a bucket under a quarter full is copied at its size (it held %d)", full)
	require.Less(t, cap(b), 64, "the capacity of the fullest moment is gone")
	var got []string
	x.ascend(day, false, "", false, func(r *rec) bool {
		require.True(t, kept[r], r.id)
		got = append(got, r.id)
		return true
	})
	require.Len(t, got, 10)
	require.IsIncreasing(t, got, "still ordered by pathway id")
	for r := range kept {
		x.remove(day, r)
	}
	require.Zero(t, x.n)
	require.Empty(t, x.days, "an empty day's bucket goes")
}
