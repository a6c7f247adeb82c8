package importer

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/rtt"
)

// Every field rule, one refusal each: the row differs from a valid row in one field
// (or the fields a rule relates), and exactly that refusal comes back.
func TestFieldRulesRefuse(t *testing.T) {
	unlisted := with(validRow(), "list_type", "", "priority", "", "decision_to_admit_on", "",
		"tci_on", "", "expected_minutes", "", "procedure_code", "")
	cases := []struct {
		name  string
		row   map[string]string
		field string
		rule  string
		value string
	}{
		{"nhs missing", with(validRow(), "nhs_number", ""), "nhs_number", RuleRequired, ""},
		{"nhs bad check digit", with(validRow(), "nhs_number", "9434765918"), "nhs_number", RuleInvalidNHSNumber, ""},
		{"nhs check digit 10", with(validRow(), "nhs_number", "9990000000"), "nhs_number", RuleInvalidNHSNumber, ""},
		{"nhs hyphenated", with(validRow(), "nhs_number", "943-476-5919"), "nhs_number", RuleInvalidNHSNumber, ""},
		{"nhs excel float", with(validRow(), "nhs_number", "9.43E+09"), "nhs_number", RuleInvalidNHSNumber, ""},
		{"local id missing", with(validRow(), "local_pathway_id", ""), "local_pathway_id", RuleRequired, ""},
		{"local id too long", with(validRow(), "local_pathway_id", strings.Repeat("X", 65)), "local_pathway_id", RuleBadFormat, strings.Repeat("X", 65)},
		{"local id control char", with(validRow(), "local_pathway_id", "PP\tID"), "local_pathway_id", RuleBadFormat, "PP\tID"},
		{"specialty missing", with(validRow(), "specialty_code", ""), "specialty_code", RuleRequired, ""},
		{"specialty two digits", with(validRow(), "specialty_code", "11"), "specialty_code", RuleUnknownCode, "11"},
		{"specialty reporting line", with(validRow(), "specialty_code", "C_110"), "specialty_code", RuleUnknownCode, "C_110"},
		{"referral missing", with(validRow(), "referral_received_on", ""), "referral_received_on", RuleRequired, ""},
		{"referral 30 February", with(validRow(), "referral_received_on", "2025-02-30"), "referral_received_on", RuleBadDate, "2025-02-30"},
		{"referral 30/02", with(validRow(), "referral_received_on", "30/02/2025"), "referral_received_on", RuleBadDate, "30/02/2025"},
		{"referral unpadded ISO", with(validRow(), "referral_received_on", "2025-1-6"), "referral_received_on", RuleBadDate, "2025-1-6"},
		{"referral two-digit year", with(validRow(), "referral_received_on", "06/01/25"), "referral_received_on", RuleBadDate, "06/01/25"},
		{"referral with time", with(validRow(), "referral_received_on", "2025-01-06 00:00:00"), "referral_received_on", RuleBadDate, "2025-01-06 00:00:00"},
		{"referral in future", with(validRow(), "referral_received_on", "2025-06-02"), "referral_received_on", RuleDateInFuture, "2025-06-02"},
		{"referral before 1900", with(validRow(), "referral_received_on", "0205-01-06"), "referral_received_on", RuleDateOutOfRange, "0205-01-06"},
		{"clock start after referral", with(validRow(), "clock_start_on", "2025-01-07"), "clock_start_on", RuleClockStartAfterReferral, "2025-01-07"},
		{"clock start bad", with(validRow(), "clock_start_on", "2025-13-01"), "clock_start_on", RuleBadDate, "2025-13-01"},
		{"status missing", with(validRow(), "rtt_status", ""), "rtt_status", RuleRequired, ""},
		{"status unknown", with(validRow(), "rtt_status", "15"), "rtt_status", RuleUnknownCode, "15"},
		{"status one digit", with(validRow(), "rtt_status", "2"), "rtt_status", RuleUnknownCode, "2"},
		{"status 21 transfer out", with(validRow(), "rtt_status", "21"), "rtt_status", RuleStatusNotOpen, "21"},
		{"status 30 treated", with(validRow(), "rtt_status", "30"), "rtt_status", RuleStatusNotOpen, "30"},
		{"status 33 nullified", with(validRow(), "rtt_status", "33"), "rtt_status", RuleStatusNotOpen, "33"},
		{"status 36 died", with(validRow(), "rtt_status", "36"), "rtt_status", RuleStatusNotOpen, "36"},
		{"status 90 not RTT", with(validRow(), "rtt_status", "90"), "rtt_status", RuleStatusNotOpen, "90"},
		{"status 99 not known", with(validRow(), "rtt_status", "99"), "rtt_status", RuleStatusNotOpen, "99"},
		{"referral priority unknown", with(validRow(), "referral_priority", "soon"), "referral_priority", RuleUnknownCode, "soon"},
		{"source unknown", with(validRow(), "source", "walk_in"), "source", RuleUnknownCode, "walk_in"},
		{"list type unknown", with(validRow(), "list_type", "theatre"), "list_type", RuleUnknownCode, "theatre"},
		{"priority missing when listed", with(validRow(), "priority", ""), "priority", RuleRequired, ""},
		{"priority unknown", with(validRow(), "priority", "P5"), "priority", RuleUnknownCode, "P5"},
		{"priority without list", with(unlisted, "priority", "P2"), "priority", RuleRequiresListType, "P2"},
		{"dta without list", with(unlisted, "decision_to_admit_on", "2025-03-03"), "decision_to_admit_on", RuleRequiresListType, "2025-03-03"},
		{"tci without list", with(unlisted, "tci_on", "2025-06-16"), "tci_on", RuleRequiresListType, "2025-06-16"},
		{"minutes without list", with(unlisted, "expected_minutes", "90"), "expected_minutes", RuleRequiresListType, "90"},
		{"procedure without list", with(unlisted, "procedure_code", "W371"), "procedure_code", RuleRequiresListType, "W371"},
		{"dta missing when listed", with(validRow(), "decision_to_admit_on", "", "tci_on", ""), "decision_to_admit_on", RuleRequired, ""},
		{"dta before referral", with(validRow(), "decision_to_admit_on", "2025-01-05", "tci_on", ""), "decision_to_admit_on", RuleDateBeforeReferral, "2025-01-05"},
		{"dta in future", with(validRow(), "decision_to_admit_on", "2025-06-02", "tci_on", ""), "decision_to_admit_on", RuleDateInFuture, "2025-06-02"},
		{"tci before dta", with(validRow(), "tci_on", "2025-03-02"), "tci_on", RuleTCIBeforeDecision, "2025-03-02"},
		{"tci bad", with(validRow(), "tci_on", "16/13/2025"), "tci_on", RuleBadDate, "16/13/2025"},
		{"tci typo year", with(validRow(), "tci_on", "2205-06-16"), "tci_on", RuleDateOutOfRange, "2205-06-16"},
		{"last activity before referral", with(validRow(), "last_activity_on", "2025-01-05"), "last_activity_on", RuleDateBeforeReferral, "2025-01-05"},
		{"last activity in future", with(validRow(), "last_activity_on", "2025-06-02"), "last_activity_on", RuleDateInFuture, "2025-06-02"},
		{"minutes not a number", with(validRow(), "expected_minutes", "ninety"), "expected_minutes", RuleBadFormat, "ninety"},
		{"minutes fraction", with(validRow(), "expected_minutes", "90.5"), "expected_minutes", RuleBadFormat, "90.5"},
		{"minutes zero", with(validRow(), "expected_minutes", "0"), "expected_minutes", RuleNotPositive, "0"},
		{"minutes negative", with(validRow(), "expected_minutes", "-30"), "expected_minutes", RuleNotPositive, "-30"},
		{"minutes over a day", with(validRow(), "expected_minutes", "1441"), "expected_minutes", RuleOutOfRange, "1441"},
		{"minutes overflow", with(validRow(), "expected_minutes", "99999999999999999999999"), "expected_minutes", RuleOutOfRange, "99999999999999999999999"},
		{"procedure category only", with(validRow(), "procedure_code", "W37"), "procedure_code", RuleBadFormat, "W37"},
		{"procedure digits first", with(validRow(), "procedure_code", "371W"), "procedure_code", RuleBadFormat, "371W"},
		{"procedure dot misplaced", with(validRow(), "procedure_code", "W3.71"), "procedure_code", RuleBadFormat, "W3.71"},
		{"family name too long", with(validRow(), "family_name", strings.Repeat("n", 101)), "family_name", RuleBadFormat, ""},
		{"given name line break", with(validRow(), "given_name", "Phil\nippa"), "given_name", RuleBadFormat, ""},
		{"birth date bad", with(validRow(), "birth_date", "1950-02-29"), "birth_date", RuleBadDate, ""},
		{"birth date in future", with(validRow(), "birth_date", "2025-06-02"), "birth_date", RuleDateInFuture, ""},
		{"birth after referral", with(validRow(), "birth_date", "2025-02-01"), "birth_date", RuleBirthAfterReferral, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := parse(t, csvOf(t, c.row))
			require.Len(t, res.Refusals, 1, "refusals: %v", res.Refusals)
			got := res.Refusals[0]
			assert.Equal(t, 2, got.Line)
			assert.Equal(t, c.field, got.Field)
			assert.Equal(t, c.rule, got.Rule)
			assert.Equal(t, c.value, got.Value)
			assert.NotEmpty(t, got.Detail)
			assert.Empty(t, res.Rows, "nothing from a refused row is kept")
			assert.Equal(t, 1, res.RowsRead)
			assert.Equal(t, 1, res.RowsRefused)
			assert.Equal(t, 0, res.RowsValid)
			assert.False(t, res.OK())
		})
	}
}

// A row with several problems reports each of them, in column order.
func TestRowReportsEveryProblem(t *testing.T) {
	res := parse(t, csvOf(t, with(validRow(), "nhs_number", "1234567890", "specialty_code", "1100", "rtt_status", "30", "tci_on", "2025-02-30")))
	require.Len(t, res.Refusals, 4)
	var fields []string
	for _, r := range res.Refusals {
		fields = append(fields, r.Field)
	}
	assert.Equal(t, []string{"nhs_number", "specialty_code", "rtt_status", "tci_on"}, fields)
	assert.Equal(t, 1, res.RowsRefused)
}

func TestValidRowNormalised(t *testing.T) {
	d := rtt.MustParseDate
	cases := []struct {
		name  string
		row   map[string]string
		check func(t *testing.T, r Row)
	}{
		{"full listed row", validRow(), func(t *testing.T, r Row) {
			assert.Equal(t, PathwayID("RXX", "PPID-1"), r.PathwayID)
			assert.Equal(t, "9434765919", r.Patient.NHSNumber)
			assert.Equal(t, "Featherstonehaugh", r.Patient.FamilyName)
			assert.Equal(t, "Philippa", r.Patient.GivenName)
			require.NotNil(t, r.Patient.BirthDate)
			assert.Equal(t, d("1950-05-01"), *r.Patient.BirthDate)
			assert.Equal(t, "110", r.SpecialtyCode)
			assert.Equal(t, d("2025-01-06"), r.ReferralReceivedOn)
			assert.Equal(t, d("2025-01-06"), r.ClockStartOn, "clock start defaults to referral received")
			assert.Nil(t, r.OriginalClockStartOn())
			assert.Equal(t, rtt.StatusCode("20"), r.RTTStatus)
			assert.Equal(t, "routine", r.ReferralPriority)
			assert.Equal(t, "", r.Source)
			assert.True(t, r.Listed())
			assert.Equal(t, "inpatient", r.ListType)
			assert.Equal(t, rtt.P3, r.Priority)
			require.NotNil(t, r.DecisionToAdmitOn)
			assert.Equal(t, d("2025-03-03"), *r.DecisionToAdmitOn)
			require.NotNil(t, r.TCIOn)
			assert.Equal(t, d("2025-06-16"), *r.TCIOn, "a TCI may be after the extract date")
			require.NotNil(t, r.LastActivityOn)
			assert.Equal(t, d("2025-03-03"), *r.LastActivityOn)
			assert.Equal(t, 90, r.ExpectedMinutes)
			assert.Equal(t, "W371", r.ProcedureCode)
		}},
		{"day-first dates", with(validRow(), "referral_received_on", "6/1/2025", "decision_to_admit_on", "03/03/2025"), func(t *testing.T, r Row) {
			assert.Equal(t, d("2025-01-06"), r.ReferralReceivedOn)
			assert.Equal(t, d("2025-03-03"), *r.DecisionToAdmitOn)
		}},
		{"spaced NHS number", with(validRow(), "nhs_number", "943 476 5919"), func(t *testing.T, r Row) {
			assert.Equal(t, "9434765919", r.Patient.NHSNumber)
		}},
		// RTT.md §1: an inter-provider transfer keeps the original clock start.
		{"transfer in keeps original start", with(validRow(), "clock_start_on", "2024-12-02"), func(t *testing.T, r Row) {
			assert.Equal(t, d("2024-12-02"), r.ClockStartOn)
			require.NotNil(t, r.OriginalClockStartOn())
			assert.Equal(t, d("2024-12-02"), *r.OriginalClockStartOn())
			assert.Equal(t, "transfer_in", r.Source)
		}},
		{"explicit source kept on transfer", with(validRow(), "clock_start_on", "2024-12-02", "source", "Consultant"), func(t *testing.T, r Row) {
			assert.Equal(t, "consultant", r.Source)
		}},
		{"clock start on receipt", with(validRow(), "clock_start_on", "2025-01-06"), func(t *testing.T, r Row) {
			assert.Nil(t, r.OriginalClockStartOn())
			assert.Equal(t, "", r.Source)
		}},
		{"codes case-insensitive", with(validRow(), "list_type", "Day Case", "priority", "p1a", "referral_priority", "Two-Week-Wait", "procedure_code", "h22.1"), func(t *testing.T, r Row) {
			assert.Equal(t, "day_case", r.ListType)
			assert.Equal(t, rtt.P1a, r.Priority)
			assert.Equal(t, "two_week_wait", r.ReferralPriority)
			assert.Equal(t, "H221", r.ProcedureCode)
		}},
		{"not listed", with(validRow(), "list_type", "", "priority", "", "decision_to_admit_on", "", "tci_on", "", "expected_minutes", "", "procedure_code", ""), func(t *testing.T, r Row) {
			assert.False(t, r.Listed())
			assert.Nil(t, r.DecisionToAdmitOn)
			assert.Nil(t, r.TCIOn)
			assert.Equal(t, rtt.Priority(""), r.Priority)
		}},
		{"listed without TCI", with(validRow(), "tci_on", "", "last_activity_on", "", "expected_minutes", "", "procedure_code", ""), func(t *testing.T, r Row) {
			assert.True(t, r.Listed())
			assert.Nil(t, r.TCIOn)
			assert.Nil(t, r.LastActivityOn)
			assert.Equal(t, 0, r.ExpectedMinutes)
		}},
		{"start codes open a pathway", with(validRow(), "rtt_status", "12"), func(t *testing.T, r Row) {
			assert.Equal(t, rtt.StatusCode("12"), r.RTTStatus)
		}},
		{"dates on the extract day", with(validRow(), "last_activity_on", "2025-06-01", "decision_to_admit_on", "2025-06-01", "tci_on", "2025-06-01"), func(t *testing.T, r Row) {
			assert.Equal(t, testAsOf, *r.LastActivityOn)
		}},
		{"identifiers optional", with(validRow(), "family_name", "", "given_name", "", "birth_date", ""), func(t *testing.T, r Row) {
			assert.Equal(t, Patient{NHSNumber: "9434765919"}, r.Patient)
		}},
		{"cells trimmed", with(validRow(), "specialty_code", " 110 ", "local_pathway_id", " PPID-1 "), func(t *testing.T, r Row) {
			assert.Equal(t, "110", r.SpecialtyCode)
			assert.Equal(t, "PPID-1", r.LocalPathwayID)
			assert.Equal(t, PathwayID("RXX", "PPID-1"), r.PathwayID)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := parse(t, csvOf(t, c.row))
			require.Empty(t, res.Refusals)
			require.Len(t, res.Rows, 1)
			assert.Equal(t, 2, res.Rows[0].Line)
			assert.True(t, res.OK())
			c.check(t, res.Rows[0])
		})
	}
}

func TestParseDate(t *testing.T) {
	cases := map[string]string{
		"2025-01-06": "2025-01-06", "06/01/2025": "2025-01-06", "6/1/2025": "2025-01-06",
		"29/02/2024": "2024-02-29", "31/12/1999": "1999-12-31",
	}
	for in, want := range cases {
		got, ok := parseDate(in)
		require.True(t, ok, in)
		assert.Equal(t, want, got.String(), in)
	}
	for _, in := range []string{"29/02/2025", "2025/01/06", "06-01-2025", "006/01/2025", "06/01/+025", "1/1/1", "", "//", "06/01/2025/"} {
		_, ok := parseDate(in)
		assert.False(t, ok, in)
	}
}
