package importer

import (
	"fmt"
	"strings"
)

// Column is one documented column of the PTL CSV extract.
type Column struct {
	Name     string
	Required bool
	// Identifier marks a patient identifier: its value never appears in a report.
	Identifier bool
	Doc        string
}

type col int

const (
	colNHSNumber col = iota
	colLocalPathwayID
	colSpecialtyCode
	colReferralReceivedOn
	colClockStartOn
	colRTTStatus
	colReferralPriority
	colSource
	colListType
	colPriority
	colDecisionToAdmitOn
	colTCIOn
	colLastActivityOn
	colExpectedMinutes
	colProcedureCode
	colFamilyName
	colGivenName
	colBirthDate
	numCols
)

var columns = [numCols]Column{
	colNHSNumber:          {"nhs_number", true, true, "10 digits with a valid modulus 11 check digit; \"999 123 4567\" spacing accepted"},
	colLocalPathwayID:     {"local_pathway_id", true, false, "the trust's pathway id (PPID); unique in the file; at most 64 characters"},
	colSpecialtyCode:      {"specialty_code", true, false, "3-digit treatment function code, e.g. 110"},
	colReferralReceivedOn: {"referral_received_on", true, false, "date the provider received the referral"},
	colClockStartOn:       {"clock_start_on", false, false, "RTT clock start; empty = referral_received_on; earlier = a transfer in keeping the original start"},
	colRTTStatus:          {"rtt_status", true, false, "two-digit RTT period status of the latest activity: 10, 11, 12 or 20 on an open pathway"},
	colReferralPriority:   {"referral_priority", false, false, "routine (default), urgent, two_week_wait"},
	colSource:             {"source", false, false, "gp, consultant, self, transfer_in, other; empty = the ledger's default"},
	colListType:           {"list_type", false, false, "inpatient, day_case, endoscopy, diagnostic, planned; empty = not on a waiting list"},
	colPriority:           {"priority", false, false, "P1a, P1b, P2, P3, P4; required with list_type"},
	colDecisionToAdmitOn:  {"decision_to_admit_on", false, false, "required with list_type; not before the referral was received"},
	colTCIOn:              {"tci_on", false, false, "booked admission date (may be in the future); not before decision_to_admit_on"},
	colLastActivityOn:     {"last_activity_on", false, false, "date of the latest activity; not before the referral was received"},
	colExpectedMinutes:    {"expected_minutes", false, false, "expected procedure minutes, 1 to 1440; only with list_type"},
	colProcedureCode:      {"procedure_code", false, false, "OPCS-4 code, W37.1 or W371; only with list_type"},
	colFamilyName:         {"family_name", false, true, "patient's family name"},
	colGivenName:          {"given_name", false, true, "patient's given name"},
	colBirthDate:          {"birth_date", false, true, "patient's date of birth"},
}

// Columns lists the documented columns in their documented order.
func Columns() []Column { return append([]Column(nil), columns[:]...) }

// normaliseHeader makes header matching forgiving of what spreadsheets do to names:
// case, surrounding spaces, "Clock Start On" or "clock-start-on", and a trailing "*"
// copied from the documentation's required marker.
func normaliseHeader(s string) string {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "*"))
	return underscores.Replace(strings.ToLower(s))
}

var underscores = strings.NewReplacer(" ", "_", "-", "_")

var columnByName = func() map[string]col {
	m := make(map[string]col, numCols)
	for c := col(0); c < numCols; c++ {
		m[columns[c].Name] = c
	}
	return m
}()

// header maps each documented column to its index in a record, -1 when absent.
type header struct {
	index [numCols]int
	width int
}

// readHeader checks the first record. Unknown columns are a file error when strict,
// otherwise a warning: a misspelt optional column would else vanish without a word.
func readHeader(rec []string, strict bool) (header, []Warning, *FileError) {
	h := header{width: len(rec)}
	for i := range h.index {
		h.index[i] = -1
	}
	for _, raw := range rec {
		if strings.ContainsRune(raw, '\r') {
			// encoding/csv splits lines on \n only, so a whole classic-Mac file lands
			// in the header, patient data included: say why and echo nothing.
			return h, nil, &FileError{Line: 1, Rule: RuleMalformedCSV,
				Detail: "the lines end with a carriage return alone (classic Mac format); save the file with Windows or Unix line ends"}
		}
	}
	var unknown []string
	for i, raw := range rec {
		name := normaliseHeader(raw)
		c, ok := columnByName[name]
		if !ok {
			if name == "" {
				name = fmt.Sprintf("(column %d has no name)", i+1)
			}
			unknown = append(unknown, name)
			continue
		}
		if prev := h.index[c]; prev >= 0 {
			return h, nil, &FileError{Line: 1, Rule: RuleDuplicateColumn, Detail: fmt.Sprintf(
				"column %s appears twice (columns %d and %d)", columns[c].Name, prev+1, i+1)}
		}
		h.index[c] = i
	}
	var missing []string
	for c := col(0); c < numCols; c++ {
		if columns[c].Required && h.index[c] < 0 {
			missing = append(missing, columns[c].Name)
		}
	}
	if len(missing) > 0 {
		detail := "missing required column"
		if len(missing) > 1 {
			detail += "s"
		}
		detail += " " + strings.Join(missing, ", ")
		if len(rec) == 1 && strings.ContainsAny(rec[0], ";\t|") {
			detail += "; the header has one column: is the file separated by ';', tab or '|' rather than commas?"
		} else {
			detail += "; the first line must name the columns (see importer/README.md)"
		}
		return h, nil, &FileError{Line: 1, Rule: RuleMissingColumn, Detail: detail}
	}
	if len(unknown) == 0 {
		return h, nil, nil
	}
	detail := "unknown column " + strings.Join(unknown, ", ")
	if strict {
		return h, nil, &FileError{Line: 1, Rule: RuleUnknownColumn, Detail: detail}
	}
	return h, []Warning{{Lines: []int{1}, Rule: WarnIgnoredColumn, Detail: detail + " ignored"}}, nil
}
