package pathway

// Readers for the referral and the events that move its RTT clock.
// codec_read.go says how they are built.

func readReferralReceived(data []byte, e *ReferralReceived) error {
	s := scanner{data: data}
	err := s.objectOf(referralReceivedMembers, func(name []byte) error {
		switch string(name) {
		case "pathway_id":
			return s.string(&e.PathwayID)
		case "patient":
			return s.patient(&e.Patient)
		case "specialty_code":
			return s.string(&e.SpecialtyCode)
		case "referral_received_on":
			return s.date(&e.ReceivedOn)
		case "clock_start_on":
			return s.date(&e.ClockStartOn)
		case "referral_priority":
			return s.string(&e.ReferralPriority)
		case "source":
			return s.string(&e.Source)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func (s *scanner) patient(p *Patient) error {
	return s.objectOf(patientMembers, func(name []byte) error {
		switch string(name) {
		case "nhs_number":
			return s.string(&p.NHSNumber)
		case "family_name":
			return s.string(&p.FamilyName)
		case "given_name":
			return s.string(&p.GivenName)
		case "birth_date":
			return s.datePtr(&p.BirthDate)
		}
		return errUnknownMember
	})
}

func readActivityRecorded(data []byte, e *ActivityRecorded) error {
	s := scanner{data: data}
	err := s.objectOf(activityRecordedMembers, func(name []byte) error {
		switch string(name) {
		case "occurred_on":
			return s.date(&e.OccurredOn)
		case "kind":
			return s.string(&e.Kind)
		case "rtt_status":
			return s.string(&e.RTTStatus)
		case "attendance":
			return s.string(&e.Attendance)
		case "discharged":
			return s.bool(&e.Discharged)
		case "clinical_decision_on":
			return s.datePtr(&e.ClinicalDecisionOn)
		case "patient_agreed":
			return s.bool(&e.PatientAgreed)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readClockStarted(data []byte, e *ClockStarted) error {
	s := scanner{data: data}
	err := s.objectOf(clockStartedMembers, func(name []byte) error {
		switch string(name) {
		case "started_on":
			return s.date(&e.StartedOn)
		case "status":
			return s.string(&e.Status)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readClockStopped(data []byte, e *ClockStopped) error {
	s := scanner{data: data}
	err := s.objectOf(clockStoppedMembers, func(name []byte) error {
		switch string(name) {
		case "stopped_on":
			return s.date(&e.StoppedOn)
		case "status":
			return s.string(&e.Status)
		case "admitted":
			return s.bool(&e.Admitted)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readClockNullified(data []byte, e *ClockNullified) error {
	s := scanner{data: data}
	err := s.objectOf(clockNullifiedMembers, func(name []byte) error {
		switch string(name) {
		case "nullified_on":
			return s.date(&e.NullifiedOn)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readPatientDidNotAttend(data []byte, e *PatientDidNotAttend) error {
	s := scanner{data: data}
	err := s.objectOf(patientDidNotAttendMembers, func(name []byte) error {
		switch string(name) {
		case "missed_on":
			return s.date(&e.MissedOn)
		case "kind":
			return s.string(&e.Kind)
		case "first_activity":
			return s.bool(&e.First)
		case "discharged":
			return s.bool(&e.Discharged)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readTransferredOut(data []byte, e *TransferredOut) error {
	s := scanner{data: data}
	err := s.objectOf(transferredOutMembers, func(name []byte) error {
		switch string(name) {
		case "transferred_on":
			return s.date(&e.TransferredOn)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readClockStartCorrected(data []byte, e *ClockStartCorrected) error {
	s := scanner{data: data}
	err := s.objectOf(clockStartCorrectedMembers, func(name []byte) error {
		switch string(name) {
		case "period_started_on":
			return s.date(&e.PeriodStartedOn)
		case "corrected_start_on":
			return s.date(&e.CorrectedStart)
		case "corrected_on":
			return s.date(&e.CorrectedOn)
		case "reason":
			return s.string(&e.Reason)
		}
		return errUnknownMember
	})
	return s.finish(err)
}
