package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

func data(i int) eventstore.EventData {
	return eventstore.EventData{EventID: uuid.NewString(), Type: "T", SchemaVersion: 1, OccurredOn: "2025-01-06",
		Actor: eventstore.Actor{User: "u", Role: "booking"}, Data: json.RawMessage(fmt.Sprintf(`{"i":%d}`, i))}
}

func TestSecondWriterIsRefusedNamingTheFolder(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	require.NoError(t, err)
	defer s.Close()
	_, err = Open(dir)
	require.ErrorIs(t, err, eventstore.ErrLocked)
	require.Contains(t, err.Error(), dir)
	require.Contains(t, err.Error(), fmt.Sprint(os.Getpid()))
}

// Auditors open the file with plain SQLite while the ledger runs; the schema itself
// refuses edits, deletions and gaps.
func TestTheFileItselfEnforcesTheInvariants(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Append(context.Background(), "pathway-a", eventstore.NoStream(), data(0), data(1))
	require.NoError(t, err)

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, DatabaseFile))
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM events WHERE stream = 'pathway-a'`).Scan(&n))
	require.Equal(t, 2, n, "readable by any SQLite client while the ledger holds the lock")

	_, err = db.Exec(`UPDATE events SET data = '{"i":9}' WHERE position = 1`)
	require.ErrorContains(t, err, "immutable")
	_, err = db.Exec(`DELETE FROM events WHERE position = 2`)
	require.ErrorContains(t, err, "immutable")
	ins := `INSERT INTO events (` + columns + `) VALUES (?,?,?,?,'T',1,'2025-01-06','2025-01-06T00:00:00.000000Z','u','r','','','','{}','','')`
	_, err = db.Exec(ins, 5, "pathway-b", 0, uuid.NewString())
	require.ErrorContains(t, err, "position must be the next integer")
	_, err = db.Exec(ins, 3, "pathway-a", 5, uuid.NewString())
	require.ErrorContains(t, err, "stream_version must be the next version")
}

func TestFullDiskRefusesTheAppendWholeAndRecovers(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, WithMaxPageCount(40))
	require.NoError(t, err)
	ctx := context.Background()
	big := data(0)
	big.Data = json.RawMessage(fmt.Sprintf(`"%0200000d"`, 0))
	_, err = s.Append(ctx, "pathway-full", eventstore.NoStream(), data(1))
	require.NoError(t, err)
	_, err = s.Append(ctx, "pathway-full", eventstore.Any(), data(2), big)
	require.ErrorIs(t, err, eventstore.ErrStorage)
	got, err := s.ReadStream(ctx, "pathway-full", 0, 0)
	require.NoError(t, err)
	require.Len(t, got, 1, "nothing of the failed append is visible")
	r, err := s.Append(ctx, "pathway-full", eventstore.Exact(0), data(3))
	require.NoError(t, err, "small appends still fit")
	require.Equal(t, uint64(1), r.Version)
	require.NoError(t, s.Close())

	s, err = Open(dir)
	require.NoError(t, err, "opens cleanly afterwards")
	defer s.Close()
	rep, err := eventstore.Verify(ctx, s, nil)
	require.NoError(t, err)
	require.True(t, rep.OK)
	require.Equal(t, uint64(2), rep.Events)
}

func TestUnwritableFolderIsAStorageError(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: file permissions do not bind root, so a read-only folder cannot be simulated")
	}
	dir := t.TempDir()
	require.NoError(t, os.Chmod(dir, 0o500))
	defer os.Chmod(dir, 0o700)
	_, err := Open(dir)
	require.ErrorIs(t, err, eventstore.ErrStorage)
}

func TestAFileInPlaceOfTheFolderIsAStorageError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "not-a-folder")
	require.NoError(t, os.WriteFile(path, []byte("x"), 0o600))
	_, err := Open(path)
	require.ErrorIs(t, err, eventstore.ErrStorage)
}

func TestHeadPositionAndVerifyOverTheLog(t *testing.T) {
	s, err := Open(t.TempDir())
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	for i := 0; i < 25; i++ {
		_, err := s.Append(ctx, fmt.Sprintf("pathway-%d", i%4), eventstore.Any(), data(i))
		require.NoError(t, err)
	}
	head, err := s.HeadPosition(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(25), head, "positions are 1..n with no gap")
	var calls int
	rep, err := eventstore.Verify(ctx, s, func(events, streams uint64) { calls++ })
	require.NoError(t, err)
	require.True(t, rep.OK)
	require.Equal(t, uint64(25), rep.Events)
	require.Equal(t, uint64(4), rep.Streams)
	require.Positive(t, calls)
}
