package pathway

import "github.com/pathway-ledger/ledger/rtt"

func decideBooking(s State, c BookAdmission, ctx DecideContext) ([]Event, error) {
	if err := required(c.BookingID, "booking_id"); err != nil {
		return nil, err
	}
	if s.booking(c.BookingID) >= 0 {
		return nil, refuse(RuleDuplicateID, "booking_id", "a booking with this id exists")
	}
	if c.BookedOn == (rtt.Date{}) {
		c.BookedOn = ctx.Today
	}
	if err := checkDate(s, c.BookedOn, "booked_on", ctx); err != nil {
		return nil, err
	}
	if c.AdmissionOn.Before(s.ReceivedOn) {
		return nil, refuse(RuleDateBeforeReferral, "admission_on", "is before the referral was received")
	}
	if s.Running() == nil && s.OpenEntry() == nil {
		return nil, refuse(RuleNoRunningClock, "", "a booking needs a running RTT period or an open planned-list entry")
	}
	return []Event{AdmissionBooked(c)}, nil
}

// decideCancellation: cancellations never stop the clock; a hospital, non-clinical
// cancellation on the admission day or after arrival starts the 28-day guarantee.
func decideCancellation(s State, c CancelBooking, ctx DecideContext) ([]Event, error) {
	i := s.booking(c.BookingID)
	if i < 0 {
		return nil, refuse(RuleBookingNotFound, "booking_id", "no booking with this id")
	}
	b := s.Bookings[i]
	if b.Cancelled {
		return nil, refuse(RuleBookingCancelled, "booking_id", "the booking was already cancelled")
	}
	if err := oneOf(c.CancelledBy, "cancelled_by", cancellers...); err != nil {
		return nil, err
	}
	if err := required(c.Reason, "reason"); err != nil {
		return nil, err
	}
	if err := checkDate(s, c.CancelledOn, "cancelled_on", ctx); err != nil {
		return nil, err
	}
	onTheDay := c.CancelledOn.Equal(b.AdmissionOn) || c.AfterArrival
	return []Event{BookingCancelled{BookingID: c.BookingID, CancelledOn: c.CancelledOn, CancelledBy: c.CancelledBy,
		Reason: c.Reason, Clinical: c.Clinical, OnTheDay: onTheDay}}, nil
}
