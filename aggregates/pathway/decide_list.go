package pathway

import "github.com/pathway-ledger/ledger/rtt"

// decideAddToList records a decision to admit. RTT lists need a running clock;
// planned (surveillance) lists are outside RTT (RTT.md §5).
func decideAddToList(s State, c AddToWaitingList, ctx DecideContext) ([]Event, error) {
	if err := oneOf(c.ListType, "list_type", listTypes...); err != nil {
		return nil, err
	}
	if _, err := rtt.ParsePriority(string(c.Priority)); err != nil {
		return nil, refuse(RuleUnknownCode, "priority", "%q is not one of P1a, P1b, P2, P3, P4", c.Priority)
	}
	if c.ExpectedMinutes < 0 {
		return nil, refuse(RuleNotPositive, "expected_minutes", "must not be negative")
	}
	if err := checkDate(s, c.DecidedOn, "decided_on", ctx); err != nil {
		return nil, err
	}
	if s.OpenEntry() != nil {
		return nil, refuse(RuleAlreadyOnWaitingList, "", "the patient already has an open waiting-list entry")
	}
	if c.ListType != "planned" {
		p := s.Running()
		if p == nil {
			return nil, refuse(RuleListNeedsRunningClock, "list_type", "an RTT waiting list needs a running clock; start a new period first")
		}
		if c.DecidedOn.Before(p.StartedOn) {
			return nil, refuse(RuleDateBeforeReferral, "decided_on", "is before the running period started (%s)", p.StartedOn)
		}
	}
	return []Event{AddedToWaitingList(c)}, nil
}

func decideChangePriority(s State, c ChangePriority, ctx DecideContext) ([]Event, error) {
	if _, err := rtt.ParsePriority(string(c.Priority)); err != nil {
		return nil, refuse(RuleUnknownCode, "priority", "%q is not one of P1a, P1b, P2, P3, P4", c.Priority)
	}
	if err := checkDate(s, c.ChangedOn, "changed_on", ctx); err != nil {
		return nil, err
	}
	if s.OpenEntry() == nil {
		return nil, refuse(RuleNotOnWaitingList, "", "the patient has no open waiting-list entry")
	}
	return []Event{PriorityChanged(c)}, nil
}

func decideRemoval(s State, c RemoveFromWaitingList, ctx DecideContext) ([]Event, error) {
	if err := required(c.Reason, "reason"); err != nil {
		return nil, err
	}
	if err := checkDate(s, c.RemovedOn, "removed_on", ctx); err != nil {
		return nil, err
	}
	if s.OpenEntry() == nil {
		return nil, refuse(RuleNotOnWaitingList, "", "the patient has no open waiting-list entry")
	}
	return []Event{RemovedFromWaitingList(c)}, nil
}

func decidePreOp(s State, c RecordPreOp, ctx DecideContext) ([]Event, error) {
	if err := oneOf(c.Outcome, "outcome", preOpOutcomes...); err != nil {
		return nil, err
	}
	if g := c.Requirements.AnaesthetistGrade; g != "" {
		if err := oneOf(g, "requirements.anaesthetist_grade", anaesthetistGrades...); err != nil {
			return nil, err
		}
	}
	if err := checkDate(s, c.AssessedOn, "assessed_on", ctx); err != nil {
		return nil, err
	}
	if c.ValidUntil != nil && c.ValidUntil.Before(c.AssessedOn) {
		return nil, refuse(RuleValidUntilBeforeAssess, "valid_until", "is before the assessment")
	}
	if c.Requirements.Kit == nil {
		c.Requirements.Kit = []string{}
	}
	return []Event{PreOpAssessmentCompleted(c)}, nil
}

func decideFlagAlert(s State, c FlagAlert, ctx DecideContext) ([]Event, error) {
	if err := required(c.Code, "code"); err != nil {
		return nil, err
	}
	if err := checkDate(s, c.FlaggedOn, "flagged_on", ctx); err != nil {
		return nil, err
	}
	return []Event{AlertFlagged(c)}, nil
}

func decideClearAlert(s State, c ClearAlert, ctx DecideContext) ([]Event, error) {
	if err := checkDate(s, c.ClearedOn, "cleared_on", ctx); err != nil {
		return nil, err
	}
	for _, a := range s.Alerts {
		if a.Code == c.Code {
			return []Event{AlertCleared(c)}, nil
		}
	}
	return nil, refuse(RuleAlertNotActive, "code", "no active alert has this code")
}
