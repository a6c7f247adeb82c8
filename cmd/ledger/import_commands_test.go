package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore/sqlite"
)

// Command lines go through the v1 API in process: accepted ones are written, a
// refused one is reported by line, field and rule and writes nothing, and a re-run of
// the same file writes nothing twice.
func TestImportNDJSONCommandsThroughTheAPI(t *testing.T) {
	dir := t.TempDir()
	id := "0f8c2e4a-3333-4a6b-9c1d-000000000001"
	lines := []string{
		`{"kind":"command","route":"/v1/pathways","body":{"pathway_id":"` + id + `","patient":{"nhs_number":"9990000018"},"specialty_code":"110","referral_received_on":"2026-01-05"}}`,
		`{"kind":"command","route":"/v1/pathways/` + id + `/activities","body":{"occurred_on":"2026-02-02","kind":"outpatient_first","rtt_status":"20"}}`,
		`{"kind":"command","route":"/v1/pathways/` + id + `/activities","body":{"occurred_on":"2099-01-01","kind":"admission","rtt_status":"30"}}`,
		`{"kind":"command","route":"/v1/pathways/` + id + `/activities","body":{"occurred_on":"2026-13-01","kind":"admission","rtt_status":"30"}}`,
		`{"kind":"command","route":"/v1/pathways/` + id + `/waiting-list-entries","body":{"decided_on":"2026-02-02","list_type":"inpatient","priority":"P3","expected_minutes":60}}`,
	}
	file := filepath.Join(t.TempDir(), "commands.ndjson")
	require.NoError(t, os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600))

	var out, errOut bytes.Buffer
	require.Equal(t, 1, run([]string{"import", "--data", dir, file}, &out, &errOut), "two lines are refused")
	assert.Contains(t, out.String(), "3 of 5 commands")
	report := errOut.String()
	assert.Contains(t, report, "line 3")
	assert.Contains(t, report, "date_in_future")
	assert.Contains(t, report, "line 4")
	assert.Contains(t, report, "body.occurred_on")
	assert.NotContains(t, report, "9990000018", "the report names no patient")
	written := eventCount(t, dir)

	store, err := sqlite.Open(dir, sqlite.ReadOnly())
	require.NoError(t, err)
	evs, err := store.ReadStream(context.Background(), "pathway-"+id, 0, 0)
	require.NoError(t, err)
	require.NoError(t, store.Close())
	var types []string
	for _, e := range evs {
		types = append(types, e.Type)
		assert.Equal(t, "admin", e.Actor.Role)
		assert.True(t, strings.HasPrefix(e.CorrelationID, "import-line-"), e.CorrelationID)
	}
	assert.Equal(t, []string{"ReferralReceived", "ActivityRecorded", "AddedToWaitingList"}, types)

	out.Reset()
	errOut.Reset()
	require.Equal(t, 1, run([]string{"import", "--data", dir, file}, &out, &errOut))
	t.Log(out.String(), errOut.String())
	assert.Contains(t, out.String(), "3 of 5 commands", "what was imported answers as before")
	assert.Equal(t, written, eventCount(t, dir), "a re-run writes nothing twice")
}
