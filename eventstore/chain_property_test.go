package eventstore

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// For any stream, the sealed chain verifies, and changing any one field of any one
// event makes Verify report exactly that event as the first broken link.
func TestChainDetectsAnySingleChange(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "events")
		events := make([]Event, n)
		prev := ""
		for i := range events {
			d := EventData{
				EventID:       fmt.Sprintf("0190b6d4-0000-7000-8000-%012d", i),
				Type:          rapid.SampledFrom([]string{"ReferralReceived", "ClockStopped", "OfferMade"}).Draw(t, "type"),
				SchemaVersion: rapid.IntRange(1, 3).Draw(t, "schema"),
				OccurredOn:    "2025-01-06",
				Actor:         Actor{User: rapid.String().Draw(t, "user"), Role: "booking"},
				Reason:        rapid.String().Draw(t, "reason"),
				Data:          json.RawMessage(fmt.Sprintf(`{"n":%d}`, rapid.Int().Draw(t, "n"))),
			}
			at := time.Unix(rapid.Int64Range(0, 1<<33).Draw(t, "at"), 0)
			events[i] = NewEvent("pathway-p", uint64(i), at, &d)
			events[i].Position = uint64(10 * (i + 1))
			Seal(prev, &events[i])
			prev = events[i].Hash
		}
		if r := VerifyStream(events); !r.OK || r.Events != uint64(n) {
			t.Fatalf("intact chain reported %+v", r)
		}
		victim := rapid.IntRange(0, n-1).Draw(t, "victim")
		mutations := []func(e *Event){
			func(e *Event) { e.Data = json.RawMessage(string(e.Data) + " ") },
			func(e *Event) { e.Type += "x" },
			func(e *Event) { e.SchemaVersion++ },
			func(e *Event) { e.OccurredOn = "2025-01-07" },
			func(e *Event) { e.RecordedAt = e.RecordedAt.Add(time.Microsecond) },
			func(e *Event) { e.Actor.User += "x" },
			func(e *Event) { e.Reason += "x" },
			func(e *Event) { e.CorrelationID += "x" },
			func(e *Event) { e.CausationID += "x" },
			func(e *Event) { e.EventID = "0190b6d4-0000-7000-8000-999999999999" },
			func(e *Event) { e.Hash = e.PrevHash },
		}
		m := rapid.IntRange(0, len(mutations)-1).Draw(t, "mutation")
		mutations[m](&events[victim])
		r := VerifyStream(events)
		if r.OK || len(r.Failures) != 1 || r.Failures[0].StreamVersion != uint64(victim) || r.Failures[0].Position != events[victim].Position {
			t.Fatalf("mutation %d of event %d: report %+v", m, victim, r)
		}
	})
}
