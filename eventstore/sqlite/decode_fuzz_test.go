package sqlite

import (
	"errors"
	"strings"
	"testing"

	"github.com/pathway-ledger/ledger/eventstore"
)

// The file is outside input: anyone with write access can put any text in any
// column. Whatever a row holds, decoding it gives back exactly those bytes, or
// ErrStorage naming the position when recorded_at is not an instant; never a panic.
func FuzzDecodeRow(f *testing.F) {
	f.Add("pathway-1", "0190b6d4-0000-7000-8000-000000000001", "ReferralReceived", "2025-01-06", "2025-01-06T10:00:00.123456Z", "u", "booking", "", "", "", `{"a":1}`, "", strings.Repeat("a", 64))
	f.Add("", "", "", "", "", "", "", "", "", "", "", "", "")
	f.Add("s\x00t", "\xff", "T", "2025-02-30", "2025-01-06 10:00:00", "\x00", "r", "c", "d", "why", "not json", "x", "y")
	ins, sel := newRowTable(f)
	var d decoder
	f.Fuzz(func(t *testing.T, stream, id, typ, occurred, recordedAt, user, role, corr, caus, reason, data, prev, hash string) {
		ins.clear(t)
		ins.add(t, 7, stream, id, typ, occurred, recordedAt, user, role, corr, caus, reason, data, prev, hash)
		row, err := sel.Step()
		if err != nil || !row {
			t.Fatalf("row %v: %v", row, err)
		}
		var e eventstore.Event
		err = d.row(sel, &e)
		sel.Reset()
		if _, perr := eventstore.ParseRecordedAt(recordedAt); perr != nil {
			if !errors.Is(err, eventstore.ErrStorage) || !strings.Contains(err.Error(), "position 7") {
				t.Fatalf("recorded_at %q: want ErrStorage naming the position, got %v", recordedAt, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		got := []string{e.Stream, e.EventID, e.Type, e.OccurredOn, e.Actor.User, e.Actor.Role, e.CorrelationID, e.CausationID, e.Reason, string(e.Data), e.PrevHash, e.Hash}
		want := []string{stream, id, typ, occurred, user, role, corr, caus, reason, data, prev, hash}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("column %d: got %q, stored %q", i, got[i], want[i])
			}
		}
		if e.Position != 7 || e.StreamVersion != 7 || e.SchemaVersion != 1 {
			t.Fatalf("integers: %+v", e)
		}
	})
}
