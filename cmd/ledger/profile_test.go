package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLedgerCPUProfileWritesAProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.prof")
	t.Setenv("LEDGER_CPUPROFILE", path)
	var errOut bytes.Buffer
	stop := startProfile(&errOut)
	stop()
	require.Empty(t, errOut.String())
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Positive(t, info.Size(), "a pprof file, even for a short run")
}

func TestLedgerCPUProfileReportsAnUnwritableFile(t *testing.T) {
	t.Setenv("LEDGER_CPUPROFILE", filepath.Join(t.TempDir(), "missing", "cpu.prof"))
	var errOut bytes.Buffer
	startProfile(&errOut)()
	require.Contains(t, errOut.String(), "LEDGER_CPUPROFILE")
}

func TestLedgerMemProfileWritesAnAllocationProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mem.prof")
	t.Setenv("LEDGER_MEMPROFILE", path)
	var errOut bytes.Buffer
	stop := startProfile(&errOut)
	sink = make([]byte, 1<<20) // something to sample
	stop()
	require.Empty(t, errOut.String())
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Positive(t, info.Size())
}

var sink []byte

func TestLedgerMemProfileReportsAnUnwritableFile(t *testing.T) {
	t.Setenv("LEDGER_MEMPROFILE", filepath.Join(t.TempDir(), "missing", "mem.prof"))
	var errOut bytes.Buffer
	startProfile(&errOut)()
	require.Contains(t, errOut.String(), "LEDGER_MEMPROFILE")
}

func TestLedgerTraceWritesAnExecutionTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trace.out")
	t.Setenv("LEDGER_TRACE", path)
	var errOut bytes.Buffer
	startProfile(&errOut)()
	require.Empty(t, errOut.String())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(b, []byte("go 1.")), "a Go execution trace starts with its version header")
}

func TestLedgerTraceReportsAnUnwritableFile(t *testing.T) {
	t.Setenv("LEDGER_TRACE", filepath.Join(t.TempDir(), "missing", "trace.out"))
	var errOut bytes.Buffer
	startProfile(&errOut)()
	require.Contains(t, errOut.String(), "LEDGER_TRACE")
}
