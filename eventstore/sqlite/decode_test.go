package sqlite

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite/internal/lite"
)

// rowTable is a table of the events table's columns without its triggers, for
// decoding rows of any content.
type rowTable struct {
	conn *lite.Conn
	ins  *lite.Stmt
}

func newRowTable(tb testing.TB) (*rowTable, *lite.Stmt) {
	conn, err := lite.Open(filepath.Join(tb.TempDir(), "rows.db"), false)
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = conn.Close() })
	table := strings.Replace(schema[:strings.Index(schema, "CREATE TRIGGER")], "events", "rows", 1)
	require.NoError(tb, conn.Exec(`PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;`+table))
	ins, err := conn.Prepare(`INSERT INTO rows (` + columns + `) VALUES (?1,?2,?1,?3,?4,1,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)`)
	require.NoError(tb, err)
	sel, err := conn.Prepare(`SELECT ` + columns + ` FROM rows ORDER BY position`)
	require.NoError(tb, err)
	return &rowTable{conn: conn, ins: ins}, sel
}

func (r *rowTable) clear(tb testing.TB) { require.NoError(tb, r.conn.Exec(`DELETE FROM rows`)) }

// add inserts a row: position (its stream version too), then the text columns in
// the order of columns.
func (r *rowTable) add(tb testing.TB, pos int64, text ...string) {
	require.NoError(tb, r.ins.BindInt64(1, pos))
	for i, v := range text {
		require.NoError(tb, r.ins.BindText(i+2, v))
	}
	require.NoError(tb, r.ins.Exec())
}

// eventRow is an event's columns as add takes them.
func eventRow(e eventstore.Event) []string {
	return []string{e.Stream, e.EventID, e.Type, e.OccurredOn, e.RecordedAt.Format("2006-01-02T15:04:05.000000Z"),
		e.Actor.User, e.Actor.Role, e.CorrelationID, e.CausationID, e.Reason, string(e.Data), e.PrevHash, e.Hash}
}

// Rows decoded one after another, interned columns colliding in their tables and
// Data read into a DataBuffer or not, each keep exactly their own values to the
// end: no row's strings or Data are another's memory written again.
func TestDecodedRowsKeepTheirValues(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		tab, sel := newRowTable(t)
		tab.clear(t)
		few := func(label string, n int) *rapid.Generator[string] {
			return rapid.Custom(func(t *rapid.T) string {
				return fmt.Sprintf("%s-%d", label, rapid.IntRange(0, n).Draw(t, label))
			})
		}
		rows := rapid.IntRange(1, 300).Draw(rt, "rows")
		want := make([]eventstore.Event, rows)
		for i := range want {
			want[i] = eventstore.Event{
				Position: uint64(i + 1), StreamVersion: uint64(i + 1), SchemaVersion: 1,
				Stream:     few("pathway", 5).Draw(rt, "stream"),
				EventID:    fmt.Sprintf("id-%d", i),
				Type:       few("Type", 40).Draw(rt, "type"),
				OccurredOn: few("2025-01", 6000).Draw(rt, "date"),
				Actor:      eventstore.Actor{User: few("user", 3000).Draw(rt, "user"), Role: few("role", 3).Draw(rt, "role")},
				Reason:     rapid.SampledFrom([]string{"", "why"}).Draw(rt, "reason"),
				Data:       []byte(rapid.StringN(0, 40, 12000).Draw(rt, "data")),
			}
			tab.add(t, int64(i+1), eventRow(want[i])...)
		}
		var d decoder
		var data *eventstore.DataBuffer
		if rapid.Bool().Draw(rt, "into a DataBuffer") {
			data = new(eventstore.DataBuffer)
		}
		done := d.readInto(&readMode{data: data})
		got := make([]eventstore.Event, rows)
		for i := range got {
			row, err := sel.Step()
			require.NoError(rt, err)
			require.True(rt, row)
			require.NoError(rt, d.row(sel, &got[i]))
		}
		sel.Reset()
		done()
		for i := range want {
			got[i].RecordedAt = want[i].RecordedAt
			if len(want[i].Data) == 0 { // nil or empty alike
				got[i].Data = want[i].Data
			}
			require.Equal(rt, want[i], got[i], "row %d", i+1)
		}
	})
}

// A value met again is the string decoded before, while its slot holds it: types,
// dates and actors cost no memory per event.
func TestInternedColumnsShareTheirStrings(t *testing.T) {
	types := []string{"ReferralReceived", "ClockStarted", "OfferMade"}
	var d decoder
	slot := func(v string) uint64 { return slotHash([]byte(v)) & uint64(internSlots[internType]-1) }
	slots := map[uint64]bool{}
	for _, typ := range types {
		slots[slot(typ)] = true
	}
	require.Len(t, slots, len(types), "the three types have slots of their own")
	first := map[string]*byte{}
	for range 3 {
		for _, typ := range types {
			s := d.shared(internType, []byte(typ))
			require.Equal(t, typ, s)
			if p, ok := first[typ]; ok {
				require.Same(t, p, unsafe.StringData(s), "%s decoded again is the first string", typ)
			}
			first[typ] = unsafe.StringData(s)
		}
	}
	// Two values in one slot take it in turn, each still decoded right.
	a, b := "ClockStopped", ""
	for i := 0; b == ""; i++ {
		c := fmt.Sprintf("Other%d", i)
		if slot(c) == slot(a) {
			b = c
		}
	}
	for range 3 {
		require.Equal(t, a, d.shared(internType, []byte(a)))
		require.Equal(t, b, d.shared(internType, []byte(b)))
	}
}

// The interned columns' values spread over their tables: the pathway event types
// and two years of dates each take nearly a slot of their own.
func TestSlotHashSpreadsTypesAndDates(t *testing.T) {
	types := []string{"ReferralReceived", "ActivityRecorded", "ClockStarted", "ClockStopped", "ClockNullified",
		"PatientDidNotAttend", "TransferredOut", "AddedToWaitingList", "PriorityChanged", "RemovedFromWaitingList",
		"PreOpAssessmentCompleted", "AlertFlagged", "AlertCleared", "OfferMade", "OfferDeclined", "OfferAccepted",
		"PatientUnavailable", "AdmissionBooked", "BookingCancelled", "ValidationRecorded", "ClockStartCorrected",
		"EventRetracted", "SessionPlanned", "SessionMilestoneReached"}
	used := map[uint64]bool{}
	for _, typ := range types {
		used[slotHash([]byte(typ))&uint64(internSlots[internType]-1)] = true
	}
	require.GreaterOrEqual(t, len(used), len(types)-2, "types sharing a slot")
	used = map[uint64]bool{}
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 730 {
		used[slotHash([]byte(day.AddDate(0, 0, i).Format(time.DateOnly)))&uint64(internSlots[internOccurredOn]-1)] = true
	}
	require.Greater(t, len(used), 730*85/100, "dates sharing a slot")
	require.NotEqual(t, slotHash([]byte("ab")), slotHash([]byte("ba")))
	require.NotEqual(t, slotHash([]byte("")), slotHash([]byte("a")))
}
