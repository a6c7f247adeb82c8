package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
)

func seed(t *testing.T, dir string) {
	s, err := sqlite.Open(dir)
	require.NoError(t, err)
	for i := 0; i < 3; i++ {
		_, err = s.Append(context.Background(), "pathway-a", eventstore.Any(), eventstore.EventData{
			Type: "T", SchemaVersion: 1, OccurredOn: "2025-01-06", Actor: eventstore.Actor{User: "u", Role: "admin"},
			Data: json.RawMessage(`{"n":1}`)})
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())
}

func TestVerifyReportsAnIntactLog(t *testing.T) {
	dir := t.TempDir()
	seed(t, dir)
	var out, errOut bytes.Buffer
	code := run([]string{"verify", "--data", dir}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	require.Contains(t, out.String(), "3 events in 1 streams checked")
	require.Contains(t, out.String(), "ok: every hash chain verifies")
	require.Contains(t, errOut.String(), "verify: done, 3 events in ", "progress closes with the total and the rate")
}

// Someone edits the file behind the ledger's back (dropping the immutability trigger
// first): verify names the event and exits non-zero.
func TestVerifyFindsATamperedEvent(t *testing.T) {
	dir := t.TempDir()
	seed(t, dir)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.DatabaseFile))
	require.NoError(t, err)
	_, err = db.Exec(`DROP TRIGGER events_no_update`)
	require.NoError(t, err)
	_, err = db.Exec(`UPDATE events SET data = '{"n":2}' WHERE position = 2`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	var out, errOut bytes.Buffer
	code := run([]string{"verify", "--data", dir}, &out, &errOut)
	require.Equal(t, 1, code)
	require.Contains(t, out.String(), "INTEGRITY FAILURE: first broken link: pathway-a@1 (position 2")
	require.Contains(t, out.String(), "hash does not match")
}
