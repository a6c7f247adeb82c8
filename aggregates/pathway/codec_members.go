package pathway

import (
	"reflect"
	"strings"
)

// members are an object's member names in the order Encode writes them (its
// struct's fields), each also as it stands before its value: "name":.
type members struct {
	quoted []string
	names  [][]byte
}

// membersOf reads T's json names; a field without one would be written under its
// Go name, and an embedded one flattened, which no event type does.
func membersOf[T any]() *members {
	t := reflect.TypeFor[T]()
	m := &members{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous || name == "" {
			panic("pathway: " + t.Name() + "." + f.Name + " has no json name")
		}
		if name == "-" {
			continue
		}
		m.quoted = append(m.quoted, `"`+name+`":`)
		m.names = append(m.names, []byte(name))
	}
	if len(m.names) > maxMembers {
		panic("pathway: " + t.Name() + " has more members than maxMembers")
	}
	return m
}

// match returns which of the members from the next on rest starts with, as
// Encode writes it, or -1. Members Encode leaves out (omitempty) are passed over.
func (m *members) match(rest []byte, next int) int {
	if m == nil || len(rest) < 2 || rest[0] != '"' {
		return -1
	}
	for k := next; k < len(m.quoted); k++ {
		if q := m.quoted[k]; len(rest) >= len(q) && rest[1] == q[1] && string(rest[:len(q)]) == q {
			return k
		}
	}
	return -1
}

var (
	patientMembers                  = membersOf[Patient]()
	requirementsMembers             = membersOf[Requirements]()
	referralReceivedMembers         = membersOf[ReferralReceived]()
	activityRecordedMembers         = membersOf[ActivityRecorded]()
	clockStartedMembers             = membersOf[ClockStarted]()
	clockStoppedMembers             = membersOf[ClockStopped]()
	clockNullifiedMembers           = membersOf[ClockNullified]()
	patientDidNotAttendMembers      = membersOf[PatientDidNotAttend]()
	transferredOutMembers           = membersOf[TransferredOut]()
	clockStartCorrectedMembers      = membersOf[ClockStartCorrected]()
	addedToWaitingListMembers       = membersOf[AddedToWaitingList]()
	priorityChangedMembers          = membersOf[PriorityChanged]()
	removedFromWaitingListMembers   = membersOf[RemovedFromWaitingList]()
	preOpAssessmentCompletedMembers = membersOf[PreOpAssessmentCompleted]()
	alertFlaggedMembers             = membersOf[AlertFlagged]()
	alertClearedMembers             = membersOf[AlertCleared]()
	offerMadeMembers                = membersOf[OfferMade]()
	offerDeclinedMembers            = membersOf[OfferDeclined]()
	offerAcceptedMembers            = membersOf[OfferAccepted]()
	patientUnavailableMembers       = membersOf[PatientUnavailable]()
	admissionBookedMembers          = membersOf[AdmissionBooked]()
	bookingCancelledMembers         = membersOf[BookingCancelled]()
	validationRecordedMembers       = membersOf[ValidationRecorded]()
	eventRetractedMembers           = membersOf[EventRetracted]()
)
