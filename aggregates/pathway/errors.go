package pathway

import (
	"errors"
	"fmt"
)

// ErrRuleViolation is matched by every *RuleError (errors.Is).
var ErrRuleViolation = errors.New("pathway: rule violation")

// Rule codes: stable snake_case names of what a refused command breaks. The API
// answers them as 422 problems (404 for RulePathwayNotFound, 409 for RulePathwayExists).
const (
	RulePathwayNotFound         = "pathway_not_found"
	RulePathwayExists           = "pathway_exists"
	RulePathwayClosed           = "pathway_closed"
	RuleInvalidNHSNumber        = "invalid_nhs_number"
	RuleUnknownCode             = "unknown_code"
	RuleRequired                = "required"
	RuleDateInFuture            = "date_in_future"
	RuleDateBeforeReferral      = "date_before_referral"
	RuleClockStartAfterReferral = "clock_start_after_referral"
	RuleNoRunningClock          = "no_running_clock"
	RuleClockAlreadyRunning     = "clock_already_running"
	RuleStartBeforeLastStop     = "new_period_before_last_stop"
	RuleStopBeforeStart         = "clock_stop_before_start"
	RuleNotOnWaitingList        = "not_on_waiting_list"
	RuleAlreadyOnWaitingList    = "already_on_waiting_list"
	RuleListNeedsRunningClock   = "waiting_list_needs_running_clock"
	RuleDuplicateID             = "duplicate_id"
	RuleOfferNotFound           = "offer_not_found"
	RuleOfferAnswered           = "offer_already_answered"
	RuleAppointmentBeforeOffer  = "appointment_before_offer"
	RuleBadInterval             = "interval_end_before_start"
	RuleBookingNotFound         = "booking_not_found"
	RuleBookingCancelled        = "booking_already_cancelled"
	RulePeriodNotFound          = "period_not_found"
	RuleEventNotFound           = "event_not_found"
	RuleCannotRetract           = "event_cannot_be_retracted"
	RuleAlertNotActive          = "alert_not_active"
	RuleValidUntilBeforeAssess  = "valid_until_before_assessment"
	RuleNotPositive             = "must_be_positive"
)

// RuleError is a command refused by a domain rule.
type RuleError struct {
	Rule   string // one of the Rule* codes
	Field  string // the command field at fault, "" when none
	Detail string // plain English, never patient identifiers
}

func (e *RuleError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("pathway: %s: %s: %s", e.Rule, e.Field, e.Detail)
	}
	return fmt.Sprintf("pathway: %s: %s", e.Rule, e.Detail)
}

// Is makes errors.Is(err, ErrRuleViolation) true.
func (e *RuleError) Is(target error) bool { return target == ErrRuleViolation }

// RuleCode lets the API map the error without importing this package's types.
func (e *RuleError) RuleCode() string { return e.Rule }

func refuse(rule, field, format string, args ...any) error {
	return &RuleError{Rule: rule, Field: field, Detail: fmt.Sprintf(format, args...)}
}
