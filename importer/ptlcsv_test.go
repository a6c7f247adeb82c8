package importer

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/rtt"
)

const minimalHeader = "nhs_number,local_pathway_id,specialty_code,referral_received_on,rtt_status\n"

func minimalRow(nhsNumber, local string) string {
	return nhsNumber + "," + local + ",110,2025-01-06,20\n"
}

func utf16Bytes(s string, order binary.ByteOrder, bom bool) []byte {
	var buf bytes.Buffer
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	for _, u := range units {
		_ = binary.Write(&buf, order, u)
	}
	return buf.Bytes()
}

// latin1 encodes runes up to U+00FF as single bytes, as Excel's plain CSV does.
func latin1(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		out = append(out, byte(r))
	}
	return out
}

func TestWrongColumns(t *testing.T) {
	opts := testOptions()
	strict := opts
	strict.Strict = true
	cases := []struct {
		name   string
		data   string
		opts   Options
		rule   string
		detail string
	}{
		{"missing required", "nhs_number,local_pathway_id,specialty_code\n9434765919,P1,110\n", opts, RuleMissingColumn,
			"missing required columns referral_received_on, rtt_status"},
		{"no header line", minimalRow("9434765919", "P1"), opts, RuleMissingColumn, "the first line must name the columns"},
		{"semicolon separated", strings.ReplaceAll(minimalHeader+minimalRow("9434765919", "P1"), ",", ";"), opts, RuleMissingColumn,
			"separated by ';'"},
		{"duplicate column", "nhs_number,local_pathway_id,specialty_code,referral_received_on,rtt_status,NHS Number\n", opts,
			RuleDuplicateColumn, "column nhs_number appears twice (columns 1 and 6)"},
		{"unknown column when strict", strings.TrimSuffix(minimalHeader, "\n") + ",tci_date\n" + strings.TrimSuffix(minimalRow("9434765919", "P1"), "\n") + ",2025-07-01\n",
			strict, RuleUnknownColumn, "unknown column tci_date"},
		{"carriage returns alone", strings.ReplaceAll(minimalHeader+minimalRow("9434765919", "P1"), "\n", "\r"), opts, RuleMalformedCSV,
			"carriage return alone"},
		{"nameless column when strict", strings.TrimSuffix(minimalHeader, "\n") + ",\n" + strings.TrimSuffix(minimalRow("9434765919", "P1"), "\n") + ",\n",
			strict, RuleUnknownColumn, "column 6 has no name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fe := fileError(t, []byte(c.data), c.opts)
			assert.Equal(t, c.rule, fe.Rule)
			assert.Equal(t, 1, fe.Line)
			assert.Contains(t, fe.Detail, c.detail)
		})
	}
}

func TestUnknownColumnWarnsWhenNotStrict(t *testing.T) {
	data := strings.TrimSuffix(minimalHeader, "\n") + ",tci_date\n" + strings.TrimSuffix(minimalRow("9434765919", "P1"), "\n") + ",2025-07-01\n"
	res := parse(t, []byte(data))
	require.Len(t, res.Rows, 1)
	require.Len(t, res.Warnings, 1)
	assert.Equal(t, WarnIgnoredColumn, res.Warnings[0].Rule)
	assert.Contains(t, res.Warnings[0].Detail, "tci_date")
}

// Headers match whatever a spreadsheet did to them: case, spaces, order, a "*".
func TestHeaderForgiving(t *testing.T) {
	data := "RTT Status, Referral-Received-On ,Specialty_Code,Local Pathway ID,NHS Number*\r\n" +
		"20,06/01/2025,110,P1,943 476 5919\r\n"
	res := parse(t, []byte(data))
	require.Empty(t, res.Refusals)
	require.Len(t, res.Rows, 1)
	r := res.Rows[0]
	assert.Equal(t, "9434765919", r.Patient.NHSNumber)
	assert.Equal(t, "P1", r.LocalPathwayID)
	assert.Equal(t, rtt.MustParseDate("2025-01-06"), r.ReferralReceivedOn)
	assert.Equal(t, rtt.StatusCode("20"), r.RTTStatus)
}

func TestEmptyFiles(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		rule string
	}{
		{"zero bytes", nil, RuleEmptyFile},
		{"only a UTF-8 BOM", []byte{0xEF, 0xBB, 0xBF}, RuleEmptyFile},
		{"only line breaks", []byte("\n\r\n\n"), RuleEmptyFile},
		{"header only", []byte(minimalHeader), RuleNoRows},
		{"header and blank rows", []byte(minimalHeader + ",,,,\n\n, , ,,\n"), RuleNoRows},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.rule, fileError(t, c.data, testOptions()).Rule)
		})
	}
}

func TestWrongEncoding(t *testing.T) {
	text := minimalHeader + minimalRow("9434765919", "P1") + "9990000018,P2,110,2025-01-06,20\n"
	withName := "nhs_number,local_pathway_id,specialty_code,referral_received_on,rtt_status,family_name\n" +
		"9434765919,P1,110,2025-01-06,20,Smith\n" + "9990000018,P2,110,2025-01-06,20,Brontë\n"
	cases := []struct {
		name   string
		data   []byte
		line   int
		detail string
	}{
		{"UTF-16LE with BOM", utf16Bytes(text, binary.LittleEndian, true), 1, "file is not UTF-8 (looks like UTF-16LE"},
		{"UTF-16BE with BOM", utf16Bytes(text, binary.BigEndian, true), 1, "file is not UTF-8 (looks like UTF-16BE"},
		{"UTF-16LE without BOM", utf16Bytes(text, binary.LittleEndian, false), 1, "looks like UTF-16LE without a byte-order mark"},
		{"UTF-16BE without BOM", utf16Bytes(text, binary.BigEndian, false), 1, "looks like UTF-16BE without a byte-order mark"},
		{"UTF-32LE with BOM", append([]byte{0xFF, 0xFE, 0, 0}, 'n', 0, 0, 0), 1, "looks like UTF-32LE"},
		{"Latin-1 name on line 3", latin1(withName), 3, "looks like Windows-1252 or Latin-1"},
		{"Windows-1252 curly quote", []byte(minimalHeader + "9434765919,P\x921,110,2025-01-06,20\n"), 2, "byte 0x92 on line 2"},
		{"NUL in the middle", []byte(minimalHeader + minimalRow("9434765919", "P1") + "99900\x0000018,P2,110,2025-01-06,20\n"), 3, "NUL byte on line 3"},
		{"cut inside a character", append([]byte(withName[:len(withName)-1]), 0xC3), 3, "ends inside a multi-byte character"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fe := fileError(t, c.data, testOptions())
			assert.Equal(t, RuleNotUTF8, fe.Rule)
			assert.Equal(t, c.line, fe.Line)
			assert.Contains(t, fe.Detail, c.detail)
			assert.NotContains(t, fe.Error(), "9990000018")
		})
	}
}

func TestUTF8Accepted(t *testing.T) {
	data := "\xEF\xBB\xBFnhs_number,local_pathway_id,specialty_code,referral_received_on,rtt_status,family_name,given_name\n" +
		"9434765919,P1,110,2025-01-06,20,Brontë,Zoë\n" +
		"9990000018,P2,110,2025-01-06,20,Ó Súilleabháin,Siân\n" +
		"9990000026,P3,110,2025-01-06,20,\uFFFD,名前\n"
	// A character split across the reader's 64 KiB buffer must still validate.
	long, rows := minimalHeader, 0
	for len(long) < 70_000 {
		long += "9434765919,é-é-é-é-é-é-é-é,110,2025-01-06,20\n"
		rows++
	}
	res := parse(t, []byte(data))
	require.Empty(t, res.Refusals)
	require.Len(t, res.Rows, 3)
	assert.Equal(t, "Brontë", res.Rows[0].Patient.FamilyName, "the BOM is not part of the first header")
	assert.Equal(t, "Siân", res.Rows[1].Patient.GivenName)
	big := parse(t, []byte(long))
	assert.Equal(t, rows, big.RowsRead)
	assert.Equal(t, 1, big.RowsValid, "the rest repeat line 2")
}

func TestTruncatedFile(t *testing.T) {
	full := csvOf(t, validRow(), with(validRow(), "local_pathway_id", "PPID-2", "nhs_number", "9990000018"))
	t.Run("cut mid-row", func(t *testing.T) {
		cut := full[:len(full)-40]
		fe := fileError(t, cut, testOptions())
		assert.Equal(t, RuleTruncatedFile, fe.Rule)
		assert.Equal(t, 3, fe.Line)
	})
	t.Run("cut inside a quoted field", func(t *testing.T) {
		data := minimalHeader + minimalRow("9434765919", "P1") + `9990000018,"P2`
		fe := fileError(t, []byte(data), testOptions())
		assert.Equal(t, RuleTruncatedFile, fe.Rule)
		assert.Equal(t, 3, fe.Line)
	})
	t.Run("complete last row without a line end", func(t *testing.T) {
		res := parse(t, bytes.TrimSuffix(full, []byte("\n")))
		assert.Len(t, res.Rows, 2)
		assert.Empty(t, res.Warnings)
	})
	t.Run("cut inside the last field", func(t *testing.T) {
		data := minimalHeader + minimalRow("9434765919", "P1") + "9990000018,P2,110,2025-01-06,2"
		res := parse(t, []byte(data))
		require.Len(t, res.Refusals, 1)
		assert.Equal(t, RuleUnknownCode, res.Refusals[0].Rule)
		require.Len(t, res.Warnings, 1)
		assert.Equal(t, WarnMaybeTruncated, res.Warnings[0].Rule)
		assert.Equal(t, []int{3}, res.Warnings[0].Lines)
	})
	t.Run("short row mid-file is a row refusal", func(t *testing.T) {
		data := minimalHeader + "9434765919,P1,110\n" + minimalRow("9990000018", "P2")
		res := parse(t, []byte(data))
		require.Len(t, res.Refusals, 1)
		assert.Equal(t, Refusal{Line: 2, Field: "(row)", Rule: RuleWrongFieldCount, Detail: "has 3 fields, the header has 5"}, res.Refusals[0])
		require.Len(t, res.Rows, 1)
		assert.Equal(t, 3, res.Rows[0].Line)
	})
	t.Run("stray quote mid-file", func(t *testing.T) {
		data := minimalHeader + minimalRow("9434765919", "P1") + "9990000018,P\"2,110,2025-01-06,20\n" + minimalRow("9990000026", "P3")
		fe := fileError(t, []byte(data), testOptions())
		assert.Equal(t, RuleMalformedCSV, fe.Rule)
		assert.Equal(t, 3, fe.Line)
	})
}

func TestDuplicateRows(t *testing.T) {
	a := validRow()
	b := with(validRow(), "nhs_number", "9990000018", "local_pathway_id", "PPID-2")
	t.Run("exact repeat", func(t *testing.T) {
		res := parse(t, csvOf(t, a, b, a))
		require.Len(t, res.Rows, 2, "the first stands")
		assert.Equal(t, []int{2, 3}, []int{res.Rows[0].Line, res.Rows[1].Line})
		require.Len(t, res.Refusals, 1)
		assert.Equal(t, Refusal{Line: 4, Field: "local_pathway_id", Value: "PPID-1", Rule: RuleDuplicateRow, Detail: "repeats line 2"}, res.Refusals[0])
	})
	t.Run("same local id, different values", func(t *testing.T) {
		res := parse(t, csvOf(t, a, with(a, "priority", "P2")))
		require.Len(t, res.Refusals, 1)
		assert.Equal(t, "local_pathway_id is already used on line 2 with different values", res.Refusals[0].Detail)
		require.Len(t, res.Rows, 1)
		assert.Equal(t, rtt.P3, res.Rows[0].Priority)
	})
	t.Run("an invalid first row still claims its id", func(t *testing.T) {
		res := parse(t, csvOf(t, with(a, "rtt_status", "30"), a))
		assert.Empty(t, res.Rows)
		require.Len(t, res.Refusals, 2)
		assert.Equal(t, RuleStatusNotOpen, res.Refusals[0].Rule)
		assert.Equal(t, RuleDuplicateRow, res.Refusals[1].Rule)
		assert.Equal(t, 3, res.Refusals[1].Line)
	})
	t.Run("same patient and specialty on two local ids is a warning", func(t *testing.T) {
		res := parse(t, csvOf(t, a, b, with(a, "local_pathway_id", "PPID-9"), with(a, "local_pathway_id", "PPID-7", "specialty_code", "130")))
		require.Empty(t, res.Refusals)
		require.Len(t, res.Rows, 4)
		require.Len(t, res.Warnings, 1)
		w := res.Warnings[0]
		assert.Equal(t, WarnDuplicatePathway, w.Rule)
		assert.Equal(t, []int{2, 4}, w.Lines)
		assert.Contains(t, w.Detail, `"PPID-1" (line 2) and "PPID-9" (line 4)`)
		assert.NotContains(t, w.Detail, "9434765919")
	})
}

func TestBlankRowsSkipped(t *testing.T) {
	data := minimalHeader + minimalRow("9434765919", "P1") + ",,,,\n\n" + minimalRow("9990000018", "P2") + " , ,,,\n"
	res := parse(t, []byte(data))
	require.Len(t, res.Rows, 2)
	assert.Equal(t, 5, res.Rows[1].Line, "line numbers count blank lines")
	assert.Equal(t, 2, res.RowsRead)
	require.Len(t, res.Warnings, 1)
	assert.Equal(t, Warning{Rule: WarnBlankRows, Detail: "2 blank rows skipped"}, res.Warnings[0])
}

func TestOptions(t *testing.T) {
	data := []byte(minimalHeader + minimalRow("9434765919", "P1"))
	for _, code := range []string{"", "RX", "RXXXXX", "R-X", "RÖX"} {
		_, err := ParsePTL(bytes.NewReader(data), Options{ProviderCode: code, AsOf: testAsOf})
		require.Error(t, err, code)
		var fe *FileError
		assert.NotErrorAs(t, err, &fe, "a caller's mistake is not the file's")
	}
	_, err := ParsePTL(bytes.NewReader(data), Options{ProviderCode: "RXX"})
	assert.ErrorContains(t, err, "AsOf")

	res, err := ParsePTL(bytes.NewReader(data), Options{ProviderCode: " rxx ", AsOf: testAsOf})
	require.NoError(t, err)
	assert.Equal(t, "RXX", res.ProviderCode)
	assert.Equal(t, PathwayID("RXX", "P1"), res.Rows[0].PathwayID)

	semi := []byte(strings.ReplaceAll(string(data), ",", ";"))
	res, err = ParsePTL(bytes.NewReader(semi), Options{ProviderCode: "RXX", AsOf: testAsOf, Comma: ';'})
	require.NoError(t, err)
	assert.Len(t, res.Rows, 1)
}

// Re-running the same file gives the same ids, so the store writes nothing twice.
func TestReparseGivesIdenticalIDs(t *testing.T) {
	data := csvOf(t, validRow(), with(validRow(), "nhs_number", "9990000018", "local_pathway_id", "PPID-2"))
	first, second := parse(t, data), parse(t, data)
	require.Len(t, first.Rows, 2)
	require.Equal(t, len(first.Rows), len(second.Rows))
	for i := range first.Rows {
		assert.Equal(t, first.Rows[i].PathwayID, second.Rows[i].PathwayID)
		for _, step := range []string{StepReferral, StepActivity, StepWaitingListEntry, StepBooking} {
			assert.Equal(t, first.Rows[i].EventID(step), second.Rows[i].EventID(step))
		}
	}
	assert.NotEqual(t, first.Rows[0].PathwayID, first.Rows[1].PathwayID)
	other, err := ParsePTL(bytes.NewReader(data), Options{ProviderCode: "RYY", AsOf: testAsOf})
	require.NoError(t, err)
	assert.NotEqual(t, first.Rows[0].PathwayID, other.Rows[0].PathwayID, "another trust's PPID-1 is another pathway")
}

func TestResultJSONHasNoRows(t *testing.T) {
	res := parse(t, csvOf(t, validRow(), with(validRow(), "local_pathway_id", "PPID-2", "rtt_status", "31")))
	b, err := json.Marshal(res)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, "RXX", got["provider_code"])
	assert.Equal(t, "2025-06-01", got["as_of"])
	assert.Equal(t, 2.0, got["rows_read"])
	assert.Equal(t, 1.0, got["rows_valid"])
	assert.Equal(t, 1.0, got["rows_refused"])
	assert.NotContains(t, got, "rows")
	assert.NotContains(t, string(b), "9434765919")
	refusals := got["refusals"].([]any)
	require.Len(t, refusals, 1)
	assert.Equal(t, map[string]any{"line": 3.0, "field": "rtt_status", "value": "31", "rule": RuleStatusNotOpen,
		"detail": "status 31 (active monitoring, patient-initiated, effect stop) is not an open pathway: only 10, 11, 12 and 20 belong on a PTL"}, refusals[0])
}
