package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore/sqlite"
	"github.com/pathway-ledger/ledger/rtt"
)

// importTwice runs a PTL import whose first read of the file gives first and whose
// second gives second, as when a file is overwritten between the check and the
// writes; it returns the exit code, stderr and the events written.
func importTwice(t *testing.T, first, second string) (int, string, uint64) {
	t.Helper()
	dir := t.TempDir()
	store, err := sqlite.Open(dir)
	require.NoError(t, err)
	reads := 0
	open := func() (io.ReadCloser, error) {
		reads++
		if reads == 1 {
			return io.NopCloser(strings.NewReader(first)), nil
		}
		return io.NopCloser(strings.NewReader(second)), nil
	}
	var out, errOut bytes.Buffer
	code := importPTLFrom(context.Background(), store, open, "extract.csv", "RXX", rtt.MustParseDate("2026-11-24"), &out, &errOut)
	require.NoError(t, store.Close())
	require.Equal(t, 2, reads, "checked in one read, written in a second")
	return code, errOut.String(), eventCount(t, dir)
}

func TestImportPTLWritesOnlyTheRowsItChecked(t *testing.T) {
	raw, err := os.ReadFile("../../importer/testdata/ptl_sample.csv")
	require.NoError(t, err)
	sample := string(raw)
	lines := strings.SplitAfter(sample, "\n")
	require.Len(t, lines, 22, "header, 20 rows and the empty string after the last line end")

	code, _, whole := importTwice(t, sample, sample)
	require.Equal(t, 0, code)

	// Line 4's specialty changes between the passes: lines 2 and 3 are written
	// (each valid and whole); nothing from line 4 on.
	changed := append([]string{}, lines...)
	changed[3] = strings.Replace(changed[3], ",101,", ",100,", 1)
	require.NotEqual(t, lines[3], changed[3])
	code, stderr, n := importTwice(t, sample, strings.Join(changed, ""))
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "the file changed while it was imported")
	require.Contains(t, stderr, "line 4 is not the row checked")
	require.Contains(t, stderr, "2 of 20 valid rows imported")
	require.Equal(t, firstRowsEvents(t, lines[:3]), n, "the rows before the change, nothing else")

	// A row refused by the check that is valid by the time of the writes is never
	// written: the import stops there.
	refusedFirst := append([]string{}, lines...)
	refusedFirst[4] = strings.Replace(refusedFirst[4], "2024-08-19", "2024-02-30", 1)
	require.NotEqual(t, lines[4], refusedFirst[4])
	code, stderr, n = importTwice(t, strings.Join(refusedFirst, ""), sample)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "line 5: referral_received_on")
	require.Contains(t, stderr, "the file changed while it was imported: line 5 is not the row checked")
	require.Equal(t, firstRowsEvents(t, lines[:4]), n)

	// Cut short between the passes: the rows read are written, and the import fails.
	code, stderr, n = importTwice(t, sample, strings.Join(lines[:11], ""))
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "the file changed while it was imported")
	require.Contains(t, stderr, "it no longer has the rows checked")
	require.Contains(t, stderr, "10 of 20 valid rows imported")
	require.Less(t, n, whole)
}

// firstRowsEvents is how many events an import of just these lines (header first)
// writes.
func firstRowsEvents(t *testing.T, lines []string) uint64 {
	t.Helper()
	text := strings.Join(lines, "")
	code, _, n := importTwice(t, text, text)
	require.Equal(t, 0, code)
	return n
}

// An extract piped in (zcat extract.csv.gz | ledger import /dev/stdin) cannot be
// read twice: it is copied aside first, then checked and written as a file is.
func TestImportPTLFromAPipe(t *testing.T) {
	raw, err := os.ReadFile("../../importer/testdata/ptl_sample.csv")
	require.NoError(t, err)
	pipe := pipeOf(t, raw)
	t.Setenv("TMPDIR", t.TempDir()) // where the copy goes, to see it removed
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"import", "--data", dir, "--as-of", "2026-11-24", "--format", "ptl", pipe}, &out, &errOut), errOut.String())
	require.Contains(t, out.String(), "imported 20 pathways (20 written, 0 already in the log)")
	matches, err := filepath.Glob(filepath.Join(os.TempDir(), "ledger-import-*"))
	require.NoError(t, err)
	require.Empty(t, matches, "the copy is removed")
}

// The same for an NDJSON file, which the import also reads twice (check, apply).
func TestImportNDJSONFromAPipe(t *testing.T) {
	_, raw := generatedNDJSON(t, 20)
	pipe := pipeOf(t, raw)
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"import", "--data", dir, "--format", "ndjson", pipe}, &out, &errOut), errOut.String())
	n := eventCount(t, dir)
	require.Positive(t, n)
	require.Contains(t, out.String(), fmt.Sprintf("imported %d events (%d written, 0 already in the log)", n, n))
}

// pipeOf is a path that reads raw once, as a pipe does (/dev/fd/N of a pipe's
// reading end, Linux only).
func pipeOf(t *testing.T, raw []byte) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("/dev/fd as Linux has it")
	}
	r, w, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { _ = r.Close() })
	go func() {
		_, _ = w.Write(raw)
		_ = w.Close()
	}()
	return fmt.Sprintf("/dev/fd/%d", r.Fd())
}
