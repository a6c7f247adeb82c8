package session

import (
	"testing"
)

func withPreOp(m func(*PreOp)) func(*PatientFacts) {
	return func(p *PatientFacts) { m(p.PreOp) }
}

func fill(level, threshold float64) SessionMilestoneReached {
	return SessionMilestoneReached{SessionID: "s1", Milestone: MilestoneFill, ReachedOn: today, FillLevel: level, FillThreshold: threshold}
}

func TestScheduleCapacity(t *testing.T) {
	runGWT(t, []gwt{
		{name: "schedules a patient", given: []Event{planned()}, when: schedule("p1", 90),
			then: []Event{scheduled("p1", 90)}},
		{name: "the first case may take the whole session: no turnaround before it",
			given: []Event{planned()}, when: schedule("p1", 240),
			then: []Event{scheduled("p1", 240), fill(1, 0.85)}},
		{name: "one minute over an empty session", given: []Event{planned()}, when: schedule("p1", 241),
			rule: RuleOverCapacity, field: "expected_minutes"},
		{name: "second case fits exactly with turnaround between cases: 100+15+125 = 240",
			given: []Event{planned(), scheduled("p1", 100)}, when: schedule("p2", 125),
			then: []Event{scheduled("p2", 125), fill(1, 0.85)}},
		{name: "second case one minute over once turnaround is counted",
			given: []Event{planned(), scheduled("p1", 100)}, when: schedule("p2", 126),
			rule: RuleOverCapacity, field: "expected_minutes"},
		{name: "minutes freed by a removal can be booked again",
			given: []Event{planned(), scheduled("p1", 200), PatientUnscheduled{SessionID: "s1", PathwayID: "p1", BookingID: "b-p1", ExpectedMinutes: 200, UnscheduledOn: today}},
			when:  schedule("p2", 240), then: []Event{scheduled("p2", 240), fill(1, 0.85)}},
		{name: "crossing the fill threshold records the fill milestone: 205/240",
			given: []Event{planned(), scheduled("p1", 100)}, when: schedule("p2", 90),
			then: []Event{scheduled("p2", 90), fill(205.0/240, 0.85)}},
		{name: "just under the fill threshold: 203/240",
			given: []Event{planned(), scheduled("p1", 100)}, when: schedule("p2", 88),
			then: []Event{scheduled("p2", 88)}},
		{name: "the fill milestone is reached once",
			given: []Event{planned(), scheduled("p1", 100), scheduled("p2", 90), fill(205.0/240, 0.85),
				PatientUnscheduled{SessionID: "s1", PathwayID: "p2", BookingID: "b-p2", ExpectedMinutes: 90, UnscheduledOn: today}},
			when: schedule("p3", 90), then: []Event{scheduled("p3", 90)}},
		{name: "a configured fill threshold", given: []Event{planned()},
			policy: MilestonePolicy{Rule: Rule853, FillThreshold: 0.4, AtRiskDays: 7},
			when:   schedule("p1", 96), then: []Event{scheduled("p1", 96), fill(0.4, 0.4)}},
		{name: "zero expected minutes", given: []Event{planned()}, when: schedule("p1", 0),
			rule: RuleInvalidExpectedMinutes, field: "expected_minutes"},
		{name: "negative expected minutes", given: []Event{planned()}, when: schedule("p1", -5),
			rule: RuleInvalidExpectedMinutes, field: "expected_minutes"},
	})
}

func TestScheduleSessionState(t *testing.T) {
	cancelled := SessionCancelled{SessionID: "s1", CancelledOn: today, Reason: "theatre closed", CancelledBookings: []BookingRef{}}
	sessionDay := scheduled("p1", 90)
	sessionDay.ScheduledOn = sessionDate
	runGWT(t, []gwt{
		{name: "no such session", when: schedule("p1", 90), rule: RuleSessionNotFound},
		{name: "cancelled session", given: []Event{planned(), cancelled}, when: schedule("p1", 90), rule: RuleSessionCancelled},
		{name: "released session", given: []Event{planned(), SessionReleased{SessionID: "s1", ReleasedOn: today}},
			when: schedule("p1", 90), rule: RuleSessionReleased},
		{name: "finalised list", given: []Event{planned(), scheduled("p1", 90), SessionFinalised{SessionID: "s1", FinalisedOn: today, Cases: 1, BookedMinutes: 90}},
			when: schedule("p2", 30), rule: RuleListFinalised},
		{name: "session date has passed", given: []Event{planned()}, on: sessionDate.AddDays(1),
			when: schedule("p1", 90), rule: RuleSessionInPast},
		{name: "on the session day itself", given: []Event{planned()}, on: sessionDate,
			when: schedule("p1", 90), then: []Event{sessionDay}},
		{name: "no pathway id", given: []Event{planned()}, when: schedule("", 90), rule: RulePathwayIDRequired, field: "pathway_id"},
		{name: "no booking id", given: []Event{planned()},
			when: SchedulePatient{ExpectedMinutes: 90, Patient: fitPatient("p1")}, rule: RuleBookingIDRequired, field: "booking_id"},
		{name: "booking id already used on the list", given: []Event{planned(), scheduled("p1", 60)},
			when: SchedulePatient{BookingID: "b-p1", ExpectedMinutes: 60, Patient: fitPatient("p2")},
			rule: RuleDuplicateBookingID, field: "booking_id"},
		{name: "patient already on this list", given: []Event{planned(), scheduled("p1", 60)},
			when: SchedulePatient{BookingID: "b-other", ExpectedMinutes: 60, Patient: fitPatient("p1")},
			rule: RuleAlreadyOnList, field: "pathway_id"},
	})
}

func TestSchedulePatientRules(t *testing.T) {
	noHDU := planned(func(e *SessionPlanned) { e.Capabilities.HDUBed = false })
	anyGrade := planned(func(e *SessionPlanned) { e.Capabilities.AnaesthetistGrade = GradeAny })
	noAnaesthetist := planned(func(e *SessionPlanned) { e.Capabilities.AnaesthetistGrade = ""; e.Anaesthetist = "" })
	namedAnaesthetist := planned(func(e *SessionPlanned) { e.Capabilities.AnaesthetistGrade = "" })
	clinic := planned(func(e *SessionPlanned) { e.ListType = ListClinic })
	clinicBooking := scheduled("p1", 20)
	clinicBooking.PreOpAssessedOn = nil
	assessed := func(on string) func(*PatientFacts) {
		return withPreOp(func(p *PreOp) { p.AssessedOn, p.ValidUntil = d(on), nil })
	}
	assessedOn := func(id, on string) PatientScheduled {
		e := scheduled(id, 90)
		e.PreOpAssessedOn = datePtr(on)
		return e
	}
	runGWT(t, []gwt{
		{name: "closed pathway", given: []Event{planned()},
			when: schedule("p1", 90, func(p *PatientFacts) { p.Closed = true }), rule: RulePathwayClosed, field: "pathway_id"},
		{name: "wrong specialty", given: []Event{planned()},
			when: schedule("p1", 90, func(p *PatientFacts) { p.SpecialtyCode = "101" }), rule: RuleSpecialtyMismatch, field: "pathway_id"},
		{name: "wrong specialty is reported before a missing pre-op", given: []Event{planned()},
			when: schedule("p1", 90, func(p *PatientFacts) { p.SpecialtyCode = "101"; p.PreOp = nil }), rule: RuleSpecialtyMismatch, field: "pathway_id"},
		{name: "no pre-op", given: []Event{planned()},
			when: schedule("p1", 90, func(p *PatientFacts) { p.PreOp = nil }), rule: RulePreOpMissing, field: "pathway_id"},
		{name: "pre-op found the patient unfit", given: []Event{planned()},
			when: schedule("p1", 90, withPreOp(func(p *PreOp) { p.Outcome = PreOpUnfit })), rule: RulePreOpNotFit, field: "pathway_id"},
		{name: "pre-op needs review", given: []Event{planned()},
			when: schedule("p1", 90, withPreOp(func(p *PreOp) { p.Outcome = PreOpReview })), rule: RulePreOpNotFit, field: "pathway_id"},
		{name: "pre-op valid until the day before the session", given: []Event{planned()},
			when: schedule("p1", 90, withPreOp(func(p *PreOp) { p.ValidUntil = datePtr("2025-04-13") })), rule: RulePreOpExpired, field: "pathway_id"},
		{name: "pre-op valid until the session day", given: []Event{planned()},
			when: schedule("p1", 90, withPreOp(func(p *PreOp) { p.ValidUntil = datePtr("2025-04-14") })), then: []Event{scheduled("p1", 90)}},
		{name: "pre-op without valid_until lapses after 84 days: 2025-01-19 + 84 = 2025-04-13", given: []Event{planned()},
			when: schedule("p1", 90, assessed("2025-01-19")), rule: RulePreOpExpired, field: "pathway_id"},
		{name: "pre-op without valid_until still in date on day 84", given: []Event{planned()},
			when: schedule("p1", 90, assessed("2025-01-20")), then: []Event{assessedOn("p1", "2025-01-20")}},
		{name: "needs an HDU bed the session lacks", given: []Event{noHDU},
			when: schedule("p1", 90, withPreOp(func(p *PreOp) { p.Requirements.HDUBed = true })), rule: RuleCapabilityMissing, field: "capabilities.hdu_bed"},
		{name: "needs an HDU bed the session has", given: []Event{planned()},
			when: schedule("p1", 90, withPreOp(func(p *PreOp) { p.Requirements.HDUBed = true })), then: []Event{scheduled("p1", 90)}},
		{name: "needs kit the session lacks", given: []Event{planned()},
			when: schedule("p1", 90, withPreOp(func(p *PreOp) { p.Requirements.Kit = []string{"Arthroscopy stack", "Laser"} })), rule: RuleCapabilityMissing, field: "capabilities.kit"},
		{name: "kit matches ignoring case and spaces", given: []Event{planned()},
			when: schedule("p1", 90, withPreOp(func(p *PreOp) { p.Requirements.Kit = []string{" arthroscopy STACK "} })), then: []Event{scheduled("p1", 90)}},
		{name: "needs radiology the session lacks", given: []Event{planned()},
			when: schedule("p1", 90, withPreOp(func(p *PreOp) { p.Requirements.Radiology = true })), rule: RuleCapabilityMissing, field: "capabilities.radiology"},
		{name: "needs a consultant anaesthetist, session has another grade", given: []Event{anyGrade},
			when: schedule("p1", 90, withPreOp(func(p *PreOp) { p.Requirements.AnaesthetistGrade = GradeConsultant })), rule: RuleCapabilityMissing, field: "capabilities.anaesthetist_grade"},
		{name: "needs an anaesthetist, session has none", given: []Event{noAnaesthetist},
			when: schedule("p1", 90, withPreOp(func(p *PreOp) { p.Requirements.AnaesthetistGrade = GradeAny })), rule: RuleCapabilityMissing, field: "capabilities.anaesthetist_grade"},
		{name: "needs an anaesthetist, session names one without a grade", given: []Event{namedAnaesthetist},
			when: schedule("p1", 90, withPreOp(func(p *PreOp) { p.Requirements.AnaesthetistGrade = GradeAny })), then: []Event{scheduled("p1", 90)}},
		{name: "needs any anaesthetist, session has a consultant", given: []Event{planned()},
			when: schedule("p1", 90, withPreOp(func(p *PreOp) { p.Requirements.AnaesthetistGrade = GradeAny })), then: []Event{scheduled("p1", 90)}},
		{name: "booked on another session that day", given: []Event{planned()},
			when: schedule("p1", 90, func(p *PatientFacts) { p.OtherBookingsOnDate = []SessionRef{{SessionID: "s2", BookingID: "b9"}} }),
			rule: RuleAlreadyBookedThatDay, field: "pathway_id"},
		{name: "a stale booking reference to this same session is not a conflict", given: []Event{planned()},
			when: schedule("p1", 90, func(p *PatientFacts) { p.OtherBookingsOnDate = []SessionRef{{SessionID: "s1", BookingID: "old"}} }),
			then: []Event{scheduled("p1", 90)}},
		{name: "clinic lists need no pre-op", given: []Event{clinic},
			when: schedule("p1", 20, func(p *PatientFacts) { p.PreOp = nil }), then: []Event{clinicBooking}},
		{name: "clinic lists ignore theatre requirements", given: []Event{clinic},
			when: schedule("p1", 20, withPreOp(func(p *PreOp) { p.Outcome = PreOpUnfit; p.Requirements.Radiology = true })), then: []Event{clinicBooking}},
	})
}
