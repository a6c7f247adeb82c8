package rtt

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Given a treatment function code, when it is mapped for the national return, then it
// lands on the published line (RTT.md §7-8, NHS England 2021+ treatment function list).
func TestReportingLine(t *testing.T) {
	cases := []struct {
		source, code, line string
	}{
		{"RTT.md §7 own line", "100", "C_100"},
		{"RTT.md §7 own line", "101", "C_101"},
		{"RTT.md §7 own line", "110", "C_110"},
		{"RTT.md §7 own line", "130", "C_130"},
		{"RTT.md §7 own line", "140", "C_140"},
		{"RTT.md §7 own line", "160", "C_160"},
		{"RTT.md §7 own line", "502", "C_502"},
		{"RTT.md §7 endoscopy under the referring specialty", "301", "C_301"},
		{"RTT.md §7 roll-up Spinal Surgery", "108", "C_110"},
		{"RTT.md §7 roll-up Orthopaedic", "111", "C_110"},
		{"RTT.md §7 roll-up Trauma Surgery", "115", "C_110"},
		{"RTT.md §7 roll-up Maxillofacial", "144", "C_140"},
		{"RTT.md §7 roll-up Oral and Maxillofacial", "145", "C_140"},
		{"NHS list: Cardiac Surgery rolls into Cardiothoracic", "172", "C_170"},
		{"NHS list: Thoracic Surgery rolls into Cardiothoracic", "173", "C_170"},
		{"RTT.md §7 Breast", "103", "X05"},
		{"RTT.md §7 Colorectal", "104", "X05"},
		{"RTT.md §7 Upper GI", "106", "X05"},
		{"RTT.md §7 Vascular", "107", "X05"},
		{"NHS list: Bariatric Surgery", "109", "X05"},
		{"NHS list: Pain Management is medical (RTT.md §7 says X05)", "191", "X02"},
		{"NHS list: Anaesthetics", "190", "X02"},
		{"NHS list: Renal Medicine", "361", "X02"},
		{"NHS list: Paediatrics", "420", "X02"},
		{"NHS list: Paediatric Surgery", "171", "X04"},
		{"NHS list: Paediatric Urology", "211", "X04"},
		{"NHS list: Paediatric Cardiology", "321", "X04"},
		{"NHS list: Paediatric Neurology", "421", "X04"},
		{"NHS list: Paediatric Dentistry", "142", "X04"},
		{"NHS list: Adult Mental Illness", "710", "X03"},
		{"NHS list: Clinical Psychology", "656", "X03"},
		{"NHS list: Physiotherapy", "650", "X06"},
		{"NHS list: Clinical Oncology", "800", "X06"},
		{"NHS list: Audiology", "840", "X06"},
		{"ours: well-formed but unlisted", "999", "X06"},
		{"ours: well-formed but unlisted", "000", "X06"},
		{"ours: well-formed but unlisted", "399", "X06"},
		{"ours: malformed", "abc", "X06"},
		{"ours: malformed", "10", "X06"},
		{"ours: malformed", "C_100", "X06"},
		{"ours: malformed", "", "X06"},
	}
	for _, c := range cases {
		require.Equal(t, c.line, ReportingLine(c.code), "%s: %q", c.source, c.code)
		require.NotEmpty(t, ReportingLineName(c.line), c.line)
	}
}

// The published mapping is a function: no code is listed under two lines.
func TestReportingLineTableIsAFunction(t *testing.T) {
	seen := map[string]string{}
	for line, codes := range lineCodes {
		require.NotEmpty(t, ReportingLineName(line), line)
		for _, c := range codes {
			require.True(t, ValidTreatmentFunction(c), c)
			prev, dup := seen[c]
			require.False(t, dup, "%s listed under %s and %s", c, prev, line)
			seen[c] = line
			_, own := namedLines["C_"+c]
			require.False(t, own, "%s has a line of its own", c)
		}
	}
}

// RTT.md §8: 24 published lines, in order, total last; every line is named.
func TestReportingLinesOrderAndNames(t *testing.T) {
	lines := ReportingLines()
	require.Len(t, lines, 24)
	require.Equal(t, "C_100", lines[0])
	require.Equal(t, []string{"X02", "X03", "X04", "X05", "X06", "C_999"}, lines[18:])
	for _, l := range lines {
		require.NotEmpty(t, ReportingLineName(l), l)
	}
	require.Equal(t, "Other - Surgical Services", ReportingLineName("X05"))
	require.Equal(t, "Trauma and Orthopaedic Service", ReportingLineName("C_110"))
	require.Empty(t, ReportingLineName("X01"))
	lines[0] = "changed"
	require.Equal(t, "C_100", ReportingLines()[0], "callers get a copy")
}

// [DD Treatment Function Code]: three digits.
func TestValidTreatmentFunction(t *testing.T) {
	for code, ok := range map[string]bool{
		"110": true, "000": true, "999": true,
		"11": false, "1100": false, "": false, "1a0": false, " 11": false, "C_1": false,
	} {
		require.Equal(t, ok, ValidTreatmentFunction(code), "%q", code)
	}
}

// Every reporting line except the total is reachable from some code, and every
// well-formed code reaches exactly one non-total line.
func TestEveryCodeReachesOneLine(t *testing.T) {
	reached := map[string]bool{}
	for i := 0; i < 1000; i++ {
		code := string([]byte{byte('0' + i/100), byte('0' + i/10%10), byte('0' + i%10)})
		line := ReportingLine(code)
		require.NotEqual(t, "C_999", line)
		require.NotEmpty(t, ReportingLineName(line), code)
		reached[line] = true
	}
	require.Len(t, reached, 23)
}
