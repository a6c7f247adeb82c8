package pathway

// Readers for the waiting list, its offers and its bookings.
// codec_read.go says how they are built.

func readAddedToWaitingList(data []byte, e *AddedToWaitingList) error {
	s := scanner{data: data}
	err := s.objectOf(addedToWaitingListMembers, func(name []byte) error {
		switch string(name) {
		case "decided_on":
			return s.date(&e.DecidedOn)
		case "list_type":
			return s.string(&e.ListType)
		case "priority":
			return s.priority(&e.Priority)
		case "procedure_code":
			return s.string(&e.ProcedureCode)
		case "expected_minutes":
			return s.int(&e.ExpectedMinutes)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readPriorityChanged(data []byte, e *PriorityChanged) error {
	s := scanner{data: data}
	err := s.objectOf(priorityChangedMembers, func(name []byte) error {
		switch string(name) {
		case "changed_on":
			return s.date(&e.ChangedOn)
		case "priority":
			return s.priority(&e.Priority)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readRemovedFromWaitingList(data []byte, e *RemovedFromWaitingList) error {
	s := scanner{data: data}
	err := s.objectOf(removedFromWaitingListMembers, func(name []byte) error {
		switch string(name) {
		case "removed_on":
			return s.date(&e.RemovedOn)
		case "reason":
			return s.string(&e.Reason)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readPreOpAssessmentCompleted(data []byte, e *PreOpAssessmentCompleted) error {
	s := scanner{data: data}
	err := s.objectOf(preOpAssessmentCompletedMembers, func(name []byte) error {
		switch string(name) {
		case "assessed_on":
			return s.date(&e.AssessedOn)
		case "outcome":
			return s.string(&e.Outcome)
		case "valid_until":
			return s.datePtr(&e.ValidUntil)
		case "requirements":
			return s.requirements(&e.Requirements)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func (s *scanner) requirements(r *Requirements) error {
	return s.objectOf(requirementsMembers, func(name []byte) error {
		switch string(name) {
		case "hdu_bed":
			return s.bool(&r.HDUBed)
		case "kit":
			return s.strings(&r.Kit)
		case "radiology":
			return s.bool(&r.Radiology)
		case "anaesthetist_grade":
			return s.string(&r.AnaesthetistGrade)
		}
		return errUnknownMember
	})
}

func readAlertFlagged(data []byte, e *AlertFlagged) error {
	s := scanner{data: data}
	err := s.objectOf(alertFlaggedMembers, func(name []byte) error {
		switch string(name) {
		case "flagged_on":
			return s.date(&e.FlaggedOn)
		case "code":
			return s.string(&e.Code)
		case "detail":
			return s.string(&e.Detail)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readAlertCleared(data []byte, e *AlertCleared) error {
	s := scanner{data: data}
	err := s.objectOf(alertClearedMembers, func(name []byte) error {
		switch string(name) {
		case "cleared_on":
			return s.date(&e.ClearedOn)
		case "code":
			return s.string(&e.Code)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readOfferMade(data []byte, e *OfferMade) error {
	s := scanner{data: data}
	err := s.objectOf(offerMadeMembers, func(name []byte) error {
		switch string(name) {
		case "offer_id":
			return s.string(&e.OfferID)
		case "offered_on":
			return s.date(&e.OfferedOn)
		case "appointment_on":
			return s.date(&e.AppointmentOn)
		case "kind":
			return s.string(&e.Kind)
		case "provider_code":
			return s.string(&e.ProviderCode)
		case "reasonable":
			return s.bool(&e.Reasonable)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readOfferDeclined(data []byte, e *OfferDeclined) error {
	s := scanner{data: data}
	err := s.objectOf(offerDeclinedMembers, func(name []byte) error {
		switch string(name) {
		case "offer_id":
			return s.string(&e.OfferID)
		case "declined_on":
			return s.date(&e.DeclinedOn)
		case "reason":
			return s.string(&e.Reason)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readOfferAccepted(data []byte, e *OfferAccepted) error {
	s := scanner{data: data}
	err := s.objectOf(offerAcceptedMembers, func(name []byte) error {
		switch string(name) {
		case "offer_id":
			return s.string(&e.OfferID)
		case "accepted_on":
			return s.date(&e.AcceptedOn)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readPatientUnavailable(data []byte, e *PatientUnavailable) error {
	s := scanner{data: data}
	err := s.objectOf(patientUnavailableMembers, func(name []byte) error {
		switch string(name) {
		case "from":
			return s.date(&e.From)
		case "to":
			return s.date(&e.To)
		case "reason":
			return s.string(&e.Reason)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readAdmissionBooked(data []byte, e *AdmissionBooked) error {
	s := scanner{data: data}
	err := s.objectOf(admissionBookedMembers, func(name []byte) error {
		switch string(name) {
		case "booking_id":
			return s.string(&e.BookingID)
		case "admission_on":
			return s.date(&e.AdmissionOn)
		case "session_id":
			return s.string(&e.SessionID)
		case "booked_on":
			return s.date(&e.BookedOn)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readBookingCancelled(data []byte, e *BookingCancelled) error {
	s := scanner{data: data}
	err := s.objectOf(bookingCancelledMembers, func(name []byte) error {
		switch string(name) {
		case "booking_id":
			return s.string(&e.BookingID)
		case "cancelled_on":
			return s.date(&e.CancelledOn)
		case "cancelled_by":
			return s.string(&e.CancelledBy)
		case "reason":
			return s.string(&e.Reason)
		case "clinical":
			return s.bool(&e.Clinical)
		case "on_the_day":
			return s.bool(&e.OnTheDay)
		}
		return errUnknownMember
	})
	return s.finish(err)
}
