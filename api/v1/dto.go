// Package v1 holds the v1 pathway and query routes of API.md on the api core: bodies
// bound strictly into DTOs, commands decided by the pathway aggregate and appended at
// the version they were decided on, views answered in the contract's JSON.
package v1

import (
	"time"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/rtt"
)

type patientDTO struct {
	NHSNumber  string    `json:"nhs_number"`
	FamilyName *string   `json:"family_name"`
	GivenName  *string   `json:"given_name"`
	BirthDate  *rtt.Date `json:"birth_date"`
}

type entryDTO struct {
	ListType        string       `json:"list_type"`
	Priority        rtt.Priority `json:"priority"`
	DecidedOn       rtt.Date     `json:"decided_on"`
	PriorityDueOn   *rtt.Date    `json:"priority_due_on"`
	ProcedureCode   *string      `json:"procedure_code"`
	ExpectedMinutes *int         `json:"expected_minutes"`
}

type bookingDTO struct {
	BookingID              string    `json:"booking_id"`
	AdmissionOn            rtt.Date  `json:"admission_on"`
	Status                 string    `json:"status"`
	CancelledBy            *string   `json:"cancelled_by"`
	TwentyEightDayDeadline *rtt.Date `json:"twenty_eight_day_deadline"`
	TwentyEightDayBreached bool      `json:"twenty_eight_day_breached"`
	SessionID              *string   `json:"session_id"`
}

type requirementsDTO struct {
	HDUBed    bool     `json:"hdu_bed"`
	Kit       []string `json:"kit"`
	Radiology bool     `json:"radiology"`
	// AnaesthetistGrade is "any" when the assessment asked for no particular grade.
	AnaesthetistGrade string `json:"anaesthetist_grade"`
}

type preOpDTO struct {
	AssessedOn   rtt.Date        `json:"assessed_on"`
	Outcome      string          `json:"outcome"`
	ValidUntil   *rtt.Date       `json:"valid_until"`
	Requirements requirementsDTO `json:"requirements"`
}

// pathwayDTO is API.md's Pathway.
type pathwayDTO struct {
	PathwayID        string               `json:"pathway_id"`
	StreamVersion    int64                `json:"stream_version"`
	SpecialtyCode    string               `json:"specialty_code"`
	ReferralPriority string               `json:"referral_priority"`
	Patient          patientDTO           `json:"patient"`
	Periods          []pathway.PeriodView `json:"periods"`
	CurrentPeriod    *pathway.PeriodView  `json:"current_period"`
	WaitingList      *entryDTO            `json:"waiting_list"`
	Offers           []pathway.OfferView  `json:"offers"`
	Bookings         []bookingDTO         `json:"bookings"`
	Findings         []pathway.Finding    `json:"findings"`
	PreOp            *preOpDTO            `json:"pre_op"`
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toPathwayDTO(v pathway.View) pathwayDTO {
	out := pathwayDTO{PathwayID: v.PathwayID, StreamVersion: v.StreamVersion, SpecialtyCode: v.SpecialtyCode,
		ReferralPriority: v.ReferralPriority, Periods: v.Periods, CurrentPeriod: v.CurrentPeriod, Offers: v.Offers,
		Bookings: make([]bookingDTO, 0, len(v.Bookings)), Findings: v.Findings,
		Patient: patientDTO{NHSNumber: v.Patient.NHSNumber, FamilyName: nonEmpty(v.Patient.FamilyName),
			GivenName: nonEmpty(v.Patient.GivenName), BirthDate: v.Patient.BirthDate}}
	if wl := v.WaitingList; wl != nil {
		e := entryDTO{ListType: wl.ListType, Priority: wl.Priority, DecidedOn: wl.DecidedOn, PriorityDueOn: wl.PriorityDueOn,
			ProcedureCode: nonEmpty(wl.ProcedureCode)}
		if wl.ExpectedMinutes > 0 {
			m := wl.ExpectedMinutes
			e.ExpectedMinutes = &m
		}
		out.WaitingList = &e
	}
	for _, b := range v.Bookings {
		out.Bookings = append(out.Bookings, bookingDTO{BookingID: b.BookingID, AdmissionOn: b.AdmissionOn, Status: b.Status,
			CancelledBy: b.CancelledBy, TwentyEightDayDeadline: b.TwentyEightDayDeadline,
			TwentyEightDayBreached: b.TwentyEightDayBreached, SessionID: nonEmpty(b.SessionID)})
	}
	if p := v.PreOp; p != nil {
		r := requirementsDTO{HDUBed: p.Requirements.HDUBed, Kit: p.Requirements.Kit, Radiology: p.Requirements.Radiology,
			AnaesthetistGrade: p.Requirements.AnaesthetistGrade}
		if r.Kit == nil {
			r.Kit = []string{}
		}
		if r.AnaesthetistGrade == "" {
			r.AnaesthetistGrade = "any"
		}
		out.PreOp = &preOpDTO{AssessedOn: p.AssessedOn, Outcome: p.Outcome, ValidUntil: p.ValidUntil, Requirements: r}
	}
	return out
}

// validationDTO is a validator's decision with who made it.
type validationDTO struct {
	PathwayID  string        `json:"pathway_id"`
	Outcome    string        `json:"outcome"`
	Checks     []string      `json:"checks"`
	Notes      string        `json:"notes"`
	Validator  pathway.Actor `json:"validator"`
	RecordedAt time.Time     `json:"recorded_at"`
}

func toValidationDTO(id string, v pathway.Validation) validationDTO {
	checks := v.Checks
	if checks == nil {
		checks = []string{}
	}
	return validationDTO{PathwayID: id, Outcome: v.Outcome, Checks: checks, Notes: v.Notes, Validator: v.Validator,
		RecordedAt: v.RecordedAt.UTC()}
}
