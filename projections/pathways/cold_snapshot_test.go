package pathways

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
)

// A snapshot files its cold pathways in one sorted run; one naming a cold pathway
// twice is refused, not half-restored.
func TestRestoreRefusesAColdPathwayTwice(t *testing.T) {
	f := newFeed(t, 1)
	for i := range 40 {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		f.do(id, refer(id, "110", "2025-01-06"))
		f.do(id, pathway.RecordActivity{OccurredOn: d("2025-02-03"), Kind: "outpatient_first", RTTStatus: "30"})
	}
	var buf bytes.Buffer
	require.NoError(t, f.m.Snapshot(&buf))
	m := New(WithLoader(f.load))
	require.NoError(t, m.Restore(bytes.NewReader(buf.Bytes())))
	require.Len(t, m.cold.runs, 1, "restored as one run")
	require.Equal(t, 40, m.cold.uuids)
	require.Equal(t, f.m.Report(d("2025-02-28")), m.Report(d("2025-02-28")))
	require.Equal(t, f.m.IncompleteOn(d("2025-01-31")), m.IncompleteOn(d("2025-01-31")))

	m.cold.runs = append(m.cold.runs, slices.Clone(m.cold.runs[0][:1]))
	m.cold.uuids++
	buf.Reset()
	require.NoError(t, m.Snapshot(&buf))
	again := New(WithLoader(f.load))
	err := again.Restore(&buf)
	require.ErrorIs(t, err, errSnapshot)
	require.ErrorContains(t, err, "repeated id")
	require.Zero(t, again.Pathways(), "nothing half-restored")
}
