package session

import (
	"strings"

	"github.com/pathway-ledger/ledger/rtt"
)

// List types a session may have (API.md).
const (
	ListTheatre   = "theatre"
	ListEndoscopy = "endoscopy"
	ListDayCase   = "day_case"
	ListClinic    = "clinic"
)

// ValidListType reports whether t is one of the API's list types.
func ValidListType(t string) bool {
	switch t {
	case ListTheatre, ListEndoscopy, ListDayCase, ListClinic:
		return true
	}
	return false
}

// Anaesthetist grades. On a session, GradeConsultant means a consultant anaesthetist
// is present and GradeAny an anaesthetist of another grade; empty means none is
// declared (a session with a named anaesthetist but no grade counts as GradeAny).
// On a pre-op requirement, GradeAny means "needs an anaesthetist" and
// GradeConsultant "needs a consultant anaesthetist"; empty means no requirement.
const (
	GradeConsultant = "consultant"
	GradeAny        = "any"
)

func validGrade(g string) bool { return g == "" || g == GradeConsultant || g == GradeAny }

// Capabilities are what a session offers.
type Capabilities struct {
	HDUBed            bool     `json:"hdu_bed"`
	Kit               []string `json:"kit"`
	Radiology         bool     `json:"radiology"`
	AnaesthetistGrade string   `json:"anaesthetist_grade"`
}

// Requirements are what a pre-operative assessment says the patient needs.
type Requirements struct {
	HDUBed            bool     `json:"hdu_bed"`
	Kit               []string `json:"kit"`
	Radiology         bool     `json:"radiology"`
	AnaesthetistGrade string   `json:"anaesthetist_grade"`
}

// Pre-operative assessment outcomes (API.md).
const (
	PreOpFit    = "fit"
	PreOpUnfit  = "unfit"
	PreOpReview = "review"
)

// PreOpValidityDays is how long a pre-op assessment without valid_until stays in date
// (ours: 12 weeks, a common trust policy; the session must fall within it).
const PreOpValidityDays = 84

// PreOp is the patient's latest pre-operative assessment.
type PreOp struct {
	Outcome      string       `json:"outcome"`
	AssessedOn   rtt.Date     `json:"assessed_on"`
	ValidUntil   *rtt.Date    `json:"valid_until,omitempty"`
	Requirements Requirements `json:"requirements"`
}

// ExpiresOn is the last day the assessment is in date.
func (p PreOp) ExpiresOn() rtt.Date {
	if p.ValidUntil != nil {
		return *p.ValidUntil
	}
	return p.AssessedOn.AddDays(PreOpValidityDays)
}

// SessionRef points at a booking the patient holds on some session.
type SessionRef struct {
	SessionID string `json:"session_id"`
	BookingID string `json:"booking_id"`
}

// PatientFacts is what the session needs to know about a pathway to schedule it,
// taken by the caller from the pathway read model at the time of the command.
type PatientFacts struct {
	PathwayID     string
	SpecialtyCode string
	// Closed: the pathway has no open period or waiting-list entry to book against.
	Closed bool
	// PreOp is the latest assessment, nil when there is none.
	PreOp *PreOp
	// OtherBookingsOnDate are the patient's live bookings on the session's date.
	// A booking on this same session is ignored here (the list itself decides that).
	OtherBookingsOnDate []SessionRef
}

// effectiveGrade is the anaesthetist grade the session can offer.
func effectiveGrade(caps Capabilities, anaesthetist string) string {
	if caps.AnaesthetistGrade == "" && strings.TrimSpace(anaesthetist) != "" {
		return GradeAny
	}
	return caps.AnaesthetistGrade
}

// gradeSatisfies reports whether a session grade meets a required grade.
func gradeSatisfies(have, need string) bool {
	switch need {
	case "":
		return true
	case GradeAny:
		return have != ""
	}
	return have == need
}

// lacksKit reports whether any required kit item is missing, without allocating.
func lacksKit(have, need []string) bool {
	for _, n := range need {
		if strings.TrimSpace(n) != "" && !hasKit(have, n) {
			return true
		}
	}
	return false
}

// missingKit returns the required kit items the session lacks (case and surrounding
// space are ignored).
func missingKit(have, need []string) []string {
	var out []string
	for _, n := range need {
		if strings.TrimSpace(n) != "" && !hasKit(have, n) {
			out = append(out, strings.TrimSpace(n))
		}
	}
	return out
}

func hasKit(have []string, n string) bool {
	n = strings.TrimSpace(n)
	for _, h := range have {
		if strings.EqualFold(strings.TrimSpace(h), n) {
			return true
		}
	}
	return false
}
