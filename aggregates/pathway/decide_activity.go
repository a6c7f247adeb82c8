package pathway

import (
	"github.com/pathway-ledger/ledger/rtt"
)

// Rules of activities only.
const (
	RuleNullifyNeedsDNA          = "status_33_needs_did_not_attend"
	RuleNullifyNotFirst          = "status_33_only_for_first_activity"
	RuleSeparateCondition        = "separate_condition_needs_new_pathway"
	RuleMonitoringNeedsAgreement = "active_monitoring_needs_patient_agreement"
)

// decideActivity applies the RTT status code of an activity (RTT.md §1, §4, [DD]).
func decideActivity(s State, c RecordActivity, ctx DecideContext) ([]Event, error) {
	if err := oneOf(c.Kind, "kind", activityKinds...); err != nil {
		return nil, err
	}
	if c.Attendance == "" {
		c.Attendance = "attended"
	}
	if err := oneOf(c.Attendance, "attendance", attendances...); err != nil {
		return nil, err
	}
	status, ok := rtt.LookupStatus(c.RTTStatus)
	if !ok {
		return nil, refuse(RuleUnknownCode, "rtt_status", "%q is not a national RTT period status", c.RTTStatus)
	}
	if err := checkDate(s, c.OccurredOn, "occurred_on", ctx); err != nil {
		return nil, err
	}
	if d := c.ClinicalDecisionOn; d != nil {
		if err := checkDate(s, *d, "clinical_decision_on", ctx); err != nil {
			return nil, err
		}
	}
	running := s.Running()
	dna := c.Attendance == "did_not_attend"
	// The first activity of a period is the one that can nullify it: none recorded yet.
	first := running != nil && !running.HasActivity
	out := []Event{ActivityRecorded(c)}
	if dna {
		out = append(out, PatientDidNotAttend{MissedOn: c.OccurredOn, Kind: c.Kind, First: first, Discharged: c.Discharged})
	}
	switch status.Effect {
	case rtt.EffectNullify:
		return decideNullify(s, c, out, running, dna, first)
	case rtt.EffectStart:
		return decideStart(s, c, out, running)
	case rtt.EffectTransfer:
		if running == nil {
			return nil, refuse(RuleNoRunningClock, "rtt_status", "a transfer (21) needs a running clock")
		}
		return append(out, TransferredOut{TransferredOn: c.OccurredOn}), nil
	case rtt.EffectStop:
		return decideStop(s, c, out, running)
	}
	return out, nil
}

// decideNullify: a clearly communicated first appointment missed nullifies the period
// (33), except a two-week-wait referral whose clock continues unless a clinician
// discharges ([DD]; SCENARIOS 9).
func decideNullify(s State, c RecordActivity, out []Event, running *Period, dna, first bool) ([]Event, error) {
	if !dna {
		return nil, refuse(RuleNullifyNeedsDNA, "attendance", "status 33 records a missed first appointment: attendance must be did_not_attend")
	}
	if running == nil {
		return nil, refuse(RuleNoRunningClock, "rtt_status", "status 33 needs a running clock to nullify")
	}
	if !first {
		return nil, refuse(RuleNullifyNotFirst, "rtt_status", "only a missed first activity nullifies a period; a later DNA stops it only on discharge")
	}
	if s.ReferralPriority == "two_week_wait" && !c.Discharged && len(s.Periods) == 1 {
		return out, nil
	}
	return append(out, ClockNullified{NullifiedOn: c.OccurredOn}), nil
}

// decideStart: 10/11/12 start a new period when none runs, never linked to an old
// start [RR25]; a 10 as the first activity of the referral's own period continues it.
func decideStart(s State, c RecordActivity, out []Event, running *Period) ([]Event, error) {
	if running != nil {
		if c.RTTStatus == "10" && !running.HasActivity {
			return out, nil
		}
		if c.RTTStatus == "12" {
			return nil, refuse(RuleSeparateCondition, "rtt_status", "a consultant referral for a separate condition starts its own pathway")
		}
		return nil, refuse(RuleClockAlreadyRunning, "rtt_status", "a period is already running since %s; periods never overlap", running.StartedOn)
	}
	start := c.OccurredOn
	// A rebooking after a nullified DNA starts when the patient calls or, if earlier,
	// when a clinician decided to re-offer (RTT.md §1; SCENARIOS 11).
	if d := c.ClinicalDecisionOn; d != nil && d.Before(start) {
		start = *d
	}
	if last := s.Current(); last != nil && start.Before(last.StoppedOn) {
		return nil, refuse(RuleStartBeforeLastStop, "occurred_on", "a new period cannot start before the last one ended (%s)", last.StoppedOn)
	}
	return append(out, ClockStarted{StartedOn: start, Status: c.RTTStatus}), nil
}

// decideStop: 30–36 stop the running period on the activity date; 30 by admission
// or day case is an admitted stop (Part 1A), everything else non-admitted
// ([RR25 4.3.2.3]: an admission that ends in a decision not to treat is 34, non-admitted).
func decideStop(s State, c RecordActivity, out []Event, running *Period) ([]Event, error) {
	if running == nil {
		return nil, refuse(RuleNoRunningClock, "rtt_status", "status %s stops a clock, but no clock is running", c.RTTStatus)
	}
	if c.OccurredOn.Before(running.StartedOn) {
		return nil, refuse(RuleStopBeforeStart, "occurred_on", "the clock started on %s", running.StartedOn)
	}
	if c.RTTStatus == "32" && !c.PatientAgreed && declinedReasonable(s, len(s.Periods)-1) >= 2 {
		return nil, refuse(RuleMonitoringNeedsAgreement, "patient_agreed",
			"after two declined reasonable offers, active monitoring needs the patient's agreement; without it the clock keeps running")
	}
	admitted := c.RTTStatus == "30" && (c.Kind == "admission" || c.Kind == "day_case")
	return append(out, ClockStopped{StoppedOn: c.OccurredOn, Status: c.RTTStatus, Admitted: admitted}), nil
}

// declinedReasonable counts reasonable offers declined in a period.
func declinedReasonable(s State, period int) int {
	n := 0
	for _, o := range s.Offers {
		if o.Period == period && o.Reasonable && o.Status == "declined" {
			n++
		}
	}
	return n
}
