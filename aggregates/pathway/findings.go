package pathway

import (
	"fmt"
	"slices"

	"github.com/pathway-ledger/ledger/rtt"
)

// Finding codes (API.md; RTT.md §9).
const (
	FindingTwoOffersDeclined      = "two_reasonable_offers_declined"
	FindingOver18Weeks            = "over_18_weeks"
	FindingTwentyEightDayBreach   = "twenty_eight_day_breach"
	FindingNoFutureActivity       = "no_future_activity"
	FindingDuplicatePathway       = "duplicate_pathway"
	FindingStopNotRecorded        = "stop_not_recorded_after_treatment"
	FindingMonitoringReviewDue    = "active_monitoring_review_due"
	FindingPriorityDuePassed      = "priority_due_date_passed"
	FindingDNAStopWithoutDischarg = "dna_stop_without_discharge"
)

// Finding is something a validator should review (API.md Finding).
type Finding struct {
	Code     string   `json:"code"`
	Severity string   `json:"severity"`
	Detail   string   `json:"detail"`
	RaisedOn rtt.Date `json:"raised_on"`
	Resolved bool     `json:"resolved"`
	// Evidence names the events behind the finding.
	Evidence []string `json:"-"`
}

func findings(s *State, v *View, on rtt.Date, opts DeriveOptions) []Finding {
	out := []Finding{}
	add := func(code, severity string, raised rtt.Date, evidence []string, format string, args ...any) {
		if raised.After(on) {
			return
		}
		out = append(out, Finding{Code: code, Severity: severity, RaisedOn: raised, Evidence: evidence,
			Detail: fmt.Sprintf(format, args...), Resolved: resolved(s, code, raised)})
	}
	running := s.Running()
	if running != nil && v.CurrentPeriod != nil {
		cur := v.CurrentPeriod
		if !cur.Within18Weeks {
			add(FindingOver18Weeks, "warning", cur.BreachOn, cur.Evidence,
				"waited %d days (%s weeks band) since %s; every wait over 18 weeks is reviewed", cur.WaitDays, cur.WeekBand, cur.StartedOn)
		}
		if n, second, ev := declinedReasonableFrom(s, len(s.Periods)-1); n >= 2 {
			add(FindingTwoOffersDeclined, "warning", second, ev,
				"%d reasonable offers declined: a clinician and patient decision about active monitoring is due; the clock keeps running", n)
		}
		if v.WaitingList != nil && v.WaitingList.PriorityDueOn != nil {
			due := *v.WaitingList.PriorityDueOn
			add(FindingPriorityDuePassed, "warning", due.AddDays(1), v.WaitingList.Evidence,
				"%s priority was due by %s", v.WaitingList.Priority, due)
		}
		if v.WaitingList != nil && !hasFuture(s, on) {
			add(FindingNoFutureActivity, "info", lastPlanned(s, v.WaitingList.DecidedOn), v.WaitingList.Evidence,
				"on the waiting list with no booked admission or open offer after %s", on)
		}
		for _, b := range s.ActiveBookings() {
			if b.AdmissionOn.Before(on) && !b.AdmissionOn.Before(running.StartedOn) {
				add(FindingStopNotRecorded, "warning", b.AdmissionOn.AddDays(1), b.EventIDs,
					"admission booked for %s has passed and the clock is still running: record the outcome", b.AdmissionOn)
			}
		}
	}
	for _, b := range v.Bookings {
		if b.TwentyEightDayBreached {
			add(FindingTwentyEightDayBreach, "error", b.TwentyEightDayDeadline.AddDays(1), b.Evidence,
				"cancelled on the day by the hospital for a non-clinical reason; not treated by %s", *b.TwentyEightDayDeadline)
		}
	}
	if last := s.Current(); last != nil && last.Stopped && (last.StopStatus == "31" || last.StopStatus == "32") {
		due := rtt.ActiveMonitoringReviewDue(last.StoppedOn)
		add(FindingMonitoringReviewDue, "warning", due, []string{last.StopEventID},
			"active monitoring since %s: clinical review due every 12 weeks", last.StoppedOn)
	}
	for _, d := range s.DNAs {
		if !d.First && !d.Discharged && stopAt(s, d.MissedOn) {
			add(FindingDNAStopWithoutDischarg, "warning", d.MissedOn, []string{d.EventID},
				"a clock stop on a missed follow-up (%s) without a discharge decision", d.MissedOn)
		}
	}
	for _, id := range opts.DuplicateCandidates {
		add(FindingDuplicatePathway, "warning", s.ReceivedOn, []string{s.ReferralEventID},
			"another open pathway of this patient in the same specialty: %s", id)
	}
	return out
}

// resolved: a validation on or after the day a finding was raised that lists the
// finding among its checks (or lists no checks: a full review) resolves it.
func resolved(s *State, code string, raised rtt.Date) bool {
	for _, val := range s.Validations {
		if !val.ValidatedOn.Before(raised) && (len(val.Checks) == 0 || slices.Contains(val.Checks, code)) {
			return true
		}
	}
	return false
}

func declinedReasonableFrom(s *State, period int) (int, rtt.Date, []string) {
	n, second := 0, rtt.Date{}
	var ev []string
	for _, o := range s.Offers {
		if o.Period == period && o.Reasonable && o.Status == "declined" {
			n++
			ev = append(ev, o.EventIDs...)
			if n == 2 {
				second = o.AnsweredOn
			}
		}
	}
	return n, second, ev
}

func hasFuture(s *State, on rtt.Date) bool {
	for _, b := range s.ActiveBookings() {
		if !b.AdmissionOn.Before(on) {
			return true
		}
	}
	for _, o := range s.Offers {
		if (o.Status == "open" || o.Status == "accepted") && !o.AppointmentOn.Before(on) {
			return true
		}
	}
	return false
}

// lastPlanned is when the patient last had something planned: the day after the
// latest booked admission or offered date, or the decision to admit.
func lastPlanned(s *State, decided rtt.Date) rtt.Date {
	from := decided
	for _, b := range s.Bookings {
		if d := b.AdmissionOn.AddDays(1); d.After(from) {
			from = d
		}
		if b.Cancelled && b.Cancelation.CancelledOn.After(from) {
			from = b.Cancelation.CancelledOn
		}
	}
	for _, o := range s.Offers {
		if d := o.AppointmentOn.AddDays(1); d.After(from) && o.Status != "declined" {
			from = d
		}
		if o.Status == "declined" && o.AnsweredOn.After(from) {
			from = o.AnsweredOn
		}
	}
	return from
}

func stopAt(s *State, on rtt.Date) bool {
	for _, p := range s.Periods {
		if p.Stopped && p.StoppedOn.Equal(on) {
			return true
		}
	}
	return false
}
