package session

import (
	"fmt"
	"strings"

	"github.com/pathway-ledger/ledger/rtt"
)

// Decide turns a command into the events it causes on the session folded as s, or a
// *RuleError naming the rule that refuses it. It never returns both.
func Decide(s State, cmd Command, ctx DecideContext) ([]Event, error) {
	var (
		evs []Event
		err *RuleError
	)
	switch c := cmd.(type) {
	case PlanSession:
		evs, err = decidePlan(s, c, ctx)
	case SchedulePatient:
		evs, err = decideSchedule(s, c, ctx)
	case UnschedulePatient:
		evs, err = decideUnschedule(s, c, ctx)
	case ConfirmSession:
		evs, err = decideConfirm(s, ctx)
	case FinaliseSession:
		evs, err = decideFinalise(s, ctx)
	case CancelSession:
		evs, err = decideCancel(s, c, ctx)
	case ReleaseSession:
		evs, err = decideRelease(s, c, ctx)
	default:
		return nil, fmt.Errorf("session: unknown command %T", cmd)
	}
	if err != nil {
		return nil, err
	}
	return evs, nil
}

func decidePlan(s State, c PlanSession, ctx DecideContext) ([]Event, *RuleError) {
	capacity := c.StartTime.MinutesUntil(c.EndTime)
	switch {
	case s.Exists():
		return nil, refuse(RuleSessionAlreadyPlanned, "session_id", "session %s is already planned", s.SessionID)
	case strings.TrimSpace(c.SessionID) == "":
		return nil, refuse(RuleSessionIDRequired, "session_id", "a session id is required")
	case c.Date.Before(ctx.Today):
		return nil, refuse(RuleSessionInPast, "date", "the session date %s is before today %s", c.Date, ctx.Today)
	case capacity <= 0:
		return nil, refuse(RuleEndNotAfterStart, "end_time", "end time %s is not after start time %s", c.EndTime, c.StartTime)
	case !ValidListType(c.ListType):
		return nil, refuse(RuleUnknownListType, "list_type", "list type %q is not one of theatre, endoscopy, day_case, clinic", c.ListType)
	case !rtt.ValidTreatmentFunction(c.SpecialtyCode):
		return nil, refuse(RuleUnknownSpecialty, "specialty_code", "specialty code %q is not a three-digit treatment function code", c.SpecialtyCode)
	case c.TurnaroundMinutes < 0 || c.TurnaroundMinutes >= capacity:
		return nil, refuse(RuleInvalidTurnaround, "turnaround_minutes", "turnaround of %d minutes must be at least 0 and shorter than the %d-minute session", c.TurnaroundMinutes, capacity)
	case !validGrade(c.Capabilities.AnaesthetistGrade):
		return nil, refuse(RuleUnknownAnaesthetist, "capabilities.anaesthetist_grade", "anaesthetist grade %q is not consultant or any", c.Capabilities.AnaesthetistGrade)
	}
	for _, k := range c.Capabilities.Kit {
		if strings.TrimSpace(k) == "" {
			return nil, refuse(RuleInvalidKit, "capabilities.kit", "kit items must not be blank")
		}
	}
	caps := c.Capabilities
	caps.Kit = append([]string(nil), caps.Kit...)
	return []Event{SessionPlanned{
		SessionID: c.SessionID, PlannedOn: ctx.Today, Date: c.Date, StartTime: c.StartTime, EndTime: c.EndTime,
		CapacityMinutes: capacity, TurnaroundMinutes: c.TurnaroundMinutes, SpecialtyCode: c.SpecialtyCode,
		ListType: c.ListType, Site: c.Site, Room: c.Room, LeadClinician: c.LeadClinician,
		Anaesthetist: c.Anaesthetist, Capabilities: caps,
	}}, nil
}

func decideSchedule(s State, c SchedulePatient, ctx DecideContext) ([]Event, *RuleError) {
	f := factsOfState(&s)
	if err := f.sessionRefusal(ctx.Today); err != nil {
		return nil, err
	}
	switch {
	case c.Patient.PathwayID == "":
		return nil, refuse(RulePathwayIDRequired, "pathway_id", "a pathway id is required")
	case c.BookingID == "":
		return nil, refuse(RuleBookingIDRequired, "booking_id", "a booking id is required")
	}
	for _, b := range s.Bookings {
		if b.BookingID == c.BookingID {
			return nil, refuse(RuleDuplicateBookingID, "booking_id", "booking id %s is already used on this list", c.BookingID)
		}
	}
	if err := f.firstRefusal(&c.Patient, c.ExpectedMinutes); err != nil {
		return nil, err
	}
	ev := PatientScheduled{SessionID: s.SessionID, PathwayID: c.Patient.PathwayID, BookingID: c.BookingID,
		ExpectedMinutes: c.ExpectedMinutes, ScheduledOn: ctx.Today, AdmissionOn: s.Date}
	if f.needsPreOp() {
		on := c.Patient.PreOp.AssessedOn
		ev.PreOpAssessedOn = &on
	}
	evs := []Event{ev}
	after := Evolve(s, ev)
	if threshold := ctx.Policy.orDefault().FillThreshold; s.FilledOn == nil && after.FillLevel() >= threshold {
		evs = append(evs, SessionMilestoneReached{SessionID: s.SessionID, Milestone: MilestoneFill,
			ReachedOn: ctx.Today, FillLevel: after.FillLevel(), FillThreshold: threshold})
	}
	return evs, nil
}

// lifeRefusal is why a session that is no longer live refuses any change.
func lifeRefusal(s State) *RuleError {
	switch s.Status {
	case StatusNone:
		return refuse(RuleSessionNotFound, "", "the session has not been planned")
	case StatusCancelled:
		return refuse(RuleSessionCancelled, "", "the session was cancelled")
	case StatusReleased:
		return refuse(RuleSessionReleased, "", "the session was released")
	}
	return nil
}

func pastRefusal(s State, today rtt.Date) *RuleError {
	if s.Date.Before(today) {
		return refuse(RuleSessionInPast, "", "the session date %s has passed", s.Date)
	}
	return nil
}

// decideUnschedule allows removal from a finalised list: patients still drop out
// after the lock, and the ledger must record it.
func decideUnschedule(s State, c UnschedulePatient, ctx DecideContext) ([]Event, *RuleError) {
	if err := lifeRefusal(s); err != nil {
		return nil, err
	}
	if err := pastRefusal(s, ctx.Today); err != nil {
		return nil, err
	}
	b, ok := s.Booking(c.PathwayID)
	if !ok {
		return nil, refuse(RuleNotOnList, "pathway_id", "the pathway is not on this list")
	}
	return []Event{PatientUnscheduled{SessionID: s.SessionID, PathwayID: b.PathwayID, BookingID: b.BookingID,
		ExpectedMinutes: b.ExpectedMinutes, UnscheduledOn: ctx.Today, Reason: c.Reason}}, nil
}

func decideConfirm(s State, ctx DecideContext) ([]Event, *RuleError) {
	if err := lifeRefusal(s); err != nil {
		return nil, err
	}
	if err := pastRefusal(s, ctx.Today); err != nil {
		return nil, err
	}
	if s.ConfirmedOn != nil {
		return nil, refuse(RuleAlreadyConfirmed, "", "the session was confirmed on %s", *s.ConfirmedOn)
	}
	return []Event{SessionMilestoneReached{SessionID: s.SessionID, Milestone: MilestoneConfirm,
		ReachedOn: ctx.Today, FillLevel: s.FillLevel()}}, nil
}

func decideFinalise(s State, ctx DecideContext) ([]Event, *RuleError) {
	if err := lifeRefusal(s); err != nil {
		return nil, err
	}
	if s.Status == StatusFinalised {
		return nil, refuse(RuleListFinalised, "", "the list was finalised on %s", *s.FinalisedOn)
	}
	if err := pastRefusal(s, ctx.Today); err != nil {
		return nil, err
	}
	return []Event{
		SessionFinalised{SessionID: s.SessionID, FinalisedOn: ctx.Today, Cases: len(s.Bookings), BookedMinutes: s.BookedMinutes()},
		SessionMilestoneReached{SessionID: s.SessionID, Milestone: MilestoneLock, ReachedOn: ctx.Today, FillLevel: s.FillLevel()},
	}, nil
}

// decideCancel accepts a cancellation recorded late (cancelled_on before today) but
// not one dated after the session, in the future, or before the session was planned.
func decideCancel(s State, c CancelSession, ctx DecideContext) ([]Event, *RuleError) {
	if err := lifeRefusal(s); err != nil {
		return nil, err
	}
	switch {
	case strings.TrimSpace(c.Reason) == "":
		return nil, refuse(RuleReasonRequired, "reason", "a cancellation needs a reason")
	case c.CancelledOn.After(ctx.Today):
		return nil, refuse(RuleDateInFuture, "cancelled_on", "cancelled_on %s is after today %s", c.CancelledOn, ctx.Today)
	case c.CancelledOn.After(s.Date):
		return nil, refuse(RuleCancelledAfterSession, "cancelled_on", "cancelled_on %s is after the session date %s", c.CancelledOn, s.Date)
	case c.CancelledOn.Before(s.PlannedOn):
		return nil, refuse(RuleDateBeforePlanned, "cancelled_on", "cancelled_on %s is before the session was planned on %s", c.CancelledOn, s.PlannedOn)
	}
	refs := make([]BookingRef, len(s.Bookings))
	for i, b := range s.Bookings {
		refs[i] = BookingRef{PathwayID: b.PathwayID, BookingID: b.BookingID}
	}
	return []Event{SessionCancelled{SessionID: s.SessionID, CancelledOn: c.CancelledOn, Reason: c.Reason,
		Clinical: c.Clinical, OnTheDay: c.CancelledOn.Equal(s.Date), CancelledBookings: refs}}, nil
}

// decideRelease gives back only an empty, unlocked session: patients on it must be
// taken off (and told) first, each with their own event.
func decideRelease(s State, c ReleaseSession, ctx DecideContext) ([]Event, *RuleError) {
	if err := lifeRefusal(s); err != nil {
		return nil, err
	}
	if s.Status == StatusFinalised {
		return nil, refuse(RuleListFinalised, "", "a finalised list cannot be released; cancel it instead")
	}
	if err := pastRefusal(s, ctx.Today); err != nil {
		return nil, err
	}
	if n := len(s.Bookings); n > 0 {
		return nil, refuse(RuleListNotEmpty, "", "%d patients are still on the list; take them off before releasing it", n)
	}
	return []Event{SessionReleased{SessionID: s.SessionID, ReleasedOn: ctx.Today, Reason: c.Reason}}, nil
}
