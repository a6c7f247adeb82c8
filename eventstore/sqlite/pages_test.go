package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite/internal/lite"
)

// writeVariedLog appends n events over a few streams: payloads from a few bytes to
// several pages (overflow chains), text in and out of ASCII, envelope fields set and
// empty.
func writeVariedLog(t *testing.T, s *Store, n int) {
	ctx := context.Background()
	for i := 0; i < n; {
		stream := fmt.Sprintf("pathway-%d", i%3)
		var batch []eventstore.EventData
		for j := 0; j < 1+i%40 && i < n; j, i = j+1, i+1 {
			size := 10 + (i*97)%600
			if i%50 == 7 {
				size = 9000 + i // past a 4 KiB leaf's share
			}
			batch = append(batch, eventstore.EventData{EventID: uuid.NewString(), Type: fmt.Sprintf("T%d", i%5),
				SchemaVersion: 1 + i%2, OccurredOn: fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28),
				Actor:         eventstore.Actor{User: fmt.Sprintf("user-%d", i%7), Role: "booking"},
				CorrelationID: map[bool]string{true: uuid.NewString()}[i%3 == 0], Reason: strings.Repeat("é", i%4),
				Data: json.RawMessage(fmt.Sprintf(`{"i":%d,"s":%q}`, i, strings.Repeat("ü", size/2)))})
		}
		_, err := s.Append(ctx, stream, eventstore.Any(), batch...)
		require.NoError(t, err)
	}
}

// foldWindows reads the log for a fold in windows that start, end and split at
// awkward places (splitAt is where a read is shared by two connections).
func foldWindows(t *testing.T, s *Store, n int) [][]eventstore.Event {
	var out [][]eventstore.Event
	for _, w := range [][2]int{{0, 0}, {0, 1}, {1, splitAt}, {splitAt - 1, splitAt + 3}, {n - 5, 100}, {n, 10}, {n / 2, 0}} {
		for _, buf := range []*eventstore.DataBuffer{nil, new(eventstore.DataBuffer)} {
			evs, err := s.ReadAllForFold(context.Background(), uint64(w[0]), w[1], nil, buf)
			require.NoError(t, err)
			for i := range evs {
				evs[i].Data = append(json.RawMessage(nil), evs[i].Data...)
			}
			out = append(out, evs)
		}
	}
	return out
}

// requireSameWindows fails at the first event that differs: a diff of whole logs
// with payloads of several pages would take minutes to print.
func requireSameWindows(t *testing.T, want, got [][]eventstore.Event) {
	t.Helper()
	require.Len(t, got, len(want))
	for w := range want {
		require.Len(t, got[w], len(want[w]), "window %d", w)
		for i := range want[w] {
			require.Equal(t, want[w][i], got[w][i], "window %d, event %d", w, i)
		}
	}
}

func TestForReplayFoldsReadTheFilesPagesAsSQLiteReadsThem(t *testing.T) {
	dir := t.TempDir()
	const n = 5000
	s, err := Open(dir)
	require.NoError(t, err)
	writeVariedLog(t, s, n)
	want := foldWindows(t, s, n)
	whole, err := s.ReadAll(context.Background(), 0, 0)
	require.NoError(t, err)
	require.Equal(t, "through SQLite", s.FoldReads())
	require.NoError(t, s.Close())

	r, err := Open(dir, ForReplay())
	require.NoError(t, err)
	defer r.Close()
	require.Equal(t, "from the database file's pages", r.FoldReads())
	require.Len(t, want[0], n)
	requireSameWindows(t, want, foldWindows(t, r, n))
	require.Equal(t, "from the database file's pages", r.FoldReads(), "no window fell back to SQLite")
	again, err := r.ReadAll(context.Background(), 0, 0)
	require.NoError(t, err)
	requireSameWindows(t, [][]eventstore.Event{whole}, [][]eventstore.Event{again})

	_, err = r.Append(context.Background(), "pathway-new", eventstore.NoStream(), data(1))
	require.ErrorIs(t, err, ErrReplayOnly)
	head, err := r.HeadPosition(context.Background())
	require.NoError(t, err)
	require.Equal(t, uint64(n), head)
}

// crashedCopy writes a log of n events that is never checkpointed and returns a
// copy of its folder as a crash would leave it (the commits in the WAL only), with
// the events a fold read of the original gave.
func crashedCopy(t *testing.T, n int) (crashed string, want []eventstore.Event) {
	t.Helper()
	dir, crashed := t.TempDir(), t.TempDir()
	s, err := Open(dir, WithCheckpointInterval(1<<40))
	require.NoError(t, err)
	writeVariedLog(t, s, n)
	for _, f := range []string{DatabaseFile, DatabaseFile + "-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(crashed, f), b, 0o600))
	}
	wal, err := os.Stat(filepath.Join(crashed, DatabaseFile+"-wal"))
	require.NoError(t, err)
	require.NotZero(t, wal.Size(), "the copy's commits are in its WAL")
	want, err = s.ReadAllForFold(context.Background(), 0, 0, nil, nil)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	return crashed, want
}

func TestForReplayReadsCommitsStillInTheWAL(t *testing.T) {
	crashed, want := crashedCopy(t, 300)
	r, err := Open(crashed, ForReplay())
	require.NoError(t, err)
	defer r.Close()
	require.Equal(t, "from the database file's pages", r.FoldReads())
	got, err := r.ReadAllForFold(context.Background(), 0, 0, nil, nil)
	require.NoError(t, err)
	require.Len(t, got, 300)
	requireSameWindows(t, [][]eventstore.Event{want}, [][]eventstore.Event{got})
}

func TestForReplayFallsBackToSQLiteWhenThePagesCannotBeRead(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	require.NoError(t, err)
	writeVariedLog(t, s, 3000)
	want := foldWindows(t, s, 3000)
	require.NoError(t, s.Close())

	r, err := Open(dir, ForReplay())
	require.NoError(t, err)
	defer r.Close()
	// The schema table's root, whose records are not events: as a damaged or
	// misread file would look to the page reader.
	r.pages.root = 1
	requireSameWindows(t, want, foldWindows(t, r, 3000)) // every window read whole through SQLite
	require.Contains(t, r.FoldReads(), "through SQLite: the page reader failed at positions 1 to ")
	require.Contains(t, r.FoldReads(), "not the events table's 16")
}

// TestFoldReadsAgreeOnAFolder reads a whole store for a fold through SQLite and
// from its pages and requires the same envelopes, by a SHA-256 over every field of
// each: the check BENCHMARKS.md reports on the million-pathway logs. It runs only
// when LEDGER_COMPARE_READS names a data folder (not in use by another ledger).
func TestFoldReadsAgreeOnAFolder(t *testing.T) {
	dir := os.Getenv("LEDGER_COMPARE_READS")
	if dir == "" {
		t.Skip("LEDGER_COMPARE_READS not set: no folder to compare reads on")
	}
	digest := func(opt ...Option) ([]byte, uint64, string) {
		s, err := Open(dir, opt...)
		require.NoError(t, err)
		defer s.Close()
		h := sha256.New()
		buf := new(eventstore.DataBuffer)
		var evs []eventstore.Event
		var after, n uint64
		for {
			buf.Reset()
			evs, err = s.ReadAllForFold(context.Background(), after, 4096, evs[:0], buf)
			require.NoError(t, err)
			if len(evs) == 0 {
				return h.Sum(nil), n, s.FoldReads()
			}
			for _, e := range evs {
				fmt.Fprintf(h, "%d\x00%d\x00%d\x00%s\x00", e.Position, e.StreamVersion, e.SchemaVersion, e.RecordedAt.Format(time.RFC3339Nano))
				for _, f := range []string{e.Stream, e.EventID, e.Type, e.OccurredOn, e.Actor.User, e.Actor.Role,
					e.CorrelationID, e.CausationID, e.Reason, e.PrevHash, e.Hash, string(e.Data)} {
					fmt.Fprintf(h, "%d:%s", len(f), f)
				}
			}
			n += uint64(len(evs))
			after = evs[len(evs)-1].Position
		}
	}
	viaSQL, n, how := digest()
	require.Equal(t, "through SQLite", how)
	viaPages, m, how := digest(ForReplay())
	require.Equal(t, "from the database file's pages", how)
	require.Equal(t, n, m)
	require.Equal(t, viaSQL, viaPages, "%d envelopes read both ways", n)
	t.Logf("%d envelopes, the same read through SQLite and from the pages: sha256 %x", n, viaSQL)
}

// Another process reading the WAL's frames (an export beside, say) keeps the WAL
// from being emptied into the file: the replay then reads through SQLite, all of
// the log, and says why.
func TestForReplayReadsThroughSQLiteWhileAnotherProcessReadsTheWAL(t *testing.T) {
	crashed, want := crashedCopy(t, 300)
	other, err := lite.Open(filepath.Join(crashed, DatabaseFile), true)
	require.NoError(t, err)
	defer other.Close()
	require.NoError(t, other.Exec(`BEGIN`))
	q, err := other.Prepare(`SELECT COUNT(*) FROM events`)
	require.NoError(t, err)
	row, err := q.Step()
	require.NoError(t, err)
	require.True(t, row)
	require.EqualValues(t, 300, q.Int64(0), "the other reader's snapshot holds the WAL's frames")

	r, err := Open(crashed, ForReplay(), withReplayWait(50*time.Millisecond))
	require.NoError(t, err)
	defer r.Close()
	require.Equal(t, "through SQLite: checkpoint: another process is reading the log", r.FoldReads())
	got, err := r.ReadAllForFold(context.Background(), 0, 0, nil, nil)
	require.NoError(t, err)
	requireSameWindows(t, [][]eventstore.Event{want}, [][]eventstore.Event{got})
	// Ended before the replay's store closes, whose own checkpoint would wait.
	q.Reset()
	require.NoError(t, other.Exec(`COMMIT`))
}
