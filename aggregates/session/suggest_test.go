package session

import (
	"testing"

	"github.com/pathway-ledger/ledger/rtt"
	"github.com/stretchr/testify/require"
)

// listWithOneCase has p0 booked for 100 minutes: 125 minutes are left after turnaround.
func listWithOneCase() View {
	return Fold([]Event{planned(), scheduled("p0", 100)}).View(MilestonePolicy{}, today)
}

func cand(id string, minutes int, p rtt.Priority, due string, clockStart string, mods ...func(*Candidate)) Candidate {
	c := Candidate{PatientFacts: fitPatient(id), ExpectedMinutes: minutes, Priority: p, ClockStart: d(clockStart)}
	if due != "" {
		c.PriorityDueOn = datePtr(due)
	}
	for _, m := range mods {
		m(&c)
	}
	return c
}

func suggestedIDs(ss []Suggestion) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.PathwayID
	}
	return out
}

func rankingCandidates() []Candidate {
	return []Candidate{
		cand("a", 60, rtt.P2, "2025-03-31", "2024-12-01"),
		cand("c", 60, rtt.P4, "", "2024-06-01"),
		cand("e", 60, rtt.P3, "2025-03-31", "2024-11-01"),
		cand("b", 60, rtt.P2, "2025-03-20", "2025-01-10"),
		cand("f", 60, rtt.P4, "", "2024-05-01"),
		cand("d", 60, rtt.P3, "2025-03-31", "2024-11-01"),
		// None of these may go on the list.
		cand("x-specialty", 60, rtt.P1a, "2025-03-04", "2024-01-01", func(c *Candidate) { c.SpecialtyCode = "101" }),
		cand("x-long", 126, rtt.P1a, "2025-03-04", "2024-01-01"),
		cand("x-closed", 60, rtt.P1a, "2025-03-04", "2024-01-01", func(c *Candidate) { c.Closed = true }),
		cand("x-no-preop", 60, rtt.P1a, "2025-03-04", "2024-01-01", func(c *Candidate) { c.PreOp = nil }),
		cand("x-expired", 60, rtt.P1a, "2025-03-04", "2024-01-01", func(c *Candidate) { c.PreOp.ValidUntil = datePtr("2025-04-13") }),
		cand("x-elsewhere", 60, rtt.P1a, "2025-03-04", "2024-01-01", func(c *Candidate) {
			c.OtherBookingsOnDate = []SessionRef{{SessionID: "s9", BookingID: "b9"}}
		}),
		cand("x-radiology", 60, rtt.P1a, "2025-03-04", "2024-01-01", func(c *Candidate) { c.PreOp.Requirements.Radiology = true }),
		cand("p0", 60, rtt.P1a, "2025-03-04", "2024-01-01"),
	}
}

func TestSuggestRanksByDueDateThenBreachThenWaitThenID(t *testing.T) {
	got := Suggest(listWithOneCase(), rankingCandidates(), today, 0)
	// b is due first; d and e share a due date with a but breach earlier and tie with
	// each other (id decides); P4 has no due date, so f and c come last by breach day.
	require.Equal(t, []string{"b", "d", "e", "a", "f", "c"}, suggestedIDs(got))
	require.Equal(t, []string{"b", "d", "e"}, suggestedIDs(Suggest(listWithOneCase(), rankingCandidates(), today, 3)))
	require.Equal(t, []string{"b"}, suggestedIDs(Suggest(listWithOneCase(), rankingCandidates(), today, 1)))
}

func TestSuggestionFieldsAndReasons(t *testing.T) {
	got := Suggest(listWithOneCase(), rankingCandidates(), today, 0)
	b, c := got[0], got[5]
	require.Equal(t, Suggestion{
		PathwayID: "b", ExpectedMinutes: 60, Priority: rtt.P2, PriorityDueOn: datePtr("2025-03-20"),
		WaitDaysAtSession: 94, BreachOn: d("2025-05-17"), NoticeDays: 42, ShortNotice: false,
		Reasons: []string{
			"P2 due 2025-03-20, 25 days before this session",
			"breaches 18 weeks on 2025-05-17, 33 days after this session",
			"waited 94 days by the session date",
			"expected 60 minutes fit the 125 minutes left on the list",
			"pre-op fit (assessed 2025-02-20), in date until 2025-05-20",
		},
	}, b)
	require.Equal(t, []string{
		"P4: no priority due date",
		"over 18 weeks by the session date: breached on 2024-10-06",
		"waited 317 days by the session date",
		"expected 60 minutes fit the 125 minutes left on the list",
		"pre-op fit (assessed 2025-02-20), in date until 2025-05-20",
	}, c.Reasons)
	require.Nil(t, c.PriorityDueOn)
}

func TestSuggestionReasonVariants(t *testing.T) {
	view := Fold([]Event{planned()}).View(MilestonePolicy{}, today)
	cs := []Candidate{
		cand("after", 30, rtt.P3, "2025-04-22", "2025-03-01", func(c *Candidate) {
			c.PreOp.Requirements = Requirements{HDUBed: true, Kit: []string{"Arthroscopy stack"}, AnaesthetistGrade: GradeConsultant}
		}),
		cand("sameday", 30, rtt.P2, "2025-04-14", "2025-03-01"),
		cand("oneday", 30, rtt.P2, "2025-04-13", "2024-12-08"),
	}
	got := Suggest(view, cs, today, 0)
	require.Equal(t, []string{"oneday", "sameday", "after"}, suggestedIDs(got))
	require.Equal(t, "P2 due 2025-04-13, 1 day before this session", got[0].Reasons[0])
	require.Equal(t, d("2025-04-14"), got[0].BreachOn)
	require.Equal(t, "over 18 weeks by the session date: breached on 2025-04-14", got[0].Reasons[1], "the breach day itself is over 18 weeks")
	require.Equal(t, "P2 due 2025-04-14, the day of this session", got[1].Reasons[0])
	require.Equal(t, "P3 due 2025-04-22, 8 days after this session", got[2].Reasons[0])
	require.Equal(t, "expected 30 minutes fit the 240 minutes left on the list", got[2].Reasons[3])
	require.Equal(t, "needs an HDU bed; kit Arthroscopy stack; a consultant anaesthetist: this session has it", got[2].Reasons[5])
}

func TestSuggestMarksShortNotice(t *testing.T) {
	view := Fold([]Event{planned()}).View(MilestonePolicy{}, today)
	cs := []Candidate{cand("a", 60, rtt.P2, "2025-03-31", "2024-12-01")}

	at21 := Suggest(view, cs, sessionDate.AddDays(-21), 0)
	require.Len(t, at21, 1)
	require.False(t, at21[0].ShortNotice, "21 days is reasonable notice")
	require.Equal(t, 21, at21[0].NoticeDays)
	require.NotContains(t, at21[0].Reasons[len(at21[0].Reasons)-1], "notice")

	at20 := Suggest(view, cs, sessionDate.AddDays(-20), 0)
	require.True(t, at20[0].ShortNotice)
	require.Equal(t, "under 3 weeks' notice: session is 20 days away", at20[0].Reasons[len(at20[0].Reasons)-1])

	onTheDay := Suggest(view, cs, sessionDate, 0)
	require.Equal(t, "under 3 weeks' notice: session is 0 days away", onTheDay[0].Reasons[len(onTheDay[0].Reasons)-1])
}

func TestSuggestNothingForAClosedOrPastList(t *testing.T) {
	cs := rankingCandidates()
	views := map[string]View{
		"finalised": Fold([]Event{planned(), scheduled("p0", 100), finalisedOne}).View(MilestonePolicy{}, today),
		"cancelled": Fold([]Event{planned(), cancelledEarly}).View(MilestonePolicy{}, today),
		"released":  Fold([]Event{planned(), released}).View(MilestonePolicy{}, today),
		"unplanned": State{}.View(MilestonePolicy{}, today),
	}
	for name, v := range views {
		got := Suggest(v, cs, today, 5)
		require.NotNil(t, got, name)
		require.Empty(t, got, name)
	}
	require.Empty(t, Suggest(listWithOneCase(), cs, sessionDate.AddDays(1), 5), "session has passed")
	require.Empty(t, Suggest(listWithOneCase(), nil, today, 5))
}

func TestExplainListsEveryRule(t *testing.T) {
	c := cand("z", 130, rtt.P2, "", "2025-01-01", func(c *Candidate) { c.SpecialtyCode = "101"; c.PreOp = nil })
	got := Explain(listWithOneCase(), c, today)
	rules := make([]string, len(got))
	for i, e := range got {
		rules[i] = e.Rule
	}
	require.Equal(t, []string{RuleSpecialtyMismatch, RulePreOpMissing, RuleOverCapacity}, rules)
	require.Equal(t, "the pathway's specialty 101 is not the session's 110", got[0].Detail)
	require.Equal(t, "130 expected minutes do not fit: 100 of 240 minutes are booked and 125 remain after turnaround", got[2].Detail)

	require.Empty(t, Explain(listWithOneCase(), cand("ok", 125, rtt.P2, "", "2025-01-01"), today))

	fin := Fold([]Event{planned(), finalisedOne}).View(MilestonePolicy{}, today)
	got = Explain(fin, cand("ok", 30, rtt.P2, "", "2025-01-01"), today)
	require.Len(t, got, 1)
	require.Equal(t, RuleListFinalised, got[0].Rule)

	kit := cand("k", 30, rtt.P2, "", "2025-01-01", func(c *Candidate) {
		c.PreOp.Requirements.Kit = []string{"Laser", "arthroscopy stack", "Image intensifier"}
	})
	got = Explain(listWithOneCase(), kit, today)
	require.Len(t, got, 1)
	require.Equal(t, "capabilities.kit", got[0].Field)
	require.Equal(t, "the session lacks the kit the patient needs: Laser, Image intensifier", got[0].Detail)
}

func TestProposeListTakesTheMostUrgentThatFit(t *testing.T) {
	cs := []Candidate{
		cand("D", 5, rtt.P4, "", "2025-01-04"),
		cand("B", 60, rtt.P2, "2025-03-25", "2025-01-02"),
		cand("A", 100, rtt.P2, "2025-03-20", "2025-01-01"),
		cand("C", 20, rtt.P3, "2025-04-01", "2025-01-03"),
		cand("too-long", 126, rtt.P1a, "2025-03-04", "2024-01-01"),
	}
	p := ProposeList(listWithOneCase(), cs, today)
	// A takes 100 + 15 turnaround: 10 minutes are left, after the next turnaround.
	// B (60) and C (20) no longer fit; D (5) does. too-long never fitted.
	require.Equal(t, []string{"A", "D"}, suggestedIDs(p.Candidates))
	require.Equal(t, 2, p.PassedOver)
	require.Equal(t, 100+15+100+15+5, p.BookedMinutes)
	require.Equal(t, 0, p.RemainingMinutes)
	require.Equal(t, 0.9792, p.Utilisation)
	require.Equal(t, "expected 100 minutes fit the 125 minutes left on the list", p.Candidates[0].Reasons[3])
	require.Equal(t, "expected 5 minutes fit the 10 minutes left on the list", p.Candidates[1].Reasons[3])
}

func TestProposeListOnAClosedList(t *testing.T) {
	v := Fold([]Event{planned(), scheduled("p0", 100), finalisedOne}).View(MilestonePolicy{}, today)
	p := ProposeList(v, rankingCandidates(), today)
	require.Empty(t, p.Candidates)
	require.Equal(t, 100, p.BookedMinutes)
	require.Equal(t, 0.4167, p.Utilisation)
}

func TestProposeListTakesAPathwayOfferedTwiceOnce(t *testing.T) {
	view := Fold([]Event{planned()}).View(MilestonePolicy{}, today)
	a := cand("a", 60, rtt.P2, "2025-03-20", "2025-01-01")
	p := ProposeList(view, []Candidate{a, a, cand("b", 60, rtt.P3, "2025-04-01", "2025-01-01")}, today)
	require.Equal(t, []string{"a", "b"}, suggestedIDs(p.Candidates))
	require.Equal(t, 0, p.PassedOver)
	require.Equal(t, 135, p.BookedMinutes)
}
