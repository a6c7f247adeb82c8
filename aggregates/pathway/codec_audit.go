package pathway

// Readers for validation and retraction.
// codec_read.go says how they are built.

func readValidationRecorded(data []byte, e *ValidationRecorded) error {
	s := scanner{data: data}
	err := s.objectOf(validationRecordedMembers, func(name []byte) error {
		switch string(name) {
		case "validation_id":
			return s.string(&e.ValidationID)
		case "validated_on":
			return s.date(&e.ValidatedOn)
		case "outcome":
			return s.string(&e.Outcome)
		case "checks":
			return s.strings(&e.Checks)
		case "notes":
			return s.string(&e.Notes)
		}
		return errUnknownMember
	})
	return s.finish(err)
}

func readEventRetracted(data []byte, e *EventRetracted) error {
	s := scanner{data: data}
	err := s.objectOf(eventRetractedMembers, func(name []byte) error {
		switch string(name) {
		case "event_id":
			return s.string(&e.EventID)
		case "retracted_on":
			return s.date(&e.RetractedOn)
		case "reason":
			return s.string(&e.Reason)
		}
		return errUnknownMember
	})
	return s.finish(err)
}
