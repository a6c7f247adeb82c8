package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
)

// An operator exports and verifies while ledger serve runs: serve holds the folder
// lock for its life, and the read-only commands must neither need it nor take it.
func TestExportAndVerifyRunWhileTheWriterHoldsTheFolder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"generate", "--data", dir, "--pathways", "60", "--seed", "5", "--today", "2026-11-24", "--session-weeks", "0"}, &out, &errOut), errOut.String())

	w, err := sqlite.Open(dir)
	require.NoError(t, err)
	defer w.Close()
	_, err = sqlite.Open(dir)
	require.ErrorIs(t, err, eventstore.ErrLocked, "the folder is held as serve would hold it")
	// Appended by the holder after the CLI's data was written: verify must count it.
	_, err = w.Append(ctx, "note-readonly-test", eventstore.NoStream(), eventstore.EventData{
		Type: "T", SchemaVersion: 1, OccurredOn: "2026-11-24", Actor: eventstore.Actor{User: "u", Role: "admin"},
		Data: json.RawMessage(`{}`)})
	require.NoError(t, err)
	head, err := w.HeadPosition(ctx)
	require.NoError(t, err)

	out.Reset()
	errOut.Reset()
	require.Equal(t, 0, run([]string{"verify", "--data", dir}, &out, &errOut), errOut.String())
	require.Contains(t, out.String(), fmt.Sprintf("%d events in ", head))
	require.Contains(t, out.String(), "ok: every hash chain verifies")

	out.Reset()
	errOut.Reset()
	require.Equal(t, 0, run([]string{"export", "ptl", "--data", dir, "--on", "2026-11-24"}, &out, &errOut), errOut.String())
	ptl, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
	require.NoError(t, err)
	require.Equal(t, ptlHeader, ptl[0])
	require.Greater(t, len(ptl), 1, "open pathways are exported")

	out.Reset()
	errOut.Reset()
	require.Equal(t, 0, run([]string{"export", "rtt", "--data", dir, "--census", "2026-10-31"}, &out, &errOut), errOut.String())
	require.Contains(t, errOut.String(), "RTT return for 2026-10-31")

	// The holder still writes after the readers are gone.
	_, err = w.Append(ctx, "note-readonly-test", eventstore.Exact(0), eventstore.EventData{
		Type: "T", SchemaVersion: 1, OccurredOn: "2026-11-24", Actor: eventstore.Actor{User: "u", Role: "admin"},
		Data: json.RawMessage(`{}`)})
	require.NoError(t, err)
}

// A mistyped --data no longer leaves an empty ledger behind and reports a clean log.
func TestVerifyAndExportOfAFolderWithoutALedger(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	require.Equal(t, 1, run([]string{"verify", "--data", dir}, &out, &errOut))
	require.Contains(t, errOut.String(), "no ledger database in "+dir)
	errOut.Reset()
	require.Equal(t, 1, run([]string{"export", "ptl", "--data", dir}, &out, &errOut))
	require.Contains(t, errOut.String(), "no ledger database in "+dir)
	require.Empty(t, out.String())
}
