package importer

import (
	"bytes"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// drawRow mixes valid and invalid values per field, so a file holds every blend of
// good and bad rows; local ids come from a small pool so repeats happen.
func drawRow(t *rapid.T, i int) map[string]string {
	pick := func(name string, vals ...string) string { return rapid.SampledFrom(vals).Draw(t, name) }
	return with(validRow(),
		"nhs_number", pick("nhs", "9434765919", "9990000018", "9990000026", "9434765918", ""),
		"local_pathway_id", pick("local", "A", "B", "C", "D", "E", "F", "G", "H"),
		"specialty_code", pick("spec", "110", "130", "502", "11"),
		"referral_received_on", pick("ref", "2025-01-06", "06/01/2025", "2025-02-30", "2025-07-01"),
		"clock_start_on", pick("clock", "", "2024-12-01", "2025-01-07"),
		"rtt_status", pick("status", "10", "20", "30", "15"),
		"list_type", pick("list", "inpatient", "", "theatre"),
		"tci_on", pick("tci", "2025-06-16", "2025-03-01", ""),
		"birth_date", pick("dob", "1950-05-01", "2025-02-01"),
	)
}

func TestParsePTLProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "rows")
		rows := make([]map[string]string, n)
		for i := range rows {
			rows[i] = drawRow(t, i)
		}
		res := parse(t, csvOf(t, rows...))
		if res.RowsRead != n || res.RowsValid+res.RowsRefused != n || len(res.Rows) != res.RowsValid {
			t.Fatalf("counts: read %d valid %d refused %d for %d rows", res.RowsRead, res.RowsValid, res.RowsRefused, n)
		}
		valid := map[int]bool{}
		for _, r := range res.Rows {
			valid[r.Line] = true
		}
		refused := map[int]bool{}
		for _, f := range res.Refusals {
			if valid[f.Line] {
				t.Fatalf("line %d is both kept and refused", f.Line)
			}
			refused[f.Line] = true
		}
		if len(refused) != res.RowsRefused {
			t.Fatalf("%d refused lines counted, %d distinct in refusals", res.RowsRefused, len(refused))
		}
		// Validation is row-local: a row first to use its local id gets the same
		// verdict and the same row when it is the only row of a file.
		seen := map[string]bool{}
		for i, row := range rows {
			id := row["local_pathway_id"]
			if seen[id] {
				continue
			}
			seen[id] = true
			alone := parse(t, csvOf(t, row))
			line := i + 2
			if valid[line] != alone.OK() {
				t.Fatalf("line %d: valid in the file %v, alone %v", line, valid[line], alone.OK())
			}
			if alone.OK() {
				for _, r := range res.Rows {
					if r.Line == line {
						r.Line = 2
						assert.Equal(t, alone.Rows[0], r)
					}
				}
			}
		}
		// Re-parsing gives the same rows, ids included.
		again := parse(t, csvOf(t, rows...))
		assert.Equal(t, res.Rows, again.Rows)
	})
}

func TestParsePTLReaderError(t *testing.T) {
	_, err := ParsePTL(iotest.ErrReader(iotest.ErrTimeout), testOptions())
	require.ErrorIs(t, err, iotest.ErrTimeout)
	var fe *FileError
	assert.NotErrorAs(t, err, &fe, "a failing disk is not a bad file")

	half := iotest.TimeoutReader(iotest.OneByteReader(bytes.NewReader(csvOf(t, validRow()))))
	_, err = ParsePTL(half, testOptions())
	require.ErrorIs(t, err, iotest.ErrTimeout)
}
