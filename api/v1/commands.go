package v1

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/api"
	"github.com/pathway-ledger/ledger/rtt"
)

type patientBody struct {
	NHSNumber  string    `json:"nhs_number" required:"true"`
	FamilyName string    `json:"family_name"`
	GivenName  string    `json:"given_name"`
	BirthDate  *rtt.Date `json:"birth_date"`
}

type referBody struct {
	PathwayID            string      `json:"pathway_id"`
	Patient              patientBody `json:"patient" required:"true"`
	SpecialtyCode        string      `json:"specialty_code" required:"true"`
	ReferralReceivedOn   rtt.Date    `json:"referral_received_on" required:"true"`
	ReferralPriority     string      `json:"referral_priority"`
	Source               string      `json:"source"`
	OriginalClockStartOn *rtt.Date   `json:"original_clock_start_on"`
}

type activityBody struct {
	OccurredOn         rtt.Date  `json:"occurred_on" required:"true"`
	Kind               string    `json:"kind" required:"true"`
	RTTStatus          string    `json:"rtt_status" required:"true"`
	Attendance         string    `json:"attendance"`
	Discharged         bool      `json:"discharged"`
	ClinicalDecisionOn *rtt.Date `json:"clinical_decision_on"`
	PatientAgreed      bool      `json:"patient_agreed"`
}

type entryBody struct {
	DecidedOn       rtt.Date `json:"decided_on" required:"true"`
	ListType        string   `json:"list_type" required:"true"`
	Priority        string   `json:"priority" required:"true"`
	ProcedureCode   string   `json:"procedure_code"`
	ExpectedMinutes int      `json:"expected_minutes"`
}

type offerBody struct {
	OfferID       string   `json:"offer_id"`
	OfferedOn     rtt.Date `json:"offered_on" required:"true"`
	AppointmentOn rtt.Date `json:"appointment_on" required:"true"`
	Kind          string   `json:"kind"`
	ProviderCode  string   `json:"provider_code"`
}

type declineBody struct {
	DeclinedOn rtt.Date `json:"declined_on" required:"true"`
	Reason     string   `json:"reason"`
}

type acceptBody struct {
	AcceptedOn rtt.Date `json:"accepted_on" required:"true"`
}

type unavailabilityBody struct {
	From   rtt.Date `json:"from" required:"true"`
	To     rtt.Date `json:"to" required:"true"`
	Reason string   `json:"reason"`
}

type bookingBody struct {
	BookingID   string   `json:"booking_id"`
	AdmissionOn rtt.Date `json:"admission_on" required:"true"`
	SessionID   string   `json:"session_id"`
	// BookedOn is the day the TCI was agreed (default today): back-office entry of
	// a booking made earlier keeps its real date.
	BookedOn *rtt.Date `json:"booked_on"`
}

type cancellationBody struct {
	CancelledOn  rtt.Date `json:"cancelled_on" required:"true"`
	CancelledBy  string   `json:"cancelled_by" required:"true"`
	Reason       string   `json:"reason" required:"true"`
	Clinical     bool     `json:"clinical"`
	AfterArrival bool     `json:"after_arrival"`
}

type validationBody struct {
	Outcome string   `json:"outcome" required:"true"`
	Checks  []string `json:"checks"`
	Notes   string   `json:"notes" required:"true"`
}

type preOpBody struct {
	AssessedOn   rtt.Date             `json:"assessed_on" required:"true"`
	Outcome      string               `json:"outcome" required:"true"`
	ValidUntil   *rtt.Date            `json:"valid_until"`
	Requirements pathway.Requirements `json:"requirements"`
}

// newID is the id a client did not give: derived from the Idempotency-Key when there
// is one (a retry gets the same id), a UUID v7 otherwise.
func newID(c echo.Context, given, purpose string) (string, error) {
	if given != "" {
		if _, err := uuid.Parse(given); err != nil {
			return "", api.BadRequest("invalid id", api.FieldError{Field: purpose, Detail: "must be a UUID"})
		}
		return given, nil
	}
	idem, err := api.IdempotencyFrom(c)
	if err != nil {
		return "", err
	}
	if idem.Present() {
		return idem.NewID(purpose)
	}
	return uuid.Must(uuid.NewV7()).String(), nil
}

func pathwayParam(c echo.Context) (string, error) {
	id := c.Param("id")
	if _, err := uuid.Parse(id); err != nil {
		return "", api.NotFound("pathway")
	}
	return id, nil
}

func (d *Deps) refer(c echo.Context) error {
	var b referBody
	if err := api.Bind(c, &b); err != nil {
		return err
	}
	id, err := newID(c, b.PathwayID, "pathway_id")
	if err != nil {
		return err
	}
	s, err := d.execute(c, id, true, pathway.Refer{PathwayID: id, Patient: pathway.Patient{NHSNumber: b.Patient.NHSNumber,
		FamilyName: b.Patient.FamilyName, GivenName: b.Patient.GivenName, BirthDate: b.Patient.BirthDate},
		SpecialtyCode: b.SpecialtyCode, ReceivedOn: b.ReferralReceivedOn, ReferralPriority: b.ReferralPriority,
		Source: b.Source, OriginalClockStartOn: b.OriginalClockStartOn}, "")
	if err != nil {
		return err
	}
	return d.respond(c, http.StatusCreated, s)
}

// command binds a body, builds the command, decides and appends it, and answers
// with the pathway.
func command[B any](d *Deps, status int, build func(c echo.Context, b B) (pathway.Command, string, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathwayParam(c)
		if err != nil {
			return err
		}
		var b B
		if err := api.Bind(c, &b); err != nil {
			return err
		}
		cmd, reason, err := build(c, b)
		if err != nil {
			return err
		}
		s, err := d.execute(c, id, false, cmd, reason)
		if err != nil {
			return err
		}
		return d.respond(c, status, s)
	}
}

func activity(_ echo.Context, b activityBody) (pathway.Command, string, error) {
	return pathway.RecordActivity{OccurredOn: b.OccurredOn, Kind: b.Kind, RTTStatus: b.RTTStatus, Attendance: b.Attendance,
		Discharged: b.Discharged, ClinicalDecisionOn: b.ClinicalDecisionOn, PatientAgreed: b.PatientAgreed}, "", nil
}

func entry(_ echo.Context, b entryBody) (pathway.Command, string, error) {
	return pathway.AddToWaitingList{DecidedOn: b.DecidedOn, ListType: b.ListType, Priority: rtt.Priority(b.Priority),
		ProcedureCode: b.ProcedureCode, ExpectedMinutes: b.ExpectedMinutes}, "", nil
}

func offer(c echo.Context, b offerBody) (pathway.Command, string, error) {
	id, err := newID(c, b.OfferID, "offer_id")
	return pathway.MakeOffer{OfferID: id, OfferedOn: b.OfferedOn, AppointmentOn: b.AppointmentOn, Kind: b.Kind,
		ProviderCode: b.ProviderCode}, "", err
}

func decline(c echo.Context, b declineBody) (pathway.Command, string, error) {
	return pathway.DeclineOffer{OfferID: c.Param("offer_id"), DeclinedOn: b.DeclinedOn, Reason: b.Reason}, b.Reason, nil
}

func accept(c echo.Context, b acceptBody) (pathway.Command, string, error) {
	return pathway.AcceptOffer{OfferID: c.Param("offer_id"), AcceptedOn: b.AcceptedOn}, "", nil
}

func unavailability(_ echo.Context, b unavailabilityBody) (pathway.Command, string, error) {
	return pathway.DeclareUnavailability{From: b.From, To: b.To, Reason: b.Reason}, b.Reason, nil
}

func (d *Deps) booking(c echo.Context, b bookingBody) (pathway.Command, string, error) {
	id, err := newID(c, b.BookingID, "booking_id")
	bookedOn := d.today()
	if b.BookedOn != nil {
		bookedOn = *b.BookedOn
	}
	return pathway.BookAdmission{BookingID: id, AdmissionOn: b.AdmissionOn, SessionID: b.SessionID, BookedOn: bookedOn}, "", err
}

func cancellation(c echo.Context, b cancellationBody) (pathway.Command, string, error) {
	return pathway.CancelBooking{BookingID: c.Param("booking_id"), CancelledOn: b.CancelledOn, CancelledBy: b.CancelledBy,
		Reason: b.Reason, Clinical: b.Clinical, AfterArrival: b.AfterArrival}, b.Reason, nil
}

func preOp(_ echo.Context, b preOpBody) (pathway.Command, string, error) {
	return pathway.RecordPreOp{AssessedOn: b.AssessedOn, Outcome: b.Outcome, ValidUntil: b.ValidUntil, Requirements: b.Requirements}, "", nil
}

// validate records a validator's decision and answers with it (201 + Validation).
func (d *Deps) validate(c echo.Context) error {
	id, err := pathwayParam(c)
	if err != nil {
		return err
	}
	var b validationBody
	if err := api.Bind(c, &b); err != nil {
		return err
	}
	vid, err := newID(c, "", "validation_id")
	if err != nil {
		return err
	}
	s, err := d.execute(c, id, false, pathway.RecordValidation{ValidationID: vid, ValidatedOn: d.today(), Outcome: b.Outcome,
		Checks: b.Checks, Notes: b.Notes}, b.Notes)
	if err != nil {
		return err
	}
	v := s.Validations[len(s.Validations)-1]
	v.RecordedAt = d.now()
	return c.JSON(http.StatusCreated, toValidationDTO(id, v))
}
