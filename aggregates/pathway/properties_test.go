package pathway

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/rtt"
)

// genRun drives a pathway with a random command sequence; refused commands are
// skipped, as the API would refuse them.
func genRun(t *rapid.T) ([]Recorded, rtt.Date) {
	start := d("2024-01-01").AddDays(rapid.IntRange(0, 300).Draw(t, "start"))
	s := New()
	var history []Recorded
	day := start
	apply := func(evs []Event) {
		for _, e := range evs {
			rec := Recorded{Event: e, EventID: fmt.Sprintf("e%d", len(history)), StreamVersion: uint64(len(history))}
			history = append(history, rec)
			s = Evolve(s, rec)
		}
	}
	ctx := DecideContext{Today: d("2030-01-01")}
	evs, err := Decide(s, Refer{PathwayID: "p", Patient: Patient{NHSNumber: nhs}, SpecialtyCode: "110", ReceivedOn: start,
		ReferralPriority: rapid.SampledFrom([]string{"routine", "urgent", "two_week_wait"}).Draw(t, "priority")}, ctx)
	if err != nil {
		t.Fatalf("referral refused: %v", err)
	}
	apply(evs)
	statuses := []string{"10", "11", "20", "30", "31", "32", "33", "34", "35", "91"}
	n := rapid.IntRange(0, 25).Draw(t, "steps")
	for i := 0; i < n; i++ {
		day = day.AddDays(rapid.IntRange(0, 40).Draw(t, "gap"))
		var cmd Command
		switch rapid.IntRange(0, 5).Draw(t, "kind") {
		case 0, 1:
			a := activity(day.String(), rapid.SampledFrom([]string{"outpatient_first", "outpatient_follow_up", "admission", "day_case"}).Draw(t, "k"),
				rapid.SampledFrom(statuses).Draw(t, "status"))
			if rapid.Bool().Draw(t, "dna") {
				a.Attendance, a.Discharged = "did_not_attend", rapid.Bool().Draw(t, "discharged")
			}
			a.PatientAgreed = rapid.Bool().Draw(t, "agreed")
			cmd = a
		case 2:
			cmd = AddToWaitingList{DecidedOn: day, ListType: "inpatient", Priority: "P3"}
		case 3:
			cmd = MakeOffer{OfferID: fmt.Sprintf("o%d", i), OfferedOn: day, AppointmentOn: day.AddDays(rapid.IntRange(0, 60).Draw(t, "notice"))}
		case 4:
			if len(s.Offers) > 0 {
				cmd = DeclineOffer{OfferID: s.Offers[len(s.Offers)-1].OfferID, DeclinedOn: day}
			} else {
				cmd = DeclareUnavailability{From: day, To: day.AddDays(10)}
			}
		case 5:
			cmd = BookAdmission{BookingID: fmt.Sprintf("b%d", i), AdmissionOn: day.AddDays(14), BookedOn: day}
		}
		if evs, err := Decide(s, cmd, ctx); err == nil {
			apply(evs)
		}
	}
	return history, day
}

// Waits are never negative, grow by one a day while the clock runs and freeze once it
// stops; periods never overlap; folding twice gives identical state.
func TestPropertyPathwayInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		history, last := genRun(t)
		on := last.AddDays(rapid.IntRange(0, 400).Draw(t, "later"))
		v := Derive(history, on, DeriveOptions{})
		next := Derive(history, on.AddDays(1), DeriveOptions{})
		for i, p := range v.Periods {
			if p.WaitDays < 0 {
				t.Fatalf("negative wait %d", p.WaitDays)
			}
			switch p.Clock {
			case "running":
				if next.Periods[i].WaitDays != p.WaitDays+1 {
					t.Fatalf("running wait %d became %d the next day", p.WaitDays, next.Periods[i].WaitDays)
				}
			default:
				if next.Periods[i].WaitDays != p.WaitDays {
					t.Fatalf("stopped wait changed from %d to %d", p.WaitDays, next.Periods[i].WaitDays)
				}
				if p.WaitDays != rtt.WaitDays(p.StartedOn, *p.StoppedOn) {
					t.Fatalf("stopped wait %d is not start to stop", p.WaitDays)
				}
			}
			if p.PatientInitiatedDelayDays > p.WaitDays {
				t.Fatalf("delay days %d exceed the wait %d", p.PatientInitiatedDelayDays, p.WaitDays)
			}
			if i > 0 {
				prev := v.Periods[i-1]
				if prev.StoppedOn == nil || p.StartedOn.Before(*prev.StoppedOn) {
					t.Fatalf("period %d starting %s overlaps the previous one", i, p.StartedOn)
				}
			}
			if i < len(v.Periods)-1 && p.Clock == "running" {
				t.Fatalf("only the last period may run")
			}
		}
		a, b := Fold(history), Fold(history)
		if fmt.Sprintf("%+v", a) != fmt.Sprintf("%+v", b) {
			t.Fatalf("folding twice differs")
		}
	})
}

// Stepping a history-less state event by event gives the state Fold gives, less the
// history: what a read model that keeps no histories relies on.
func TestPropertyStepMatchesFold(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		history, _ := genRun(t)
		s := New()
		for _, r := range history {
			next, ok := Step(s, r)
			if !ok {
				t.Fatalf("Step refused %T", r.Event)
			}
			s = next
		}
		want := Fold(history).WithoutHistory()
		if got := fmt.Sprintf("%+v", s); got != fmt.Sprintf("%+v", want) {
			t.Fatalf("Step folded\n%s\nFold gave\n%s", got, fmt.Sprintf("%+v", want))
		}
		if len(s.History()) != 0 {
			t.Fatalf("Step kept %d history entries", len(s.History()))
		}
	})
}

func TestStepRefusesARetraction(t *testing.T) {
	_, ok := Step(New(), Recorded{Event: EventRetracted{EventID: "x", Reason: "entered in error"}})
	if !ok {
		return
	}
	t.Fatal("Step accepted a retraction it cannot honour without the history")
}

// StepInPlace changes the state it is given, yet a copy taken before any step (what
// a read model's reader holds) still reads as it did: every slice is copied before
// it changes. The stepped state is Fold's.
func TestPropertyStepInPlaceLeavesEarlierCopies(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		history, _ := genRun(t)
		s := New()
		var copies []State
		var seen []string
		for _, r := range history {
			copies = append(copies, s)
			seen = append(seen, fmt.Sprintf("%+v", s))
			if !StepInPlace(&s, r) {
				t.Fatalf("StepInPlace refused %T", r.Event)
			}
		}
		for i := range copies {
			if got := fmt.Sprintf("%+v", copies[i]); got != seen[i] {
				t.Fatalf("the copy taken before event %d changed:\nwas %s\nnow %s", i, seen[i], got)
			}
		}
		if got, want := fmt.Sprintf("%+v", s), fmt.Sprintf("%+v", Fold(history).WithoutHistory()); got != want {
			t.Fatalf("StepInPlace folded\n%s\nFold gave\n%s", got, want)
		}
	})
}

// StepOwned folds what Fold does, without its history.
func TestPropertyStepOwnedFoldsAsFold(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		history, _ := genRun(t)
		s := New()
		for _, r := range history {
			if !StepOwned(&s, r) {
				t.Fatalf("StepOwned refused %T", r.Event)
			}
		}
		if got, want := fmt.Sprintf("%+v", s), fmt.Sprintf("%+v", Fold(history).WithoutHistory()); got != want {
			t.Fatalf("StepOwned folded\n%s\nFold gave\n%s", got, want)
		}
	})
}

// A retraction needs the history to re-fold: both in-place steps refuse it and
// leave the state as it was.
func TestStepsInPlaceRefuseARetractionAndLeaveTheState(t *testing.T) {
	for name, step := range map[string]func(*State, Recorded) bool{"StepInPlace": StepInPlace, "StepOwned": StepOwned} {
		s := New()
		require.True(t, step(&s, Recorded{Event: ReferralReceived{PathwayID: "p"}, EventID: "e1"}), name)
		before := fmt.Sprintf("%+v", s)
		require.False(t, step(&s, Recorded{Event: EventRetracted{EventID: "e1", Reason: "entered in error"}, StreamVersion: 1}), name)
		require.Equal(t, before, fmt.Sprintf("%+v", s), name)
	}
}

// States folded in place side by side, each let go into one Spares when its run
// ends and the next grown into the buffers let go, fold what Fold does: a buffer
// is never handed to two states, and comes back holding nothing of the last.
func TestPropertySparesAreNeverShared(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var sp Spares
		type live struct {
			s  *State
			h  []Recorded
			at int
		}
		var states []*live
		runs, started, kept := rapid.IntRange(1, 30).Draw(t, "runs"), 0, 0
		for started < runs || len(states) > 0 {
			if started < runs && (len(states) == 0 || rapid.Bool().Draw(t, "start")) {
				h, _ := genRun(t)
				s := New()
				states = append(states, &live{s: &s, h: h})
				started++
				continue
			}
			i := rapid.IntRange(0, len(states)-1).Draw(t, "which")
			l := states[i]
			if l.at < len(l.h) {
				r := l.h[l.at]
				require.True(t, StepWith(l.s, r.Event, r, true, &sp), "%T", r.Event)
				l.at++
				continue
			}
			require.Equal(t, Fold(l.h).WithoutHistory(), *l.s)
			sp.Keep(l.s)
			require.Equal(t, New(), *l.s)
			kept++
			states = append(states[:i], states[i+1:]...)
		}
		require.Equal(t, runs, kept)
	})
}
