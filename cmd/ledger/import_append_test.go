package main

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/importer"
)

// countingStore answers Append like a log whose head was at 100 when the import
// began: streams in old were there already (a re-run's rows), conflict holds other
// content, and fail is a storage failure.
type countingStore struct {
	eventstore.Store
	mu       sync.Mutex
	next     uint64
	appended int
	old      map[string]bool
	conflict string
	fail     string
}

func (s *countingStore) Append(ctx context.Context, stream string, _ eventstore.ExpectedVersion, _ ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := ctx.Err(); err != nil {
		return eventstore.AppendResult{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case stream == s.fail:
		return eventstore.AppendResult{}, errors.New("disk full")
	case stream == s.conflict:
		return eventstore.AppendResult{}, eventstore.ErrWrongExpectedVersion
	case s.old[stream]:
		return eventstore.AppendResult{Position: 42}, nil
	}
	s.next++
	s.appended++
	return eventstore.AppendResult{Position: 100 + s.next}, nil
}

func plansFor(n int) []plan {
	out := make([]plan, n)
	for i := range out {
		out[i] = plan{row: importer.Row{Line: i + 2, PathwayID: uuid.New()}, events: []eventstore.EventData{{}}}
	}
	return out
}

func TestAppendPlansCountsWrittenPresentAndConflicting(t *testing.T) {
	plans := plansFor(200)
	stream := func(i int) string { return "pathway-" + plans[i].row.PathwayID.String() }
	s := &countingStore{old: map[string]bool{stream(0): true, stream(7): true, stream(199): true}, conflict: stream(50)}
	out := appendPlans(context.Background(), s, plans, 100, importer.NewProgress(io.Discard, 200, "import"))
	require.NoError(t, out.err)
	require.EqualValues(t, 196, out.written)
	require.EqualValues(t, 3, out.present, "a row already in the log comes back at or before the head")
	require.EqualValues(t, 1, out.skipped)
	require.Equal(t, 196, s.appended)
}

func TestAppendPlansStopsAtAStorageFailureNamingTheLine(t *testing.T) {
	plans := plansFor(500)
	s := &countingStore{fail: "pathway-" + plans[10].row.PathwayID.String()}
	out := appendPlans(context.Background(), s, plans, 100, importer.NewProgress(io.Discard, 500, "import"))
	require.ErrorContains(t, out.err, "line 12: disk full")
	require.Less(t, s.appended, 499, "the rest of the file is not appended after a failure")
	require.EqualValues(t, s.appended, out.written)
}
