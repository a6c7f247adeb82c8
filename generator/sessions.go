package generator

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/rtt"
)

// Session is one generated session stream.
type Session struct {
	ID     string
	Events []session.Event
}

// sessionPlan: which lists each specialty runs on which weekdays (Mon=1 … Fri=5),
// with morning (08:30–12:30) and afternoon (13:30–17:30) sessions.
var sessionPlan = []struct {
	code, listType string
	days           []time.Weekday
	turnaround     int
	caps           session.Capabilities
}{
	{"100", session.ListTheatre, []time.Weekday{1, 3, 5}, 15, session.Capabilities{HDUBed: true, AnaesthetistGrade: session.GradeConsultant}},
	{"101", session.ListDayCase, []time.Weekday{2, 4}, 10, session.Capabilities{AnaesthetistGrade: session.GradeAny}},
	{"110", session.ListTheatre, []time.Weekday{1, 2, 3, 4, 5}, 20, session.Capabilities{HDUBed: true, Radiology: true, AnaesthetistGrade: session.GradeConsultant}},
	{"130", session.ListDayCase, []time.Weekday{1, 3}, 10, session.Capabilities{AnaesthetistGrade: session.GradeAny}},
	{"301", session.ListEndoscopy, []time.Weekday{1, 2, 3, 4, 5}, 10, session.Capabilities{}},
	{"104", session.ListEndoscopy, []time.Weekday{2, 4}, 10, session.Capabilities{}},
	{"502", session.ListDayCase, []time.Weekday{2, 5}, 15, session.Capabilities{AnaesthetistGrade: session.GradeAny}},
}

// SessionID is the deterministic id of a planned session.
func SessionID(seed uint64, date rtt.Date, code, half string) string {
	return uuid.NewSHA1(namespace, []byte(fmt.Sprintf("session/%d/%s/%s/%s", seed, date, code, half))).String()
}

// Sessions plans cfg.SessionWeeks of lists from the day after Today.
func Sessions(cfg Config) []Session {
	r := rand.New(rand.NewPCG(cfg.Seed, 1<<62))
	var out []Session
	ctx := session.DecideContext{Today: cfg.Today}
	for day := 1; day <= cfg.SessionWeeks*7; day++ {
		date := cfg.Today.AddDays(day)
		for _, p := range sessionPlan {
			if !runsOn(p.days, date.Weekday()) {
				continue
			}
			for _, half := range []struct{ name, start, end string }{{"am", "08:30", "12:30"}, {"pm", "13:30", "17:30"}} {
				if r.Float64() < 0.1 { // not every slot is staffed
					continue
				}
				id := SessionID(cfg.Seed, date, p.code, half.name)
				cmd := session.PlanSession{SessionID: id, Date: date, StartTime: session.MustParseClock(half.start),
					EndTime: session.MustParseClock(half.end), SpecialtyCode: p.code, ListType: p.listType,
					Site: "Main", Room: fmt.Sprintf("Theatre %d", 1+r.IntN(6)), LeadClinician: "Consultant " + p.code,
					Capabilities: p.caps, TurnaroundMinutes: p.turnaround}
				if p.caps.AnaesthetistGrade != "" {
					cmd.Anaesthetist = "Anaesthetist " + half.name
				}
				evs, err := session.Decide(session.State{}, cmd, ctx)
				if err != nil {
					continue
				}
				// Most lists are confirmed (staffed, anaesthetist agreed) by the time
				// they are a few weeks out; the rest show a missed checkpoint.
				if r.Float64() < 0.9 {
					if more, err := session.Decide(session.Fold(evs), session.ConfirmSession{}, ctx); err == nil {
						evs = append(evs, more...)
					}
				}
				out = append(out, Session{ID: id, Events: evs})
			}
		}
	}
	return out
}

func runsOn(days []time.Weekday, d time.Weekday) bool {
	for _, x := range days {
		if x == d {
			return true
		}
	}
	return false
}
