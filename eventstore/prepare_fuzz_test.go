package eventstore

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
	"unicode/utf8"
)

// Prepare is the gate for everything a client sends: whatever the input, it either
// refuses with an *InvalidEventError or returns events that hash and compare sanely.
func FuzzPrepare(f *testing.F) {
	f.Add("pathway-1", "0190b6d4-0000-7000-8000-000000000001", "ReferralReceived", 1, "2025-01-06", "u", "booking", "", `{"a":1}`)
	f.Add("", "", "", 0, "", "", "", "", "")
	f.Add("$all", "nope", "T", 1, "2025-02-30", "\xff", "r", "\xfe", `{`)
	f.Add("s", "0190B6D4-0000-7000-8000-000000000001", "T", 2, "2024-02-29", "u", "r", "why", `[1, "x", null]`)
	f.Fuzz(func(t *testing.T, stream, id, typ string, schema int, occurred, user, role, reason, data string) {
		in := EventData{EventID: id, Type: typ, SchemaVersion: schema, OccurredOn: occurred,
			Actor: Actor{User: user, Role: role}, Reason: reason, Data: json.RawMessage(data)}
		out, err := Prepare(stream, []EventData{in})
		if err != nil {
			var ie *InvalidEventError
			if !errors.As(err, &ie) || !errors.Is(err, ErrInvalidEvent) || ie.Field == "" || ie.Rule == "" {
				t.Fatalf("refusal without a field and rule: %v", err)
			}
			return
		}
		e := out[0]
		if !utf8.ValidString(stream) || !utf8.ValidString(e.Reason) || !json.Valid(e.Data) || e.SchemaVersion < 1 {
			t.Fatalf("accepted an invalid event: %+v", e)
		}
		if _, err := time.Parse("2006-01-02", e.OccurredOn); err != nil {
			t.Fatalf("accepted occurred_on %q", e.OccurredOn)
		}
		ev := NewEvent(stream, 0, time.Unix(1736157600, 0), &e)
		Seal("", &ev)
		if !SameContent(&ev, &e) || VerifyStream([]Event{ev}).OK != true {
			t.Fatalf("a sealed event does not verify: %+v", ev)
		}
	})
}
