package pathway

// decideValidation records a validator's decision; allowed on closed pathways too
// (validators check treated and discharged patients).
func decideValidation(s State, c RecordValidation, ctx DecideContext) ([]Event, error) {
	if err := required(c.ValidationID, "validation_id"); err != nil {
		return nil, err
	}
	if err := oneOf(c.Outcome, "outcome", validationOutcomes...); err != nil {
		return nil, err
	}
	if err := required(c.Notes, "notes"); err != nil {
		return nil, err
	}
	if err := checkDate(s, c.ValidatedOn, "validated_on", ctx); err != nil {
		return nil, err
	}
	for _, v := range s.Validations {
		if v.ValidationID == c.ValidationID {
			return nil, refuse(RuleDuplicateID, "validation_id", "a validation with this id exists")
		}
	}
	if c.Checks == nil {
		c.Checks = []string{}
	}
	return []Event{ValidationRecorded(c)}, nil
}

// decideCorrection moves a period's start; the original start stays in the history
// and the view shows both.
func decideCorrection(s State, c CorrectClockStart, ctx DecideContext) ([]Event, error) {
	if err := required(c.Reason, "reason"); err != nil {
		return nil, err
	}
	if c.CorrectedOn.After(ctx.Today) {
		return nil, refuse(RuleDateInFuture, "corrected_on", "is after today")
	}
	for i, p := range s.Periods {
		if !p.StartedOn.Equal(c.PeriodStartedOn) {
			continue
		}
		if c.CorrectedStart.After(ctx.Today) {
			return nil, refuse(RuleDateInFuture, "corrected_start_on", "is after today")
		}
		if (p.Stopped || p.Nullified || p.TransferredOut) && c.CorrectedStart.After(p.StoppedOn) {
			return nil, refuse(RuleStopBeforeStart, "corrected_start_on", "would start after the period ended (%s)", p.StoppedOn)
		}
		if i > 0 && c.CorrectedStart.Before(s.Periods[i-1].StoppedOn) {
			return nil, refuse(RuleStartBeforeLastStop, "corrected_start_on", "would overlap the previous period, which ended %s", s.Periods[i-1].StoppedOn)
		}
		return []Event{ClockStartCorrected(c)}, nil
	}
	return nil, refuse(RulePeriodNotFound, "period_started_on", "no period started on %s", c.PeriodStartedOn)
}

// decideRetraction withdraws an earlier event with a reason. Retracting an activity
// also retracts the clock events it caused (they were decided together), so the
// clock is as if it had never been recorded; those consequences cannot be retracted
// alone. The referral is the pathway and a retraction is final: neither can be.
func decideRetraction(s State, c RetractEvent, ctx DecideContext) ([]Event, error) {
	if err := required(c.Reason, "reason"); err != nil {
		return nil, err
	}
	if c.RetractedOn.After(ctx.Today) {
		return nil, refuse(RuleDateInFuture, "retracted_on", "is after today")
	}
	for i, r := range s.history {
		if r.EventID != c.EventID {
			continue
		}
		switch r.Event.(type) {
		case ReferralReceived, EventRetracted:
			return nil, refuse(RuleCannotRetract, "event_id", "a %s cannot be retracted", r.Event.Type())
		}
		if isConsequence(r.Event) {
			return nil, refuse(RuleCannotRetract, "event_id", "a %s follows from an activity: retract the activity", r.Event.Type())
		}
		if s.retracted[c.EventID] {
			return nil, refuse(RuleCannotRetract, "event_id", "the event is already retracted")
		}
		out := []Event{EventRetracted(c)}
		if _, ok := r.Event.(ActivityRecorded); ok {
			for _, next := range s.history[i+1:] {
				if !isConsequence(next.Event) {
					break
				}
				out = append(out, EventRetracted{EventID: next.EventID, RetractedOn: c.RetractedOn, Reason: c.Reason})
			}
		}
		return out, nil
	}
	return nil, refuse(RuleEventNotFound, "event_id", "no event with this id in the pathway")
}

func isConsequence(e Event) bool {
	switch e.(type) {
	case ClockStarted, ClockStopped, ClockNullified, TransferredOut, PatientDidNotAttend:
		return true
	}
	return false
}
