package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
	"github.com/pathway-ledger/ledger/importer"
)

// countingStore answers Append like a log whose head was at 100 when the import
// began: streams in old were there already (a re-run's rows), conflict holds other
// content, and fail is a storage failure. It has no AppendQueued: the run queue
// appends one run at a time, as it does on KurrentDB.
type countingStore struct {
	eventstore.Store
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

// PTL rows through the run queue: new pathways written, a re-run's found at or
// before the head, one with other content skipped, and the progress in rows.
func TestRunQueueCountsWrittenPresentAndConflictingRows(t *testing.T) {
	stream := func(i int) string { return fmt.Sprintf("pathway-%03d", i) }
	s := &countingStore{old: map[string]bool{stream(0): true, stream(7): true, stream(199): true}, conflict: stream(50)}
	var log bytes.Buffer
	progress := importer.NewProgress(&log, 200, "import").WithTerminal(false)
	q := newRunQueue(context.Background(), s, 100, progress)
	q.byRun = true
	for i := range 200 {
		require.NoError(t, q.submit(stream(i), eventstore.NoStream(), []eventstore.EventData{{}, {}}, i+2))
	}
	require.NoError(t, q.drain())
	progress.Done()
	require.Equal(t, 196, q.written)
	require.Equal(t, 392, q.writtenEvents)
	require.Equal(t, 3, q.present, "a row already in the log comes back at or before the head")
	require.Equal(t, 1, q.skipped)
	require.Equal(t, 196, s.appended)
	require.Contains(t, log.String(), "import: done, 200 rows", "progress counts rows, not events")
}

func TestRunQueueStopsAtAStorageFailureNamingTheLine(t *testing.T) {
	s := &countingStore{fail: "pathway-010"}
	q := newRunQueue(context.Background(), s, 100, importer.NewProgress(io.Discard, 500, "import"))
	var err error
	for i := 0; i < 500 && err == nil; i++ {
		err = q.submit(fmt.Sprintf("pathway-%03d", i), eventstore.NoStream(), []eventstore.EventData{{}}, i+2)
	}
	require.ErrorContains(t, err, "line 12: disk full")
	require.ErrorContains(t, q.drain(), "line 12: disk full")
	require.Equal(t, 10, s.appended, "the rest of the file is not appended after a failure")
	require.Equal(t, s.appended, q.written)
}

// A file in date order interleaves its streams line by line; imported with many
// appends queued at once, the log still holds the events in the file's order.
func TestImportNDJSONKeepsTheFilesOrder(t *testing.T) {
	file, raw := generatedNDJSON(t, 150)
	var out, errOut bytes.Buffer
	type line struct {
		text, stream, id, on string
	}
	var lines []line
	for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var r struct {
			Stream string `json:"stream"`
			Event  struct {
				ID string `json:"event_id"`
				On string `json:"occurred_on"`
			} `json:"event"`
		}
		require.NoError(t, json.Unmarshal([]byte(l), &r))
		lines = append(lines, line{l, r.Stream, r.Event.ID, r.Event.On})
	}
	// Date order, never before an earlier event of the same stream.
	last := map[string]string{}
	for i := range lines {
		lines[i].on = max(last[lines[i].stream], lines[i].on)
		last[lines[i].stream] = lines[i].on
	}
	slices.SortStableFunc(lines, func(a, b line) int { return strings.Compare(a.on, b.on) })
	var sorted strings.Builder
	for _, l := range lines {
		sorted.WriteString(l.text + "\n")
	}
	require.NoError(t, os.WriteFile(file, []byte(sorted.String()), 0o600))

	dir := t.TempDir()
	out.Reset()
	require.Equal(t, 0, run([]string{"import", "--data", dir, file}, &out, &errOut), errOut.String())
	require.Contains(t, out.String(), fmt.Sprintf("imported %d events (%d written, 0 already in the log)", len(lines), len(lines)))
	s, err := sqlite.Open(dir)
	require.NoError(t, err)
	defer s.Close()
	all, err := s.ReadAll(context.Background(), 0, 0)
	require.NoError(t, err)
	require.Len(t, all, len(lines))
	for i := range lines {
		require.Equal(t, lines[i].id, all[i].EventID, "position %d holds line %d", i+1, i+1)
	}
}

// queuedStore takes appends without waiting and answers them in order, failing
// the one whose stream is fail; it records what was queued.
type queuedStore struct {
	eventstore.Store
	next   uint64
	fail   string
	queued []string
}

func (s *queuedStore) AppendQueued(_ context.Context, stream string, _ eventstore.ExpectedVersion, evs ...eventstore.EventData) (func() (eventstore.AppendResult, error), error) {
	s.queued = append(s.queued, stream)
	if stream == s.fail {
		return func() (eventstore.AppendResult, error) { return eventstore.AppendResult{}, errors.New("disk full") }, nil
	}
	s.next += uint64(len(evs))
	pos := s.next
	return func() (eventstore.AppendResult, error) { return eventstore.AppendResult{Position: pos}, nil }, nil
}

func TestRunQueueNeverQueuesAStreamsRunAfterItsFailedOne(t *testing.T) {
	s := &queuedStore{fail: "pathway-b"}
	q := newRunQueue(context.Background(), s, 0, importer.NewProgress(io.Discard, 0, "import"))
	one := []eventstore.EventData{{}}
	anyV := eventstore.Any()
	require.NoError(t, q.submit("pathway-a", anyV, one, 2))
	require.NoError(t, q.submit("pathway-b", anyV, one, 3), "queued: its failure is not known yet")
	require.NoError(t, q.submit("pathway-c", anyV, one, 4))
	err := q.submit("pathway-b", anyV, one, 5)
	require.ErrorContains(t, err, "line 3: disk full", "b's next run waits for b's first and meets its failure")
	require.Equal(t, []string{"pathway-a", "pathway-b", "pathway-c"}, s.queued, "b's second run was never queued")
	require.ErrorContains(t, q.submit("pathway-d", anyV, one, 6), "line 3")
	require.ErrorContains(t, q.drain(), "line 3")
	require.Equal(t, 2, q.written, "a and c, queued before the failure was known, were written")
	require.Equal(t, 2, q.writtenEvents)
}
