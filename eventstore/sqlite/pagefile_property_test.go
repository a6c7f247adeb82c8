package sqlite

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/pathway-ledger/ledger/eventstore/sqlite/internal/lite"
	"github.com/pathway-ledger/ledger/eventstore/sqlite/internal/pagefile"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// The page reader is tested here, beside SQLite, rather than in its own package: a
// fuzzing build instruments every package it links, and with SQLite linked the
// pagefile fuzz target managed no executions a second.

// pfRow is one row of the test table: every kind of column the ledger's table holds
// (an INTEGER PRIMARY KEY, integers of every width, text up to several pages long).
type pfRow struct {
	id   int64
	n    int64
	text string
}

// buildTable writes rows into a new database with the given page size and returns its
// path and the table's root page. Another table and an index interleave their pages
// with the table's, as the ledger's event_id index does.
func buildTable(t require.TestingT, dir string, pageSize int, wal bool, rows []pfRow) (string, uint32) {
	f, err := os.CreateTemp(dir, "*.db")
	require.NoError(t, err)
	path := f.Name()
	require.NoError(t, f.Close())
	c, err := lite.Open(path, false)
	require.NoError(t, err)
	defer func() { require.NoError(t, c.Close()) }()
	mode := "DELETE"
	if wal {
		mode = "WAL"
	}
	require.NoError(t, c.Exec(fmt.Sprintf(`PRAGMA page_size=%d; PRAGMA journal_mode=%s;
		CREATE TABLE other (x TEXT) STRICT;
		CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, absent TEXT, text TEXT NOT NULL, tail INTEGER NOT NULL) STRICT;
		CREATE INDEX t_text ON t (text);`, pageSize, mode)))
	ins, err := c.Prepare(`INSERT INTO t (id, n, absent, text, tail) VALUES (?, ?, NULL, ?, 7)`)
	require.NoError(t, err)
	other, err := c.Prepare(`INSERT INTO other (x) VALUES (?)`)
	require.NoError(t, err)
	require.NoError(t, c.Exec(`BEGIN`))
	for i, r := range rows {
		require.NoError(t, ins.BindInt64(1, r.id))
		require.NoError(t, ins.BindInt64(2, r.n))
		require.NoError(t, ins.BindText(3, r.text))
		require.NoError(t, ins.Exec())
		if i%7 == 0 {
			require.NoError(t, other.BindText(1, strings.Repeat("o", i%300)))
			require.NoError(t, other.Exec())
		}
	}
	require.NoError(t, c.Exec(`COMMIT`))
	if wal {
		require.NoError(t, c.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`))
	}
	q, err := c.Prepare(`SELECT rootpage FROM sqlite_schema WHERE name = 't'`)
	require.NoError(t, err)
	ok, err := q.Step()
	require.NoError(t, err)
	require.True(t, ok)
	root := uint32(q.Int64(0))
	q.Reset()
	return path, root
}

// scanTable reads every row from rowid from on, as the ledger's reader decodes them.
func scanTable(t require.TestingT, c *pagefile.Cursor, from int64) []pfRow {
	require.NoError(t, c.SeekRowid(from))
	var got []pfRow
	var cols [5]pagefile.Value
	for {
		id, rec, ok, err := c.Next()
		require.NoError(t, err)
		if !ok {
			return got
		}
		n, err := pagefile.Columns(rec, cols[:])
		require.NoError(t, err)
		require.Equal(t, 5, n)
		require.True(t, cols[0].Null(), "an INTEGER PRIMARY KEY is stored as NULL, its value is the rowid")
		require.True(t, cols[2].Null())
		num, ok := cols[1].Int()
		require.True(t, ok)
		require.True(t, cols[3].Text())
		tail, ok := cols[4].Int()
		require.True(t, ok)
		require.Equal(t, int64(7), tail)
		got = append(got, pfRow{id: id, n: num, text: string(cols[3].Bytes)})
	}
}

func TestPagefileReadsWhatSQLiteWrote(t *testing.T) {
	dir := t.TempDir()
	rapid.Check(t, func(rt *rapid.T) {
		pageSize := rapid.SampledFrom([]int{512, 1024, 4096, 65536}).Draw(rt, "pageSize")
		count := rapid.IntRange(0, 1500).Draw(rt, "rows")
		rows := make([]pfRow, count)
		id := rapid.Int64Range(-5, 5).Draw(rt, "first id")
		for i := range rows {
			id += rapid.Int64Range(1, 3).Draw(rt, "gap")
			text := ""
			switch rapid.IntRange(0, 9).Draw(rt, "size") {
			case 0:
			case 1: // past a leaf's share: spills to overflow pages
				text = strings.Repeat(string(rune('a'+i%26)), rapid.IntRange(pageSize/2, 3*pageSize).Draw(rt, "big"))
			default:
				text = fmt.Sprintf("%d:%s", i, strings.Repeat("é", rapid.IntRange(0, 200).Draw(rt, "small")))
			}
			n := rapid.SampledFrom([]int64{0, 1, -1, 127, -128, 32767, 1 << 20, -(1 << 23), 1 << 31, 1 << 40, -(1 << 47), 1<<63 - 1, -1 << 63}).Draw(rt, "n")
			rows[i] = pfRow{id: id, n: n, text: text}
		}
		path, root := buildTable(rt, dir, pageSize, rapid.Bool().Draw(rt, "wal"), rows)
		defer os.Remove(path)
		f, err := pagefile.Open(path)
		require.NoError(rt, err)
		defer f.Close()
		c := f.Cursor(root)
		require.Equal(rt, nilIfEmpty(rows), nilIfEmpty(scanTable(rt, c, -1<<63)))
		if count > 0 {
			at := rapid.IntRange(0, count-1).Draw(rt, "seek")
			// Seeking to a rowid, or to a gap just before it, starts at that row.
			require.Equal(rt, rows[at:], scanTable(rt, c, rows[at].id))
			require.Equal(rt, rows[at:], scanTable(rt, c, rows[at].id-1+boolInt(at == 0 || rows[at-1].id < rows[at].id-1)))
			require.Empty(rt, scanTable(rt, c, rows[count-1].id+1))
		}
	})
}

func nilIfEmpty(r []pfRow) []pfRow {
	if len(r) == 0 {
		return nil
	}
	return r
}

func boolInt(b bool) int64 {
	if b {
		return 0
	}
	return 1
}

// TestPagefileSeedImage writes the image the pagefile package's own tests and fuzz
// target start from, when PAGEFILE_SEED names where: 80 rows on 512-byte pages, some
// spilling to overflow pages, the table's root an interior page.
func TestPagefileSeedImage(t *testing.T) {
	out := os.Getenv("PAGEFILE_SEED")
	if out == "" {
		t.Skip("PAGEFILE_SEED not set: the committed image is used")
	}
	rows := make([]pfRow, 80)
	for i := range rows {
		rows[i] = pfRow{id: int64(i + 1), n: int64(i) << (i % 60), text: strings.Repeat("é", (i*53)%300)}
	}
	path, root := buildTable(t, t.TempDir(), 512, false, rows)
	img, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(out, img, 0o644))
	t.Logf("root page %d, %d bytes", root, len(img))
}
