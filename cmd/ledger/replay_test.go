package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/projections"
)

func TestReplayRebuildsAndSnapshots(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"generate", "--data", dir, "--pathways", "200", "--today", "2026-11-24", "--session-weeks", "1"}, &out, &errOut), errOut.String())
	out.Reset()
	require.Equal(t, 0, run([]string{"replay", "--data", dir}, &out, &errOut), errOut.String())
	m := regexp.MustCompile(`replayed \d+ events of (\d+) streams to position \d+`).FindStringSubmatch(out.String())
	require.NotNil(t, m, out.String())
	streams, _ := strconv.Atoi(m[1])
	require.Greater(t, streams, 200, "the closing summary counts the streams: 200 pathways and the week's sessions")
	var vout bytes.Buffer
	require.Equal(t, 0, run([]string{"verify", "--data", dir}, &vout, &errOut), errOut.String())
	require.Contains(t, vout.String(), fmt.Sprintf(" events in %d streams checked", streams), "verify counts the same streams")
	require.Regexp(t, `replay: done, \d+ events in `, errOut.String(), "progress closes with the total and the rate")
	require.Contains(t, out.String(), "open pathways")
	require.Regexp(t, `read models: \d+ MB live heap \(\d+ B per open pathway\)`, out.String(),
		"replay says what the read models hold")
	_, err := os.Stat(filepath.Join(dir, projections.SnapshotFolder, "pathways.snap"))
	require.NoError(t, err, "a fresh snapshot for the next start")
}

// A log the pathway model cannot fold (an unknown event type on a pathway stream)
// stops the replay: exit 1, the refused event named, no snapshot, and no "done"
// summary that would read as success.
func TestReplayStopsAtAPoisonEventWithoutADoneLine(t *testing.T) {
	dir := t.TempDir()
	seed(t, dir)
	var out, errOut bytes.Buffer
	require.Equal(t, 1, run([]string{"replay", "--data", dir}, &out, &errOut))
	require.Contains(t, errOut.String(), "ledger replay: ")
	require.Contains(t, errOut.String(), "position 1")
	require.NotContains(t, errOut.String(), "replay: done")
	require.Empty(t, out.String())
	_, err := os.Stat(filepath.Join(dir, projections.SnapshotFolder, "pathways.snap"))
	require.ErrorIs(t, err, os.ErrNotExist)
}
