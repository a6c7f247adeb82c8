package rtt

// ReasonableNoticeDays: a reasonable offer is a date at least 21 days after the day
// the offer was made (RTT.md §2, [RR25]).
const ReasonableNoticeDays = 21

// SecondOfferWindowDays: after one declined date, a second date should fall within
// 6 weeks of the first (RTT.md §2).
const SecondOfferWindowDays = 42

// ActiveMonitoringReviewDays: active monitoring needs clinical review every 12 weeks.
const ActiveMonitoringReviewDays = 84

// IsReasonableOffer reports whether an offer made on offeredOn for appointmentOn
// gives at least 21 days' notice.
func IsReasonableOffer(offeredOn, appointmentOn Date) bool {
	return DaysBetween(offeredOn, appointmentOn) >= ReasonableNoticeDays
}

// SecondOfferWindowEnd is the last day a second offer's date should fall on after the
// first offered date was declined.
func SecondOfferWindowEnd(firstAppointment Date) Date {
	return firstAppointment.AddDays(SecondOfferWindowDays)
}

// ActiveMonitoringReviewDue is when a patient on active monitoring is due review.
func ActiveMonitoringReviewDue(stoppedOn Date) Date {
	return stoppedOn.AddDays(ActiveMonitoringReviewDays)
}
