package session

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseMilestoneRule(t *testing.T) {
	valid := map[string]MilestoneRule{
		"6,4,2": Rule642, "8,5,3": Rule853, " 8 , 5 , 3 ": Rule853, "6-4-2": Rule642, "8:5:3": Rule853,
		"12,6,1": {ConfirmWeeks: 12, FillWeeks: 6, LockWeeks: 1},
	}
	for in, want := range valid {
		got, err := ParseMilestoneRule(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "6,4", "6,4,2,1", "4,6,2", "6,6,2", "6,4,4", "6,4,0", "53,4,2", "a,b,c", "6,,4,2", "6,4,-2", "6;4;2", "6,4,2,"} {
		_, err := ParseMilestoneRule(bad)
		require.ErrorIs(t, err, ErrBadMilestoneRule, bad)
	}
	require.Equal(t, "8,5,3", Rule853.String())
}

func TestMilestonePolicyValidate(t *testing.T) {
	require.NoError(t, DefaultMilestonePolicy().Validate())
	require.NoError(t, MilestonePolicy{Rule: Rule853, FillThreshold: 1, AtRiskDays: 0}.Validate())
	require.Error(t, MilestonePolicy{Rule: Rule642, FillThreshold: 0, AtRiskDays: 7}.Validate())
	require.Error(t, MilestonePolicy{Rule: Rule642, FillThreshold: 1.01, AtRiskDays: 7}.Validate())
	require.Error(t, MilestonePolicy{Rule: Rule642, FillThreshold: 0.85, AtRiskDays: -1}.Validate())
	require.ErrorIs(t, MilestonePolicy{Rule: MilestoneRule{4, 6, 2}, FillThreshold: 0.85}.Validate(), ErrBadMilestoneRule)
}

type msCase struct {
	on                  string
	facts               MilestoneFacts
	confirm, fill, lock MilestoneStatus
	overall             MilestoneStatus
}

const (
	ok   = OnTrack
	risk = AtRisk
	miss = Missed
	na   = NotApplicable
)

var (
	nothing   = MilestoneFacts{}
	confirmed = MilestoneFacts{Confirmed: true}
	underFull = MilestoneFacts{Confirmed: true, FillLevel: 0.84}
	full      = MilestoneFacts{Confirmed: true, FillLevel: 0.85}
	locked    = MilestoneFacts{FillLevel: 0.9, Finalised: true}
	lockedLow = MilestoneFacts{FillLevel: 0.5, Finalised: true}
)

func runMilestones(t *testing.T, rule MilestoneRule, confirmBy, fillBy, lockBy string, cases []msCase) {
	t.Helper()
	session := d("2025-06-30")
	p := MilestonePolicy{Rule: rule, FillThreshold: 0.85, AtRiskDays: 7}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %+v", c.on, c.facts), func(t *testing.T) {
			v := Milestones(p, session, d(c.on), c.facts)
			require.Equal(t, d(confirmBy), v.ConfirmBy)
			require.Equal(t, d(fillBy), v.FillBy)
			require.Equal(t, d(lockBy), v.LockBy)
			require.Equal(t, v.ConfirmBy, v.Confirm.DueOn)
			require.Equal(t, []MilestoneStatus{c.confirm, c.fill, c.lock, c.overall},
				[]MilestoneStatus{v.Confirm.Status, v.Fill.Status, v.Lock.Status, v.Status})
		})
	}
}

// The session is Monday 30 June 2025: 6-4-2 gives 19 May, 2 June and 16 June.
func TestMilestones642(t *testing.T) {
	runMilestones(t, Rule642, "2025-05-19", "2025-06-02", "2025-06-16", []msCase{
		{"2025-05-11", nothing, ok, ok, ok, ok},
		{"2025-05-12", nothing, risk, ok, ok, risk}, // 7 days before confirm_by
		{"2025-05-19", nothing, risk, ok, ok, risk}, // confirm_by itself is still in time
		{"2025-05-20", nothing, miss, ok, ok, miss},
		{"2025-05-20", confirmed, ok, ok, ok, ok},
		{"2025-05-25", confirmed, ok, ok, ok, ok},
		{"2025-05-26", confirmed, ok, risk, ok, risk},
		{"2025-06-02", underFull, ok, risk, ok, risk},
		{"2025-06-02", full, ok, ok, ok, ok},
		{"2025-06-03", underFull, ok, miss, ok, miss},
		{"2025-06-08", full, ok, ok, ok, ok},
		{"2025-06-09", full, ok, ok, risk, risk},
		{"2025-06-16", full, ok, ok, risk, risk},
		{"2025-06-17", full, ok, ok, miss, miss},
		{"2025-06-17", locked, ok, ok, ok, ok},
		{"2025-06-30", lockedLow, ok, miss, ok, miss}, // locked but never filled
		{"2025-06-30", MilestoneFacts{Closed: true}, na, na, na, na},
	})
}

// 8:5:3 gives 5 May, 26 May and 9 June.
func TestMilestones853(t *testing.T) {
	runMilestones(t, Rule853, "2025-05-05", "2025-05-26", "2025-06-09", []msCase{
		{"2025-04-27", nothing, ok, ok, ok, ok},
		{"2025-04-28", nothing, risk, ok, ok, risk},
		{"2025-05-05", nothing, risk, ok, ok, risk},
		{"2025-05-06", nothing, miss, ok, ok, miss},
		{"2025-05-18", confirmed, ok, ok, ok, ok},
		{"2025-05-19", confirmed, ok, risk, ok, risk},
		{"2025-05-26", underFull, ok, risk, ok, risk},
		{"2025-05-27", underFull, ok, miss, ok, miss},
		{"2025-05-27", full, ok, ok, ok, ok},
		{"2025-06-02", full, ok, ok, risk, risk},
		{"2025-06-09", full, ok, ok, risk, risk},
		{"2025-06-10", full, ok, ok, miss, miss},
		{"2025-06-10", locked, ok, ok, ok, ok},
	})
}

func TestMilestonesZeroPolicyIsTheDefault(t *testing.T) {
	on, session := d("2025-05-26"), d("2025-06-30")
	require.Equal(t, Milestones(DefaultMilestonePolicy(), session, on, underFull), Milestones(MilestonePolicy{}, session, on, underFull))
	v := Milestones(MilestonePolicy{}, session, on, underFull)
	require.Equal(t, "6,4,2", v.Rule)
	require.Equal(t, 0.85, v.FillThreshold)
}

func TestMilestonesWithoutAWarningWindow(t *testing.T) {
	p := MilestonePolicy{Rule: Rule642, FillThreshold: 0.85}
	session := d("2025-06-30")
	require.Equal(t, OnTrack, Milestones(p, session, d("2025-05-18"), nothing).Confirm.Status)
	require.Equal(t, AtRisk, Milestones(p, session, d("2025-05-19"), nothing).Confirm.Status, "due today")
}
