package importer

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pathway-ledger/ledger/rtt"
)

// Bounds on text and dates. No RTT date can precede 1900; a TCI more than five years
// ahead is a typing error (2205 for 2025), not a booking.
const (
	maxLocalIDLen   = 64
	maxNameLen      = 100
	maxMinutes      = 24 * 60
	maxValueEcho    = 80
	tciHorizonYears = 5
)

var earliestDate = rtt.NewDate(1900, 1, 1)

var (
	referralPriorities = []string{"routine", "urgent", "two_week_wait"}
	sources            = []string{"gp", "consultant", "self", "transfer_in", "other"}
	listTypes          = []string{"inpatient", "day_case", "endoscopy", "diagnostic", "planned"}
	priorities         = []rtt.Priority{rtt.P1a, rtt.P1b, rtt.P2, rtt.P3, rtt.P4}
)

// rowChecker turns one record into a Row, or into the refusals that keep it out.
type rowChecker struct {
	asOf     rtt.Date
	provider string
	line     int
	out      []Refusal
}

func (v *rowChecker) refuse(c col, value, rule, format string, args ...any) {
	if columns[c].Identifier {
		value = ""
	}
	v.out = append(v.out, Refusal{Line: v.line, Field: columns[c].Name, Value: clip(value), Rule: rule,
		Detail: fmt.Sprintf(format, args...)})
}

// clip keeps a report readable when a cell holds a paragraph.
func clip(s string) string {
	if len(s) <= maxValueEcho {
		return s
	}
	cut := maxValueEcho
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// check validates every field of one record; the Row is meaningful only when it
// returns no refusals. cell returns the trimmed text of a column, "" when absent.
func (v *rowChecker) check(line int, cell func(col) string) (Row, []Refusal) {
	v.line, v.out = line, v.out[:0]
	var r Row
	r.Line = line

	if s := cell(colNHSNumber); s == "" {
		v.refuse(colNHSNumber, s, RuleRequired, "is required")
	} else if n := normaliseNHSNumber(s); !ValidNHSNumber(n) {
		v.refuse(colNHSNumber, s, RuleInvalidNHSNumber, "must be 10 digits with a valid modulus 11 check digit")
	} else {
		r.Patient.NHSNumber = n
	}
	r.LocalPathwayID = v.text(colLocalPathwayID, cell(colLocalPathwayID), maxLocalIDLen)
	if r.LocalPathwayID != "" {
		r.PathwayID = PathwayID(v.provider, r.LocalPathwayID)
	}
	if s := cell(colSpecialtyCode); s == "" {
		v.refuse(colSpecialtyCode, s, RuleRequired, "is required")
	} else if !rtt.ValidTreatmentFunction(s) {
		v.refuse(colSpecialtyCode, s, RuleUnknownCode, "must be a 3-digit treatment function code")
	} else {
		r.SpecialtyCode = s
	}
	received, receivedOK := v.date(colReferralReceivedOn, cell(colReferralReceivedOn), true)
	r.ReferralReceivedOn = received
	r.ClockStartOn = received
	if start, ok := v.date(colClockStartOn, cell(colClockStartOn), false); ok && receivedOK {
		if start.After(received) {
			v.refuse(colClockStartOn, cell(colClockStartOn), RuleClockStartAfterReferral,
				"is after the referral was received (%s): a clock starts on receipt, or earlier for a transfer in", received)
		}
		r.ClockStartOn = start
	}
	v.status(&r, cell(colRTTStatus))
	r.ReferralPriority = v.oneOf(colReferralPriority, cell(colReferralPriority), referralPriorities)
	if r.ReferralPriority == "" {
		r.ReferralPriority = "routine"
	}
	r.Source = v.oneOf(colSource, cell(colSource), sources)
	if r.Source == "" && r.ClockStartOn.Before(r.ReferralReceivedOn) {
		r.Source = "transfer_in"
	}
	v.waitingList(&r, cell, received, receivedOK)
	if d, ok := v.date(colLastActivityOn, cell(colLastActivityOn), false); ok {
		if receivedOK && d.Before(received) {
			v.refuse(colLastActivityOn, cell(colLastActivityOn), RuleDateBeforeReferral,
				"is before the referral was received (%s)", received)
		}
		r.LastActivityOn = &d
	}
	r.Patient.FamilyName = v.text(colFamilyName, cell(colFamilyName), maxNameLen)
	r.Patient.GivenName = v.text(colGivenName, cell(colGivenName), maxNameLen)
	if d, ok := v.date(colBirthDate, cell(colBirthDate), false); ok {
		if receivedOK && d.After(received) {
			v.refuse(colBirthDate, "", RuleBirthAfterReferral, "is after the referral was received")
		}
		r.Patient.BirthDate = &d
	}
	return r, v.out
}

// status accepts only the codes of an open pathway: a PTL lists patients waiting, so
// a stop, nullify, transfer or non-RTT status means the row should not be on it.
func (v *rowChecker) status(r *Row, s string) {
	if s == "" {
		v.refuse(colRTTStatus, s, RuleRequired, "is required")
		return
	}
	st, ok := rtt.LookupStatus(s)
	if !ok {
		v.refuse(colRTTStatus, s, RuleUnknownCode, "must be a two-digit national RTT period status")
		return
	}
	if st.Effect != rtt.EffectStart && st.Effect != rtt.EffectContinue {
		v.refuse(colRTTStatus, s, RuleStatusNotOpen,
			"status %s (%s, effect %s) is not an open pathway: only 10, 11, 12 and 20 belong on a PTL", s, st.Meaning, st.Effect)
		return
	}
	r.RTTStatus = st.Code
}

// waitingList checks the decision-to-admit columns together: they describe one
// waiting-list entry and mean nothing without a list type.
func (v *rowChecker) waitingList(r *Row, cell func(col) string, received rtt.Date, receivedOK bool) {
	r.ListType = v.oneOf(colListType, cell(colListType), listTypes)
	if cell(colListType) == "" {
		for _, c := range []col{colPriority, colDecisionToAdmitOn, colTCIOn, colExpectedMinutes, colProcedureCode} {
			if s := cell(c); s != "" {
				v.refuse(c, s, RuleRequiresListType, "is given but list_type is empty: the row has no waiting-list entry")
			}
		}
		return
	}
	if s := cell(colPriority); s == "" {
		v.refuse(colPriority, s, RuleRequired, "is required when list_type is given")
	} else if p, ok := canonicalPriority(s); !ok {
		v.refuse(colPriority, s, RuleUnknownCode, "must be one of P1a, P1b, P2, P3, P4")
	} else {
		r.Priority = p
	}
	if cell(colDecisionToAdmitOn) == "" {
		v.refuse(colDecisionToAdmitOn, "", RuleRequired, "is required when list_type is given")
	}
	dta, dtaOK := v.date(colDecisionToAdmitOn, cell(colDecisionToAdmitOn), false)
	if dtaOK {
		if receivedOK && dta.Before(received) {
			v.refuse(colDecisionToAdmitOn, cell(colDecisionToAdmitOn), RuleDateBeforeReferral,
				"is before the referral was received (%s)", received)
		}
		r.DecisionToAdmitOn = &dta
	}
	if s := cell(colTCIOn); s != "" {
		if d, ok := parseDate(s); !ok {
			v.refuse(colTCIOn, s, RuleBadDate, "must be a calendar date YYYY-MM-DD or DD/MM/YYYY")
		} else if d.Before(earliestDate) || d.After(v.asOf.AddDays(tciHorizonYears*366)) {
			v.refuse(colTCIOn, s, RuleDateOutOfRange, "must be between 1900-01-01 and %d years after %s", tciHorizonYears, v.asOf)
		} else {
			if dtaOK && d.Before(dta) {
				v.refuse(colTCIOn, s, RuleTCIBeforeDecision, "is before the decision to admit (%s)", dta)
			}
			r.TCIOn = &d
		}
	}
	if s := cell(colExpectedMinutes); s != "" {
		digits := strings.TrimPrefix(s, "-")
		switch {
		case !isDigits(digits):
			v.refuse(colExpectedMinutes, s, RuleBadFormat, "must be a whole number of minutes")
		case digits != s || strings.Trim(digits, "0") == "":
			v.refuse(colExpectedMinutes, s, RuleNotPositive, "must be a positive number of minutes")
		default:
			n, err := strconv.Atoi(digits)
			if err != nil || n > maxMinutes {
				v.refuse(colExpectedMinutes, s, RuleOutOfRange, "must be at most %d minutes", maxMinutes)
			} else {
				r.ExpectedMinutes = n
			}
		}
	}
	if s := cell(colProcedureCode); s != "" {
		if code, ok := opcs4(s); ok {
			r.ProcedureCode = code
		} else {
			v.refuse(colProcedureCode, s, RuleBadFormat, "must be an OPCS-4 code: a letter and three digits, W371 or W37.1")
		}
	}
}

// date parses an optional (or, if required, mandatory) date column. Dates other than
// tci_on record what has happened, so none may be after asOf.
func (v *rowChecker) date(c col, s string, required bool) (rtt.Date, bool) {
	if s == "" {
		if required {
			v.refuse(c, s, RuleRequired, "is required")
		}
		return rtt.Date{}, false
	}
	d, ok := parseDate(s)
	switch {
	case !ok:
		v.refuse(c, s, RuleBadDate, "must be a calendar date YYYY-MM-DD or DD/MM/YYYY")
	case d.Before(earliestDate):
		v.refuse(c, s, RuleDateOutOfRange, "must not be before 1900-01-01")
	case d.After(v.asOf):
		v.refuse(c, s, RuleDateInFuture, "is after the extract date %s", v.asOf)
	default:
		return d, true
	}
	return rtt.Date{}, false
}

// oneOf matches a code case-insensitively, with spaces or hyphens for underscores
// ("Day Case", "two-week-wait"); "" stays "".
func (v *rowChecker) oneOf(c col, s string, allowed []string) string {
	if s == "" {
		return ""
	}
	k := underscores.Replace(strings.ToLower(s))
	for _, a := range allowed {
		if k == a {
			return a
		}
	}
	v.refuse(c, s, RuleUnknownCode, "must be one of %s", strings.Join(allowed, ", "))
	return ""
}

// text accepts printable text up to max characters.
func (v *rowChecker) text(c col, s string, max int) string {
	if s == "" {
		if columns[c].Required {
			v.refuse(c, s, RuleRequired, "is required")
		}
		return ""
	}
	if n := utf8.RuneCountInString(s); n > max {
		v.refuse(c, s, RuleBadFormat, "must be at most %d characters (has %d)", max, n)
		return ""
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		v.refuse(c, s, RuleBadFormat, "must not contain control characters such as line breaks or tabs")
		return ""
	}
	return s
}

func canonicalPriority(s string) (rtt.Priority, bool) {
	for _, p := range priorities {
		if strings.EqualFold(s, string(p)) {
			q, err := rtt.ParsePriority(string(p))
			return q, err == nil
		}
	}
	return "", false
}

// parseDate accepts ISO 8601 YYYY-MM-DD and the day-first D/M/YYYY that Excel writes
// for a UK locale. Slashed dates are always read day first: a PTL is a UK extract,
// and guessing between 03/04 and 04/03 would silently move a clock start.
func parseDate(s string) (rtt.Date, bool) {
	if d, err := rtt.ParseDate(s); err == nil {
		return d, true
	}
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return rtt.Date{}, false
	}
	day, month, year := parts[0], parts[1], parts[2]
	if len(day) < 1 || len(day) > 2 || len(month) < 1 || len(month) > 2 || len(year) != 4 ||
		!isDigits(day) || !isDigits(month) || !isDigits(year) {
		return rtt.Date{}, false
	}
	d, err := rtt.ParseDate(year + "-" + pad2(month) + "-" + pad2(day))
	return d, err == nil
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// opcs4 checks the shape of an OPCS-4 procedure code, a chapter letter, two digits
// of category and one of subcategory, written W371 or W37.1, and returns the
// four-character form used in national data sets.
func opcs4(s string) (string, bool) {
	s = strings.ToUpper(s)
	if len(s) == 5 && s[3] == '.' {
		s = s[:3] + s[4:]
	}
	if len(s) != 4 || s[0] < 'A' || s[0] > 'Z' || !isDigits(s[1:]) {
		return "", false
	}
	return s, true
}
