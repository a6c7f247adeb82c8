package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestExportRTTReturnAndPTL(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"generate", "--data", dir, "--pathways", "400", "--seed", "3", "--today", "2026-11-24", "--session-weeks", "0"}, &out, &errOut), errOut.String())

	file := filepath.Join(t.TempDir(), "rtt.csv")
	errOut.Reset()
	require.Equal(t, 0, run([]string{"export", "rtt", "--data", dir, "--census", "2026-10-31", "--provider-code", "RXX", "--out", file}, &out, &errOut), errOut.String())
	require.Contains(t, errOut.String(), "RTT return for 2026-10-31")
	f, err := os.Open(file)
	require.NoError(t, err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	require.Len(t, rows[0], 121)
	var part2, part2A int
	for _, r := range rows[1:] {
		require.Equal(t, "RXX", r[3])
		if r[11] == "C_999" && r[9] == "Part_2" {
			part2 = atoi(t, r[118])
		}
		if r[11] == "C_999" && r[9] == "Part_2A" {
			part2A = atoi(t, r[118])
		}
	}
	require.Positive(t, part2)
	require.LessOrEqual(t, part2A, part2)

	out.Reset()
	require.Equal(t, 0, run([]string{"export", "ptl", "--data", dir, "--on", "2026-11-24", "--bom"}, &out, &errOut), errOut.String())
	require.True(t, strings.HasPrefix(out.String(), "\ufeffpathway_id,nhs_number"))
	ptl, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out.String(), "\ufeff"))).ReadAll()
	require.NoError(t, err)
	require.Greater(t, len(ptl), 10)
	for i := 2; i < len(ptl); i++ {
		require.LessOrEqual(t, ptl[i-1][5], ptl[i][5], "longest wait first")
	}

	// The booking office's list and the return agree on who is waiting today.
	errOut.Reset()
	today := filepath.Join(t.TempDir(), "today.csv")
	require.Equal(t, 0, run([]string{"export", "rtt", "--data", dir, "--census", "2026-11-24", "--out", today}, &out, &errOut), errOut.String())
	require.Contains(t, errOut.String(), fmt.Sprintf("Part 2 %d,", len(ptl)-1))
}

// An auditor reproduces a return as the ledger knew it: before anything was
// recorded, the return is empty.
func TestExportAsOfBeforeAnythingWasRecorded(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"generate", "--data", dir, "--pathways", "50", "--today", "2026-11-24", "--session-weeks", "0"}, &out, &errOut))
	errOut.Reset()
	require.Equal(t, 0, run([]string{"export", "rtt", "--data", dir, "--census", "2026-10-31", "--as-of", "2000-01-01T00:00:00Z"}, &out, &errOut), errOut.String())
	require.Contains(t, errOut.String(), "Part 2 0,")
}

func TestExportRefusesBadFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 2, run([]string{"export"}, &out, &errOut))
	require.Equal(t, 2, run([]string{"export", "rtt"}, &out, &errOut))
	require.Contains(t, errOut.String(), "--census is required")
	require.Equal(t, 2, run([]string{"export", "rtt", "--census", "2026-02-30"}, &out, &errOut))
	require.Equal(t, 2, run([]string{"export", "ptl", "--as-of", "yesterday"}, &out, &errOut))
}

func atoi(t *testing.T, s string) int {
	var n int
	for _, c := range s {
		require.True(t, c >= '0' && c <= '9', s)
		n = n*10 + int(c-'0')
	}
	return n
}
