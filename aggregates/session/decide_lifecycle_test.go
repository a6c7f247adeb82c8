package session

import (
	"testing"
)

var (
	cancelledEarly = SessionCancelled{SessionID: "s1", CancelledOn: today, Reason: "theatre closed", CancelledBookings: []BookingRef{}}
	released       = SessionReleased{SessionID: "s1", ReleasedOn: today, Reason: "surgeon on leave"}
	finalisedOne   = SessionFinalised{SessionID: "s1", FinalisedOn: today, Cases: 1, BookedMinutes: 90}
)

func unscheduled(id string, minutes int, reason string) PatientUnscheduled {
	return PatientUnscheduled{SessionID: "s1", PathwayID: id, BookingID: "b-" + id, ExpectedMinutes: minutes, UnscheduledOn: today, Reason: reason}
}

func TestUnschedulePatient(t *testing.T) {
	remove := UnschedulePatient{PathwayID: "p1", Reason: "patient unwell"}
	runGWT(t, []gwt{
		{name: "takes the patient off with their minutes and booking", given: []Event{planned(), scheduled("p1", 90)},
			when: remove, then: []Event{unscheduled("p1", 90, "patient unwell")}},
		{name: "a finalised list may still lose a patient", given: []Event{planned(), scheduled("p1", 90), finalisedOne},
			when: remove, then: []Event{unscheduled("p1", 90, "patient unwell")}},
		{name: "patient not on the list", given: []Event{planned(), scheduled("p2", 90)},
			when: remove, rule: RuleNotOnList, field: "pathway_id"},
		{name: "patient already taken off", given: []Event{planned(), scheduled("p1", 90), unscheduled("p1", 90, "")},
			when: remove, rule: RuleNotOnList, field: "pathway_id"},
		{name: "no such session", when: remove, rule: RuleSessionNotFound},
		{name: "cancelled session", given: []Event{planned(), scheduled("p1", 90), cancelledEarly}, when: remove, rule: RuleSessionCancelled},
		{name: "released session", given: []Event{planned(), released}, when: remove, rule: RuleSessionReleased},
		{name: "session date has passed", given: []Event{planned(), scheduled("p1", 90)}, on: sessionDate.AddDays(1),
			when: remove, rule: RuleSessionInPast},
	})
}

func TestConfirmSession(t *testing.T) {
	confirmed := SessionMilestoneReached{SessionID: "s1", Milestone: MilestoneConfirm, ReachedOn: today}
	halfFull := confirmed
	halfFull.FillLevel = 0.5
	runGWT(t, []gwt{
		{name: "records the confirm milestone", given: []Event{planned()}, when: ConfirmSession{}, then: []Event{confirmed}},
		{name: "records the fill level when confirmed", given: []Event{planned(), scheduled("p1", 120)},
			when: ConfirmSession{}, then: []Event{halfFull}},
		{name: "already confirmed", given: []Event{planned(), confirmed}, when: ConfirmSession{}, rule: RuleAlreadyConfirmed},
		{name: "no such session", when: ConfirmSession{}, rule: RuleSessionNotFound},
		{name: "cancelled session", given: []Event{planned(), cancelledEarly}, when: ConfirmSession{}, rule: RuleSessionCancelled},
		{name: "released session", given: []Event{planned(), released}, when: ConfirmSession{}, rule: RuleSessionReleased},
		{name: "session date has passed", given: []Event{planned()}, on: sessionDate.AddDays(1), when: ConfirmSession{}, rule: RuleSessionInPast},
	})
}

func TestFinaliseSession(t *testing.T) {
	runGWT(t, []gwt{
		{name: "locks the list and records the lock milestone",
			given: []Event{planned(), scheduled("p1", 100), scheduled("p2", 90)}, when: FinaliseSession{},
			then: []Event{
				SessionFinalised{SessionID: "s1", FinalisedOn: today, Cases: 2, BookedMinutes: 205},
				SessionMilestoneReached{SessionID: "s1", Milestone: MilestoneLock, ReachedOn: today, FillLevel: 205.0 / 240},
			}},
		{name: "an empty list may be locked", given: []Event{planned()}, on: sessionDate, when: FinaliseSession{},
			then: []Event{
				SessionFinalised{SessionID: "s1", FinalisedOn: sessionDate},
				SessionMilestoneReached{SessionID: "s1", Milestone: MilestoneLock, ReachedOn: sessionDate},
			}},
		{name: "already finalised", given: []Event{planned(), scheduled("p1", 90), finalisedOne}, when: FinaliseSession{}, rule: RuleListFinalised},
		{name: "no such session", when: FinaliseSession{}, rule: RuleSessionNotFound},
		{name: "cancelled session", given: []Event{planned(), cancelledEarly}, when: FinaliseSession{}, rule: RuleSessionCancelled},
		{name: "released session", given: []Event{planned(), released}, when: FinaliseSession{}, rule: RuleSessionReleased},
		{name: "session date has passed", given: []Event{planned()}, on: sessionDate.AddDays(1), when: FinaliseSession{}, rule: RuleSessionInPast},
	})
}

func TestCancelSession(t *testing.T) {
	both := []Event{planned(), scheduled("p1", 100), scheduled("p2", 90)}
	refs := []BookingRef{{PathwayID: "p1", BookingID: "b-p1"}, {PathwayID: "p2", BookingID: "b-p2"}}
	onTheDay := CancelSession{CancelledOn: sessionDate, Reason: "no surgeon"}
	runGWT(t, []gwt{
		{name: "on the day, non-clinical: every booking is cancelled and the day is marked",
			given: both, on: sessionDate, when: onTheDay,
			then: []Event{SessionCancelled{SessionID: "s1", CancelledOn: sessionDate, Reason: "no surgeon", OnTheDay: true, CancelledBookings: refs}}},
		{name: "in advance, for a clinical reason",
			given: both, when: CancelSession{CancelledOn: today, Reason: "surgeon unwell", Clinical: true},
			then: []Event{SessionCancelled{SessionID: "s1", CancelledOn: today, Reason: "surgeon unwell", Clinical: true, CancelledBookings: refs}}},
		{name: "recorded two days late",
			given: both, on: sessionDate.AddDays(2), when: onTheDay,
			then: []Event{SessionCancelled{SessionID: "s1", CancelledOn: sessionDate, Reason: "no surgeon", OnTheDay: true, CancelledBookings: refs}}},
		{name: "a finalised list may be cancelled",
			given: []Event{planned(), scheduled("p1", 90), finalisedOne}, on: sessionDate, when: onTheDay,
			then: []Event{SessionCancelled{SessionID: "s1", CancelledOn: sessionDate, Reason: "no surgeon", OnTheDay: true, CancelledBookings: refs[:1]}}},
		{name: "an empty session", given: []Event{planned()}, when: CancelSession{CancelledOn: today, Reason: "no surgeon"},
			then: []Event{SessionCancelled{SessionID: "s1", CancelledOn: today, Reason: "no surgeon", CancelledBookings: []BookingRef{}}}},
		{name: "no reason", given: both, when: CancelSession{CancelledOn: today, Reason: " "}, rule: RuleReasonRequired, field: "reason"},
		{name: "dated tomorrow", given: both, when: CancelSession{CancelledOn: today.AddDays(1), Reason: "x"}, rule: RuleDateInFuture, field: "cancelled_on"},
		{name: "dated after the session", given: both, on: sessionDate.AddDays(3),
			when: CancelSession{CancelledOn: sessionDate.AddDays(1), Reason: "x"}, rule: RuleCancelledAfterSession, field: "cancelled_on"},
		{name: "dated before the session was planned", given: both,
			when: CancelSession{CancelledOn: today.AddDays(-1), Reason: "x"}, rule: RuleDateBeforePlanned, field: "cancelled_on"},
		{name: "already cancelled", given: []Event{planned(), cancelledEarly}, when: CancelSession{CancelledOn: today, Reason: "x"}, rule: RuleSessionCancelled},
		{name: "released session", given: []Event{planned(), released}, when: CancelSession{CancelledOn: today, Reason: "x"}, rule: RuleSessionReleased},
		{name: "no such session", when: CancelSession{CancelledOn: today, Reason: "x"}, rule: RuleSessionNotFound},
	})
}

func TestReleaseSession(t *testing.T) {
	release := ReleaseSession{Reason: "surgeon on leave"}
	runGWT(t, []gwt{
		{name: "releases an empty session", given: []Event{planned()}, when: release, then: []Event{released}},
		{name: "releases a session emptied by removals", given: []Event{planned(), scheduled("p1", 90), unscheduled("p1", 90, "")},
			when: release, then: []Event{released}},
		{name: "patients still on the list", given: []Event{planned(), scheduled("p1", 90)}, when: release, rule: RuleListNotEmpty},
		{name: "finalised list", given: []Event{planned(), SessionFinalised{SessionID: "s1", FinalisedOn: today}}, when: release, rule: RuleListFinalised},
		{name: "cancelled session", given: []Event{planned(), cancelledEarly}, when: release, rule: RuleSessionCancelled},
		{name: "released twice", given: []Event{planned(), released}, when: release, rule: RuleSessionReleased},
		{name: "session date has passed", given: []Event{planned()}, on: sessionDate.AddDays(1), when: release, rule: RuleSessionInPast},
		{name: "no such session", when: release, rule: RuleSessionNotFound},
	})
}
