package pathway

// One reader per event type (codec_clock.go, codec_list.go, codec_audit.go): a switch
// from JSON name to the field it fills, which must list exactly the json tags in
// events.go (TestDecodeKnowsEveryField checks). Each reads into the value it is
// given: Decode's (below) is a local that stays on the stack and is boxed once at
// the end; a Slab's is a slot of a block it reuses. A table of setter funcs would
// read as well but move every event to the heap twice and look each name up in a map.

// finish checks nothing follows the object.
func (s *scanner) finish(err error) error {
	if err != nil {
		return err
	}
	return s.end()
}

// boxed is the event Decode returns. The boxed decoders call their readers
// directly, not through a table of funcs, so that the value read stays on the
// stack until it is boxed.
func boxed[E Event](e E, err error) (Event, error) {
	if err != nil {
		return nil, err
	}
	return e, nil
}

func decodeValidationRecorded(data []byte) (Event, error) {
	var e ValidationRecorded
	err := readValidationRecorded(data, &e)
	return boxed(e, err)
}

func decodeEventRetracted(data []byte) (Event, error) {
	var e EventRetracted
	err := readEventRetracted(data, &e)
	return boxed(e, err)
}

func decodeReferralReceived(data []byte) (Event, error) {
	var e ReferralReceived
	err := readReferralReceived(data, &e)
	return boxed(e, err)
}

func decodeActivityRecorded(data []byte) (Event, error) {
	var e ActivityRecorded
	err := readActivityRecorded(data, &e)
	return boxed(e, err)
}

func decodeClockStarted(data []byte) (Event, error) {
	var e ClockStarted
	err := readClockStarted(data, &e)
	return boxed(e, err)
}

func decodeClockStopped(data []byte) (Event, error) {
	var e ClockStopped
	err := readClockStopped(data, &e)
	return boxed(e, err)
}

func decodeClockNullified(data []byte) (Event, error) {
	var e ClockNullified
	err := readClockNullified(data, &e)
	return boxed(e, err)
}

func decodePatientDidNotAttend(data []byte) (Event, error) {
	var e PatientDidNotAttend
	err := readPatientDidNotAttend(data, &e)
	return boxed(e, err)
}

func decodeTransferredOut(data []byte) (Event, error) {
	var e TransferredOut
	err := readTransferredOut(data, &e)
	return boxed(e, err)
}

func decodeClockStartCorrected(data []byte) (Event, error) {
	var e ClockStartCorrected
	err := readClockStartCorrected(data, &e)
	return boxed(e, err)
}

func decodeAddedToWaitingList(data []byte) (Event, error) {
	var e AddedToWaitingList
	err := readAddedToWaitingList(data, &e)
	return boxed(e, err)
}

func decodePriorityChanged(data []byte) (Event, error) {
	var e PriorityChanged
	err := readPriorityChanged(data, &e)
	return boxed(e, err)
}

func decodeRemovedFromWaitingList(data []byte) (Event, error) {
	var e RemovedFromWaitingList
	err := readRemovedFromWaitingList(data, &e)
	return boxed(e, err)
}

func decodePreOpAssessmentCompleted(data []byte) (Event, error) {
	var e PreOpAssessmentCompleted
	err := readPreOpAssessmentCompleted(data, &e)
	return boxed(e, err)
}

func decodeAlertFlagged(data []byte) (Event, error) {
	var e AlertFlagged
	err := readAlertFlagged(data, &e)
	return boxed(e, err)
}

func decodeAlertCleared(data []byte) (Event, error) {
	var e AlertCleared
	err := readAlertCleared(data, &e)
	return boxed(e, err)
}

func decodeOfferMade(data []byte) (Event, error) {
	var e OfferMade
	err := readOfferMade(data, &e)
	return boxed(e, err)
}

func decodeOfferDeclined(data []byte) (Event, error) {
	var e OfferDeclined
	err := readOfferDeclined(data, &e)
	return boxed(e, err)
}

func decodeOfferAccepted(data []byte) (Event, error) {
	var e OfferAccepted
	err := readOfferAccepted(data, &e)
	return boxed(e, err)
}

func decodePatientUnavailable(data []byte) (Event, error) {
	var e PatientUnavailable
	err := readPatientUnavailable(data, &e)
	return boxed(e, err)
}

func decodeAdmissionBooked(data []byte) (Event, error) {
	var e AdmissionBooked
	err := readAdmissionBooked(data, &e)
	return boxed(e, err)
}

func decodeBookingCancelled(data []byte) (Event, error) {
	var e BookingCancelled
	err := readBookingCancelled(data, &e)
	return boxed(e, err)
}
