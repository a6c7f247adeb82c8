package pathway

import "github.com/pathway-ledger/ledger/rtt"

// decideRefer: the clock starts on the date the referral was received, or for a
// transfer in keeps the original start at the first provider [RR25 11.3].
func decideRefer(s State, c Refer, ctx DecideContext) ([]Event, error) {
	if s.Exists {
		return nil, refuse(RulePathwayExists, "pathway_id", "a referral is already recorded for this pathway")
	}
	if err := required(c.PathwayID, "pathway_id"); err != nil {
		return nil, err
	}
	if !ValidNHSNumber(c.Patient.NHSNumber) {
		return nil, refuse(RuleInvalidNHSNumber, "patient.nhs_number", "must be 10 digits with a valid modulus 11 check digit")
	}
	if !rtt.ValidTreatmentFunction(c.SpecialtyCode) {
		return nil, refuse(RuleUnknownCode, "specialty_code", "must be a 3-digit treatment function code")
	}
	if c.ReferralPriority == "" {
		c.ReferralPriority = "routine"
	}
	if err := oneOf(c.ReferralPriority, "referral_priority", referralPriorities...); err != nil {
		return nil, err
	}
	if c.Source == "" {
		c.Source = "gp"
	}
	if err := oneOf(c.Source, "source", referralSources...); err != nil {
		return nil, err
	}
	if err := checkDate(s, c.ReceivedOn, "referral_received_on", ctx); err != nil {
		return nil, err
	}
	if b := c.Patient.BirthDate; b != nil && b.After(c.ReceivedOn) {
		return nil, refuse(RuleDateBeforeReferral, "patient.birth_date", "is after the referral was received")
	}
	start := c.ReceivedOn
	if c.OriginalClockStartOn != nil {
		if c.OriginalClockStartOn.After(c.ReceivedOn) {
			return nil, refuse(RuleClockStartAfterReferral, "original_clock_start_on", "an original clock start cannot be after the referral was received")
		}
		start = *c.OriginalClockStartOn
	}
	return []Event{ReferralReceived{PathwayID: c.PathwayID, Patient: c.Patient, SpecialtyCode: c.SpecialtyCode,
		ReceivedOn: c.ReceivedOn, ClockStartOn: start, ReferralPriority: c.ReferralPriority, Source: c.Source}}, nil
}
