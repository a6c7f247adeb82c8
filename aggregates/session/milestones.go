package session

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pathway-ledger/ledger/rtt"
)

// MilestoneRule is a local variant of 6-4-2 theatre scheduling (RTT.md §6): the weeks
// before the session by which it is confirmed or released, its list is filled, and its
// list is locked.
type MilestoneRule struct {
	ConfirmWeeks int
	FillWeeks    int
	LockWeeks    int
}

// Rule642 is the default; Rule853 a common local variant.
var (
	Rule642 = MilestoneRule{ConfirmWeeks: 6, FillWeeks: 4, LockWeeks: 2}
	Rule853 = MilestoneRule{ConfirmWeeks: 8, FillWeeks: 5, LockWeeks: 3}
)

// MaxMilestoneWeeks bounds how far ahead a checkpoint may fall (ours: a year).
const MaxMilestoneWeeks = 52

// ErrBadMilestoneRule is returned for a rule that is not three strictly decreasing
// week counts between 1 and MaxMilestoneWeeks.
var ErrBadMilestoneRule = errors.New("session: milestone rule must be three strictly decreasing week counts, e.g. 6,4,2")

// ParseMilestoneRule reads "6,4,2" (also "6-4-2" and "8:5:3", the ways the rules are
// written in trusts' access policies; LEDGER_SESSION_MILESTONES uses commas).
func ParseMilestoneRule(s string) (MilestoneRule, error) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '-' || r == ':' })
	if len(parts) != 3 || strings.Count(s, ",")+strings.Count(s, "-")+strings.Count(s, ":") != 2 {
		return MilestoneRule{}, fmt.Errorf("%w: %q", ErrBadMilestoneRule, s)
	}
	var w [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return MilestoneRule{}, fmt.Errorf("%w: %q", ErrBadMilestoneRule, s)
		}
		w[i] = n
	}
	r := MilestoneRule{ConfirmWeeks: w[0], FillWeeks: w[1], LockWeeks: w[2]}
	if err := r.Validate(); err != nil {
		return MilestoneRule{}, fmt.Errorf("%w: %q", ErrBadMilestoneRule, s)
	}
	return r, nil
}

// Validate checks the weeks are strictly decreasing and between 1 and MaxMilestoneWeeks.
func (r MilestoneRule) Validate() error {
	if r.LockWeeks < 1 || r.FillWeeks <= r.LockWeeks || r.ConfirmWeeks <= r.FillWeeks || r.ConfirmWeeks > MaxMilestoneWeeks {
		return fmt.Errorf("%w: %s", ErrBadMilestoneRule, r)
	}
	return nil
}

func (r MilestoneRule) String() string {
	return fmt.Sprintf("%d,%d,%d", r.ConfirmWeeks, r.FillWeeks, r.LockWeeks)
}

// MilestonePolicy is the configured rule with the fill level a list must reach by
// fill_by and the days before each checkpoint in which an unmet one is at risk.
type MilestonePolicy struct {
	Rule          MilestoneRule
	FillThreshold float64
	AtRiskDays    int
}

// Default policy figures (ours): a list is "filled" at 85% utilisation, a level
// theatre-productivity programmes commonly aim for, and the week before a checkpoint
// is its warning window.
const (
	DefaultFillThreshold = 0.85
	DefaultAtRiskDays    = 7
)

// DefaultMilestonePolicy is 6-4-2 with the default threshold and window.
func DefaultMilestonePolicy() MilestonePolicy {
	return MilestonePolicy{Rule: Rule642, FillThreshold: DefaultFillThreshold, AtRiskDays: DefaultAtRiskDays}
}

// Validate checks the rule, a threshold in (0, 1] and a window that is not negative.
func (p MilestonePolicy) Validate() error {
	if err := p.Rule.Validate(); err != nil {
		return err
	}
	if !(p.FillThreshold > 0 && p.FillThreshold <= 1) {
		return fmt.Errorf("session: fill threshold %v must lie in (0, 1]", p.FillThreshold)
	}
	if p.AtRiskDays < 0 {
		return fmt.Errorf("session: at-risk days %d must not be negative", p.AtRiskDays)
	}
	return nil
}

// orDefault turns the zero policy into the default one.
func (p MilestonePolicy) orDefault() MilestonePolicy {
	if p == (MilestonePolicy{}) {
		return DefaultMilestonePolicy()
	}
	return p
}

// MilestoneStatus grades a checkpoint.
type MilestoneStatus string

const (
	OnTrack MilestoneStatus = "on_track"
	AtRisk  MilestoneStatus = "at_risk"
	Missed  MilestoneStatus = "missed"
	// NotApplicable: the session was cancelled or released; no checkpoint is due.
	NotApplicable MilestoneStatus = "not_applicable"
)

func severity(s MilestoneStatus) int {
	switch s {
	case AtRisk:
		return 1
	case Missed:
		return 2
	}
	return 0
}

// MilestoneFacts is the session's progress that the checkpoints judge.
type MilestoneFacts struct {
	Confirmed bool
	FillLevel float64
	Finalised bool
	// Closed: cancelled or released.
	Closed bool
}

// MilestoneCheck is one checkpoint.
type MilestoneCheck struct {
	DueOn  rtt.Date        `json:"due_on"`
	Met    bool            `json:"met"`
	Status MilestoneStatus `json:"status"`
}

// MilestoneView is the session's checkpoints; Status is the worst of the three.
type MilestoneView struct {
	Rule          string          `json:"rule"`
	FillThreshold float64         `json:"fill_threshold"`
	ConfirmBy     rtt.Date        `json:"confirm_by"`
	FillBy        rtt.Date        `json:"fill_by"`
	LockBy        rtt.Date        `json:"lock_by"`
	Status        MilestoneStatus `json:"status"`
	Confirm       MilestoneCheck  `json:"confirm"`
	Fill          MilestoneCheck  `json:"fill"`
	Lock          MilestoneCheck  `json:"lock"`
}

// Milestones grades a session's checkpoints on today. Each checkpoint falls its
// rule's weeks before the session date and is met when the session is confirmed (or
// finalised), filled to the threshold, and finalised respectively. An unmet checkpoint
// is missed once its date has passed, at risk from AtRiskDays before its date up to and
// including the date itself, and on track before that. Fill is judged on the current
// level, so a list that falls below the threshold after fill_by shows as missed until
// it is back-filled. The zero policy means DefaultMilestonePolicy.
func Milestones(p MilestonePolicy, sessionDate, today rtt.Date, f MilestoneFacts) MilestoneView {
	p = p.orDefault()
	v := MilestoneView{
		Rule:          p.Rule.String(),
		FillThreshold: p.FillThreshold,
		ConfirmBy:     sessionDate.AddDays(-7 * p.Rule.ConfirmWeeks),
		FillBy:        sessionDate.AddDays(-7 * p.Rule.FillWeeks),
		LockBy:        sessionDate.AddDays(-7 * p.Rule.LockWeeks),
	}
	v.Confirm = grade(v.ConfirmBy, f.Confirmed || f.Finalised, today, p.AtRiskDays, f.Closed)
	v.Fill = grade(v.FillBy, f.FillLevel >= p.FillThreshold, today, p.AtRiskDays, f.Closed)
	v.Lock = grade(v.LockBy, f.Finalised, today, p.AtRiskDays, f.Closed)
	v.Status = OnTrack
	if f.Closed {
		v.Status = NotApplicable
	}
	for _, c := range []MilestoneCheck{v.Confirm, v.Fill, v.Lock} {
		if severity(c.Status) > severity(v.Status) {
			v.Status = c.Status
		}
	}
	return v
}

func grade(due rtt.Date, met bool, today rtt.Date, atRiskDays int, closed bool) MilestoneCheck {
	c := MilestoneCheck{DueOn: due, Met: met}
	switch {
	case closed:
		c.Status = NotApplicable
	case met:
		c.Status = OnTrack
	case today.After(due):
		c.Status = Missed
	case !today.Before(due.AddDays(-atRiskDays)):
		c.Status = AtRisk
	default:
		c.Status = OnTrack
	}
	return c
}
