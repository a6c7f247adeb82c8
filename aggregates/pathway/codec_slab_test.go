package pathway_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/rtt"
)

// slabbed is the event a Slab's pointer points to, boxed: what a fold copies out.
func slabbed(t require.TestingT, p any) pathway.Event {
	v := reflect.ValueOf(p)
	require.Equal(t, reflect.Pointer, v.Kind(), "a slab hands out pointers, not %T", p)
	e, ok := v.Elem().Interface().(pathway.Event)
	require.True(t, ok, "%T", p)
	return e
}

// A slab decodes every type to what Decode does, as a pointer to the type's value,
// and refuses what Decode refuses with the same error.
func TestSlabDecodesAsDecode(t *testing.T) {
	var sl pathway.Slab
	for _, e := range sampleEvents {
		typ, data, err := pathway.Encode(e)
		require.NoError(t, err)
		p, err := sl.Decode(typ, pathway.SchemaVersion, data)
		require.NoError(t, err, typ)
		require.Equal(t, reflect.PointerTo(reflect.TypeOf(e)), reflect.TypeOf(p), typ)
		require.Equal(t, e, slabbed(t, p), typ)
	}
	for _, c := range []struct {
		name, typ string
		version   int
		data      string
	}{
		{"unknown type", "ReferralWithdrawn", pathway.SchemaVersion, `{}`},
		{"other schema version", "ClockStopped", pathway.SchemaVersion + 1, `{"stopped_on":"2025-01-02","status":"30","admitted":true}`},
		{"unknown member", "ClockStopped", pathway.SchemaVersion, `{"stopped_on":"2025-01-02","colour":"red"}`},
		{"bad date", "ClockStopped", pathway.SchemaVersion, `{"stopped_on":"2025-02-30"}`},
		{"truncated", "ActivityRecorded", pathway.SchemaVersion, `{"occurred_on":"2025-01-02","kind":"outp`},
		{"trailing data", "ClockNullified", pathway.SchemaVersion, `{"nullified_on":"2025-01-02"} {}`},
	} {
		_, want := pathway.Decode(c.typ, c.version, []byte(c.data))
		require.Error(t, want, c.name)
		p, err := sl.Decode(c.typ, c.version, []byte(c.data))
		require.Nil(t, p, c.name)
		require.EqualError(t, err, want.Error(), c.name)
		require.Equal(t, errors.Is(want, pathway.ErrUnknownEvent), errors.Is(err, pathway.ErrUnknownEvent), c.name)
	}
}

// A slot handed out again after Reset, or after a refused event, holds nothing of
// the event decoded into it before: a reader sets only the members present.
func TestSlabSlotsStartEmpty(t *testing.T) {
	var sl pathway.Slab
	full, err := sl.Decode("ActivityRecorded", pathway.SchemaVersion,
		[]byte(`{"occurred_on":"2025-02-03","kind":"outpatient_first","rtt_status":"20","attendance":"attended",`+
			`"discharged":true,"clinical_decision_on":"2025-02-01","patient_agreed":true}`))
	require.NoError(t, err)
	sl.Reset()
	_, err = sl.Decode("ActivityRecorded", pathway.SchemaVersion,
		[]byte(`{"occurred_on":"2025-02-04","kind":"outpatient_follow_up","discharged":true,"colour":"red"}`))
	require.Error(t, err)
	sl.Reset()
	sparse, err := sl.Decode("ActivityRecorded", pathway.SchemaVersion,
		[]byte(`{"occurred_on":"2025-03-01","kind":"outpatient_follow_up","rtt_status":"21","attendance":"attended"}`))
	require.NoError(t, err)
	require.Same(t, full, sparse, "the slot is reused")
	require.Equal(t, pathway.ActivityRecorded{OccurredOn: rtt.MustParseDate("2025-03-01"), Kind: "outpatient_follow_up",
		RTTStatus: "21", Attendance: "attended"}, slabbed(t, sparse))
}

// Whatever a slab decodes, in whatever order, with resets between, each pointer it
// hands out holds what Decode returns for the same bytes until the next Reset,
// however many more events it decodes meanwhile (its blocks never move).
func TestPropertySlabHoldsWhatDecodeReturns(t *testing.T) {
	encoded := make([][2]string, len(sampleEvents))
	for i, e := range sampleEvents {
		typ, data, err := pathway.Encode(e)
		require.NoError(t, err)
		encoded[i] = [2]string{typ, string(data)}
	}
	rapid.Check(t, func(t *rapid.T) {
		var sl pathway.Slab
		type held struct {
			p    any
			want pathway.Event
		}
		var live []held
		for i := range rapid.IntRange(1, 600).Draw(t, "events") {
			if rapid.IntRange(0, 99).Draw(t, "reset") == 0 {
				sl.Reset()
				live = live[:0]
			}
			ev := rapid.SampledFrom(encoded).Draw(t, "event")
			data := ev[1]
			if rapid.IntRange(0, 9).Draw(t, "cut") == 0 {
				data = data[:rapid.IntRange(0, len(data)-1).Draw(t, "at")]
			}
			// A unique value in each event that has a free-text member, so that a
			// slot written twice shows.
			data = stamp(data, i)
			want, wantErr := pathway.Decode(ev[0], pathway.SchemaVersion, []byte(data))
			p, err := sl.Decode(ev[0], pathway.SchemaVersion, []byte(data))
			if wantErr != nil {
				require.EqualError(t, err, wantErr.Error())
				continue
			}
			require.NoError(t, err)
			live = append(live, held{p, want})
		}
		for _, h := range live {
			require.Equal(t, h.want, slabbed(t, h.p))
		}
	})
}

// stamp puts n into the first string member value of an encoded event, if any.
func stamp(data string, n int) string {
	for i := 0; i+3 < len(data); i++ {
		if data[i:i+3] == `":"` && data[i+3] != '2' { // not a date
			return data[:i+3] + fmt.Sprintf("%d-", n) + data[i+3:]
		}
	}
	return data
}

// Clone boxes a copy of every type's event; an event of another package's type is
// a programming error.
func TestCloneCopiesEveryType(t *testing.T) {
	for _, e := range sampleEvents {
		require.Equal(t, e, pathway.Clone(e))
	}
	require.Panics(t, func() { pathway.Clone(foreignEvent{}) })
}

type foreignEvent struct{}

func (foreignEvent) Type() string { return "Foreign" }

func (foreignEvent) On() rtt.Date { return rtt.Date{} }

// FuzzSlabDecode: a slab takes and refuses exactly what Decode does, with the same
// value and error, whatever came into the slot before.
func FuzzSlabDecode(f *testing.F) {
	types := pathway.EventTypes()
	for i, e := range sampleEvents {
		_, data, err := pathway.Encode(e)
		require.NoError(f, err)
		f.Add(uint8(i), data)
	}
	var sl pathway.Slab
	f.Fuzz(func(t *testing.T, i uint8, data []byte) {
		typ := types[int(i)%len(types)]
		want, wantErr := pathway.Decode(typ, pathway.SchemaVersion, data)
		// A full event of the type first, so that a slot reused shows what is left.
		for _, e := range sampleEvents {
			if e.Type() == typ {
				_, full, _ := pathway.Encode(e)
				_, err := sl.Decode(typ, pathway.SchemaVersion, full)
				require.NoError(t, err)
				sl.Reset()
				break
			}
		}
		p, err := sl.Decode(typ, pathway.SchemaVersion, data)
		if wantErr != nil {
			require.EqualError(t, err, wantErr.Error())
			return
		}
		require.NoError(t, err)
		require.Equal(t, want, slabbed(t, p))
	})
}
