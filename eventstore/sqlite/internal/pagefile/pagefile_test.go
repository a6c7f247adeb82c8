package pagefile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// testdata/table512.db is written by eventstore/sqlite's TestPagefileSeedImage
// (PAGEFILE_SEED=…): a table of 80 rows (id INTEGER PRIMARY KEY, n INTEGER, absent
// TEXT NULL, text TEXT, tail INTEGER 7) on 512-byte pages, rooted at page 3, with an
// index and another table between its pages. Row i (from 1) holds n = (i-1) <<
// ((i-1) % 60) and text of ((i-1)*53) % 300 "é"s, the longest spilling to overflow
// pages.
const (
	seedImage = "testdata/table512.db"
	seedRoot  = 3
	seedRows  = 80
)

func seed(t testing.TB) []byte {
	img, err := os.ReadFile(seedImage)
	require.NoError(t, err)
	return img
}

// walk reads every row from rowid from on, checking each as the seed image holds it.
func walk(f *File, root uint32, from int64) (rows int, err error) {
	c := f.Cursor(root)
	if err := c.SeekRowid(from); err != nil {
		return 0, err
	}
	var cols [5]Value
	for {
		id, rec, ok, err := c.Next()
		if err != nil || !ok {
			return rows, err
		}
		if _, err := Columns(rec, cols[:]); err != nil {
			return rows, err
		}
		i := id - 1
		n, _ := cols[1].Int()
		if !cols[0].Null() || n != i<<(i%60) || !cols[2].Null() || !cols[3].Text() ||
			string(cols[3].Bytes) != strings.Repeat("é", int(i*53)%300) {
			return rows, os.ErrInvalid
		}
		rows++
	}
}

func TestSeedImageReadsWhole(t *testing.T) {
	f, err := New(seed(t))
	require.NoError(t, err)
	n, err := walk(f, seedRoot, 0)
	require.NoError(t, err)
	require.Equal(t, seedRows, n)
	n, err = walk(f, seedRoot, 61)
	require.NoError(t, err)
	require.Equal(t, seedRows-60, n, "from row 61 on")
}

func TestOpenRefusesWhatIsNotADatabase(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string][]byte{
		"empty":    {},
		"text":     []byte(strings.Repeat("not a database\n", 100)),
		"pageSize": append([]byte(headerMagic+"\x03\x00"), make([]byte, 200)...),
		"utf16": func() []byte {
			b := append([]byte(nil), seed(t)...)
			b[59] = 2
			return b
		}(),
	} {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, content, 0o600))
		_, err := Open(path)
		require.ErrorIs(t, err, ErrCorrupt, name)
	}
}

func TestDamagedPagesAreErrorsNotPanics(t *testing.T) {
	img := seed(t)
	const size = 512
	at := (seedRoot - 1) * size
	for name, damage := range map[string]func(b []byte){
		"root is an index page":    func(b []byte) { b[at] = 0x0a },
		"cell count past the page": func(b []byte) { b[at+3], b[at+4] = 0xff, 0xff },
		"cell outside the page":    func(b []byte) { b[at+12], b[at+13] = 0xff, 0xff },
		"child outside the file": func(b []byte) {
			for i := 8; i < 12; i++ { // the root's right-most pointer
				b[at+i] = 0xff
			}
		},
		"child is its own parent": func(b []byte) {
			b[at+8], b[at+9], b[at+10], b[at+11] = 0, 0, 0, seedRoot
		},
		"the file ends early": func(b []byte) {
			b[28], b[29], b[30], b[31] = 0xff, 0, 0, 0 // the header counts more pages than there are
		},
	} {
		b := append([]byte(nil), img...)
		damage(b)
		f, err := New(b)
		if err == nil {
			_, err = walk(f, seedRoot, 0)
		}
		require.ErrorIs(t, err, ErrCorrupt, name)
	}
}

func TestVarint(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want uint64
		n    int
	}{
		{[]byte{0x00}, 0, 1},
		{[]byte{0x7f}, 127, 1},
		{[]byte{0x81, 0x00}, 128, 2},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 1<<64 - 1, 9},
		{[]byte{0x81}, 0, 0},
		{nil, 0, 0},
	} {
		v, n := varint(c.in)
		require.Equal(t, c.want, v, "%x", c.in)
		require.Equal(t, c.n, n, "%x", c.in)
	}
}
