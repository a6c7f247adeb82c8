package pathways

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
)

func referNumbered(f *feed, i int) {
	id := fmt.Sprintf("P-%03d", i)
	f.do(id, pathway.Refer{PathwayID: id, Patient: pathway.Patient{NHSNumber: "9990000018"}, SpecialtyCode: "110",
		ReceivedOn: d("2025-01-06")})
}

func followUp(f *feed, i, k int) {
	f.do(fmt.Sprintf("P-%03d", i), pathway.RecordActivity{OccurredOn: d("2025-02-03").AddDays(k), Kind: "outpatient_follow_up", RTTStatus: "20"})
}

func applyPages(t *testing.T, m *ReadModel, evs []eventstore.Event, page int) {
	t.Helper()
	for i := 0; i < len(evs); i += page {
		n, err := m.ApplyBatch(evs[i:min(i+page, len(evs))])
		require.NoError(t, err)
		require.Equal(t, min(page, len(evs)-i), n)
	}
}

// dateOrdered is a log in date order: n pathways referred, then followed up in
// rounds, every pathway once a round.
func dateOrdered(t *testing.T, n, rounds int) *feed {
	f := newFeed(t)
	for i := range n {
		referNumbered(f, i)
	}
	for k := range rounds {
		for i := range n {
			followUp(f, i, k)
		}
	}
	require.Len(t, f.log, n*(1+rounds))
	return f
}

// In a log's date order a page that keeps meeting pathways no longer decoded widens
// the recent list to eight times its size, and the list stays wide while it holds
// the pathways the log interleaves; Settle brings it back. The live tail's short
// batches and single events never widen it.
func TestPagesThatMissWidenTheRecentListUntilSettled(t *testing.T) {
	const n = 4 * catchUpFactor // the widened list holds every pathway
	// Enough rounds for the log to span several runs: a run that misses widens
	// the list for the runs after it.
	f := dateOrdered(t, n, 3*batchRun/n)

	short := New(WithLoader(f.load), WithRecent(4))
	applyPages(t, short, f.log, batchInline)
	require.Equal(t, 4, short.recent.n, "batches of the live tail's size keep the list at its size")

	long := New(WithLoader(f.load), WithRecent(4))
	applyPages(t, long, f.log, len(f.log))
	require.True(t, long.catchingUp)
	require.False(t, long.wideFutile, "the widened list held every pathway: judged worth it")
	require.Equal(t, 4*catchUpFactor, long.recent.n, "pages that miss widen it")
	long.Settle()
	require.Equal(t, 4, long.recent.n)
	require.False(t, long.catchingUp)
	sameAnswers(t, long, short, d("2025-03-01"), []string{"110"}, n, func(i int) string { return fmt.Sprintf("P-%03d", i) })
	require.Equal(t, n, long.OpenPathways())

	referNumbered(f, n)
	require.NoError(t, long.Apply(f.log[len(f.log)-1]))
	require.Equal(t, 4, long.recent.n, "an event after settling keeps the list at its size")
}

// A log that interleaves more pathways than even the widened list holds misses on
// nearly every event either way: once the wide list has been judged over two of
// its lengths of events, it goes back to its size (while still catching up, so
// that pathways that may restart are parked), and Settle forgets the judgement.
func TestAWidenedListThatStillMissesGoesBackToItsSize(t *testing.T) {
	const n = 300
	f := dateOrdered(t, n, 3)
	short := New(WithLoader(f.load), WithRecent(4))
	applyPages(t, short, f.log, batchInline)

	long := New(WithLoader(f.load), WithRecent(4))
	applyPages(t, long, f.log, 600)
	require.True(t, long.catchingUp)
	require.True(t, long.wideFutile, "every follow-up missed with the list widened")
	require.Equal(t, 4, long.recent.n, "back to its size")
	long.Settle()
	require.False(t, long.wideFutile)
	require.Zero(t, long.wideEvents)
	sameAnswers(t, long, short, d("2025-03-01"), []string{"110"}, n, func(i int) string { return fmt.Sprintf("P-%03d", i) })
	require.Equal(t, n, long.OpenPathways())
}

// In pathway order (each pathway's history together, as an import appends it) a
// page meets no packed state and the list stays at its size.
func TestPagesInPathwayOrderKeepTheRecentList(t *testing.T) {
	f := newFeed(t)
	for i := range 300 {
		referNumbered(f, i)
		followUp(f, i, 0)
		followUp(f, i, 1)
	}
	m := New(WithLoader(f.load), WithRecent(4))
	applyPages(t, m, f.log, 900)
	require.False(t, m.catchingUp)
	require.Equal(t, 4, m.recent.n)
}

// Pathways nullified by a missed first appointment are rebooked later on the same
// pathway (RTT.md §2). While the model catches up in a live log's order they are
// packed rather than dropped to their return records when they leave the recent
// list, so the rebooking unpacks them instead of re-reading the stream; Settle
// drops those still waiting. The answers are those of a model that never parks.
func TestCatchingUpParksPathwaysThatMayRestart(t *testing.T) {
	f := newFeed(t)
	const n = 300
	for i := range n {
		referNumbered(f, i)
	}
	// An alert on every pathway: unpacking them all, the first page starts catching up.
	for i := range n {
		f.do(fmt.Sprintf("P-%03d", i), pathway.FlagAlert{FlaggedOn: d("2025-01-13"), Code: "interpreter"})
	}
	for i := range n {
		f.do(fmt.Sprintf("P-%03d", i), pathway.RecordActivity{OccurredOn: d("2025-01-20"), Kind: "outpatient_first",
			RTTStatus: "33", Attendance: "did_not_attend"})
	}
	for i := range n / 2 {
		f.do(fmt.Sprintf("P-%03d", i), pathway.RecordActivity{OccurredOn: d("2025-02-10"), Kind: "outpatient_first", RTTStatus: "10"})
	}
	loads := 0
	load := func(id string, before uint64) ([]pathway.Recorded, error) {
		loads++
		return f.load(id, before)
	}
	m := New(WithLoader(load), WithRecent(4))
	applyPages(t, m, f.log, 900)
	require.True(t, m.catchingUp)
	require.Zero(t, loads, "every rebooking met its pathway parked, not gone cold")
	require.Equal(t, n/2, m.OpenPathways())
	require.NotEmpty(t, m.parked)

	m.Settle()
	require.Empty(t, m.parked[m.parkedHead:])
	for id, p := range m.byID {
		require.True(t, p.isLive() || p.state != nil, "%s: nothing packed but live pathways after Settle", id)
	}

	never := New(WithLoader(f.load), WithRecent(4))
	applyPages(t, never, f.log, batchInline) // short batches never catch up, never park
	never.Settle()
	require.Equal(t, n, m.Pathways())
	require.Equal(t, never.Pathways(), m.Pathways())
	on := d("2025-05-01")
	want, _, err := never.WaitingList(Query{On: on, Limit: MaxLimit})
	require.NoError(t, err)
	got, _, err := m.WaitingList(Query{On: on, Limit: MaxLimit})
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, never.Report(on), m.Report(on))
	for i := range n {
		id := fmt.Sprintf("P-%03d", i)
		ws, wok, werr := never.Pathway(id)
		gs, gok, gerr := m.Pathway(id)
		require.NoError(t, werr)
		require.NoError(t, gerr)
		require.Equal(t, wok, gok, id)
		require.Equal(t, ws, gs, id)
	}
}

// A bulk load keeps only bulkRecent pathways decoded while the log's order lets
// it (nothing reads the model meanwhile); in date order it widens as any catch-up
// does; Settle leaves the list no longer than recentCap.
func TestBulkLoadKeepsAShortListUntilItProvesTooShort(t *testing.T) {
	f := newFeed(t)
	const n = 2 * bulkRecent
	for i := range n {
		referNumbered(f, i)
		followUp(f, i, 0)
	}
	m := New(WithLoader(f.load))
	m.BeginBulk()
	applyPages(t, m, f.log, 1000)
	require.False(t, m.catchingUp)
	require.Equal(t, bulkRecent, m.recent.n, "pathway order: the short list")
	m.Settle()
	require.Equal(t, n, m.OpenPathways())

	g := newFeed(t)
	for i := range n {
		referNumbered(g, i)
	}
	for i := range n {
		followUp(g, i, 0)
	}
	dated := New(WithLoader(g.load))
	dated.BeginBulk()
	applyPages(t, dated, g.log, 1000)
	require.True(t, dated.catchingUp, "date order: every follow-up met a packed pathway")
	require.Equal(t, n, dated.recent.n, "widened past the short list")
	dated.Settle()
	require.LessOrEqual(t, dated.recent.n, recentCap)
	require.Equal(t, n, dated.OpenPathways())
}
