package session

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pathway-ledger/ledger/rtt"
)

// Candidate is an open waiting-list patient the caller offers for a session, with the
// facts the booking rules check and the dates the ranking uses. Callers pass one
// Candidate per pathway.
type Candidate struct {
	PatientFacts
	ExpectedMinutes int
	Priority        rtt.Priority
	// PriorityDueOn is the clinical priority due date (nil for P4, which has none).
	PriorityDueOn *rtt.Date
	// ClockStart starts the RTT period; the 18-week breach day and the wait derive from it.
	ClockStart rtt.Date
}

// Suggestion is a candidate that may go on the list, with its working.
type Suggestion struct {
	PathwayID         string       `json:"pathway_id"`
	ExpectedMinutes   int          `json:"expected_minutes"`
	Priority          rtt.Priority `json:"priority"`
	PriorityDueOn     *rtt.Date    `json:"priority_due_on"`
	WaitDaysAtSession int          `json:"wait_days_at_session"`
	BreachOn          rtt.Date     `json:"breach_on"`
	NoticeDays        int          `json:"notice_days"`
	// ShortNotice: an offer made today for the session gives under 3 weeks' notice
	// (not a reasonable offer, RTT.md §2), so the patient may decline without effect.
	ShortNotice bool     `json:"short_notice"`
	Reasons     []string `json:"reasons"`
}

// ranked is a candidate's place in the urgency order. It holds no pointers (the
// pathway id is read through the index only to break full ties), so ranking a whole
// waiting list gives the garbage collector nothing to scan.
type ranked struct {
	due    rtt.Date
	breach rtt.Date
	wait   int32
	i      int32
	hasDue bool
}

func rankOf(c *Candidate, i int, sessionDate rtt.Date) ranked {
	r := ranked{breach: rtt.BreachDate(c.ClockStart), wait: int32(rtt.WaitDays(c.ClockStart, sessionDate)), i: int32(i)}
	if c.PriorityDueOn != nil {
		r.due, r.hasDue = *c.PriorityDueOn, true
	}
	return r
}

// ranker orders ranked entries of one candidate slice.
type ranker struct{ cs []Candidate }

// moreUrgent is the ranking: clinical priority due date (none last), then 18-week
// breach day, then longest wait at the session date, then pathway id so the order is
// total and repeatable.
func (k ranker) moreUrgent(a, b *ranked) bool {
	if a.hasDue != b.hasDue {
		return a.hasDue
	}
	if a.hasDue {
		if c := a.due.Compare(b.due); c != 0 {
			return c < 0
		}
	}
	if c := a.breach.Compare(b.breach); c != 0 {
		return c < 0
	}
	if a.wait != b.wait {
		return a.wait > b.wait
	}
	return k.cs[a.i].PathwayID < k.cs[b.i].PathwayID
}

func (k ranker) lessUrgent(a, b *ranked) bool { return k.moreUrgent(b, a) }

func (k ranker) compare(a, b ranked) int {
	switch {
	case k.moreUrgent(&a, &b):
		return -1
	case k.moreUrgent(&b, &a):
		return 1
	}
	return 0
}

// Suggest ranks the candidates who may go on the session today and returns the limit
// most urgent (all of them when limit <= 0). A candidate qualifies when every booking
// rule Decide applies to SchedulePatient passes: the session's specialty, an open
// pathway, a fit pre-op in date on the session day, the session's capabilities, no
// other booking that day, not already on the list, and expected minutes within the
// minutes left. A session that takes no more patients gets no suggestions.
//
// Only the qualifying candidates are ranked, and only limit of them are kept in a
// bounded heap, so a run costs O(n log limit) and reasons are written for the winners.
func Suggest(session View, candidates []Candidate, today rtt.Date, limit int) []Suggestion {
	f := factsOfView(&session)
	out := []Suggestion{}
	if f.sessionRefusal(today) != nil {
		return out
	}
	k := ranker{candidates}
	lessUrgent := k.lessUrgent
	var top []ranked
	for i := range candidates {
		c := &candidates[i]
		if !f.eligible(&c.PatientFacts, c.ExpectedMinutes) {
			continue
		}
		r := rankOf(c, i, session.Date)
		switch {
		case limit <= 0 || len(top) < limit:
			top = append(top, r)
			if limit > 0 {
				siftUp(top, len(top)-1, lessUrgent)
			}
		case k.moreUrgent(&r, &top[0]):
			top[0] = r
			siftDown(top, 0, lessUrgent)
		}
	}
	slices.SortFunc(top, k.compare)
	left := f.left()
	for _, r := range top {
		out = append(out, suggestion(&candidates[r.i], f, today, left))
	}
	return out
}

// Explain lists every rule that keeps a candidate off the session today; empty when
// the candidate qualifies.
func Explain(session View, c Candidate, today rtt.Date) []*RuleError {
	f := factsOfView(&session)
	if err := f.sessionRefusal(today); err != nil {
		return []*RuleError{err}
	}
	return f.allRefusals(&c.PatientFacts, c.ExpectedMinutes)
}

func suggestion(c *Candidate, f *listFacts, today rtt.Date, left int) Suggestion {
	notice := rtt.DaysBetween(today, f.date)
	s := Suggestion{
		PathwayID: c.PathwayID, ExpectedMinutes: c.ExpectedMinutes, Priority: c.Priority,
		PriorityDueOn: c.PriorityDueOn, WaitDaysAtSession: rtt.WaitDays(c.ClockStart, f.date),
		BreachOn: rtt.BreachDate(c.ClockStart), NoticeDays: notice,
		ShortNotice: !rtt.IsReasonableOffer(today, f.date),
	}
	s.Reasons = reasons(c, &s, f, left)
	return s
}

func reasons(c *Candidate, s *Suggestion, f *listFacts, left int) []string {
	out := make([]string, 0, 7)
	out = append(out, priorityReason(c, f.date))
	if s.BreachOn.After(f.date) {
		out = append(out, fmt.Sprintf("breaches 18 weeks on %s, %s after this session", s.BreachOn, days(rtt.DaysBetween(f.date, s.BreachOn))))
	} else {
		out = append(out, fmt.Sprintf("over 18 weeks by the session date: breached on %s", s.BreachOn))
	}
	out = append(out, fmt.Sprintf("waited %s by the session date", days(s.WaitDaysAtSession)))
	out = append(out, fmt.Sprintf("expected %d minutes fit the %d minutes left on the list", c.ExpectedMinutes, left))
	if f.needsPreOp() {
		out = append(out, fmt.Sprintf("pre-op fit (assessed %s), in date until %s", c.PreOp.AssessedOn, c.PreOp.ExpiresOn()))
		if need := needs(&c.PreOp.Requirements); need != "" {
			out = append(out, "needs "+need+": this session has it")
		}
	}
	if s.ShortNotice {
		out = append(out, fmt.Sprintf("under 3 weeks' notice: session is %s away", days(s.NoticeDays)))
	}
	return out
}

func priorityReason(c *Candidate, sessionDate rtt.Date) string {
	p := string(c.Priority)
	if p == "" {
		p = "no clinical priority"
	}
	if c.PriorityDueOn == nil {
		return p + ": no priority due date"
	}
	due := *c.PriorityDueOn
	switch d := rtt.DaysBetween(due, sessionDate); {
	case d > 0:
		return fmt.Sprintf("%s due %s, %s before this session", p, due, days(d))
	case d < 0:
		return fmt.Sprintf("%s due %s, %s after this session", p, due, days(-d))
	}
	return fmt.Sprintf("%s due %s, the day of this session", p, due)
}

func needs(r *Requirements) string {
	var parts []string
	if r.HDUBed {
		parts = append(parts, "an HDU bed")
	}
	if len(r.Kit) > 0 {
		parts = append(parts, "kit "+strings.Join(r.Kit, ", "))
	}
	if r.Radiology {
		parts = append(parts, "radiology")
	}
	switch r.AnaesthetistGrade {
	case GradeAny:
		parts = append(parts, "an anaesthetist")
	case "":
	default:
		parts = append(parts, "a "+r.AnaesthetistGrade+" anaesthetist")
	}
	return strings.Join(parts, "; ")
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}
