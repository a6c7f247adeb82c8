package pathway

import "github.com/pathway-ledger/ledger/rtt"

// decideOffer records an offer; whether it is reasonable (≥ 21 days' notice) is
// computed here and kept with it (RTT.md §2).
func decideOffer(s State, c MakeOffer, ctx DecideContext) ([]Event, error) {
	if err := required(c.OfferID, "offer_id"); err != nil {
		return nil, err
	}
	if c.Kind == "" {
		c.Kind = "admission"
	}
	if err := oneOf(c.Kind, "kind", offerKinds...); err != nil {
		return nil, err
	}
	if s.offer(c.OfferID) >= 0 {
		return nil, refuse(RuleDuplicateID, "offer_id", "an offer with this id exists")
	}
	if err := checkDate(s, c.OfferedOn, "offered_on", ctx); err != nil {
		return nil, err
	}
	if c.AppointmentOn.Before(c.OfferedOn) {
		return nil, refuse(RuleAppointmentBeforeOffer, "appointment_on", "is before the day the offer was made")
	}
	if s.Running() == nil {
		return nil, refuse(RuleNoRunningClock, "", "offers are made on a running RTT period")
	}
	return []Event{OfferMade{OfferID: c.OfferID, OfferedOn: c.OfferedOn, AppointmentOn: c.AppointmentOn, Kind: c.Kind,
		ProviderCode: c.ProviderCode, Reasonable: rtt.IsReasonableOffer(c.OfferedOn, c.AppointmentOn)}}, nil
}

func decideAnswer(s State, offerID string, on rtt.Date, field string, ctx DecideContext, e Event) ([]Event, error) {
	i := s.offer(offerID)
	if i < 0 {
		return nil, refuse(RuleOfferNotFound, "offer_id", "no offer with this id")
	}
	if s.Offers[i].Status != "open" {
		return nil, refuse(RuleOfferAnswered, "offer_id", "the offer was already %s", s.Offers[i].Status)
	}
	if err := checkDate(s, on, field, ctx); err != nil {
		return nil, err
	}
	if on.Before(s.Offers[i].OfferedOn) {
		return nil, refuse(RuleAppointmentBeforeOffer, field, "is before the offer was made")
	}
	return []Event{e}, nil
}

// decideUnavailability records declared unavailability: a patient-initiated delay,
// shown beside the wait and never subtracted from it (RTT.md §2).
func decideUnavailability(s State, c DeclareUnavailability, ctx DecideContext) ([]Event, error) {
	if c.To.Before(c.From) {
		return nil, refuse(RuleBadInterval, "to", "is before from")
	}
	if c.From.Before(s.ReceivedOn) {
		return nil, refuse(RuleDateBeforeReferral, "from", "is before the referral was received")
	}
	return []Event{PatientUnavailable(c)}, nil
}
