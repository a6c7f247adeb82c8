package session

import (
	"errors"
	"fmt"
)

// ErrRuleViolation is matched (errors.Is) by every *RuleError: a domain rule refuses
// the command (HTTP 422 in the API).
var ErrRuleViolation = errors.New("session: rule violation")

// RuleError names the rule a command breaks, the command field it concerns (API field
// names, empty when the rule concerns the session as a whole) and a plain-English
// detail that names no patient or pathway, so it is safe to log and to return.
type RuleError struct {
	Rule   string
	Field  string
	Detail string
}

func (e *RuleError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("session: %s: %s", e.Rule, e.Detail)
	}
	return fmt.Sprintf("session: %s (%s): %s", e.Rule, e.Field, e.Detail)
}

// Is makes errors.Is(err, ErrRuleViolation) true.
func (e *RuleError) Is(target error) bool { return target == ErrRuleViolation }

func refuse(rule, field, format string, args ...any) *RuleError {
	return &RuleError{Rule: rule, Field: field, Detail: fmt.Sprintf(format, args...)}
}

// Rule codes are stable: clients and tests match on them.
const (
	// The session's own life cycle.
	RuleSessionNotFound        = "session_not_found"
	RuleSessionAlreadyPlanned  = "session_already_planned"
	RuleSessionCancelled       = "session_cancelled"
	RuleSessionReleased        = "session_released"
	RuleListFinalised          = "list_finalised"
	RuleSessionInPast          = "session_in_past"
	RuleAlreadyConfirmed       = "already_confirmed"
	RuleListNotEmpty           = "list_not_empty"
	RuleDateInFuture           = "date_in_future"
	RuleCancelledAfterSession  = "cancelled_after_session"
	RuleDateBeforePlanned      = "date_before_planned"
	RuleReasonRequired         = "reason_required"
	RuleSessionIDRequired      = "session_id_required"
	RuleEndNotAfterStart       = "end_not_after_start"
	RuleInvalidTurnaround      = "invalid_turnaround"
	RuleUnknownListType        = "unknown_list_type"
	RuleUnknownSpecialty       = "unknown_specialty"
	RuleUnknownAnaesthetist    = "unknown_anaesthetist_grade"
	RuleInvalidKit             = "invalid_kit"
	RuleBookingIDRequired      = "booking_id_required"
	RulePathwayIDRequired      = "pathway_id_required"
	RuleDuplicateBookingID     = "duplicate_booking_id"
	RuleInvalidExpectedMinutes = "invalid_expected_minutes"

	// Whether a patient may go on the list.
	RuleAlreadyOnList        = "already_on_list"
	RuleNotOnList            = "not_on_list"
	RulePathwayClosed        = "pathway_closed"
	RuleSpecialtyMismatch    = "specialty_mismatch"
	RulePreOpMissing         = "pre_op_missing"
	RulePreOpNotFit          = "pre_op_not_fit"
	RulePreOpExpired         = "pre_op_expired"
	RuleCapabilityMissing    = "capability_missing"
	RuleAlreadyBookedThatDay = "already_booked_that_day"
	RuleOverCapacity         = "over_capacity"
)
