package pathways

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
)

// A long batch (a replay or catch-up page) lets the recent list grow to eight times
// its size; Settle brings it back, packing what stays live and turning finished
// pathways into their return records; short batches and single events never widen it.
func TestLongBatchesWidenTheRecentListUntilSettled(t *testing.T) {
	f := newFeed(t)
	for i := range 300 {
		f.do(fmt.Sprintf("P-%03d", i), pathway.Refer{PathwayID: fmt.Sprintf("P-%03d", i),
			Patient: pathway.Patient{NHSNumber: "9990000018"}, SpecialtyCode: "110", ReceivedOn: d("2025-01-06")})
	}
	require.Len(t, f.log, 300)

	short := New(WithLoader(f.load), WithRecent(4))
	for i := 0; i < len(f.log); i += batchInline {
		_, err := short.ApplyBatch(f.log[i:min(i+batchInline, len(f.log))])
		require.NoError(t, err)
	}
	require.Equal(t, 4, short.recent.n, "batches of the live tail's size keep the list at its size")

	long := New(WithLoader(f.load), WithRecent(4))
	n, err := long.ApplyBatch(f.log)
	require.NoError(t, err)
	require.Equal(t, 300, n)
	require.Equal(t, 4*catchUpFactor, long.recent.n, "a catch-up page widens it")
	long.Settle()
	require.Equal(t, 4, long.recent.n)
	require.False(t, long.catchingUp)
	require.Equal(t, short.OpenPathways(), long.OpenPathways())
	require.Equal(t, 300, long.OpenPathways())

	// A single event after settling keeps the list at its size.
	f.do("P-300", pathway.Refer{PathwayID: "P-300", Patient: pathway.Patient{NHSNumber: "9990000026"},
		SpecialtyCode: "110", ReceivedOn: d("2025-01-07")})
	require.NoError(t, long.Apply(f.log[len(f.log)-1]))
	require.Equal(t, 4, long.recent.n)
}
