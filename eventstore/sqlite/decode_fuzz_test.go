package sqlite

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite/internal/lite"
)

// The file is outside input: anyone with write access can put any text in any
// column. Whatever a row holds, decoding it gives back exactly those bytes, or
// ErrStorage naming the position when recorded_at is not an instant; never a panic.
func FuzzDecodeRow(f *testing.F) {
	f.Add("pathway-1", "0190b6d4-0000-7000-8000-000000000001", "ReferralReceived", "2025-01-06", "2025-01-06T10:00:00.123456Z", "u", "booking", "", "", "", `{"a":1}`, "", strings.Repeat("a", 64))
	f.Add("", "", "", "", "", "", "", "", "", "", "", "", "")
	f.Add("s\x00t", "\xff", "T", "2025-02-30", "2025-01-06 10:00:00", "\x00", "r", "c", "d", "why", "not json", "x", "y")
	conn, err := lite.Open(filepath.Join(f.TempDir(), "fuzz.db"), false)
	if err != nil {
		f.Fatal(err)
	}
	defer conn.Close()
	table := strings.Replace(schema[:strings.Index(schema, "CREATE TRIGGER")], "events", "rows", 1)
	if err := conn.Exec(`PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;` + table); err != nil {
		f.Fatal(err)
	}
	ins, err := conn.Prepare(`INSERT INTO rows (` + columns + `) VALUES (7,?,3,?,?,1,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		f.Fatal(err)
	}
	sel, err := conn.Prepare(`SELECT ` + columns + ` FROM rows`)
	if err != nil {
		f.Fatal(err)
	}
	var d decoder
	f.Fuzz(func(t *testing.T, stream, id, typ, occurred, recordedAt, user, role, corr, caus, reason, data, prev, hash string) {
		if err := conn.Exec(`DELETE FROM rows`); err != nil {
			t.Fatal(err)
		}
		for i, v := range []string{stream, id, typ, occurred, recordedAt, user, role, corr, caus, reason, data, prev, hash} {
			if err := ins.BindText(i+1, v); err != nil {
				t.Fatal(err)
			}
		}
		if err := ins.Exec(); err != nil {
			t.Fatal(err)
		}
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
		if e.Position != 7 || e.StreamVersion != 3 || e.SchemaVersion != 1 {
			t.Fatalf("integers: %+v", e)
		}
	})
}
