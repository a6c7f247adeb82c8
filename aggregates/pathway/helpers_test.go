package pathway

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/rtt"
)

var d = rtt.MustParseDate

func dp(s string) *rtt.Date { x := d(s); return &x }

// A valid test-range NHS number (999 prefix, modulus 11).
const nhs = "9990000018"

var today = d("2027-12-31")

// run is a pathway driven command by command, as the API would: decide on the folded
// state, then record the events.
type run struct {
	t       *testing.T
	history []Recorded
	state   State
}

func newRun(t *testing.T) *run { return &run{t: t, state: New()} }

func (r *run) record(events ...Event) {
	for _, e := range events {
		rec := Recorded{Event: e, EventID: fmt.Sprintf("e%d", len(r.history)), StreamVersion: uint64(len(r.history)),
			RecordedAt: time.Date(2025, 1, 1, 0, 0, len(r.history), 0, time.UTC), Actor: Actor{User: "u", Role: "booking"}}
		r.history = append(r.history, rec)
		r.state = Evolve(r.state, rec)
	}
}

// do decides and records; it fails the test on refusal.
func (r *run) do(c Command) []Event {
	r.t.Helper()
	evs, err := Decide(r.state, c, DecideContext{Today: today})
	require.NoError(r.t, err)
	r.record(evs...)
	return evs
}

// refused expects the command to be refused with rule.
func (r *run) refused(c Command, rule string) *RuleError {
	r.t.Helper()
	evs, err := Decide(r.state, c, DecideContext{Today: today})
	require.Error(r.t, err, "expected refusal %s, got %v", rule, evs)
	require.ErrorIs(r.t, err, ErrRuleViolation)
	var re *RuleError
	require.True(r.t, errors.As(err, &re))
	require.Equal(r.t, rule, re.Rule, re.Error())
	return re
}

func (r *run) view(on string) View { return Derive(r.history, d(on), DeriveOptions{}) }

func refer(received string) Refer {
	return Refer{PathwayID: "p1", Patient: Patient{NHSNumber: nhs}, SpecialtyCode: "110", ReceivedOn: d(received)}
}

func activity(on, kind, status string) RecordActivity {
	return RecordActivity{OccurredOn: d(on), Kind: kind, RTTStatus: status}
}

func types(evs []Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Type())
	}
	return out
}

func findingCodes(v View) map[string]Finding {
	m := map[string]Finding{}
	for _, f := range v.Findings {
		m[f.Code] = f
	}
	return m
}
