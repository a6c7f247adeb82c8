package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore/sqlite"
)

// An NDJSON file overwritten between the check and the writes (its second read
// differs from line 600 on): the import stops with exit 1 and says so, writes
// nothing of the changed batch of lines (256 from line 513), and leaves a log whose
// chain verifies; importing the file as it was then completes it, with nothing
// twice.
func TestImportNDJSONStopsAtTheBatchThatChanged(t *testing.T) {
	_, raw := generatedNDJSON(t, 100)
	lines := bytes.SplitAfter(bytes.TrimRight(raw, "\n"), []byte("\n"))
	require.Greater(t, len(lines), 700, "three batches of lines at least")
	changedAt := 600 // 1-based line number
	var line struct {
		Event struct {
			EventID string `json:"event_id"`
		} `json:"event"`
	}
	require.NoError(t, json.Unmarshal(lines[changedAt-1], &line))
	require.NotEmpty(t, line.Event.EventID)
	changed := bytes.Replace(raw, lines[changedAt-1], bytes.Replace(lines[changedAt-1], []byte(`"generator"`), []byte(`"someone-else"`), 1), 1)
	require.NotEqual(t, raw, changed, "line %d names its actor", changedAt)

	dir := t.TempDir()
	store, err := sqlite.Open(dir)
	require.NoError(t, err)
	reads := 0
	open := func() (io.ReadCloser, error) {
		if reads++; reads == 1 {
			return io.NopCloser(bytes.NewReader(raw)), nil
		}
		return io.NopCloser(bytes.NewReader(changed)), nil
	}
	var out, errOut bytes.Buffer
	code := importNDJSONFrom(context.Background(), store, open, "trust.ndjson", &out, &errOut)
	require.Equal(t, 1, code)
	require.Contains(t, errOut.String(), "the file changed since it was checked: at line 513 or after")
	all, err := store.ReadAll(context.Background(), 0, len(lines))
	require.NoError(t, err)
	for _, ev := range all {
		require.NotEqual(t, line.Event.EventID, ev.EventID, "the changed line's event is not in the log")
	}
	require.NoError(t, store.Close())
	written := eventCount(t, dir)
	require.Positive(t, written, "the batches before the change were written")
	require.Less(t, written, uint64(513), "nothing from the changed batch on")

	file := filepath.Join(t.TempDir(), "trust.ndjson")
	require.NoError(t, writeFile(file, raw))
	out.Reset()
	errOut.Reset()
	require.Equal(t, 0, run([]string{"import", "--data", dir, file}, &out, &errOut), errOut.String())
	require.Equal(t, uint64(len(lines)), eventCount(t, dir), "the re-run completes the import, nothing twice")
}
