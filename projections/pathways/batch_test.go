package pathways_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/internal/benchdata"
	"github.com/pathway-ledger/ledger/projections/pathways"
)

// However a log is cut into batches, short ones folded where they are applied and
// long ones decoded on a second goroutine, and however few pathways the model
// keeps decoded, ApplyBatch leaves the model answering exactly as Apply event by
// event does.
func TestPropertyApplyBatchAnswersAsApply(t *testing.T) {
	evs, load, _ := interleavedLog(t, 300)
	rapid.Check(t, func(rt *rapid.T) {
		one, recent := eventByEvent(rt, evs, load)
		batched := pathways.New(pathways.WithLoader(load), pathways.WithRecent(recent))
		applyInBatches(rt, batched, evs, 700)
		// Long batches widen the recent list, which changes what is kept decoded,
		// never an answer; the runner settles the model once it has caught up, and
		// then the same pathways are kept decoded as by Apply.
		requireSameAnswers(rt, one, batched)
		batched.Settle()
		requireSameModel(rt, one, batched, evs)
	})
}

// A refused event stops the batch where it stands: the events before it are in,
// it and those after are not, and ApplyBatch says how many went in.
func TestApplyBatchStopsAtTheRefusedEvent(t *testing.T) {
	evs, load, _ := interleavedLog(t, 300)
	for _, tc := range []struct {
		name       string
		size, from int
		bad        int
	}{
		{"short batch, folded inline", 100, 40, 57},
		{"long batch, a later run decoded ahead", 1200, 200, 200 + 900},
		{"long batch, its first event", 1200, 200, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			batch := slices.Clone(evs[tc.from : tc.from+tc.size])
			batch[tc.bad-tc.from].Data = []byte(`{"received_on":`)
			m := pathways.New(pathways.WithLoader(load), pathways.WithRecent(8))
			n, err := m.ApplyBatch(evs[:tc.from])
			require.NoError(t, err)
			require.Equal(t, tc.from, n)
			n, err = m.ApplyBatch(batch)
			require.Error(t, err)
			require.Equal(t, tc.bad-tc.from, n, "events applied before the refused one")
			m.Settle()

			want := pathways.New(pathways.WithLoader(load), pathways.WithRecent(8))
			for _, ev := range evs[:tc.bad] {
				require.NoError(t, want.Apply(ev))
			}
			requireSameModel(t, want, m, evs)
			require.EqualError(t, want.Apply(batch[tc.bad-tc.from]), err.Error(), "the same refusal as Apply's")
		})
	}
}

func TestApplyBatchIgnoresOtherStreamsAndRefusesAnEmptyID(t *testing.T) {
	m := pathways.New()
	n, err := m.ApplyBatch([]eventstore.Event{{Position: 1, Stream: "session-1", Type: "SessionPlanned", Data: []byte(`{}`)}})
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Zero(t, m.Pathways())
	n, err = m.ApplyBatch([]eventstore.Event{
		{Position: 2, Stream: "session-2", Type: "SessionPlanned", Data: []byte(`{}`)},
		{Position: 3, Stream: pathways.StreamPrefix, Type: "ReferralReceived", Data: []byte(`{}`)},
	})
	require.ErrorContains(t, err, "without an id")
	require.Equal(t, 1, n)
}

// applyInBatches applies evs to m with ApplyBatch in batches of 1 to longest
// events, drawn, each applied whole.
func applyInBatches(rt *rapid.T, m *pathways.ReadModel, evs []eventstore.Event, longest int) {
	for rest := evs; len(rest) > 0; {
		n := min(len(rest), rapid.IntRange(1, longest).Draw(rt, "batch"))
		applied, err := m.ApplyBatch(rest[:n])
		require.NoError(rt, err)
		require.Equal(rt, n, applied)
		rest = rest[n:]
	}
}

// eventByEvent draws how few pathways a model keeps decoded and folds evs into one
// with Apply: what the property tests compare other ways of folding with.
func eventByEvent(rt *rapid.T, evs []eventstore.Event, load pathways.Loader) (*pathways.ReadModel, int) {
	recent := rapid.IntRange(1, 64).Draw(rt, "recent")
	one := pathways.New(pathways.WithLoader(load), pathways.WithRecent(recent))
	for _, ev := range evs {
		require.NoError(rt, one.Apply(ev))
	}
	return one, recent
}

// requireSameAnswers compares the counts, the whole PTL in order and the RTT return.
func requireSameAnswers(t require.TestingT, want, got *pathways.ReadModel) {
	require.Equal(t, want.Pathways(), got.Pathways())
	require.Equal(t, want.OpenPathways(), got.OpenPathways())
	require.Equal(t, want.Report(benchdata.Today), got.Report(benchdata.Today))
	q := pathways.Query{On: benchdata.Today, Limit: pathways.MaxLimit}
	a, _, err := want.WaitingList(q)
	require.NoError(t, err)
	b, _, err := got.WaitingList(q)
	require.NoError(t, err)
	require.Equal(t, a, b, "waiting list")
}

// requireSameModel compares what a booking team and a return read: the answers of
// requireSameAnswers and every pathway's state, and which pathways are kept whole.
func requireSameModel(t require.TestingT, want, got *pathways.ReadModel, evs []eventstore.Event) {
	requireSameAnswers(t, want, got)
	seen := map[string]bool{}
	for _, ev := range evs {
		id, _ := strings.CutPrefix(ev.Stream, pathways.StreamPrefix)
		if seen[id] {
			continue
		}
		seen[id] = true
		sa, oka, err := want.Pathway(id)
		require.NoError(t, err)
		sb, okb, err := got.Pathway(id)
		require.NoError(t, err)
		require.Equal(t, oka, okb, "pathway %s kept", id)
		require.Equal(t, sa, sb, "pathway %s", id)
	}
}
