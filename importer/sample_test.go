package importer

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/rtt"
)

var update = flag.Bool("update", false, "rewrite testdata/ptl_bad.report.txt from the current output")

func sampleOptions() Options {
	return Options{ProviderCode: "RXX", AsOf: rtt.MustParseDate("2025-06-30"), Strict: true}
}

func parseFile(t *testing.T, path string) *Result {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	res, err := ParsePTL(f, sampleOptions())
	require.NoError(t, err)
	return res
}

func TestSampleFileIsValid(t *testing.T) {
	res := parseFile(t, "testdata/ptl_sample.csv")
	assert.Empty(t, res.Refusals)
	assert.Empty(t, res.Warnings)
	require.Len(t, res.Rows, 20)
	assert.Equal(t, 20, res.RowsValid)
	listed, booked, transfers := 0, 0, 0
	for _, r := range res.Rows {
		assert.True(t, r.Patient.NHSNumber[:3] == "999", "test-range NHS numbers only: line %d", r.Line)
		if r.Listed() {
			listed++
		}
		if r.TCIOn != nil {
			booked++
		}
		if r.OriginalClockStartOn() != nil {
			transfers++
		}
	}
	assert.Equal(t, 16, listed)
	assert.Equal(t, 8, booked)
	assert.Equal(t, 1, transfers)
	// Line 17 is written with Excel's day-first dates.
	assert.Equal(t, rtt.MustParseDate("2025-02-03"), res.Rows[15].ReferralReceivedOn)
	assert.Equal(t, "Zoë", res.Rows[16].Patient.GivenName)

	again := parseFile(t, "testdata/ptl_sample.csv")
	for i := range res.Rows {
		assert.Equal(t, res.Rows[i].PathwayID, again.Rows[i].PathwayID)
	}
}

func TestBadFileReport(t *testing.T) {
	res := parseFile(t, "testdata/ptl_bad.csv")
	assert.Equal(t, 8, res.RowsRead)
	assert.Equal(t, 1, res.RowsValid)
	assert.Equal(t, 7, res.RowsRefused)
	rules := map[string]int{}
	for _, r := range res.Refusals {
		rules[r.Rule]++
	}
	assert.Equal(t, map[string]int{RuleBadDate: 1, RuleInvalidNHSNumber: 1, RuleUnknownCode: 2, RuleStatusNotOpen: 1,
		RuleDuplicateRow: 1, RuleRequired: 2, RuleTCIBeforeDecision: 1, RuleDateInFuture: 1, RuleClockStartAfterReferral: 1,
		RuleBadFormat: 1}, rules)

	var buf bytes.Buffer
	require.NoError(t, res.WriteReport(&buf))
	const golden = "testdata/ptl_bad.report.txt"
	if *update {
		require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), buf.String())

	js, err := json.Marshal(res)
	require.NoError(t, err)
	for _, secret := range []string{"9991248145", "999124925", "Carter", "Lucy", "Patel", "1958-02-14", "King", "Olivia"} {
		assert.NotContains(t, buf.String(), secret)
		assert.NotContains(t, string(js), secret)
	}
}
