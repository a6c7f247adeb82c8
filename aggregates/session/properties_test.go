package session

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/pathway-ledger/ledger/rtt"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var kitPool = []string{"Arthroscopy stack", "Laser", "Image intensifier"}

func genCapabilities(t *rapid.T) Capabilities {
	return Capabilities{
		HDUBed:            rapid.Bool().Draw(t, "hdu"),
		Radiology:         rapid.Bool().Draw(t, "radiology"),
		Kit:               rapid.SliceOfNDistinct(rapid.SampledFrom(kitPool), 0, 3, rapid.ID[string]).Draw(t, "kit"),
		AnaesthetistGrade: rapid.SampledFrom([]string{"", GradeAny, GradeConsultant}).Draw(t, "grade"),
	}
}

func genPlan(t *rapid.T) PlanSession {
	start := rapid.IntRange(7*60, 10*60).Draw(t, "start")
	length := rapid.IntRange(30, 8*60).Draw(t, "length")
	return PlanSession{
		SessionID: "s1", Date: sessionDate,
		StartTime: NewClock(start/60, start%60), EndTime: NewClock((start+length)/60, (start+length)%60),
		SpecialtyCode: "110", ListType: rapid.SampledFrom([]string{ListTheatre, ListDayCase, ListEndoscopy, ListClinic}).Draw(t, "list"),
		Anaesthetist:      rapid.SampledFrom([]string{"", "C7654321"}).Draw(t, "anaesthetist"),
		Capabilities:      genCapabilities(t),
		TurnaroundMinutes: rapid.IntRange(0, min(30, length-1)).Draw(t, "turnaround"),
	}
}

func genPatient(t *rapid.T, id string) PatientFacts {
	p := PatientFacts{
		PathwayID:     id,
		SpecialtyCode: rapid.SampledFrom([]string{"110", "110", "110", "110", "110", "101"}).Draw(t, "specialty"),
		Closed:        rapid.IntRange(0, 19).Draw(t, "closed") == 19,
	}
	if rapid.IntRange(0, 19).Draw(t, "has preop") < 19 {
		pre := &PreOp{
			Outcome:    rapid.SampledFrom([]string{PreOpFit, PreOpFit, PreOpFit, PreOpFit, PreOpFit, PreOpFit, PreOpFit, PreOpFit, PreOpUnfit, PreOpReview}).Draw(t, "outcome"),
			AssessedOn: sessionDate.AddDays(-rapid.IntRange(0, 100).Draw(t, "assessed")),
			Requirements: Requirements{
				HDUBed:            rapid.IntRange(0, 5).Draw(t, "needs hdu") == 5,
				Radiology:         rapid.IntRange(0, 5).Draw(t, "needs radiology") == 5,
				Kit:               rapid.SliceOfNDistinct(rapid.SampledFrom(kitPool), 0, 1, rapid.ID[string]).Draw(t, "needs kit"),
				AnaesthetistGrade: rapid.SampledFrom([]string{"", "", "", "", GradeAny, GradeConsultant}).Draw(t, "needs grade"),
			},
		}
		if rapid.Bool().Draw(t, "has valid until") {
			v := sessionDate.AddDays(rapid.IntRange(-10, 60).Draw(t, "valid until"))
			pre.ValidUntil = &v
		}
		p.PreOp = pre
	}
	switch rapid.IntRange(0, 19).Draw(t, "other booking") {
	case 19:
		p.OtherBookingsOnDate = []SessionRef{{SessionID: "s2", BookingID: "b-elsewhere"}}
	case 18:
		p.OtherBookingsOnDate = []SessionRef{{SessionID: "s1", BookingID: "b-stale"}}
	}
	return p
}

func genCandidates(t *rapid.T) []Candidate {
	n := rapid.IntRange(0, 60).Draw(t, "candidates")
	out := make([]Candidate, n)
	for i := range out {
		c := Candidate{
			PatientFacts:    genPatient(t, fmt.Sprintf("p%02d", i)),
			ExpectedMinutes: rapid.IntRange(5, 150).Draw(t, "minutes"),
			Priority:        rapid.SampledFrom([]rtt.Priority{rtt.P1a, rtt.P1b, rtt.P2, rtt.P3, rtt.P4}).Draw(t, "priority"),
			ClockStart:      sessionDate.AddDays(-rapid.IntRange(0, 400).Draw(t, "waited")),
		}
		switch rapid.IntRange(0, 19).Draw(t, "odd minutes") {
		case 13:
			c.ExpectedMinutes = 0
		case 14:
			c.ExpectedMinutes = 300
		}
		if rapid.IntRange(0, 4).Draw(t, "no due") < 4 {
			due := sessionDate.AddDays(rapid.IntRange(-40, 40).Draw(t, "due"))
			c.PriorityDueOn = &due
		}
		out[i] = c
	}
	return out
}

// genList plans a session, books some of the candidates through Decide and may lock
// it; it returns the state and the day the suggestions are asked for.
func genList(t *rapid.T, cs []Candidate) (State, rtt.Date) {
	ahead := rapid.IntRange(0, 60).Draw(t, "days ahead")
	if rapid.IntRange(0, 19).Draw(t, "asked after the session") == 13 {
		ahead = -1
	}
	asked := sessionDate.AddDays(-ahead)
	// The list is built the day before it is asked about (or before the session).
	ctx := DecideContext{Today: asked.AddDays(-1)}
	if ctx.Today.After(sessionDate) {
		ctx.Today = sessionDate
	}
	if ctx.Today.Before(today) {
		ctx.Today = today
	}
	s := apply(t, State{}, genPlan(t), ctx)
	for i := range rapid.IntRange(0, min(6, len(cs))).Draw(t, "booked") {
		c := cs[i]
		s = applyIfAccepted(s, SchedulePatient{BookingID: "b-" + c.PathwayID, ExpectedMinutes: c.ExpectedMinutes, Patient: c.PatientFacts}, ctx)
	}
	if rapid.IntRange(0, 9).Draw(t, "finalise") == 7 {
		s = applyIfAccepted(s, FinaliseSession{}, ctx)
	}
	return s, asked
}

func apply(t require.TestingT, s State, c Command, ctx DecideContext) State {
	evs, err := Decide(s, c, ctx)
	require.NoError(t, err)
	for _, e := range evs {
		s = Evolve(s, e)
	}
	return s
}

func applyIfAccepted(s State, c Command, ctx DecideContext) State {
	evs, err := Decide(s, c, ctx)
	if err != nil {
		return s
	}
	for _, e := range evs {
		s = Evolve(s, e)
	}
	return s
}

// naiveMoreUrgent restates the ranking from the issue text, independently of rankOf.
func naiveMoreUrgent(a, b Candidate, session rtt.Date) bool {
	if (a.PriorityDueOn == nil) != (b.PriorityDueOn == nil) {
		return a.PriorityDueOn != nil
	}
	if a.PriorityDueOn != nil && !a.PriorityDueOn.Equal(*b.PriorityDueOn) {
		return a.PriorityDueOn.Before(*b.PriorityDueOn)
	}
	if ba, bb := rtt.BreachDate(a.ClockStart), rtt.BreachDate(b.ClockStart); !ba.Equal(bb) {
		return ba.Before(bb)
	}
	if wa, wb := rtt.WaitDays(a.ClockStart, session), rtt.WaitDays(b.ClockStart, session); wa != wb {
		return wa > wb
	}
	return a.PathwayID < b.PathwayID
}

func naiveEligible(v View, cs []Candidate, on rtt.Date) []Candidate {
	var out []Candidate
	for _, c := range cs {
		if len(Explain(v, c, on)) == 0 {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		switch {
		case naiveMoreUrgent(a, b, v.Date):
			return -1
		case naiveMoreUrgent(b, a, v.Date):
			return 1
		}
		return 0
	})
	return out
}

func candidateIDs(cs []Candidate) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.PathwayID
	}
	return out
}

// Suggest returns exactly the limit most urgent candidates that Decide would accept.
func TestPropertySuggestAgreesWithDecide(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cs := genCandidates(t)
		s, on := genList(t, cs)
		v := s.View(MilestonePolicy{}, on)
		limit := rapid.IntRange(0, 8).Draw(t, "limit")

		want := naiveEligible(v, cs, on)
		if limit > 0 && len(want) > limit {
			want = want[:limit]
		}
		got := Suggest(v, cs, on, limit)
		require.Equal(t, candidateIDs(want), suggestedIDs(got))

		for _, c := range cs {
			_, err := Decide(s, SchedulePatient{BookingID: "new-booking", ExpectedMinutes: c.ExpectedMinutes, Patient: c.PatientFacts}, DecideContext{Today: on})
			reasons := Explain(v, c, on)
			require.Equal(t, err == nil, len(reasons) == 0, "%s: decide %v, explain %v", c.PathwayID, err, reasons)
			if err != nil {
				var re *RuleError
				require.True(t, errors.As(err, &re))
				require.Equal(t, reasons[0].Rule, re.Rule, "Decide reports the first rule Explain lists")
			}
		}
	})
}

// ProposeList never leaves out a patient who would fit alongside the more urgent
// patients it took, and every patient it proposes can be booked in that order.
func TestPropertyProposalNeverSkipsAMoreUrgentPatientWhoFits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cs := genCandidates(t)
		s, on := genList(t, cs)
		v := s.View(MilestonePolicy{}, on)
		p := ProposeList(v, cs, on)

		byID := map[string]Candidate{}
		for _, c := range cs {
			byID[c.PathwayID] = c
		}
		after := s
		for _, sug := range p.Candidates {
			c := byID[sug.PathwayID]
			after = apply(t, after, SchedulePatient{BookingID: "new-" + c.PathwayID, ExpectedMinutes: c.ExpectedMinutes, Patient: c.PatientFacts}, DecideContext{Today: on})
		}
		require.Equal(t, after.BookedMinutes(), p.BookedMinutes)
		require.Equal(t, after.RemainingMinutes(), p.RemainingMinutes)
		require.LessOrEqual(t, p.BookedMinutes, v.CapacityMinutes)

		proposed := map[string]bool{}
		for _, sug := range p.Candidates {
			proposed[sug.PathwayID] = true
		}
		eligible := naiveEligible(v, cs, on)
		takenInOrder := []string{}
		passedOver, pending := 0, 0
		for _, c := range eligible {
			if proposed[c.PathwayID] {
				takenInOrder = append(takenInOrder, c.PathwayID)
				passedOver += pending
				pending = 0
				continue
			}
			pending++
			// Rebuild the list with only the proposed patients more urgent than c.
			partial := s
			for _, id := range takenInOrder {
				b := byID[id]
				partial = apply(t, partial, SchedulePatient{BookingID: "new-" + id, ExpectedMinutes: b.ExpectedMinutes, Patient: b.PatientFacts}, DecideContext{Today: on})
			}
			require.Greater(t, c.ExpectedMinutes, partial.RemainingMinutes(), "%s fits but was left out", c.PathwayID)
		}
		require.Equal(t, takenInOrder, suggestedIDs(p.Candidates), "proposed in urgency order")
		require.Equal(t, passedOver, p.PassedOver)
	})
}

// Any sequence of commands keeps the list within its capacity, its bookings unique,
// closed sessions closed and every event storable.
func TestPropertyCommandSequencesKeepTheInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var s State
		on := sessionDate.AddDays(-rapid.IntRange(0, 70).Draw(t, "start"))
		policy := rapid.SampledFrom([]MilestonePolicy{{}, {Rule: Rule853, FillThreshold: 0.5, AtRiskDays: 3}}).Draw(t, "policy")
		pool := []string{"p0", "p1", "p2", "p3", "p4", "p5"}
		var events []Event
		for range rapid.IntRange(1, 40).Draw(t, "steps") {
			on = on.AddDays(rapid.IntRange(0, 4).Draw(t, "advance"))
			var cmd Command
			switch rapid.IntRange(0, 9).Draw(t, "kind") {
			case 0:
				cmd = genPlan(t)
			case 1, 2, 3, 4:
				id := rapid.SampledFrom(pool).Draw(t, "pathway")
				cmd = SchedulePatient{BookingID: rapid.SampledFrom([]string{"b1", "b2", "b3", "b4", "b5", "b6", ""}).Draw(t, "booking"),
					ExpectedMinutes: rapid.IntRange(-1, 200).Draw(t, "minutes"), Patient: genPatient(t, id)}
			case 5:
				cmd = UnschedulePatient{PathwayID: rapid.SampledFrom(pool).Draw(t, "pathway")}
			case 6:
				cmd = ConfirmSession{}
			case 7:
				cmd = FinaliseSession{}
			case 8:
				cmd = CancelSession{CancelledOn: on.AddDays(-rapid.IntRange(-1, 5).Draw(t, "cancel back")), Reason: rapid.SampledFrom([]string{"", "no surgeon"}).Draw(t, "reason")}
			default:
				cmd = ReleaseSession{}
			}
			before := s
			evs, err := Decide(s, cmd, DecideContext{Today: on, Policy: policy})
			if err != nil {
				require.Nil(t, evs)
				require.ErrorIs(t, err, ErrRuleViolation)
				continue
			}
			require.NotEmpty(t, evs)
			require.NotEqual(t, StatusCancelled, before.Status, "a cancelled session accepts nothing")
			require.NotEqual(t, StatusReleased, before.Status, "a released session accepts nothing")
			for _, e := range evs {
				typ, data, err := Encode(e)
				require.NoError(t, err)
				back, err := Decode(typ, SchemaVersion, data)
				require.NoError(t, err)
				require.Equal(t, e, back)
				if ps, ok := e.(PatientScheduled); ok {
					require.False(t, ps.AdmissionOn.Before(on), "never booked into the past")
					require.NotEqual(t, StatusFinalised, before.Status, "a finalised list takes no one")
				}
				s = Evolve(s, e)
				events = append(events, e)
			}
			require.LessOrEqual(t, s.BookedMinutes(), s.CapacityMinutes())
			pathways, bookings := map[string]bool{}, map[string]bool{}
			for _, b := range s.Bookings {
				require.False(t, pathways[b.PathwayID], "pathway twice on the list")
				require.False(t, bookings[b.BookingID], "booking id twice on the list")
				pathways[b.PathwayID], bookings[b.BookingID] = true, true
			}
			require.Equal(t, s, Fold(events), "folding the stream gives the same state")
		}
	})
}
