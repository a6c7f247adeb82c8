package pathway

import (
	"fmt"

	"github.com/pathway-ledger/ledger/rtt"
)

// Decide returns the events a command produces on the state, or a *RuleError.
func Decide(s State, cmd Command, ctx DecideContext) ([]Event, error) {
	if r, ok := cmd.(Refer); ok {
		return decideRefer(s, r, ctx)
	}
	if !s.Exists {
		return nil, refuse(RulePathwayNotFound, "", "no referral has been recorded for this pathway")
	}
	switch c := cmd.(type) {
	case RecordValidation:
		return decideValidation(s, c, ctx)
	case CorrectClockStart:
		return decideCorrection(s, c, ctx)
	case RetractEvent:
		return decideRetraction(s, c, ctx)
	}
	if s.Closed {
		return nil, refuse(RulePathwayClosed, "", "the pathway is closed (%s)", s.ClosedReason)
	}
	switch c := cmd.(type) {
	case RecordActivity:
		return decideActivity(s, c, ctx)
	case AddToWaitingList:
		return decideAddToList(s, c, ctx)
	case ChangePriority:
		return decideChangePriority(s, c, ctx)
	case RemoveFromWaitingList:
		return decideRemoval(s, c, ctx)
	case RecordPreOp:
		return decidePreOp(s, c, ctx)
	case FlagAlert:
		return decideFlagAlert(s, c, ctx)
	case ClearAlert:
		return decideClearAlert(s, c, ctx)
	case MakeOffer:
		return decideOffer(s, c, ctx)
	case DeclineOffer:
		return decideAnswer(s, c.OfferID, c.DeclinedOn, "declined_on", ctx, OfferDeclined(c))
	case AcceptOffer:
		return decideAnswer(s, c.OfferID, c.AcceptedOn, "accepted_on", ctx, OfferAccepted(c))
	case DeclareUnavailability:
		return decideUnavailability(s, c, ctx)
	case BookAdmission:
		return decideBooking(s, c, ctx)
	case CancelBooking:
		return decideCancellation(s, c, ctx)
	}
	return nil, fmt.Errorf("pathway: unknown command %T", cmd)
}

// checkDate refuses a business date after today or before the referral was received.
func checkDate(s State, d rtt.Date, field string, ctx DecideContext) error {
	if d.After(ctx.Today) {
		return refuse(RuleDateInFuture, field, "%s is after today (%s)", d, ctx.Today)
	}
	if s.Exists && d.Before(s.ReceivedOn) {
		return refuse(RuleDateBeforeReferral, field, "%s is before the referral was received (%s)", d, s.ReceivedOn)
	}
	return nil
}

func oneOf(v, field string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return refuse(RuleUnknownCode, field, "%q is not one of %v", v, allowed)
}

func required(v, field string) error {
	if v == "" {
		return refuse(RuleRequired, field, "is required")
	}
	return nil
}
