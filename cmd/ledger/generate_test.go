package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGenerateThenVerify(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	code := run([]string{"generate", "--data", dir, "--pathways", "300", "--seed", "7", "--today", "2026-11-24"}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	require.Contains(t, out.String(), "generated 300 pathways")
	out.Reset()
	require.Equal(t, 0, run([]string{"verify", "--data", dir}, &out, &errOut), errOut.String())
	require.Contains(t, out.String(), "ok: every hash chain verifies")
}

func TestGenerateNDJSONToStdout(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"generate", "--ndjson", "-", "--pathways", "5", "--session-weeks", "0", "--today", "2026-11-24"}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.GreaterOrEqual(t, len(lines), 5)
	require.Contains(t, errOut.String(), "wrote 5 pathways, 0 sessions")
}

func TestGenerateRefusesBadFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 2, run([]string{"generate", "--today", "2026-02-30"}, &out, &errOut))
	require.Contains(t, errOut.String(), "--today")
	require.Equal(t, 2, run([]string{"generate", "--pathways", "-4"}, &out, &errOut))
}
