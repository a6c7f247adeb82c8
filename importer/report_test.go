package importer

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteReport(t *testing.T) {
	res := parse(t, csvOf(t,
		validRow(),
		with(validRow(), "local_pathway_id", "PPID-2", "referral_received_on", "2025-02-30"),
		with(validRow(), "local_pathway_id", "PPID-3", "rtt_status", "30", "priority", "P9"),
		with(validRow(), "local_pathway_id", "PPID-4"),
	))
	var buf bytes.Buffer
	require.NoError(t, res.WriteReport(&buf))
	want := `PTL check for provider RXX as of 2025-06-01: 4 rows read, 2 valid, 2 refused (3 problems), 1 warning

Warnings (nothing refused):
lines 2, 5: the same patient and specialty 110 on local pathways "PPID-1" (line 2) and "PPID-4" (line 5): both are imported; the validator will raise duplicate_pathway [duplicate_pathway]

Refused rows (nothing from these rows is imported):
line 3: referral_received_on: must be a calendar date YYYY-MM-DD or DD/MM/YYYY (got "2025-02-30") [bad_date]
line 4: rtt_status: status 30 (first definitive treatment, effect stop) is not an open pathway: only 10, 11, 12 and 20 belong on a PTL (got "30") [status_not_open]
line 4: priority: must be one of P1a, P1b, P2, P3, P4 (got "P9") [unknown_code]
`
	assert.Equal(t, want, buf.String())
}

func TestWriteReportClean(t *testing.T) {
	res := parse(t, csvOf(t, validRow()))
	var buf bytes.Buffer
	require.NoError(t, res.WriteReport(&buf))
	assert.Equal(t, "PTL check for provider RXX as of 2025-06-01: 1 row read, 1 valid, 0 refused\n", buf.String())
}

// Patient identifiers never reach a report, whichever rule a row breaks and whatever
// column the identifier was typed into by mistake.
func TestReportNeverContainsIdentifiers(t *testing.T) {
	secrets := []string{"9434765919", "9434765918", "9990000018", "943 476 5919", "Featherstonehaugh", "Philippa",
		"Zebedee", "Quentin", "1950-05-01", "1950-02-29", "2031-01-01"}
	res := parse(t, csvOf(t,
		validRow(),
		with(validRow(), "local_pathway_id", "PPID-2"), // same patient: duplicate_pathway warning
		with(validRow(), "local_pathway_id", "PPID-3", "nhs_number", "9434765918"),
		with(validRow(), "local_pathway_id", "PPID-4", "nhs_number", "943 476 5919", "family_name", strings.Repeat("Zebedee", 20)),
		with(validRow(), "local_pathway_id", "PPID-5", "given_name", "Quentinella\t"+strings.Repeat("x", 100), "birth_date", "1950-02-29"),
		with(validRow(), "local_pathway_id", "PPID-6", "nhs_number", "9990000018", "birth_date", "2031-01-01"),
		with(validRow(), "local_pathway_id", "PPID-7", "nhs_number", "9990000018", "given_name", "Quentin\nella"),
		with(validRow(), "local_pathway_id", "PPID-8", "nhs_number", "Featherstonehaugh"),
	))
	require.Equal(t, 6, res.RowsRefused)
	var text bytes.Buffer
	require.NoError(t, res.WriteReport(&text))
	js, err := json.Marshal(res)
	require.NoError(t, err)
	for _, out := range []string{text.String(), string(js)} {
		for _, s := range secrets {
			assert.NotContains(t, out, s)
		}
	}
	for _, r := range res.Refusals {
		if columns[columnByName[r.Field]].Identifier {
			assert.Empty(t, r.Value, "line %d %s", r.Line, r.Field)
		}
	}
}

func TestRefusalString(t *testing.T) {
	long := strings.Repeat("é", 100)
	r := Refusal{Line: 17, Field: "local_pathway_id", Value: clip(long), Rule: RuleBadFormat, Detail: "must be at most 64 characters"}
	s := r.String()
	assert.True(t, strings.HasPrefix(s, "line 17: local_pathway_id: must be at most 64 characters (got \"éé"))
	assert.Contains(t, s, "…\") [bad_format]")
	assert.Equal(t, "line 3: (row): has 3 fields, the header has 5 [wrong_field_count]",
		Refusal{Line: 3, Field: "(row)", Rule: RuleWrongFieldCount, Detail: "has 3 fields, the header has 5"}.String())
}
