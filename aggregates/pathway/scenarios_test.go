package pathway

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// SCENARIOS 1 [RR25 4.3.2.3]: admitted 1 Feb, surgery cancelled for lack of theatre
// time, readmitted 5 Feb and operated: no stop on 1 Feb; stop 5 Feb, code 30.
func TestScenario01CancelledSurgeryDoesNotStopTheClock(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-06"))
	r.do(BookAdmission{BookingID: "b1", AdmissionOn: d("2025-02-01"), BookedOn: d("2025-01-10")})
	r.do(activity("2025-02-01", "admission", "20"))
	r.do(CancelBooking{BookingID: "b1", CancelledOn: d("2025-02-01"), CancelledBy: "hospital", Reason: "no theatre time", AfterArrival: true})
	require.Equal(t, "running", r.view("2025-02-02").CurrentPeriod.Clock)
	r.do(activity("2025-02-05", "admission", "30"))
	p := r.view("2025-03-01").CurrentPeriod
	require.Equal(t, "stopped", p.Clock)
	require.Equal(t, d("2025-02-05"), *p.StoppedOn)
	require.Equal(t, "30", *p.StopStatus)
	require.Equal(t, 30, p.WaitDays)
	require.True(t, p.Admitted)
}

// SCENARIOS 2 [RR25 4.3.2.3]: admitted, found unsuitable, not operated: a non-admitted
// stop on the admission date, code 34.
func TestScenario02AdmittedButNotTreatedIsANonAdmittedStop(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-06"))
	r.do(activity("2025-02-01", "admission", "34"))
	p := r.view("2025-03-01").CurrentPeriod
	require.Equal(t, "34", *p.StopStatus)
	require.Equal(t, d("2025-02-01"), *p.StoppedOn)
	require.False(t, p.Admitted)
}

// SCENARIOS 3 [RR25 11.3]: transfer in keeps the original start of 2 Jan; 88 days at 31 Mar.
func TestScenario03TransferInKeepsTheOriginalStart(t *testing.T) {
	r := newRun(t)
	c := refer("2025-01-28")
	c.Source, c.OriginalClockStartOn = "transfer_in", dp("2025-01-02")
	r.do(c)
	p := r.view("2025-03-31").CurrentPeriod
	require.Equal(t, d("2025-01-02"), p.StartedOn)
	require.Equal(t, 88, p.WaitDays)
	require.Equal(t, "12-13", p.WeekBand)
	r2 := newRun(t)
	c.OriginalClockStartOn = dp("2025-02-01")
	r2.refused(c, RuleClockStartAfterReferral)
}

// SCENARIOS 4 [RR25 10.1.7]: same-day start and treatment is 0 days, band 0-1.
func TestScenario04SameDayTreatment(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-04-01"))
	r.do(activity("2025-04-01", "outpatient_first", "30"))
	p := r.view("2025-04-30").CurrentPeriod
	require.Equal(t, 0, p.WaitDays)
	require.Equal(t, "0-1", p.WeekBand)
	require.Equal(t, "stopped", p.Clock)
}

// SCENARIOS 6: patient-initiated (31) and clinician-initiated (32) active monitoring
// stop the clock; 91 during monitoring changes nothing; a decision to treat starts a
// new period with 11.
func TestScenario06ActiveMonitoringAndNewPeriod(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-06"))
	r.do(activity("2025-02-03", "outpatient_first", "32"))
	require.Equal(t, "32", *r.view("2025-02-10").CurrentPeriod.StopStatus)
	r.do(activity("2025-05-01", "outpatient_follow_up", "91"))
	require.Len(t, r.state.Periods, 1)
	r.do(activity("2025-09-01", "outpatient_follow_up", "11"))
	v := r.view("2025-09-30")
	require.Len(t, v.Periods, 2)
	require.Equal(t, d("2025-09-01"), v.CurrentPeriod.StartedOn)
	require.Equal(t, "11", v.CurrentPeriod.StartStatus)
	require.Equal(t, 29, v.CurrentPeriod.WaitDays, "never linked to the old start")
}

// SCENARIOS 7: a normal result told by letter is an administrative stop, 34.
func TestScenario07AdministrativeStop(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-06"))
	r.do(activity("2025-02-14", "administrative", "34"))
	require.Equal(t, d("2025-02-14"), *r.view("2025-03-01").CurrentPeriod.StoppedOn)
}

// SCENARIOS 8: declining treatment (35) stops on the call date; death (36) only on an
// open period, and closes the pathway.
func TestScenario08DeclinedTreatmentAndDeath(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-06"))
	r.do(activity("2025-03-03", "administrative", "35"))
	require.Equal(t, "35", *r.view("2025-03-04").CurrentPeriod.StopStatus)
	r.refused(activity("2025-03-10", "administrative", "36"), RuleNoRunningClock)

	r2 := newRun(t)
	r2.do(refer("2025-01-06"))
	r2.do(activity("2025-03-03", "administrative", "36"))
	require.True(t, r2.state.Closed)
	r2.refused(activity("2025-03-10", "outpatient_follow_up", "11"), RulePathwayClosed)
}

// SCENARIOS 9 [DD]: a missed first appointment nullifies a routine clock (33) but a
// two-week-wait clock continues unless a clinician discharges.
func TestScenario09FirstAppointmentDNA(t *testing.T) {
	dna := RecordActivity{OccurredOn: d("2025-02-03"), Kind: "outpatient_first", RTTStatus: "33", Attendance: "did_not_attend"}
	r := newRun(t)
	r.do(refer("2025-01-06"))
	evs := r.do(dna)
	require.Equal(t, []string{"ActivityRecorded", "PatientDidNotAttend", "ClockNullified"}, types(evs))
	require.Equal(t, "nullified", r.view("2025-02-10").CurrentPeriod.Clock)

	c := refer("2025-01-06")
	c.ReferralPriority = "two_week_wait"
	r2 := newRun(t)
	r2.do(c)
	evs = r2.do(dna)
	require.Equal(t, []string{"ActivityRecorded", "PatientDidNotAttend"}, types(evs))
	require.Equal(t, "running", r2.view("2025-02-10").CurrentPeriod.Clock)

	r3 := newRun(t)
	r3.do(c)
	discharged := dna
	discharged.Discharged = true
	evs = r3.do(discharged)
	require.Contains(t, types(evs), "ClockNullified")
}

// SCENARIOS 10: referral 2 Jan 2025 and nothing else.
func TestScenario10ThresholdsOfAnUntouchedReferral(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-02"))
	require.Equal(t, 88, r.view("2025-03-31").CurrentPeriod.WaitDays)
	require.True(t, r.view("2025-05-08").CurrentPeriod.Within18Weeks)
	p := r.view("2025-05-09").CurrentPeriod
	require.False(t, p.Within18Weeks)
	require.Equal(t, d("2025-05-09"), p.BreachOn)
	f, ok := findingCodes(r.view("2025-05-09"))[FindingOver18Weeks]
	require.True(t, ok)
	require.Equal(t, d("2025-05-09"), f.RaisedOn)
	require.NotContains(t, findingCodes(r.view("2025-05-08")), FindingOver18Weeks)
	require.Equal(t, "104+", r.view("2027-01-01").CurrentPeriod.WeekBand)
}

// SCENARIOS 11: DNA nullifies; the new period starts when the patient calls (10 Feb)
// or when the clinician decided to re-offer, if earlier (5 Feb).
func TestScenario11RebookingAfterNullification(t *testing.T) {
	for _, c := range []struct {
		decision *string
		start    string
		wait     int
	}{{nil, "2025-02-10", 112}, {ptr("2025-02-05"), "2025-02-05", 117}} {
		r := newRun(t)
		r.do(refer("2025-01-06"))
		r.do(RecordActivity{OccurredOn: d("2025-02-03"), Kind: "outpatient_first", RTTStatus: "33", Attendance: "did_not_attend"})
		start := activity("2025-02-10", "administrative", "10")
		if c.decision != nil {
			start.ClinicalDecisionOn = dp(*c.decision)
		}
		r.do(start)
		r.do(activity("2025-06-02", "day_case", "30"))
		v := r.view("2025-06-30")
		require.Len(t, v.Periods, 2)
		require.Equal(t, "nullified", v.Periods[0].Clock)
		require.Equal(t, d(c.start), v.CurrentPeriod.StartedOn)
		require.Equal(t, c.wait, v.CurrentPeriod.WaitDays)
		require.True(t, v.CurrentPeriod.Within18Weeks)
	}
}

func ptr(s string) *string { return &s }

// SCENARIOS 12: a missed follow-up continues the clock unless the patient is
// discharged under the DNA policy (stop on the missed date).
func TestScenario12FollowUpDNA(t *testing.T) {
	base := func() *run {
		r := newRun(t)
		r.do(refer("2025-01-06"))
		r.do(activity("2025-02-03", "outpatient_first", "20"))
		return r
	}
	r := base()
	r.do(RecordActivity{OccurredOn: d("2025-03-03"), Kind: "outpatient_follow_up", RTTStatus: "20", Attendance: "did_not_attend"})
	require.Equal(t, 84, r.view("2025-03-31").CurrentPeriod.WaitDays)

	r = base()
	r.do(RecordActivity{OccurredOn: d("2025-03-03"), Kind: "outpatient_follow_up", RTTStatus: "34", Attendance: "did_not_attend", Discharged: true})
	p := r.view("2025-03-31").CurrentPeriod
	require.Equal(t, 56, p.WaitDays)
	require.Equal(t, d("2025-03-03"), *p.StoppedOn)
	require.NotContains(t, findingCodes(r.view("2025-03-31")), FindingDNAStopWithoutDischarg)

	r = base()
	r.refused(RecordActivity{OccurredOn: d("2025-03-03"), Kind: "outpatient_follow_up", RTTStatus: "33", Attendance: "did_not_attend"}, RuleNullifyNotFirst)
	r.do(RecordActivity{OccurredOn: d("2025-03-03"), Kind: "outpatient_follow_up", RTTStatus: "34", Attendance: "did_not_attend"})
	require.Contains(t, findingCodes(r.view("2025-03-31")), FindingDNAStopWithoutDischarg, "accepted, flagged for a validator")
}

// SCENARIOS 13: two declined reasonable offers prompt a decision; nothing is
// subtracted; active monitoring needs the patient's agreement; review due 12 weeks
// later; a new period from when the patient is ready.
func TestScenario13DeclinedOffersAndActiveMonitoring(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-06"))
	r.do(AddToWaitingList{DecidedOn: d("2025-03-03"), ListType: "inpatient", Priority: "P3"})
	evs := r.do(MakeOffer{OfferID: "o1", OfferedOn: d("2025-03-10"), AppointmentOn: d("2025-04-07")})
	require.True(t, evs[0].(OfferMade).Reasonable, "28 days' notice")
	r.do(DeclineOffer{OfferID: "o1", DeclinedOn: d("2025-03-11")})
	r.do(MakeOffer{OfferID: "o2", OfferedOn: d("2025-03-17"), AppointmentOn: d("2025-04-28")})
	r.do(DeclineOffer{OfferID: "o2", DeclinedOn: d("2025-03-18")})
	v := r.view("2025-03-20")
	f, ok := findingCodes(v)[FindingTwoOffersDeclined]
	require.True(t, ok)
	require.Equal(t, d("2025-03-18"), f.RaisedOn)
	require.Equal(t, "running", v.CurrentPeriod.Clock)
	require.Equal(t, 73, v.CurrentPeriod.WaitDays, "nothing subtracted")

	monitoring := activity("2025-03-24", "outpatient_follow_up", "32")
	r.refused(monitoring, RuleMonitoringNeedsAgreement)
	monitoring.PatientAgreed = true
	r.do(monitoring)
	v = r.view("2025-06-16")
	require.Equal(t, 77, v.CurrentPeriod.WaitDays)
	review, ok := findingCodes(v)[FindingMonitoringReviewDue]
	require.True(t, ok)
	require.Equal(t, d("2025-06-16"), review.RaisedOn)
	require.Nil(t, v.WaitingList, "the stop closes the RTT list entry")

	r.do(activity("2025-06-02", "administrative", "11"))
	r.do(activity("2025-06-30", "admission", "30"))
	p := r.view("2025-07-31").CurrentPeriod
	require.Equal(t, 28, p.WaitDays)
	require.Equal(t, "3-4", p.WeekBand)
}

// SCENARIOS 14: 10 days' notice is not reasonable and does not count toward two declines.
func TestScenario14UnreasonableOfferDoesNotCount(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-06"))
	evs := r.do(MakeOffer{OfferID: "o1", OfferedOn: d("2025-03-10"), AppointmentOn: d("2025-03-20")})
	require.False(t, evs[0].(OfferMade).Reasonable)
	r.do(DeclineOffer{OfferID: "o1", DeclinedOn: d("2025-03-11")})
	r.do(MakeOffer{OfferID: "o2", OfferedOn: d("2025-03-12"), AppointmentOn: d("2025-04-28")})
	r.do(DeclineOffer{OfferID: "o2", DeclinedOn: d("2025-03-13")})
	require.NotContains(t, findingCodes(r.view("2025-03-20")), FindingTwoOffersDeclined)
	r.do(activity("2025-03-24", "outpatient_follow_up", "32"))
}

// SCENARIOS 15: declared unavailability is shown as delay days, never subtracted.
func TestScenario15UnavailabilityIsShownNotSubtracted(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-05-01"))
	r.do(DeclareUnavailability{From: d("2025-07-14"), To: d("2025-08-29"), Reason: "teacher: school holidays"})
	p := r.view("2025-09-30").CurrentPeriod
	require.Equal(t, 152, p.WaitDays)
	require.Equal(t, 47, p.PatientInitiatedDelayDays)
	require.Equal(t, "running", p.Clock)
	r.refused(DeclareUnavailability{From: d("2025-08-29"), To: d("2025-07-14")}, RuleBadInterval)
}

// SCENARIOS 16: bilateral cataracts: first eye stops at 98 days; the second eye's
// period starts when the patient is fit and available (the later date).
func TestScenario16BilateralSecondSide(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-06"))
	r.do(activity("2025-04-14", "day_case", "30"))
	require.Equal(t, 98, r.view("2025-04-30").CurrentPeriod.WaitDays)
	r.do(activity("2025-06-02", "administrative", "10"))
	v := r.view("2025-06-30")
	require.Len(t, v.Periods, 2)
	require.Equal(t, d("2025-06-02"), v.CurrentPeriod.StartedOn)
}

// SCENARIOS 17: a diagnostic-only day case does not stop the clock; surgery does.
func TestScenario17DiagnosticDayCaseDoesNotStop(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-06"))
	r.do(activity("2025-03-10", "day_case", "20"))
	require.Equal(t, "running", r.view("2025-03-11").CurrentPeriod.Clock)
	r.do(activity("2025-05-12", "day_case", "30"))
	p := r.view("2025-06-01").CurrentPeriod
	require.Equal(t, 126, p.WaitDays)
	require.Equal(t, "17-18", p.WeekBand)
	require.True(t, p.Within18Weeks)

	r2 := newRun(t)
	r2.do(refer("2025-01-06"))
	r2.do(activity("2025-03-10", "day_case", "30"))
	p = r2.view("2025-06-01").CurrentPeriod
	require.Equal(t, 63, p.WaitDays)
	require.Equal(t, "8-9", p.WeekBand)
}

// SCENARIOS 18 (RTT.md §6): TCI 10 Jun cancelled on the day by the hospital (no bed)
// → deadline 8 Jul; treated 9 Jul → guarantee breached; the clock ran on to 9 Jul.
func TestScenario18TwentyEightDayGuarantee(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-03-03"))
	r.do(BookAdmission{BookingID: "b1", AdmissionOn: d("2025-06-10"), BookedOn: d("2025-05-01")})
	r.do(CancelBooking{BookingID: "b1", CancelledOn: d("2025-06-10"), CancelledBy: "hospital", Reason: "no bed"})
	v := r.view("2025-07-08")
	require.Equal(t, d("2025-07-08"), *v.Bookings[0].TwentyEightDayDeadline)
	require.False(t, v.Bookings[0].TwentyEightDayBreached)
	require.Equal(t, "running", v.CurrentPeriod.Clock)
	require.True(t, r.view("2025-07-09").Bookings[0].TwentyEightDayBreached)
	r.do(activity("2025-07-09", "admission", "30"))
	v = r.view("2025-07-31")
	require.True(t, v.Bookings[0].TwentyEightDayBreached)
	f := findingCodes(v)[FindingTwentyEightDayBreach]
	require.Equal(t, "error", f.Severity)
	require.Equal(t, d("2025-07-09"), f.RaisedOn)
	require.Equal(t, d("2025-07-09"), *v.CurrentPeriod.StoppedOn)

	// Not on the day, or clinical, or by the patient: no guarantee.
	for _, c := range []CancelBooking{
		{BookingID: "b", CancelledOn: d("2025-06-09"), CancelledBy: "hospital", Reason: "no bed"},
		{BookingID: "b", CancelledOn: d("2025-06-10"), CancelledBy: "hospital", Reason: "unwell", Clinical: true},
		{BookingID: "b", CancelledOn: d("2025-06-10"), CancelledBy: "patient", Reason: "holiday"},
	} {
		r := newRun(t)
		r.do(refer("2025-03-03"))
		r.do(BookAdmission{BookingID: "b", AdmissionOn: d("2025-06-10"), BookedOn: d("2025-05-01")})
		r.do(c)
		require.Nil(t, r.view("2025-08-01").Bookings[0].TwentyEightDayDeadline)
	}
}

// SCENARIOS 19: a separate condition needs its own pathway (12 refused mid-pathway);
// the new pathway's first activity 12 keeps its own clock.
func TestScenario19SeparateCondition(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-06"))
	r.refused(activity("2025-05-05", "outpatient_first", "12"), RuleSeparateCondition)
	vascular := newRun(t)
	c := refer("2025-05-05")
	c.SpecialtyCode, c.Source = "107", "consultant"
	vascular.do(c)
	vascular.do(activity("2025-05-20", "outpatient_first", "10"))
	require.Equal(t, d("2025-05-05"), vascular.view("2025-06-01").CurrentPeriod.StartedOn)
}

// SCENARIOS 20: physiotherapy (30) ends the first period; a later decision on
// surgery not in the original plan starts a new one.
func TestScenario20NewTreatmentPlanStartsANewPeriod(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-06"))
	r.do(activity("2025-03-03", "outpatient_follow_up", "30"))
	r.do(activity("2025-06-02", "outpatient_follow_up", "10"))
	v := r.view("2025-06-30")
	require.Equal(t, 56, v.Periods[0].WaitDays)
	require.Equal(t, d("2025-06-02"), v.CurrentPeriod.StartedOn)
	r.refused(activity("2025-06-10", "outpatient_follow_up", "10"), RuleClockAlreadyRunning)
}

// SCENARIOS 22 (RTT.md §6): listed 3 Mar 2025, P2 due 31 Mar, P3 due 26 May.
func TestScenario22PriorityDueDates(t *testing.T) {
	r := newRun(t)
	r.do(refer("2025-01-06"))
	r.do(AddToWaitingList{DecidedOn: d("2025-03-03"), ListType: "day_case", Priority: "P2"})
	require.Equal(t, d("2025-03-31"), *r.view("2025-03-10").WaitingList.PriorityDueOn)
	require.NotContains(t, findingCodes(r.view("2025-03-31")), FindingPriorityDuePassed)
	f := findingCodes(r.view("2025-04-01"))[FindingPriorityDuePassed]
	require.Equal(t, d("2025-04-01"), f.RaisedOn)
	r.do(ChangePriority{ChangedOn: d("2025-03-03"), Priority: "P3"})
	require.Equal(t, d("2025-05-26"), *r.view("2025-03-10").WaitingList.PriorityDueOn)
	r.do(ChangePriority{ChangedOn: d("2025-03-04"), Priority: "P4"})
	require.Nil(t, r.view("2025-03-10").WaitingList.PriorityDueOn)
}
