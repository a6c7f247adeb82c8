package importer

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README is the trusts' documentation of the format: it must name every column
// and every rule a report can show.
func TestREADMEDocumentsColumnsAndRules(t *testing.T) {
	b, err := os.ReadFile("README.md")
	require.NoError(t, err)
	doc := string(b)
	for _, c := range Columns() {
		name := "`" + c.Name + "`"
		if c.Required {
			name += "*"
		}
		assert.Contains(t, doc, name)
	}
	for _, rule := range []string{RuleRequired, RuleInvalidNHSNumber, RuleBadDate, RuleDateInFuture, RuleDateOutOfRange,
		RuleUnknownCode, RuleStatusNotOpen, RuleClockStartAfterReferral, RuleDateBeforeReferral, RuleBirthAfterReferral,
		RuleTCIBeforeDecision, RuleRequiresListType, RuleNotPositive, RuleOutOfRange, RuleBadFormat, RuleDuplicateRow,
		RuleWrongFieldCount, RuleEmptyFile, RuleNoRows, RuleNotUTF8, RuleMissingColumn, RuleUnknownColumn,
		RuleDuplicateColumn, RuleMalformedCSV, RuleTruncatedFile, WarnDuplicatePathway} {
		assert.Contains(t, doc, "`"+rule+"`")
	}
}
