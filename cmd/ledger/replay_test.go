package main

import (
	"bytes"
	"os"
	"path/filepath"
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
	require.Contains(t, out.String(), "replayed ")
	require.Contains(t, out.String(), "open pathways")
	require.Regexp(t, `read models: \d+ MB live heap \(\d+ B per open pathway\)`, out.String(),
		"replay says what the read models hold")
	_, err := os.Stat(filepath.Join(dir, projections.SnapshotFolder, "pathways.snap"))
	require.NoError(t, err, "a fresh snapshot for the next start")
}
