package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLedgerProfilesWriteTheirFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"LEDGER_CPUPROFILE": "cpu.prof", "LEDGER_MEMPROFILE": "mem.prof", "LEDGER_TRACE": "trace.out"}
	for env, name := range files {
		t.Setenv(env, filepath.Join(dir, name))
	}
	var errOut bytes.Buffer
	stop := startProfile(&errOut)
	sink = make([]byte, 1<<20) // something for the allocation profile to sample
	stop()
	require.Empty(t, errOut.String())
	for env, name := range files {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err, env)
		require.NotEmpty(t, b, "%s: a file even for a short run", env)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "trace.out"))
	require.True(t, bytes.HasPrefix(b, []byte("go 1.")), "a Go execution trace starts with its version header")
}

var sink []byte

func TestLedgerProfilesReportAnUnwritableFile(t *testing.T) {
	for _, env := range []string{"LEDGER_CPUPROFILE", "LEDGER_MEMPROFILE", "LEDGER_TRACE"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, filepath.Join(t.TempDir(), "missing", "out"))
			var errOut bytes.Buffer
			startProfile(&errOut)()
			require.Contains(t, errOut.String(), env)
		})
	}
}
