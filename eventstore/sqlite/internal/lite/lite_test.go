package lite

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func openTemp(t *testing.T) (*Conn, string) {
	path := filepath.Join(t.TempDir(), "t.db")
	c, err := Open(path, false)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	require.NoError(t, c.Exec(`CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE) STRICT`))
	return c, path
}

func TestBindStepAndReadInPlace(t *testing.T) {
	c, _ := openTemp(t)
	ins, err := c.Prepare(`INSERT INTO t (k, v) VALUES (?, ?)`)
	require.NoError(t, err)
	big := strings.Repeat("é", 100<<10) // larger than one bind buffer
	for i, v := range []string{"", "a", big, "tail"} {
		require.NoError(t, ins.BindInt64(1, int64(i)))
		require.NoError(t, ins.BindText(2, v))
		require.NoError(t, ins.Exec())
	}
	sel, err := c.Prepare(`SELECT k, v FROM t WHERE k >= ? ORDER BY k`)
	require.NoError(t, err)
	require.Equal(t, 2, sel.Columns())
	require.NoError(t, sel.BindInt64(1, 0))
	var got []string
	for {
		row, err := sel.Step()
		require.NoError(t, err)
		if !row {
			break
		}
		require.Equal(t, int64(len(got)), sel.Int64(0))
		require.False(t, sel.IsNull(1))
		got = append(got, sel.Text(1))
	}
	sel.Reset()
	require.Equal(t, []string{"", "a", big, "tail"}, got, "an empty string is stored as empty text, not NULL")
}

func TestErrorsCarryExtendedCodes(t *testing.T) {
	c, path := openTemp(t)
	require.NoError(t, c.Exec(`INSERT INTO t VALUES (1, 'x')`))
	err := c.Exec(`INSERT INTO t VALUES (2, 'x')`)
	require.Equal(t, CodeConstraintUnique, Extended(err))
	require.Equal(t, CodeConstraint, Primary(err))
	require.ErrorContains(t, err, "t.v")

	ro, err := Open(path, true)
	require.NoError(t, err)
	defer ro.Close()
	err = ro.Exec(`INSERT INTO t VALUES (3, 'y')`)
	require.Equal(t, CodeReadOnly, Primary(err))

	_, err = c.Prepare(`SELECT nope FROM t`)
	require.ErrorContains(t, err, "no such column")
	require.Zero(t, Primary(nil))

	_, err = Open(filepath.Join(t.TempDir(), "missing", "x.db"), false)
	require.Error(t, err, "a folder that does not exist")
}

func TestFullDatabaseIsReportedAsFull(t *testing.T) {
	c, _ := openTemp(t)
	require.NoError(t, c.Exec(`PRAGMA max_page_count = 8`))
	ins, err := c.Prepare(`INSERT INTO t (k, v) VALUES (?, ?)`)
	require.NoError(t, err)
	require.NoError(t, ins.BindInt64(1, 1))
	require.NoError(t, ins.BindText(2, strings.Repeat("x", 64<<10)))
	require.Equal(t, CodeFull, Primary(ins.Exec()))
}

func TestTransactionState(t *testing.T) {
	c, _ := openTemp(t)
	require.False(t, c.InTransaction())
	require.NoError(t, c.Exec(`BEGIN`))
	require.True(t, c.InTransaction())
	require.NoError(t, c.Exec(`ROLLBACK`))
	require.False(t, c.InTransaction())
}

// A gathered WAL file holds exactly what SQLite wrote: another connection sees every
// committed row, large writes and a checkpoint included, and the file passes SQLite's
// integrity check after reopening.
func TestGatheredWALWritesAreWhatSQLiteWrote(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.db")
	c, err := Open(path, false)
	require.NoError(t, err)
	require.False(t, c.GatherWALWrites(1<<20), "no WAL file is open yet")
	require.NoError(t, c.Exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=0;
		CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT`))
	require.True(t, c.GatherWALWrites(256<<10))
	require.True(t, c.GatherWALWrites(256<<10), "a second call changes nothing")
	ins, err := c.Prepare(`INSERT INTO t (k, v) VALUES (?, ?)`)
	require.NoError(t, err)
	value := func(k int) string { return strings.Repeat(string(rune('a'+k%26)), 1+(k*7919)%(300<<10)) }
	reader, err := Open(path, true)
	require.NoError(t, err)
	defer reader.Close()
	count, err := reader.Prepare(`SELECT count(*), coalesce(sum(length(v)), 0) FROM t`)
	require.NoError(t, err)
	want, bytes := 0, 0
	for commit := 0; commit < 30; commit++ {
		require.NoError(t, c.Exec(`BEGIN`))
		for i := 0; i < commit%7+1; i++ {
			require.NoError(t, ins.BindInt64(1, int64(want)))
			require.NoError(t, ins.BindText(2, value(want)))
			require.NoError(t, ins.Exec())
			bytes += len(value(want))
			want++
		}
		require.NoError(t, c.Exec(`COMMIT`))
		row, err := count.Step()
		require.NoError(t, err)
		require.True(t, row)
		require.Equal(t, int64(want), count.Int64(0), "commit %d is visible to another connection", commit)
		require.Equal(t, int64(bytes), count.Int64(1))
		count.Reset()
		if commit == 15 {
			require.NoError(t, c.Exec(`PRAGMA wal_checkpoint(PASSIVE)`))
		}
	}
	require.NoError(t, reader.Close())
	require.NoError(t, c.Close())

	c, err = Open(path, false)
	require.NoError(t, err)
	defer c.Close()
	check, err := c.Prepare(`PRAGMA integrity_check`)
	require.NoError(t, err)
	row, err := check.Step()
	require.NoError(t, err)
	require.True(t, row)
	require.Equal(t, "ok", check.Text(0))
	check.Reset()
	sel, err := c.Prepare(`SELECT k, v FROM t ORDER BY k`)
	require.NoError(t, err)
	for k := 0; ; k++ {
		row, err := sel.Step()
		require.NoError(t, err)
		if !row {
			require.Equal(t, want, k)
			break
		}
		require.Equal(t, value(k), sel.Text(1), "row %d", k)
	}
}
