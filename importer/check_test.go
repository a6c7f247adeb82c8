package importer

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckPTLHandsOnTheRowsParsePTLHolds(t *testing.T) {
	data, err := os.ReadFile("testdata/ptl_bad.csv")
	require.NoError(t, err)
	parsed := parse(t, data)
	require.NotEmpty(t, parsed.Rows)
	require.Positive(t, parsed.RowsRefused)

	var got []Row
	res, err := CheckPTL(bytes.NewReader(data), testOptions(), func(r Row) error {
		got = append(got, r)
		return nil
	})
	require.NoError(t, err)
	assert.Empty(t, res.Rows, "the rows are handed on, not held")
	assert.Equal(t, parsed.Rows, got)
	res.Rows = parsed.Rows
	assert.Equal(t, parsed, res, "the same counts, refusals and warnings")
	for _, r := range got {
		assert.NotZero(t, r.Sum, "line %d", r.Line)
	}
}

func TestCheckPTLStopsOnTheReceiversError(t *testing.T) {
	data, err := os.ReadFile("testdata/ptl_sample.csv")
	require.NoError(t, err)
	stop := errors.New("store full")
	seen := 0
	res, err := CheckPTL(bytes.NewReader(data), testOptions(), func(Row) error {
		seen++
		if seen == 3 {
			return stop
		}
		return nil
	})
	require.ErrorIs(t, err, stop)
	assert.Nil(t, res)
	assert.Equal(t, 3, seen, "no row after the error")
}

func TestRowSumTellsAChangedRow(t *testing.T) {
	data, err := os.ReadFile("testdata/ptl_sample.csv")
	require.NoError(t, err)
	first := parse(t, data).Rows
	again := parse(t, data).Rows
	require.Equal(t, first, again, "the same file gives the same rows and sums")
	changed := parse(t, bytes.Replace(data, []byte("Ashworth"), []byte("Ashwort"), 1)).Rows
	require.Len(t, changed, len(first))
	assert.NotEqual(t, first[0].Sum, changed[0].Sum, "the sum covers every cell, names included")
	assert.Equal(t, first[1:], changed[1:])
}
