package importer

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/generator"
	"github.com/pathway-ledger/ledger/rtt"
)

type lineRec struct {
	line int
	rec  Record
}

func collectAll(into *[]lineRec) func(int, Record) error {
	return func(line int, rec Record) error {
		*into = append(*into, lineRec{line, rec})
		return nil
	}
}

func generatedFile(t *testing.T) []byte {
	var buf bytes.Buffer
	_, err := generator.ToNDJSON(generator.Config{Pathways: 150, Seed: 3, Today: rtt.MustParseDate("2025-06-01"), HistoryDays: 400, SessionWeeks: 1}, &buf)
	require.NoError(t, err)
	// A command line, a blank line and a body with spaces too.
	buf.WriteString("\n" + `{"kind":"command","route":"/v1/pathways","body": {"a": 1} }` + "\n")
	return buf.Bytes()
}

// The second read gives fn exactly the records the check gave it.
func TestCheckedReadGivesTheRecordsTheCheckGave(t *testing.T) {
	file := generatedFile(t)
	var first, second []lineRec
	c, err := CheckNDJSON(bytes.NewReader(file), collectAll(&first))
	require.NoError(t, err)
	require.Greater(t, len(first), 2*batchLines, "several batches")
	require.NoError(t, c.Read(bytes.NewReader(file), collectAll(&second)))
	require.Equal(t, first, second)
	require.Equal(t, `{"a": 1}`, string(second[len(second)-1].rec.Body))
}

// A file changed between the reads stops the second at the first batch that
// differs, after passing on the batches before it; one cut short or grown is
// changed too.
func TestCheckedReadStopsWhereTheFileChanged(t *testing.T) {
	file := generatedFile(t)
	c, err := CheckNDJSON(bytes.NewReader(file), func(int, Record) error { return nil })
	require.NoError(t, err)
	lines := bytes.SplitAfter(file, []byte("\n"))
	edited := bytes.Join(lines[:batchLines+10], nil)
	edited = append(edited, bytes.Replace(lines[batchLines+10], []byte(`"schema_version":1`), []byte(`"schema_version":1 `), 1)...)
	edited = append(edited, bytes.Join(lines[batchLines+11:], nil)...)
	require.NotEqual(t, file, edited)

	var got []lineRec
	err = c.Read(bytes.NewReader(edited), collectAll(&got))
	require.ErrorIs(t, err, ErrChanged)
	require.ErrorContains(t, err, "at line 257")
	require.Len(t, got, batchLines, "the first batch, unchanged, was passed on")

	for name, f := range map[string][]byte{"cut short": bytes.Join(lines[:len(lines)/2], nil), "grown": append(bytes.Clone(file), file...)} {
		err := c.Read(bytes.NewReader(f), func(int, Record) error { return nil })
		require.True(t, errors.Is(err, ErrChanged), "%s: %v", name, err)
	}
}
