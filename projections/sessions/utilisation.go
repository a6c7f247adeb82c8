package sessions

import (
	"cmp"
	"slices"
	"strings"

	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/rtt"
)

// UtilisationRow is one specialty's sessions in one week (Monday to Sunday).
// Capacity, booked minutes and utilisation count only the lists that run (planned or
// finalised): a cancelled or released session has no capacity left to fill, and is
// counted in its own column instead.
type UtilisationRow struct {
	SpecialtyCode string   `json:"specialty_code"`
	WeekStarting  rtt.Date `json:"week_starting"`
	Figures
}

// Figures are the counts of a row or of the whole report.
type Figures struct {
	Sessions          int     `json:"sessions"`
	RunningSessions   int     `json:"running_sessions"`
	FinalisedSessions int     `json:"finalised_sessions"`
	CancelledSessions int     `json:"cancelled_sessions"`
	ReleasedSessions  int     `json:"released_sessions"`
	CapacityMinutes   int     `json:"capacity_minutes"`
	BookedMinutes     int     `json:"booked_minutes"`
	Utilisation       float64 `json:"utilisation"`
	Cases             int     `json:"cases"`
	// CancelledCases are the bookings lost with cancelled sessions.
	CancelledCases int `json:"cancelled_cases"`
	// UnderFilled counts running lists whose fill checkpoint is at risk or missed.
	UnderFilled int `json:"under_filled"`
}

// FillWarning is a running list below the fill threshold at or near its fill_by date:
// the early warning a booking team acts on before the list is locked.
type FillWarning struct {
	SessionID        string                  `json:"session_id"`
	Date             rtt.Date                `json:"date"`
	StartTime        session.Clock           `json:"start_time"`
	SpecialtyCode    string                  `json:"specialty_code"`
	ListType         string                  `json:"list_type"`
	FillBy           rtt.Date                `json:"fill_by"`
	Utilisation      float64                 `json:"utilisation"`
	FillThreshold    float64                 `json:"fill_threshold"`
	RemainingMinutes int                     `json:"remaining_minutes"`
	Status           session.MilestoneStatus `json:"status"`
}

// Utilisation is the report over sessions dated From to To (inclusive).
type Utilisation struct {
	From     rtt.Date         `json:"from"`
	To       rtt.Date         `json:"to"`
	Rule     string           `json:"rule"`
	Rows     []UtilisationRow `json:"rows"`
	Total    Figures          `json:"total"`
	Warnings []FillWarning    `json:"warnings"`
}

// WeekStarting is the Monday of d's week.
func WeekStarting(d rtt.Date) rtt.Date { return d.AddDays(-((int(d.Weekday()) + 6) % 7)) }

// Utilisation reports booked minutes, utilisation, cancelled and released sessions by
// specialty and week, and the lists under-filled at their fill checkpoint, judged on
// today under the policy.
func (m *ReadModel) Utilisation(from, to rtt.Date, specialty string, p session.MilestonePolicy, today rtt.Date) Utilisation {
	u := Utilisation{From: from, To: to, Rows: []UtilisationRow{}, Warnings: []FillWarning{}}
	u.Rule = session.Milestones(p, to, today, session.MilestoneFacts{}).Rule
	rows := map[[2]string]*UtilisationRow{}
	for _, s := range m.List(Filter{From: &from, To: &to, SpecialtyCode: specialty}) {
		v := s.View(p, today)
		week := WeekStarting(s.Date)
		key := [2]string{s.SpecialtyCode, week.String()}
		row := rows[key]
		if row == nil {
			row = &UtilisationRow{SpecialtyCode: s.SpecialtyCode, WeekStarting: week}
			rows[key] = row
		}
		add(&row.Figures, &v)
		add(&u.Total, &v)
		if fill := v.Milestones.Fill.Status; running(v.Status) && (fill == session.AtRisk || fill == session.Missed) {
			u.Warnings = append(u.Warnings, FillWarning{SessionID: v.SessionID, Date: v.Date, StartTime: v.StartTime,
				SpecialtyCode: v.SpecialtyCode, ListType: v.ListType, FillBy: v.Milestones.FillBy, Utilisation: v.Utilisation,
				FillThreshold: v.Milestones.FillThreshold, RemainingMinutes: v.RemainingMinutes, Status: fill})
		}
	}
	for _, r := range rows {
		r.Utilisation = ratio(r.BookedMinutes, r.CapacityMinutes)
		u.Rows = append(u.Rows, *r)
	}
	slices.SortFunc(u.Rows, func(a, b UtilisationRow) int {
		return cmp.Or(a.WeekStarting.Compare(b.WeekStarting), strings.Compare(a.SpecialtyCode, b.SpecialtyCode))
	})
	u.Total.Utilisation = ratio(u.Total.BookedMinutes, u.Total.CapacityMinutes)
	return u
}

func running(s session.Status) bool {
	return s == session.StatusPlanned || s == session.StatusFinalised
}

func add(r *Figures, v *session.View) {
	r.Sessions++
	switch v.Status {
	case session.StatusCancelled:
		r.CancelledSessions++
		r.CancelledCases += len(v.CancelledBookings)
	case session.StatusReleased:
		r.ReleasedSessions++
	default:
		r.RunningSessions++
		if v.Status == session.StatusFinalised {
			r.FinalisedSessions++
		}
		r.CapacityMinutes += v.CapacityMinutes
		r.BookedMinutes += v.BookedMinutes
		r.Cases += len(v.Bookings)
		if f := v.Milestones.Fill.Status; f == session.AtRisk || f == session.Missed {
			r.UnderFilled++
		}
	}
}

// ratio rounds to four decimals, as the session view does.
func ratio(booked, capacity int) float64 {
	if capacity <= 0 {
		return 0
	}
	return float64(int(float64(booked)/float64(capacity)*10000+0.5)) / 10000
}
