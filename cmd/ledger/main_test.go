package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestVersionPrintsVersion(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"version"}, &out, &errOut)
	require.Equal(t, 0, code)
	require.Equal(t, "ledger dev\n", out.String())
}

func TestUnknownCommandFails(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"frobnicate"}, &out, &errOut)
	require.Equal(t, 2, code)
	require.Contains(t, errOut.String(), `unknown command "frobnicate"`)
}
