package pathway

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Whatever Decide records, CheckRecorded accepts: the import check refuses nothing
// the ledger itself would write.
func TestPropertyDecidedEventsPassCheckRecorded(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		history, _ := genRun(t)
		for _, r := range history {
			if err := CheckRecorded(r.Event); err != nil {
				t.Fatalf("%s decided but refused: %v", r.Event.Type(), err)
			}
		}
	})
}

func TestCheckRecordedRefusesWhatDecideWouldNot(t *testing.T) {
	referral := ReferralReceived{PathwayID: "p", Patient: Patient{NHSNumber: nhs}, SpecialtyCode: "110",
		ReferralPriority: "routine", Source: "gp"}
	with := func(f func(*ReferralReceived)) ReferralReceived { r := referral; f(&r); return r }
	activity := ActivityRecorded{Kind: "outpatient_first", RTTStatus: "30", Attendance: "attended"}
	for _, tc := range []struct {
		name  string
		event Event
		rule  string
		field string
	}{
		{"NHS number check digit", with(func(r *ReferralReceived) { r.Patient.NHSNumber = "9990000019" }), RuleInvalidNHSNumber, "patient.nhs_number"},
		{"specialty not a treatment function code", with(func(r *ReferralReceived) { r.SpecialtyCode = "Z01" }), RuleUnknownCode, "specialty_code"},
		{"referral priority", with(func(r *ReferralReceived) { r.ReferralPriority = "soon" }), RuleUnknownCode, "referral_priority"},
		{"referral source", with(func(r *ReferralReceived) { r.Source = "" }), RuleUnknownCode, "source"},
		{"activity kind", ActivityRecorded{Kind: "phone", RTTStatus: "30", Attendance: "attended"}, RuleUnknownCode, "kind"},
		{"attendance", ActivityRecorded{Kind: "admission", RTTStatus: "30", Attendance: "late"}, RuleUnknownCode, "attendance"},
		{"activity status", ActivityRecorded{Kind: "admission", RTTStatus: "37", Attendance: "attended"}, RuleUnknownCode, "rtt_status"},
		{"clock start status", ClockStarted{Status: "S1"}, RuleUnknownCode, "status"},
		{"clock stop status", ClockStopped{Status: "S001"}, RuleUnknownCode, "status"},
		{"DNA kind", PatientDidNotAttend{Kind: "video"}, RuleUnknownCode, "kind"},
		{"list type", AddedToWaitingList{ListType: "theatre", Priority: "P3"}, RuleUnknownCode, "list_type"},
		{"pre-op outcome", PreOpAssessmentCompleted{Outcome: "maybe"}, RuleUnknownCode, "outcome"},
		{"anaesthetist grade", PreOpAssessmentCompleted{Outcome: "fit", Requirements: Requirements{AnaesthetistGrade: "registrar"}}, RuleUnknownCode, "requirements.anaesthetist_grade"},
		{"offer kind", OfferMade{Kind: "video"}, RuleUnknownCode, "kind"},
		{"cancelled by", BookingCancelled{CancelledBy: "theatre"}, RuleUnknownCode, "cancelled_by"},
		{"validation outcome", ValidationRecorded{Outcome: "ok"}, RuleUnknownCode, "outcome"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckRecorded(tc.event)
			var re *RuleError
			require.True(t, errors.As(err, &re), "want a RuleError, got %v", err)
			require.Equal(t, tc.rule, re.Rule)
			require.Equal(t, tc.field, re.Field)
			require.ErrorIs(t, err, ErrRuleViolation)
		})
	}
	require.NoError(t, CheckRecorded(referral))
	require.NoError(t, CheckRecorded(activity))
	require.NoError(t, CheckRecorded(PreOpAssessmentCompleted{Outcome: "fit"}), "no grade is no requirement")
	require.NoError(t, CheckRecorded(ClockNullified{}), "an event without codes")
}
