// Package pathwaytest draws pathway histories for property tests: events of any
// type in any order, with the codes an import admits (pathway.CheckRecorded) but
// none of the order Decide keeps. A log written around Decide (an NDJSON import of
// events, a third-party writer on a shared store) can hold such a history, and
// everything that folds one must take it without crashing.
package pathwaytest

import (
	"fmt"

	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/rtt"
)

var (
	epoch    = rtt.MustParseDate("2024-01-01")
	statuses = func() (out []string) {
		for _, s := range rtt.AllStatuses() {
			out = append(out, string(s.Code))
		}
		return out
	}()
	priorities = []rtt.Priority{"P1a", "P1b", "P2", "P3", "P4"}
	ids        = []string{"a", "b", "c"}
)

func date(t *rapid.T, label string) rtt.Date {
	return epoch.AddDays(rapid.IntRange(0, 700).Draw(t, label))
}

func datePtr(t *rapid.T, label string) *rtt.Date {
	if !rapid.Bool().Draw(t, label+"?") {
		return nil
	}
	d := date(t, label)
	return &d
}

func of(t *rapid.T, label string, xs ...string) string { return rapid.SampledFrom(xs).Draw(t, label) }

// Event draws one event for pathway id; earlier are the event ids a retraction
// may name.
func Event(t *rapid.T, id string, earlier []string) pathway.Event {
	switch rapid.IntRange(0, 21).Draw(t, "type") {
	case 0:
		named := id // a log written around Decide may name another pathway
		if rapid.IntRange(0, 4).Draw(t, "names another") == 0 {
			named = "another"
		}
		return pathway.ReferralReceived{PathwayID: named, Patient: pathway.Patient{NHSNumber: "9990000018", BirthDate: datePtr(t, "birth")},
			SpecialtyCode: of(t, "spec", "100", "110", "130", "502", "999"), ReceivedOn: date(t, "received"), ClockStartOn: date(t, "start"),
			ReferralPriority: of(t, "rp", "routine", "urgent", "two_week_wait"), Source: of(t, "source", "gp", "transfer_in")}
	case 1:
		return pathway.ActivityRecorded{OccurredOn: date(t, "on"), Kind: of(t, "kind", "outpatient_first", "admission", "day_case"),
			RTTStatus: of(t, "status", statuses...), Attendance: of(t, "att", "attended", "did_not_attend"),
			Discharged: rapid.Bool().Draw(t, "discharged"), ClinicalDecisionOn: datePtr(t, "decision"), PatientAgreed: rapid.Bool().Draw(t, "agreed")}
	case 2:
		return pathway.ClockStarted{StartedOn: date(t, "on"), Status: of(t, "status", statuses...)}
	case 3:
		return pathway.ClockStopped{StoppedOn: date(t, "on"), Status: of(t, "status", statuses...), Admitted: rapid.Bool().Draw(t, "admitted")}
	case 4:
		return pathway.ClockNullified{NullifiedOn: date(t, "on")}
	case 5:
		return pathway.PatientDidNotAttend{MissedOn: date(t, "on"), Kind: of(t, "kind", "outpatient_first", "admission"),
			First: rapid.Bool().Draw(t, "first"), Discharged: rapid.Bool().Draw(t, "discharged")}
	case 6:
		return pathway.TransferredOut{TransferredOn: date(t, "on")}
	case 7:
		return pathway.AddedToWaitingList{DecidedOn: date(t, "on"), ListType: of(t, "list", "inpatient", "day_case", "planned"),
			Priority: rapid.SampledFrom(priorities).Draw(t, "priority"), ExpectedMinutes: rapid.IntRange(0, 300).Draw(t, "minutes")}
	case 8:
		return pathway.PriorityChanged{ChangedOn: date(t, "on"), Priority: rapid.SampledFrom(priorities).Draw(t, "priority")}
	case 9:
		return pathway.RemovedFromWaitingList{RemovedOn: date(t, "on"), Reason: "treated"}
	case 10:
		return pathway.PreOpAssessmentCompleted{AssessedOn: date(t, "on"), Outcome: of(t, "outcome", "fit", "unfit", "review"),
			ValidUntil: datePtr(t, "valid"), Requirements: pathway.Requirements{HDUBed: rapid.Bool().Draw(t, "hdu"), Kit: []string{"stack"}}}
	case 11:
		return pathway.AlertFlagged{FlaggedOn: date(t, "on"), Code: of(t, "alert", ids...)}
	case 12:
		return pathway.AlertCleared{ClearedOn: date(t, "on"), Code: of(t, "alert", ids...)}
	case 13:
		on := date(t, "on")
		return pathway.OfferMade{OfferID: of(t, "offer", ids...), OfferedOn: on, AppointmentOn: on.AddDays(rapid.IntRange(-5, 60).Draw(t, "notice")),
			Kind: of(t, "kind", "admission", "outpatient"), Reasonable: rapid.Bool().Draw(t, "reasonable")}
	case 14:
		return pathway.OfferDeclined{OfferID: of(t, "offer", ids...), DeclinedOn: date(t, "on")}
	case 15:
		return pathway.OfferAccepted{OfferID: of(t, "offer", ids...), AcceptedOn: date(t, "on")}
	case 16:
		from := date(t, "from")
		return pathway.PatientUnavailable{From: from, To: from.AddDays(rapid.IntRange(-3, 90).Draw(t, "days"))}
	case 17:
		return pathway.AdmissionBooked{BookingID: of(t, "booking", ids...), AdmissionOn: date(t, "admission"), BookedOn: date(t, "on")}
	case 18:
		return pathway.BookingCancelled{BookingID: of(t, "booking", ids...), CancelledOn: date(t, "on"), CancelledBy: of(t, "by", "hospital", "patient"),
			Reason: "r", Clinical: rapid.Bool().Draw(t, "clinical"), OnTheDay: rapid.Bool().Draw(t, "day")}
	case 19:
		return pathway.ValidationRecorded{ValidationID: of(t, "validation", ids...), ValidatedOn: date(t, "on"),
			Outcome: of(t, "outcome", "confirmed", "corrected", "escalated"), Notes: "n"}
	case 20:
		return pathway.ClockStartCorrected{PeriodStartedOn: date(t, "period"), CorrectedStart: date(t, "start"), CorrectedOn: date(t, "on"), Reason: "r"}
	default:
		target := "none"
		if len(earlier) > 0 {
			target = rapid.SampledFrom(earlier).Draw(t, "target")
		}
		return pathway.EventRetracted{EventID: target, RetractedOn: date(t, "on"), Reason: "r"}
	}
}

// History draws up to max events for pathway id, versions 0, 1, 2 …, event ids
// "<id>-<version>". Most begin with a referral, as a log mostly does; some do not.
func History(t *rapid.T, id string, max int) []pathway.Recorded {
	n := rapid.IntRange(1, max).Draw(t, "events")
	var out []pathway.Recorded
	var earlier []string
	for v := range n {
		var e pathway.Event
		if v == 0 && rapid.IntRange(0, 3).Draw(t, "referral first") > 0 {
			e = pathway.ReferralReceived{PathwayID: id, Patient: pathway.Patient{NHSNumber: "9990000018"}, SpecialtyCode: "110",
				ReceivedOn: date(t, "received"), ClockStartOn: date(t, "start"), ReferralPriority: "routine", Source: "gp"}
		} else {
			e = Event(t, id, earlier)
		}
		eid := fmt.Sprintf("%s-%d", id, v)
		earlier = append(earlier, eid)
		out = append(out, pathway.Recorded{Event: e, EventID: eid, StreamVersion: uint64(v)})
	}
	return out
}
