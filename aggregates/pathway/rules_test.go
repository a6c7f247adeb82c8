package pathway

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// DESIGN §5: what cannot be true is refused, naming the rule and the field.
func TestRefusals(t *testing.T) {
	listed := func(r *run) {
		r.do(refer("2025-01-06"))
		r.do(AddToWaitingList{DecidedOn: d("2025-02-01"), ListType: "inpatient", Priority: "P3"})
	}
	cases := []struct {
		name  string
		given func(r *run)
		when  Command
		rule  string
		field string
	}{
		{"event on a pathway that does not exist", func(*run) {}, activity("2025-02-01", "outpatient_first", "20"), RulePathwayNotFound, ""},
		{"second referral", func(r *run) { r.do(refer("2025-01-06")) }, refer("2025-01-07"), RulePathwayExists, "pathway_id"},
		{"bad NHS number", func(*run) {}, Refer{PathwayID: "p", Patient: Patient{NHSNumber: "9990000019"}, SpecialtyCode: "110", ReceivedOn: d("2025-01-06")}, RuleInvalidNHSNumber, "patient.nhs_number"},
		{"bad specialty", func(*run) {}, Refer{PathwayID: "p", Patient: Patient{NHSNumber: nhs}, SpecialtyCode: "11", ReceivedOn: d("2025-01-06")}, RuleUnknownCode, "specialty_code"},
		{"bad priority", func(*run) {}, Refer{PathwayID: "p", Patient: Patient{NHSNumber: nhs}, SpecialtyCode: "110", ReceivedOn: d("2025-01-06"), ReferralPriority: "soon"}, RuleUnknownCode, "referral_priority"},
		{"referral in the future", func(*run) {}, refer("2028-01-01"), RuleDateInFuture, "referral_received_on"},
		{"activity before the referral", func(r *run) { r.do(refer("2025-01-06")) }, activity("2025-01-05", "outpatient_first", "20"), RuleDateBeforeReferral, "occurred_on"},
		{"unknown status", func(r *run) { r.do(refer("2025-01-06")) }, activity("2025-02-01", "outpatient_first", "37"), RuleUnknownCode, "rtt_status"},
		{"unknown kind", func(r *run) { r.do(refer("2025-01-06")) }, activity("2025-02-01", "telepathy", "20"), RuleUnknownCode, "kind"},
		{"stop without a running clock", func(r *run) {
			r.do(refer("2025-01-06"))
			r.do(activity("2025-02-01", "outpatient_first", "30"))
		}, activity("2025-02-02", "outpatient_follow_up", "34"), RuleNoRunningClock, "rtt_status"},
		{"new period before the last stop", func(r *run) {
			r.do(refer("2025-01-06"))
			r.do(activity("2025-02-01", "outpatient_first", "31"))
		}, RecordActivity{OccurredOn: d("2025-02-10"), Kind: "administrative", RTTStatus: "11", ClinicalDecisionOn: dp("2025-01-20")}, RuleStartBeforeLastStop, "occurred_on"},
		{"33 while attending", func(r *run) { r.do(refer("2025-01-06")) }, activity("2025-02-01", "outpatient_first", "33"), RuleNullifyNeedsDNA, "attendance"},
		{"RTT list without a running clock", func(r *run) {
			r.do(refer("2025-01-06"))
			r.do(activity("2025-02-01", "outpatient_first", "31"))
		}, AddToWaitingList{DecidedOn: d("2025-02-02"), ListType: "inpatient", Priority: "P3"}, RuleListNeedsRunningClock, "list_type"},
		{"listed twice", listed, AddToWaitingList{DecidedOn: d("2025-02-02"), ListType: "inpatient", Priority: "P3"}, RuleAlreadyOnWaitingList, ""},
		{"bad list priority", func(r *run) { r.do(refer("2025-01-06")) }, AddToWaitingList{DecidedOn: d("2025-02-02"), ListType: "inpatient", Priority: "P5"}, RuleUnknownCode, "priority"},
		{"priority change off the list", func(r *run) { r.do(refer("2025-01-06")) }, ChangePriority{ChangedOn: d("2025-02-02"), Priority: "P2"}, RuleNotOnWaitingList, ""},
		{"offer date before the offer", listed, MakeOffer{OfferID: "o", OfferedOn: d("2025-03-01"), AppointmentOn: d("2025-02-28")}, RuleAppointmentBeforeOffer, "appointment_on"},
		{"duplicate offer", func(r *run) {
			listed(r)
			r.do(MakeOffer{OfferID: "o", OfferedOn: d("2025-03-01"), AppointmentOn: d("2025-04-01")})
		}, MakeOffer{OfferID: "o", OfferedOn: d("2025-03-02"), AppointmentOn: d("2025-04-02")}, RuleDuplicateID, "offer_id"},
		{"decline an unknown offer", listed, DeclineOffer{OfferID: "x", DeclinedOn: d("2025-03-01")}, RuleOfferNotFound, "offer_id"},
		{"answer an answered offer", func(r *run) {
			listed(r)
			r.do(MakeOffer{OfferID: "o", OfferedOn: d("2025-03-01"), AppointmentOn: d("2025-04-01")})
			r.do(AcceptOffer{OfferID: "o", AcceptedOn: d("2025-03-02")})
		}, DeclineOffer{OfferID: "o", DeclinedOn: d("2025-03-03")}, RuleOfferAnswered, "offer_id"},
		{"cancel an unknown booking", listed, CancelBooking{BookingID: "b", CancelledOn: d("2025-03-01"), CancelledBy: "hospital", Reason: "x"}, RuleBookingNotFound, "booking_id"},
		{"cancel twice", func(r *run) {
			listed(r)
			r.do(BookAdmission{BookingID: "b", AdmissionOn: d("2025-04-01"), BookedOn: d("2025-03-01")})
			r.do(CancelBooking{BookingID: "b", CancelledOn: d("2025-03-05"), CancelledBy: "patient", Reason: "x"})
		}, CancelBooking{BookingID: "b", CancelledOn: d("2025-03-06"), CancelledBy: "hospital", Reason: "y"}, RuleBookingCancelled, "booking_id"},
		{"cancellation without a reason", func(r *run) {
			listed(r)
			r.do(BookAdmission{BookingID: "b", AdmissionOn: d("2025-04-01"), BookedOn: d("2025-03-01")})
		}, CancelBooking{BookingID: "b", CancelledOn: d("2025-03-05"), CancelledBy: "hospital"}, RuleRequired, "reason"},
		{"pre-op valid before assessed", listed, RecordPreOp{AssessedOn: d("2025-03-01"), Outcome: "fit", ValidUntil: dp("2025-02-01")}, RuleValidUntilBeforeAssess, "valid_until"},
		{"pre-op unknown outcome", listed, RecordPreOp{AssessedOn: d("2025-03-01"), Outcome: "great"}, RuleUnknownCode, "outcome"},
		{"validation without notes", listed, RecordValidation{ValidationID: "v", ValidatedOn: d("2025-03-01"), Outcome: "confirmed"}, RuleRequired, "notes"},
		{"validation unknown outcome", listed, RecordValidation{ValidationID: "v", ValidatedOn: d("2025-03-01"), Outcome: "meh", Notes: "n"}, RuleUnknownCode, "outcome"},
		{"correct a period that does not exist", listed, CorrectClockStart{PeriodStartedOn: d("2025-01-07"), CorrectedStart: d("2025-01-05"), CorrectedOn: d("2025-03-01"), Reason: "r"}, RulePeriodNotFound, "period_started_on"},
		{"retract an unknown event", listed, RetractEvent{EventID: "nope", RetractedOn: d("2025-03-01"), Reason: "r"}, RuleEventNotFound, "event_id"},
		{"retract the referral", listed, RetractEvent{EventID: "e0", RetractedOn: d("2025-03-01"), Reason: "r"}, RuleCannotRetract, "event_id"},
		{"clear an alert never flagged", listed, ClearAlert{ClearedOn: d("2025-03-01"), Code: "interpreter"}, RuleAlertNotActive, "code"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRun(t)
			c.given(r)
			re := r.refused(c.when, c.rule)
			require.Equal(t, c.field, re.Field)
			require.NotContains(t, re.Error(), nhs, "never patient identifiers in errors")
		})
	}
}

// Corrections leave the original fact in the history and the view shows both.
func TestClockStartCorrectionKeepsTheOriginal(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-20"))
	r.do(CorrectClockStart{PeriodStartedOn: d("2025-01-20"), CorrectedStart: d("2025-01-06"), CorrectedOn: d("2025-02-01"), Reason: "e-RS conversion date"})
	p := r.view("2025-03-31").CurrentPeriod
	require.Equal(t, d("2025-01-06"), p.StartedOn)
	require.Equal(t, d("2025-01-20"), *p.OriginalStartedOn)
	require.Equal(t, 84, p.WaitDays)
	require.Equal(t, []string{"e0", "e1"}, p.Evidence, "the referral and the correction explain the start")
	require.Len(t, r.history, 2)
}

// A retracted event stays in the history but no longer counts.
func TestRetractionWithdrawsAnEvent(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-06"))
	r.do(activity("2025-02-03", "outpatient_first", "30"))
	require.Equal(t, "stopped", r.view("2025-02-10").CurrentPeriod.Clock)
	r.refused(RetractEvent{EventID: "e2", RetractedOn: d("2025-02-10"), Reason: "r"}, RuleCannotRetract)
	evs := r.do(RetractEvent{EventID: "e1", RetractedOn: d("2025-02-10"), Reason: "recorded on the wrong pathway"})
	require.Len(t, evs, 2, "the activity and the stop it caused")
	v := r.view("2025-02-10")
	require.Equal(t, "running", v.CurrentPeriod.Clock)
	require.Len(t, r.history, 5, "nothing leaves the history")
	require.True(t, r.state.Retracted("e1"))
	require.True(t, r.state.Retracted("e2"))
	require.Equal(t, Fold(r.history), r.state, "evolving and folding agree")
}

// A validation on or after a finding's date that checks its code resolves it.
func TestValidationResolvesFindings(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-02"))
	require.False(t, findingCodes(r.view("2025-06-01"))[FindingOver18Weeks].Resolved)
	r.do(RecordValidation{ValidationID: "v1", ValidatedOn: d("2025-05-01"), Outcome: "confirmed", Checks: []string{FindingOver18Weeks}, Notes: "early"})
	require.False(t, findingCodes(r.view("2025-06-01"))[FindingOver18Weeks].Resolved, "validated before it was raised")
	r.do(RecordValidation{ValidationID: "v2", ValidatedOn: d("2025-05-20"), Outcome: "confirmed", Checks: []string{FindingOver18Weeks}, Notes: "patient still waiting, booked"})
	require.True(t, findingCodes(r.view("2025-06-01"))[FindingOver18Weeks].Resolved)
	v := r.view("2025-06-01")
	require.Len(t, v.Validations, 2)
	require.Equal(t, "u", v.Validations[1].Validator.User)
}

func TestDuplicateCandidatesRaiseAFinding(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-06"))
	v := Derive(r.history, d("2025-02-01"), DeriveOptions{DuplicateCandidates: []string{"p2"}})
	f := findingCodes(v)[FindingDuplicatePathway]
	require.Equal(t, d("2025-01-06"), f.RaisedOn)
	require.Contains(t, f.Detail, "p2")
}

func TestNoFutureActivityAndStopNotRecorded(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-06"))
	r.do(AddToWaitingList{DecidedOn: d("2025-02-01"), ListType: "day_case", Priority: "P3"})
	require.Contains(t, findingCodes(r.view("2025-02-10")), FindingNoFutureActivity)
	r.do(BookAdmission{BookingID: "b", AdmissionOn: d("2025-03-10"), BookedOn: d("2025-02-11")})
	require.NotContains(t, findingCodes(r.view("2025-02-12")), FindingNoFutureActivity)
	f := findingCodes(r.view("2025-03-12"))[FindingStopNotRecorded]
	require.Equal(t, d("2025-03-11"), f.RaisedOn)
}

func TestNHSNumbers(t *testing.T) {
	for _, ok := range []string{"9990000018", "9434765919", "4010232137"} {
		require.True(t, ValidNHSNumber(ok), ok)
	}
	for _, bad := range []string{"", "999000001", "99900000189", "9990000019", "999000001a", "1000000010"} {
		require.False(t, ValidNHSNumber(bad), bad)
	}
}

func FuzzValidNHSNumber(f *testing.F) {
	f.Add("9434765919")
	f.Add("123")
	f.Fuzz(func(t *testing.T, s string) {
		if ValidNHSNumber(s) && len(s) != 10 {
			t.Fatalf("accepted %q", s)
		}
	})
}

func TestCodecRoundTripsEveryEvent(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-06"))
	r.do(AddToWaitingList{DecidedOn: d("2025-02-01"), ListType: "inpatient", Priority: "P2", ProcedureCode: "W37.1", ExpectedMinutes: 90})
	r.do(RecordPreOp{AssessedOn: d("2025-02-05"), Outcome: "fit", ValidUntil: dp("2025-08-05"), Requirements: Requirements{HDUBed: true, Kit: []string{"arthroscopy stack"}}})
	r.do(MakeOffer{OfferID: "o", OfferedOn: d("2025-02-06"), AppointmentOn: d("2025-03-06")})
	r.do(AcceptOffer{OfferID: "o", AcceptedOn: d("2025-02-07")})
	for _, rec := range r.history {
		typ, data, err := Encode(rec.Event)
		require.NoError(t, err)
		back, err := Decode(typ, SchemaVersion, data)
		require.NoError(t, err)
		require.Equal(t, rec.Event, back)
	}
	_, err := Decode("Nope", 1, []byte(`{}`))
	require.ErrorIs(t, err, ErrUnknownEvent)
	_, err = Decode("OfferAccepted", 1, []byte(`{"offer_id":"o","accepted_on":"2025-02-07","extra":1}`))
	require.Error(t, err, "unknown fields are refused")
	_, err = Decode("OfferAccepted", 2, []byte(`{}`))
	require.Error(t, err)
}

func FuzzDecode(f *testing.F) {
	f.Add("ReferralReceived", []byte(`{"pathway_id":"p","patient":{"nhs_number":"9990000018"},"specialty_code":"110","referral_received_on":"2025-01-06","clock_start_on":"2025-01-06","referral_priority":"routine","source":"gp"}`))
	f.Add("OfferMade", []byte(`{"offer_id":"o","offered_on":"2025-01-06","appointment_on":"bad"}`))
	f.Fuzz(func(t *testing.T, typ string, data []byte) {
		e, err := Decode(typ, SchemaVersion, data)
		if err != nil {
			return
		}
		_, out, err := Encode(e)
		if err != nil || !json.Valid(out) {
			t.Fatalf("decoded event does not encode: %v", err)
		}
	})
}
