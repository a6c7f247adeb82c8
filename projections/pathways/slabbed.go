package pathways

import (
	"errors"
	"fmt"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
)

var errNotSlabbed = errors.New("pathways: no pathway event of a slab")

// applySlabbed folds the event p points to (in a Prepare's slab) as applyLocked
// does. The event is copied into e, whose box stays in this frame: applyLocked
// keeps copies of an event's fields, never the event, so the compiler allocates
// no box an event (a quarter of what a replay allocated; TestSlabbedFoldAllocates
// checks). Every pathway event type is listed (TestSlabbedKnowsEveryType).
func (m *ReadModel) applySlabbed(id string, pos uint64, p any, r pathway.Recorded) error {
	var e pathway.Event
	switch v := p.(type) {
	case *pathway.ReferralReceived:
		e = *v
	case *pathway.ActivityRecorded:
		e = *v
	case *pathway.ClockStarted:
		e = *v
	case *pathway.ClockStopped:
		e = *v
	case *pathway.ClockNullified:
		e = *v
	case *pathway.PatientDidNotAttend:
		e = *v
	case *pathway.TransferredOut:
		e = *v
	case *pathway.AddedToWaitingList:
		e = *v
	case *pathway.PriorityChanged:
		e = *v
	case *pathway.RemovedFromWaitingList:
		e = *v
	case *pathway.PreOpAssessmentCompleted:
		e = *v
	case *pathway.AlertFlagged:
		e = *v
	case *pathway.AlertCleared:
		e = *v
	case *pathway.OfferMade:
		e = *v
	case *pathway.OfferDeclined:
		e = *v
	case *pathway.OfferAccepted:
		e = *v
	case *pathway.PatientUnavailable:
		e = *v
	case *pathway.AdmissionBooked:
		e = *v
	case *pathway.BookingCancelled:
		e = *v
	case *pathway.ValidationRecorded:
		e = *v
	case *pathway.ClockStartCorrected:
		e = *v
	case *pathway.EventRetracted:
		e = *v
	default:
		return fmt.Errorf("%w: %T", errNotSlabbed, p)
	}
	return m.applyLocked(id, pos, e, r)
}
