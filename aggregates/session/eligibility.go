package session

import (
	"strings"

	"github.com/pathway-ledger/ledger/rtt"
)

// listFacts is what the booking rules need to know about a session, built once per
// command or per suggestion run from a State or a View.
type listFacts struct {
	id         string
	status     Status
	date       rtt.Date
	specialty  string
	listType   string
	caps       Capabilities
	grade      string
	capacity   int
	booked     int
	cases      int
	turnaround int
	onList     map[string]struct{}
}

func factsOfState(s *State) *listFacts {
	f := &listFacts{id: s.SessionID, status: s.Status, date: s.Date, specialty: s.SpecialtyCode,
		listType: s.ListType, caps: s.Capabilities, grade: effectiveGrade(s.Capabilities, s.Anaesthetist),
		capacity: s.CapacityMinutes(), booked: s.BookedMinutes(), cases: len(s.Bookings),
		turnaround: s.TurnaroundMinutes, onList: make(map[string]struct{}, len(s.Bookings))}
	for _, b := range s.Bookings {
		f.onList[b.PathwayID] = struct{}{}
	}
	return f
}

func factsOfView(v *View) *listFacts {
	f := &listFacts{id: v.SessionID, status: v.Status, date: v.Date, specialty: v.SpecialtyCode,
		listType: v.ListType, caps: v.Capabilities, grade: effectiveGrade(v.Capabilities, v.Anaesthetist),
		capacity: v.CapacityMinutes, booked: v.BookedMinutes, cases: len(v.Bookings),
		turnaround: v.TurnaroundMinutes, onList: make(map[string]struct{}, len(v.Bookings))}
	for _, b := range v.Bookings {
		f.onList[b.PathwayID] = struct{}{}
	}
	return f
}

// left is the longest case that still fits.
func (f *listFacts) left() int { return remainingMinutes(f.capacity, f.booked, f.cases, f.turnaround) }

// needsPreOp: clinic lists operate on nobody, so they need no pre-operative
// assessment and no theatre capabilities (ours).
func (f *listFacts) needsPreOp() bool { return f.listType != ListClinic }

// sessionRefusal is why a session takes no more patients, or nil.
func (f *listFacts) sessionRefusal(today rtt.Date) *RuleError {
	switch f.status {
	case StatusNone:
		return refuse(RuleSessionNotFound, "", "the session has not been planned")
	case StatusCancelled:
		return refuse(RuleSessionCancelled, "", "the session was cancelled")
	case StatusReleased:
		return refuse(RuleSessionReleased, "", "the session was released")
	case StatusFinalised:
		return refuse(RuleListFinalised, "", "the list is finalised (locked)")
	}
	if f.date.Before(today) {
		return refuse(RuleSessionInPast, "", "the session date %s has passed", f.date)
	}
	return nil
}

// patientCheck is one booking rule. fails is allocation-free so that suggestions can
// screen 100k candidates; explain builds the refusal only when it is needed.
type patientCheck struct {
	fails   func(f *listFacts, p *PatientFacts, minutes int) bool
	explain func(f *listFacts, p *PatientFacts, minutes int) *RuleError
}

// patientChecks in the order Decide reports them.
var patientChecks = []patientCheck{
	{
		fails: func(_ *listFacts, _ *PatientFacts, m int) bool { return m <= 0 },
		explain: func(_ *listFacts, _ *PatientFacts, m int) *RuleError {
			return refuse(RuleInvalidExpectedMinutes, "expected_minutes", "expected minutes must be positive, got %d", m)
		},
	},
	{
		fails: func(f *listFacts, p *PatientFacts, _ int) bool { _, on := f.onList[p.PathwayID]; return on },
		explain: func(*listFacts, *PatientFacts, int) *RuleError {
			return refuse(RuleAlreadyOnList, "pathway_id", "the patient is already on this list")
		},
	},
	{
		fails: func(_ *listFacts, p *PatientFacts, _ int) bool { return p.Closed },
		explain: func(*listFacts, *PatientFacts, int) *RuleError {
			return refuse(RulePathwayClosed, "pathway_id", "the pathway is closed")
		},
	},
	{
		fails: func(f *listFacts, p *PatientFacts, _ int) bool { return p.SpecialtyCode != f.specialty },
		explain: func(f *listFacts, p *PatientFacts, _ int) *RuleError {
			return refuse(RuleSpecialtyMismatch, "pathway_id", "the pathway's specialty %s is not the session's %s", p.SpecialtyCode, f.specialty)
		},
	},
	{
		fails: func(f *listFacts, p *PatientFacts, _ int) bool { return f.needsPreOp() && p.PreOp == nil },
		explain: func(*listFacts, *PatientFacts, int) *RuleError {
			return refuse(RulePreOpMissing, "pathway_id", "the patient has no pre-operative assessment")
		},
	},
	{
		fails: func(f *listFacts, p *PatientFacts, _ int) bool {
			return f.needsPreOp() && p.PreOp != nil && p.PreOp.Outcome != PreOpFit
		},
		explain: func(_ *listFacts, p *PatientFacts, _ int) *RuleError {
			return refuse(RulePreOpNotFit, "pathway_id", "the latest pre-operative assessment (%s) found the patient %q, not fit", p.PreOp.AssessedOn, p.PreOp.Outcome)
		},
	},
	{
		fails: func(f *listFacts, p *PatientFacts, _ int) bool {
			return f.needsPreOp() && p.PreOp != nil && p.PreOp.ExpiresOn().Before(f.date)
		},
		explain: func(f *listFacts, p *PatientFacts, _ int) *RuleError {
			return refuse(RulePreOpExpired, "pathway_id", "the pre-operative assessment is in date until %s, before the session on %s", p.PreOp.ExpiresOn(), f.date)
		},
	},
	capabilityCheck("capabilities.hdu_bed",
		func(f *listFacts, r *Requirements) bool { return r.HDUBed && !f.caps.HDUBed },
		func(*listFacts, *Requirements) string { return "the patient needs an HDU bed and the session has none" }),
	capabilityCheck("capabilities.kit",
		func(f *listFacts, r *Requirements) bool {
			for _, k := range r.Kit {
				if strings.TrimSpace(k) != "" && !hasKit(f.caps.Kit, k) {
					return true
				}
			}
			return false
		},
		func(f *listFacts, r *Requirements) string {
			return "the session lacks the kit the patient needs: " + strings.Join(missingKit(f.caps.Kit, r.Kit), ", ")
		}),
	capabilityCheck("capabilities.radiology",
		func(f *listFacts, r *Requirements) bool { return r.Radiology && !f.caps.Radiology },
		func(*listFacts, *Requirements) string { return "the patient needs radiology and the session has none" }),
	capabilityCheck("capabilities.anaesthetist_grade",
		func(f *listFacts, r *Requirements) bool { return !gradeSatisfies(f.grade, r.AnaesthetistGrade) },
		func(_ *listFacts, r *Requirements) string {
			if r.AnaesthetistGrade == GradeAny {
				return "the patient needs an anaesthetist and the session has none"
			}
			return "the patient needs a " + r.AnaesthetistGrade + " anaesthetist and the session does not have one"
		}),
	{
		fails: func(f *listFacts, p *PatientFacts, _ int) bool { return bookedElsewhere(f, p) != nil },
		explain: func(f *listFacts, p *PatientFacts, _ int) *RuleError {
			return refuse(RuleAlreadyBookedThatDay, "pathway_id", "the patient is already booked on session %s on %s", bookedElsewhere(f, p).SessionID, f.date)
		},
	},
	{
		fails: func(f *listFacts, _ *PatientFacts, m int) bool { return m > f.left() },
		explain: func(f *listFacts, _ *PatientFacts, m int) *RuleError {
			return refuse(RuleOverCapacity, "expected_minutes", "%d expected minutes do not fit: %d of %d minutes are booked and %d remain after turnaround", m, f.booked, f.capacity, f.left())
		},
	},
}

// capabilityCheck builds the check of one pre-op requirement against the session.
func capabilityCheck(field string, lacks func(*listFacts, *Requirements) bool, detail func(*listFacts, *Requirements) string) patientCheck {
	return patientCheck{
		fails: func(f *listFacts, p *PatientFacts, _ int) bool {
			return f.needsPreOp() && p.PreOp != nil && lacks(f, &p.PreOp.Requirements)
		},
		explain: func(f *listFacts, p *PatientFacts, _ int) *RuleError {
			return refuse(RuleCapabilityMissing, field, "%s", detail(f, &p.PreOp.Requirements))
		},
	}
}

func bookedElsewhere(f *listFacts, p *PatientFacts) *SessionRef {
	for i := range p.OtherBookingsOnDate {
		if p.OtherBookingsOnDate[i].SessionID != f.id {
			return &p.OtherBookingsOnDate[i]
		}
	}
	return nil
}

// eligible reports whether the patient passes every booking rule (allocation-free).
func (f *listFacts) eligible(p *PatientFacts, minutes int) bool {
	for i := range patientChecks {
		if patientChecks[i].fails(f, p, minutes) {
			return false
		}
	}
	return true
}

// firstRefusal is the first rule the patient breaks, or nil.
func (f *listFacts) firstRefusal(p *PatientFacts, minutes int) *RuleError {
	for i := range patientChecks {
		if patientChecks[i].fails(f, p, minutes) {
			return patientChecks[i].explain(f, p, minutes)
		}
	}
	return nil
}

// allRefusals lists every rule the patient breaks.
func (f *listFacts) allRefusals(p *PatientFacts, minutes int) []*RuleError {
	var out []*RuleError
	for i := range patientChecks {
		if patientChecks[i].fails(f, p, minutes) {
			out = append(out, patientChecks[i].explain(f, p, minutes))
		}
	}
	return out
}
