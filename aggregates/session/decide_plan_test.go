package session

import (
	"testing"
)

func TestPlanSession(t *testing.T) {
	with := func(m func(*PlanSession)) PlanSession { c := planCommand(); m(&c); return c }
	runGWT(t, []gwt{
		{name: "plans a session with capacity end minus start", when: planCommand(), then: []Event{planned()}},
		{name: "a session may be planned for today", when: with(func(c *PlanSession) { c.Date = today }),
			then: []Event{planned(func(e *SessionPlanned) { e.Date = today })}},
		{name: "turnaround one minute short of the session is allowed",
			when: with(func(c *PlanSession) { c.TurnaroundMinutes = 239 }),
			then: []Event{planned(func(e *SessionPlanned) { e.TurnaroundMinutes = 239 })}},
		{name: "already planned", given: []Event{planned()}, when: planCommand(),
			rule: RuleSessionAlreadyPlanned, field: "session_id"},
		{name: "blank session id", when: with(func(c *PlanSession) { c.SessionID = "  " }),
			rule: RuleSessionIDRequired, field: "session_id"},
		{name: "date before today", when: with(func(c *PlanSession) { c.Date = today.AddDays(-1) }),
			rule: RuleSessionInPast, field: "date"},
		{name: "end equal to start", when: with(func(c *PlanSession) { c.EndTime = c.StartTime }),
			rule: RuleEndNotAfterStart, field: "end_time"},
		{name: "end before start", when: with(func(c *PlanSession) { c.EndTime = MustParseClock("08:00") }),
			rule: RuleEndNotAfterStart, field: "end_time"},
		{name: "unknown list type", when: with(func(c *PlanSession) { c.ListType = "theater" }),
			rule: RuleUnknownListType, field: "list_type"},
		{name: "specialty is not a treatment function code", when: with(func(c *PlanSession) { c.SpecialtyCode = "11" }),
			rule: RuleUnknownSpecialty, field: "specialty_code"},
		{name: "negative turnaround", when: with(func(c *PlanSession) { c.TurnaroundMinutes = -1 }),
			rule: RuleInvalidTurnaround, field: "turnaround_minutes"},
		{name: "turnaround as long as the session", when: with(func(c *PlanSession) { c.TurnaroundMinutes = 240 }),
			rule: RuleInvalidTurnaround, field: "turnaround_minutes"},
		{name: "unknown anaesthetist grade", when: with(func(c *PlanSession) { c.Capabilities.AnaesthetistGrade = "registrar" }),
			rule: RuleUnknownAnaesthetist, field: "capabilities.anaesthetist_grade"},
		{name: "blank kit item", when: with(func(c *PlanSession) { c.Capabilities.Kit = []string{"Laser", " "} }),
			rule: RuleInvalidKit, field: "capabilities.kit"},
	})
}
