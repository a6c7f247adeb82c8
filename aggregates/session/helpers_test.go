package session

import (
	"errors"
	"testing"

	"github.com/pathway-ledger/ledger/rtt"
	"github.com/stretchr/testify/require"
)

var (
	d = rtt.MustParseDate
	// today is a Monday six weeks before the session.
	today       = d("2025-03-03")
	sessionDate = d("2025-04-14")
)

func datePtr(s string) *rtt.Date { v := d(s); return &v }

// planned is an orthopaedic theatre list of 240 minutes with 15 minutes' turnaround,
// an HDU bed, an arthroscopy stack and a consultant anaesthetist.
func planned(mods ...func(*SessionPlanned)) SessionPlanned {
	e := SessionPlanned{
		SessionID: "s1", PlannedOn: today, Date: sessionDate,
		StartTime: MustParseClock("08:30"), EndTime: MustParseClock("12:30"), CapacityMinutes: 240,
		TurnaroundMinutes: 15, SpecialtyCode: "110", ListType: ListTheatre, Site: "RGH", Room: "Theatre 3",
		LeadClinician: "C1234567", Anaesthetist: "C7654321",
		Capabilities: Capabilities{HDUBed: true, Kit: []string{"Arthroscopy stack"}, AnaesthetistGrade: GradeConsultant},
	}
	for _, m := range mods {
		m(&e)
	}
	return e
}

func planCommand() PlanSession {
	return PlanSession{
		SessionID: "s1", Date: sessionDate, StartTime: MustParseClock("08:30"), EndTime: MustParseClock("12:30"),
		SpecialtyCode: "110", ListType: ListTheatre, Site: "RGH", Room: "Theatre 3",
		LeadClinician: "C1234567", Anaesthetist: "C7654321", TurnaroundMinutes: 15,
		Capabilities: Capabilities{HDUBed: true, Kit: []string{"Arthroscopy stack"}, AnaesthetistGrade: GradeConsultant},
	}
}

// fitPatient is an orthopaedic pathway with a fit pre-op valid past the session.
func fitPatient(id string) PatientFacts {
	return PatientFacts{PathwayID: id, SpecialtyCode: "110", PreOp: &PreOp{
		Outcome: PreOpFit, AssessedOn: d("2025-02-20"), ValidUntil: datePtr("2025-05-20")}}
}

func schedule(id string, minutes int, mods ...func(*PatientFacts)) SchedulePatient {
	p := fitPatient(id)
	for _, m := range mods {
		m(&p)
	}
	return SchedulePatient{BookingID: "b-" + id, ExpectedMinutes: minutes, Patient: p}
}

func scheduled(id string, minutes int) PatientScheduled {
	return PatientScheduled{SessionID: "s1", PathwayID: id, BookingID: "b-" + id, ExpectedMinutes: minutes,
		ScheduledOn: today, AdmissionOn: sessionDate, PreOpAssessedOn: datePtr("2025-02-20")}
}

// requireRule asserts err is a *RuleError with the rule and field.
func requireRule(t *testing.T, err error, rule, field string) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, ErrRuleViolation)
	var re *RuleError
	require.True(t, errors.As(err, &re), "want *RuleError, got %T: %v", err, err)
	require.Equal(t, rule, re.Rule, re.Detail)
	require.Equal(t, field, re.Field, re.Detail)
	require.NotEmpty(t, re.Detail)
}

// gwt is one given/when/then case: past events, a command on a date, and either the
// events it causes or the rule (and field) that refuses it.
type gwt struct {
	name   string
	given  []Event
	on     rtt.Date
	policy MilestonePolicy
	when   Command
	then   []Event
	rule   string
	field  string
}

func runGWT(t *testing.T, cases []gwt) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			on := c.on
			if on == (rtt.Date{}) {
				on = today
			}
			evs, err := Decide(Fold(c.given), c.when, DecideContext{Today: on, Policy: c.policy})
			if c.rule != "" {
				requireRule(t, err, c.rule, c.field)
				require.Nil(t, evs)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.then, evs)
		})
	}
}
