package importer

import "fmt"

// Rule codes: stable snake_case names for what a row or file breaks. Where the
// pathway aggregate refuses the same thing, the code is the aggregate's.
const (
	RuleRequired                = "required"
	RuleInvalidNHSNumber        = "invalid_nhs_number"
	RuleBadDate                 = "bad_date"
	RuleDateInFuture            = "date_in_future"
	RuleDateOutOfRange          = "date_out_of_range"
	RuleUnknownCode             = "unknown_code"
	RuleStatusNotOpen           = "status_not_open"
	RuleClockStartAfterReferral = "clock_start_after_referral"
	RuleDateBeforeReferral      = "date_before_referral"
	RuleBirthAfterReferral      = "birth_date_after_referral"
	RuleTCIBeforeDecision       = "tci_before_decision"
	RuleRequiresListType        = "requires_list_type"
	RuleNotPositive             = "must_be_positive"
	RuleOutOfRange              = "out_of_range"
	RuleBadFormat               = "bad_format"
	RuleDuplicateRow            = "duplicate_row"
	RuleWrongFieldCount         = "wrong_field_count"

	// File-level rules (FileError).
	RuleEmptyFile       = "empty_file"
	RuleNoRows          = "no_rows"
	RuleNotUTF8         = "not_utf8"
	RuleMissingColumn   = "missing_column"
	RuleUnknownColumn   = "unknown_column"
	RuleDuplicateColumn = "duplicate_column"
	RuleMalformedCSV    = "malformed_csv"
	RuleTruncatedFile   = "truncated_file"
	RuleLineTooLong     = "line_too_long"

	// Warnings: reported, nothing refused.
	WarnDuplicatePathway = "duplicate_pathway"
	WarnIgnoredColumn    = "ignored_column"
	WarnBlankRows        = "blank_rows"
	WarnMaybeTruncated   = "maybe_truncated"
)

// Refusal is one problem with one row: nothing from that row is imported. Value is
// what the file held, except for patient identifiers (NHS number, names, birth date),
// whose Value is always empty so that a report can be shared safely.
type Refusal struct {
	Line   int    `json:"line"`
	Field  string `json:"field"`
	Value  string `json:"value,omitempty"`
	Rule   string `json:"rule"`
	Detail string `json:"detail"`
}

func (r Refusal) String() string {
	s := fmt.Sprintf("line %d: %s: %s", r.Line, r.Field, r.Detail)
	if r.Value != "" {
		s += fmt.Sprintf(" (got %q)", r.Value)
	}
	return s + " [" + r.Rule + "]"
}

// Warning is something a person should look at that refuses nothing, such as the same
// patient and specialty on two local pathways (the validator's duplicate_pathway
// finding once imported).
type Warning struct {
	Lines  []int  `json:"lines,omitempty"`
	Rule   string `json:"rule"`
	Detail string `json:"detail"`
}

// FileError refuses a whole file: no row of it is imported. Line is 0 when the
// problem is not on one line.
type FileError struct {
	Line   int    `json:"line,omitempty"`
	Rule   string `json:"rule"`
	Detail string `json:"detail"`
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s [%s]", e.Line, e.Detail, e.Rule)
	}
	return fmt.Sprintf("%s [%s]", e.Detail, e.Rule)
}
