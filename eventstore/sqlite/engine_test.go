package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// A folder the process cannot write to (read-only mount, wrong owner) refuses to
// open with ErrStorage and leaves what is there untouched; once writable again, the
// store opens with everything in it. As root, permission bits bind nothing, so the
// folder is made immutable instead (chattr +i), which binds root too.
func TestReadOnlyFolderIsAStorageError(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	require.NoError(t, err)
	_, err = s.Append(context.Background(), "pathway-ro", eventstore.NoStream(), data(0), data(1))
	require.NoError(t, err)
	require.NoError(t, s.Close())

	restore := makeReadOnly(t, dir)
	_, err = Open(dir)
	require.ErrorIs(t, err, eventstore.ErrStorage)
	restore()

	s, err = Open(dir)
	require.NoError(t, err, "opens cleanly once the folder is writable again")
	defer s.Close()
	got, err := s.ReadStream(context.Background(), "pathway-ro", 0, 0)
	require.NoError(t, err)
	require.Len(t, got, 2)
}

// The writer's database file turning read-only under it (seen by SQLite exactly as
// when the file was opened read-only) is a storage error, and the store opens
// cleanly afterwards.
func TestReadOnlyDatabaseFileIsAStorageError(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	require.NoError(t, err)
	_, err = s.Append(context.Background(), "pathway-ro", eventstore.NoStream(), data(0))
	require.NoError(t, err)
	require.NoError(t, s.Close())

	_, err = Open(dir, withReadOnlyDatabase())
	require.ErrorIs(t, err, eventstore.ErrStorage)
	require.ErrorContains(t, err, "readonly")

	s, err = Open(dir)
	require.NoError(t, err, "the failed open released the folder")
	defer s.Close()
	rep, err := eventstore.Verify(context.Background(), s, nil)
	require.NoError(t, err)
	require.True(t, rep.OK)
	require.Equal(t, uint64(1), rep.Events)
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

// Someone with write access to the file drops the immutability trigger and edits one
// byte of an event's data: Verify names exactly that event.
func TestVerifyNamesATamperedRow(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	require.NoError(t, err)
	ctx := context.Background()
	for i := 0; i < 6; i++ {
		_, err := s.Append(ctx, fmt.Sprintf("pathway-%d", i%2), eventstore.Any(), data(i))
		require.NoError(t, err)
	}
	victim, err := s.ReadStream(ctx, "pathway-1", 1, 1)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, DatabaseFile))
	require.NoError(t, err)
	_, err = db.Exec(`DROP TRIGGER events_no_update`)
	require.NoError(t, err)
	_, err = db.Exec(`UPDATE events SET data = replace(data, '"i":3', '"i":4') WHERE event_id = ?`, victim[0].EventID)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	s, err = Open(dir)
	require.NoError(t, err)
	defer s.Close()
	rep, err := eventstore.Verify(ctx, s, nil)
	require.NoError(t, err)
	require.False(t, rep.OK)
	require.Len(t, rep.Failures, 1)
	f := rep.Failures[0]
	require.Equal(t, "pathway-1", f.Stream)
	require.Equal(t, uint64(1), f.StreamVersion)
	require.Equal(t, victim[0].EventID, f.EventID)
	require.Equal(t, victim[0].Position, f.Position)
	require.Equal(t, victim[0].Hash, f.Found)
	require.NotEqual(t, f.Expected, f.Found)
	require.Equal(t, uint64(6), rep.Events)
	require.Equal(t, uint64(2), rep.Streams)
}

// Auditors query the file with the standard sqlite3 tool, read-only, while the
// ledger runs and holds the folder.
func TestAuditorsReadTheFileWithSqlite3(t *testing.T) {
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("the sqlite3 command-line tool is not installed")
	}
	dir := t.TempDir()
	s, err := Open(dir)
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	d := data(7)
	d.Reason = "validated by phone"
	r, err := s.Append(ctx, "pathway-audit", eventstore.NoStream(), data(6), d)
	require.NoError(t, err)

	out, err := exec.Command(bin, "-readonly", "-separator", "|", s.Path(),
		`SELECT position, stream, stream_version, type, occurred_on, reason, json_extract(data, '$.i'), length(hash)
		 FROM events WHERE stream = 'pathway-audit' ORDER BY stream_version`).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Equal(t, fmt.Sprintf("%d|pathway-audit|0|T|2025-01-06||6|64\n%d|pathway-audit|1|T|2025-01-06|validated by phone|7|64\n",
		r.Position-1, r.Position), string(out))

	out, err = exec.Command(bin, "-readonly", s.Path(), `INSERT INTO ledger_meta VALUES ('x', 'y')`).CombinedOutput()
	require.Error(t, err, "a read-only session cannot write: %s", out)
}

// A row inserted by hand through SQLite (the triggers accept it: next position, next
// version) does not wedge the writer, which moves past it; Verify reports the row.
func TestARowInsertedByHandIsPassedAndReported(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	_, err = s.Append(ctx, "pathway-h", eventstore.NoStream(), data(0))
	require.NoError(t, err)

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, DatabaseFile))
	require.NoError(t, err)
	defer db.Close()
	forged := uuid.NewString()
	_, err = db.Exec(`INSERT INTO events (`+columns+`) VALUES (2,'pathway-h',1,?,'T',1,'2025-01-06','2025-01-06T00:00:00.000000Z','x','admin','','','','{}','',?)`,
		forged, strings.Repeat("0", 64))
	require.NoError(t, err)

	r, err := s.Append(ctx, "pathway-h", eventstore.Any(), data(1))
	require.NoError(t, err, "the writer moves past the row")
	require.Equal(t, eventstore.AppendResult{Version: 2, Position: 3}, r)
	rep, err := eventstore.Verify(ctx, s, nil)
	require.NoError(t, err)
	require.False(t, rep.OK)
	require.Len(t, rep.Failures, 1)
	require.Equal(t, forged, rep.Failures[0].EventID)
}
