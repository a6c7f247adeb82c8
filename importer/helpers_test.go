package importer

import (
	"bytes"
	"encoding/csv"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/rtt"
)

// tb is what the helpers need, met by *testing.T, *testing.B, *testing.F and *rapid.T.
type tb interface {
	require.TestingT
	Helper()
}

var testAsOf = rtt.MustParseDate("2025-06-01")

func testOptions() Options { return Options{ProviderCode: "RXX", AsOf: testAsOf} }

// validRow is a listed, booked pathway that passes every rule as of testAsOf.
func validRow() map[string]string {
	return map[string]string{
		"nhs_number": "9434765919", "local_pathway_id": "PPID-1", "specialty_code": "110",
		"referral_received_on": "2025-01-06", "clock_start_on": "", "rtt_status": "20",
		"referral_priority": "", "source": "", "list_type": "inpatient", "priority": "P3",
		"decision_to_admit_on": "2025-03-03", "tci_on": "2025-06-16", "last_activity_on": "2025-03-03",
		"expected_minutes": "90", "procedure_code": "W37.1",
		"family_name": "Featherstonehaugh", "given_name": "Philippa", "birth_date": "1950-05-01",
	}
}

// with copies a row and applies overrides.
func with(row map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(row))
	for k, v := range row {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// csvOf writes the documented header and rows (in that column order) as CSV.
func csvOf(t tb, rows ...map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := make([]string, numCols)
	for c := col(0); c < numCols; c++ {
		header[c] = columns[c].Name
	}
	require.NoError(t, w.Write(header))
	for _, r := range rows {
		rec := make([]string, numCols)
		for c := col(0); c < numCols; c++ {
			rec[c] = r[columns[c].Name]
		}
		require.NoError(t, w.Write(rec))
	}
	w.Flush()
	require.NoError(t, w.Error())
	return buf.Bytes()
}

func parse(t tb, data []byte) *Result {
	t.Helper()
	res, err := ParsePTL(bytes.NewReader(data), testOptions())
	require.NoError(t, err)
	return res
}

func fileError(t tb, data []byte, opts Options) *FileError {
	t.Helper()
	res, err := ParsePTL(bytes.NewReader(data), opts)
	require.Nil(t, res, "a refused file yields no result")
	var fe *FileError
	require.ErrorAs(t, err, &fe)
	return fe
}
