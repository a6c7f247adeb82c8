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
	// onList holds the pathways on the list: a handful, so a scan beats hashing.
	onList []string
}

func factsOfState(s *State) *listFacts {
	f := &listFacts{id: s.SessionID, status: s.Status, date: s.Date, specialty: s.SpecialtyCode,
		listType: s.ListType, caps: s.Capabilities, grade: effectiveGrade(s.Capabilities, s.Anaesthetist),
		capacity: s.CapacityMinutes(), booked: s.BookedMinutes(), cases: len(s.Bookings),
		turnaround: s.TurnaroundMinutes, onList: make([]string, 0, len(s.Bookings))}
	for _, b := range s.Bookings {
		f.onList = append(f.onList, b.PathwayID)
	}
	return f
}

func factsOfView(v *View) *listFacts {
	f := &listFacts{id: v.SessionID, status: v.Status, date: v.Date, specialty: v.SpecialtyCode,
		listType: v.ListType, caps: v.Capabilities, grade: effectiveGrade(v.Capabilities, v.Anaesthetist),
		capacity: v.CapacityMinutes, booked: v.BookedMinutes, cases: len(v.Bookings),
		turnaround: v.TurnaroundMinutes, onList: make([]string, 0, len(v.Bookings))}
	for _, b := range v.Bookings {
		f.onList = append(f.onList, b.PathwayID)
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

// check names one booking rule; the constants are in the order Decide reports them.
type check int

const (
	checkMinutes check = iota
	checkOnList
	checkClosed
	checkSpecialty
	checkPreOpMissing
	checkPreOpNotFit
	checkPreOpExpired
	checkHDUBed
	checkKit
	checkRadiology
	checkAnaesthetist
	checkBookedElsewhere
	checkCapacity
	checkNone
)

// firstFailure returns the first rule from `from` on that the patient breaks, or
// checkNone. It is straight-line and allocation-free because suggestions run it over
// a whole waiting list; explain builds the words only for the rules that fail.
func (f *listFacts) firstFailure(p *PatientFacts, minutes int, from check) check {
	if from <= checkMinutes && minutes <= 0 {
		return checkMinutes
	}
	if from <= checkOnList && f.isOnList(p.PathwayID) {
		return checkOnList
	}
	if from <= checkClosed && p.Closed {
		return checkClosed
	}
	if from <= checkSpecialty && p.SpecialtyCode != f.specialty {
		return checkSpecialty
	}
	if f.needsPreOp() {
		pre := p.PreOp
		if pre == nil {
			if from <= checkPreOpMissing {
				return checkPreOpMissing
			}
		} else {
			r := &pre.Requirements
			switch {
			case from <= checkPreOpNotFit && pre.Outcome != PreOpFit:
				return checkPreOpNotFit
			case from <= checkPreOpExpired && pre.ExpiresOn().Before(f.date):
				return checkPreOpExpired
			case from <= checkHDUBed && r.HDUBed && !f.caps.HDUBed:
				return checkHDUBed
			case from <= checkKit && len(r.Kit) > 0 && lacksKit(f.caps.Kit, r.Kit):
				return checkKit
			case from <= checkRadiology && r.Radiology && !f.caps.Radiology:
				return checkRadiology
			case from <= checkAnaesthetist && !gradeSatisfies(f.grade, r.AnaesthetistGrade):
				return checkAnaesthetist
			}
		}
	}
	if from <= checkBookedElsewhere && len(p.OtherBookingsOnDate) > 0 && bookedElsewhere(f, p) != nil {
		return checkBookedElsewhere
	}
	if from <= checkCapacity && minutes > f.left() {
		return checkCapacity
	}
	return checkNone
}

// explain words the refusal for a rule firstFailure reported.
func (f *listFacts) explain(c check, p *PatientFacts, minutes int) *RuleError {
	switch c {
	case checkMinutes:
		return refuse(RuleInvalidExpectedMinutes, "expected_minutes", "expected minutes must be positive, got %d", minutes)
	case checkOnList:
		return refuse(RuleAlreadyOnList, "pathway_id", "the patient is already on this list")
	case checkClosed:
		return refuse(RulePathwayClosed, "pathway_id", "the pathway is closed")
	case checkSpecialty:
		return refuse(RuleSpecialtyMismatch, "pathway_id", "the pathway's specialty %s is not the session's %s", p.SpecialtyCode, f.specialty)
	case checkPreOpMissing:
		return refuse(RulePreOpMissing, "pathway_id", "the patient has no pre-operative assessment")
	case checkPreOpNotFit:
		return refuse(RulePreOpNotFit, "pathway_id", "the latest pre-operative assessment (%s) found the patient %q, not fit", p.PreOp.AssessedOn, p.PreOp.Outcome)
	case checkPreOpExpired:
		return refuse(RulePreOpExpired, "pathway_id", "the pre-operative assessment is in date until %s, before the session on %s", p.PreOp.ExpiresOn(), f.date)
	case checkHDUBed:
		return refuse(RuleCapabilityMissing, "capabilities.hdu_bed", "the patient needs an HDU bed and the session has none")
	case checkKit:
		return refuse(RuleCapabilityMissing, "capabilities.kit", "the session lacks the kit the patient needs: %s", strings.Join(missingKit(f.caps.Kit, p.PreOp.Requirements.Kit), ", "))
	case checkRadiology:
		return refuse(RuleCapabilityMissing, "capabilities.radiology", "the patient needs radiology and the session has none")
	case checkAnaesthetist:
		if p.PreOp.Requirements.AnaesthetistGrade == GradeAny {
			return refuse(RuleCapabilityMissing, "capabilities.anaesthetist_grade", "the patient needs an anaesthetist and the session has none")
		}
		return refuse(RuleCapabilityMissing, "capabilities.anaesthetist_grade", "the patient needs a %s anaesthetist and the session does not have one", p.PreOp.Requirements.AnaesthetistGrade)
	case checkBookedElsewhere:
		return refuse(RuleAlreadyBookedThatDay, "pathway_id", "the patient is already booked on session %s on %s", bookedElsewhere(f, p).SessionID, f.date)
	case checkCapacity:
		return refuse(RuleOverCapacity, "expected_minutes", "%d expected minutes do not fit: %d of %d minutes are booked and %d remain after turnaround", minutes, f.booked, f.capacity, f.left())
	}
	return nil
}

func (f *listFacts) isOnList(pathwayID string) bool {
	for _, id := range f.onList {
		if id == pathwayID {
			return true
		}
	}
	return false
}

func bookedElsewhere(f *listFacts, p *PatientFacts) *SessionRef {
	for i := range p.OtherBookingsOnDate {
		if p.OtherBookingsOnDate[i].SessionID != f.id {
			return &p.OtherBookingsOnDate[i]
		}
	}
	return nil
}

// eligible reports whether the patient passes every booking rule.
func (f *listFacts) eligible(p *PatientFacts, minutes int) bool {
	return f.firstFailure(p, minutes, 0) == checkNone
}

// firstRefusal is the first rule the patient breaks, or nil.
func (f *listFacts) firstRefusal(p *PatientFacts, minutes int) *RuleError {
	if c := f.firstFailure(p, minutes, 0); c != checkNone {
		return f.explain(c, p, minutes)
	}
	return nil
}

// allRefusals lists every rule the patient breaks.
func (f *listFacts) allRefusals(p *PatientFacts, minutes int) []*RuleError {
	var out []*RuleError
	for c := f.firstFailure(p, minutes, 0); c != checkNone; c = f.firstFailure(p, minutes, c+1) {
		out = append(out, f.explain(c, p, minutes))
	}
	return out
}
