package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
)

func eventCount(t *testing.T, dir string) uint64 {
	s, err := sqlite.Open(dir)
	require.NoError(t, err)
	defer s.Close()
	rep, err := eventstore.Verify(context.Background(), s, nil)
	require.NoError(t, err)
	require.True(t, rep.OK)
	return rep.Events
}

func TestImportPTLIsValidatedAndIdempotent(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	args := []string{"import", "--data", dir, "--as-of", "2026-11-24", "../../importer/testdata/ptl_sample.csv"}
	require.Equal(t, 0, run(args, &out, &errOut), errOut.String())
	require.Contains(t, out.String(), "imported 20 pathways (20 written, 0 already in the log)")
	first := eventCount(t, dir)
	require.Greater(t, first, uint64(40))
	out.Reset()
	require.Equal(t, 0, run(args, &out, &errOut), errOut.String())
	require.Equal(t, first, eventCount(t, dir), "a re-run writes nothing twice")
	require.Contains(t, out.String(), "imported 20 pathways (0 written, 20 already in the log)", "and says so")

	// Refused rows are reported with line, field and rule; nothing from them is written.
	bad := t.TempDir()
	errOut.Reset()
	out.Reset()
	code := run([]string{"import", "--data", bad, "--as-of", "2026-11-24", "../../importer/testdata/ptl_bad.csv"}, &out, &errOut)
	require.Equal(t, 1, code)
	require.Contains(t, errOut.String(), "line 4: nhs_number: must be 10 digits")
	require.NotContains(t, errOut.String(), "999", "no NHS numbers in the report")
	require.Contains(t, out.String(), "imported 1 pathways")
	require.Equal(t, uint64(4), eventCount(t, bad), "only the good row: referral, activity, listing, booking")
}

func TestImportRefusesAFileInTheWrongEncoding(t *testing.T) {
	file := filepath.Join(t.TempDir(), "utf16.csv")
	require.NoError(t, writeFile(file, []byte{0xff, 0xfe, 'n', 0, 'h', 0, 's', 0}))
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	require.Equal(t, 1, run([]string{"import", "--data", dir, file}, &out, &errOut))
	require.Contains(t, errOut.String(), "nothing imported")
	require.Contains(t, errOut.String(), "UTF-16")
}

func TestImportNDJSONFromGenerate(t *testing.T) {
	file := filepath.Join(t.TempDir(), "trust.ndjson")
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"generate", "--ndjson", file, "--pathways", "60", "--today", "2026-11-24"}, &out, &errOut), errOut.String())
	dir := t.TempDir()
	out.Reset()
	require.Equal(t, 0, run([]string{"import", "--data", dir, file}, &out, &errOut), errOut.String())
	n := eventCount(t, dir)
	require.Positive(t, n)
	require.Contains(t, out.String(), fmt.Sprintf("imported %d events (%d written, 0 already in the log)", n, n))
	out.Reset()
	require.Equal(t, 0, run([]string{"import", "--data", dir, file}, &out, &errOut), errOut.String())
	require.Equal(t, n, eventCount(t, dir), "re-importing the same events writes nothing")
	require.Contains(t, out.String(), fmt.Sprintf("imported %d events (0 written, %d already in the log)", n, n),
		"the summary says the re-run wrote nothing")
}

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o600) }

// generatedNDJSON is `ledger generate --ndjson` of n pathways: the file and its bytes.
func generatedNDJSON(t *testing.T, n int) (string, []byte) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "trust.ndjson")
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"generate", "--ndjson", file, "--pathways", fmt.Sprint(n), "--today", "2026-11-24"}, &out, &errOut), errOut.String())
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	return file, raw
}

// A stream must open as its aggregate opens it: a file that drops a pathway's
// referral imports nothing; a file that continues streams the log already holds
// (the second half of a migration) imports.
func TestImportNDJSONStreamsMustOpen(t *testing.T) {
	_, raw := generatedNDJSON(t, 20)
	lines := bytes.SplitAfter(bytes.TrimRight(raw, "\n"), []byte("\n"))
	var orphan []byte
	dropped := false
	for _, l := range lines {
		if !dropped && bytes.Contains(l, []byte(`"type":"ReferralReceived"`)) {
			dropped = true
			continue
		}
		orphan = append(orphan, bytes.TrimRight(l, "\n")...)
		orphan = append(orphan, '\n')
	}
	file := filepath.Join(t.TempDir(), "orphan.ndjson")
	require.NoError(t, writeFile(file, orphan))
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	require.Equal(t, 1, run([]string{"import", "--data", dir, file}, &out, &errOut))
	require.Contains(t, errOut.String(), "is not its ReferralReceived, and the log does not hold the stream [stream_not_opened]")
	require.Contains(t, errOut.String(), "nothing imported")
	require.Zero(t, eventCount(t, dir))

	half := len(lines) / 2
	for bytes.Contains(lines[half], []byte(`"type":"ReferralReceived"`)) || bytes.Contains(lines[half], []byte(`"type":"SessionPlanned"`)) {
		half++ // the second file begins in the middle of a stream
	}
	first, second := filepath.Join(t.TempDir(), "a.ndjson"), filepath.Join(t.TempDir(), "b.ndjson")
	require.NoError(t, writeFile(first, bytes.Join(lines[:half], nil)))
	require.NoError(t, writeFile(second, bytes.Join(lines[half:], nil)))
	for i, f := range []string{first, second} {
		errOut.Reset()
		require.Equal(t, 0, run([]string{"import", "--data", dir, f}, &out, &errOut), errOut.String())
		if i == 1 {
			require.Regexp(t, `import: how \d+ streams open checked against the log in `, errOut.String(),
				"a log that holds events is asked, and the import says what that cost")
		} else {
			require.NotContains(t, errOut.String(), "checked against the log", "an empty log is not asked")
		}
	}
	require.Equal(t, uint64(len(lines)), eventCount(t, dir))
}
