package pathway

import "github.com/pathway-ledger/ledger/rtt"

// The closed vocabularies Decide checks a command's codes against. CheckRecorded
// checks an event that arrives already decided against the same lists.
var (
	referralPriorities = []string{"routine", "urgent", "two_week_wait"}
	referralSources    = []string{"gp", "consultant", "self", "transfer_in", "other"}
	activityKinds      = []string{"outpatient_first", "outpatient_follow_up", "admission", "day_case", "diagnostic", "administrative"}
	attendances        = []string{"attended", "did_not_attend"}
	listTypes          = []string{"inpatient", "day_case", "endoscopy", "diagnostic", "planned"}
	preOpOutcomes      = []string{"fit", "unfit", "review"}
	anaesthetistGrades = []string{"consultant", "any"}
	offerKinds         = []string{"admission", "outpatient", "diagnostic"}
	cancellers         = []string{"hospital", "patient"}
	validationOutcomes = []string{"confirmed", "corrected", "escalated"}
)

// The stop statuses evolve gives a period that ends without a ClockStopped.
const (
	StatusNullified      = "33" // ClockNullified
	StatusTransferredOut = "21" // TransferredOut
)

// CheckRecorded refuses an event whose codes or NHS number Decide would never have
// recorded: a specialty that is not a treatment function code, an RTT status that
// is not national, a list type, kind or outcome outside its list. An event read
// from outside (an NDJSON import of events) is checked with it, so that the log
// holds only what the read models can file and the national return can report.
// Dates, order and the state's own rules are not checked here: they need the
// pathway's history, which folding gives.
func CheckRecorded(e Event) error {
	switch e := e.(type) {
	case ReferralReceived:
		if !ValidNHSNumber(e.Patient.NHSNumber) {
			return refuse(RuleInvalidNHSNumber, "patient.nhs_number", "must be 10 digits with a valid modulus 11 check digit")
		}
		if !rtt.ValidTreatmentFunction(e.SpecialtyCode) {
			return refuse(RuleUnknownCode, "specialty_code", "must be a 3-digit treatment function code")
		}
		return firstError(oneOf(e.ReferralPriority, "referral_priority", referralPriorities...),
			oneOf(e.Source, "source", referralSources...))
	case ActivityRecorded:
		return firstError(oneOf(e.Kind, "kind", activityKinds...), oneOf(e.Attendance, "attendance", attendances...),
			nationalStatus(e.RTTStatus, "rtt_status"))
	case ClockStarted:
		return nationalStatus(e.Status, "status")
	case ClockStopped:
		return nationalStatus(e.Status, "status")
	case PatientDidNotAttend:
		return oneOf(e.Kind, "kind", activityKinds...)
	case AddedToWaitingList:
		return oneOf(e.ListType, "list_type", listTypes...)
	case PreOpAssessmentCompleted:
		if g := e.Requirements.AnaesthetistGrade; g != "" {
			if err := oneOf(g, "requirements.anaesthetist_grade", anaesthetistGrades...); err != nil {
				return err
			}
		}
		return oneOf(e.Outcome, "outcome", preOpOutcomes...)
	case OfferMade:
		return oneOf(e.Kind, "kind", offerKinds...)
	case BookingCancelled:
		return oneOf(e.CancelledBy, "cancelled_by", cancellers...)
	case ValidationRecorded:
		return oneOf(e.Outcome, "outcome", validationOutcomes...)
	}
	return nil
}

func nationalStatus(code, field string) error {
	if _, ok := rtt.LookupStatus(code); !ok {
		return refuse(RuleUnknownCode, field, "%q is not a national RTT period status", code)
	}
	return nil
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
