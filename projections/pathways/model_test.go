package pathways

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/rtt"
)

var d = rtt.MustParseDate

// feed decides commands on one pathway and applies the events to the model, as
// the runner would from the log.
type feed struct {
	t     *testing.T
	m     *ReadModel
	pos   uint64
	state map[string]pathway.State
	at    time.Time
	// log is every event applied, what the model's loader re-reads.
	log []eventstore.Event
}

// newFeed feeds a model that keeps only recentCap pathways decoded (the default
// when none is given): a small one makes every path (packing, going cold,
// re-reading the log) run in small tests.
func newFeed(t *testing.T, recent ...int) *feed {
	f := &feed{t: t, state: map[string]pathway.State{}, at: time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)}
	f.m = New(WithLoader(f.load))
	if len(recent) > 0 {
		f.m.recentCap = recent[0]
	}
	return f
}

func (f *feed) load(id string, before uint64) ([]pathway.Recorded, error) {
	var out []pathway.Recorded
	for i := range f.log {
		ev := &f.log[i]
		if ev.Stream != StreamPrefix+id || ev.Position >= before {
			continue
		}
		e, err := pathway.Decode(ev.Type, ev.SchemaVersion, ev.Data)
		if err != nil {
			return nil, err
		}
		out = append(out, recorded(ev, e))
	}
	return out, nil
}

func (f *feed) do(id string, c pathway.Command) {
	f.t.Helper()
	require.NoError(f.t, f.try(id, c))
}

// try decides c and applies its events, or returns the refusal and applies nothing.
func (f *feed) try(id string, c pathway.Command) error {
	f.t.Helper()
	s, ok := f.state[id]
	if !ok {
		s = pathway.New()
	}
	evs, err := pathway.Decide(s, c, pathway.DecideContext{Today: d("2027-01-01")})
	if err != nil {
		return err
	}
	for _, e := range evs {
		typ, data, err := pathway.Encode(e)
		require.NoError(f.t, err)
		f.pos++
		f.at = f.at.Add(time.Hour)
		v := uint64(s.Version + 1)
		ev := eventstore.Event{EventID: fmt.Sprintf("%s-%d", id, v), Stream: "pathway-" + id, StreamVersion: v,
			Position: f.pos, Type: typ, SchemaVersion: pathway.SchemaVersion, OccurredOn: e.On().String(),
			RecordedAt: f.at, Data: json.RawMessage(data)}
		f.log = append(f.log, ev)
		require.NoError(f.t, f.m.Apply(ev))
		s = pathway.Evolve(s, pathway.Recorded{Event: e, EventID: ev.EventID, StreamVersion: v, RecordedAt: f.at})
	}
	f.state[id] = s
	return nil
}

func refer(id, spec, received string) pathway.Refer {
	return pathway.Refer{PathwayID: id, Patient: pathway.Patient{NHSNumber: "9990000018"}, SpecialtyCode: spec, ReceivedOn: d(received)}
}

func ints(n int) *int { return &n }

func TestWaitingListLongestWaitFirstWithFiltersAndPaging(t *testing.T) {
	f := newFeed(t)
	for i := 0; i < 7; i++ {
		id := fmt.Sprintf("p%d", i)
		f.do(id, refer(id, []string{"110", "130"}[i%2], d("2025-01-06").AddDays(i*10).String()))
	}
	f.do("p2", pathway.AddToWaitingList{DecidedOn: d("2025-03-03"), ListType: "day_case", Priority: "P2"})
	f.do("p4", pathway.RecordActivity{OccurredOn: d("2025-03-01"), Kind: "outpatient_first", RTTStatus: "30"})
	on := d("2025-05-20")

	items, next, err := f.m.WaitingList(Query{On: on, Limit: 4})
	require.NoError(t, err)
	require.Equal(t, []string{"p0", "p1", "p2", "p3"}, ids(items))
	require.Equal(t, 134, items[0].WaitDays)
	require.Equal(t, 19, items[0].WeeksWaited)
	require.Equal(t, d("2025-05-13"), items[0].BreachOn)
	require.Equal(t, -7, items[0].DaysToBreach)
	require.Nil(t, items[0].ListType, "not listed: no decision to admit")
	require.Equal(t, "day_case", *items[2].ListType)
	require.Equal(t, d("2025-03-31"), *items[2].PriorityDueOn)
	more, end, err := f.m.WaitingList(Query{On: on, Limit: 4, Cursor: next})
	require.NoError(t, err)
	require.Equal(t, []string{"p5", "p6"}, ids(more), "p4 was treated; no gap, no repeat")
	require.Empty(t, end)

	bySpec, _, err := f.m.WaitingList(Query{On: on, SpecialtyCode: "130"})
	require.NoError(t, err)
	require.Equal(t, []string{"p1", "p3", "p5"}, ids(bySpec))
	listed, _, err := f.m.WaitingList(Query{On: on, ListType: "day_case", Priority: "P2"})
	require.NoError(t, err)
	require.Equal(t, []string{"p2"}, ids(listed))
	long, _, err := f.m.WaitingList(Query{On: on, MinWeeks: ints(18)})
	require.NoError(t, err)
	require.Equal(t, []string{"p0"}, ids(long), "p1 has waited 124 days: 17 weeks")
	soon, _, err := f.m.WaitingList(Query{On: on, BreachWithinDays: ints(10), MaxWeeks: ints(18)})
	require.NoError(t, err)
	require.Equal(t, []string{"p1"}, ids(soon), "p1 breaches on 2025-05-23, within 10 days; p0 is over 18 weeks; p2 breaches 2025-06-02")

	_, _, err = f.m.WaitingList(Query{On: on, Cursor: "!!"})
	require.ErrorIs(t, err, ErrBadCursor)
}

func ids(items []Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.PathwayID)
	}
	return out
}

// SCENARIOS 21: 1,000 open pathways, 300 with a decision to admit.
func TestReportPart2AndPart2A(t *testing.T) {
	f := newFeed(t)
	for i := 0; i < 1000; i++ {
		id := fmt.Sprintf("p%04d", i)
		f.do(id, refer(id, "110", "2025-02-03"))
		if i < 300 {
			f.do(id, pathway.AddToWaitingList{DecidedOn: d("2025-03-03"), ListType: "inpatient", Priority: "P3"})
		}
	}
	r := f.m.Report(d("2025-03-31"))
	require.Equal(t, 1000, r.Incomplete.Total)
	require.Equal(t, 300, r.IncompleteWithDTA.Total)
	require.Equal(t, 1000, f.m.OpenPathways())
}

func TestRetractionAndValidationsAndDuplicates(t *testing.T) {
	f := newFeed(t)
	f.do("a", refer("a", "110", "2025-01-06"))
	f.do("b", refer("b", "110", "2025-02-06"))
	f.do("a", pathway.RecordActivity{OccurredOn: d("2025-02-03"), Kind: "outpatient_first", RTTStatus: "30"})
	require.Equal(t, 1, f.m.OpenPathways())
	f.do("a", pathway.RetractEvent{EventID: "a-1", RetractedOn: d("2025-02-10"), Reason: "wrong pathway"})
	require.Equal(t, 2, f.m.OpenPathways(), "the retracted stop no longer counts")
	require.Equal(t, []string{"b"}, f.m.DuplicateCandidates("a"))
	f.do("a", pathway.RecordValidation{ValidationID: "v", ValidatedOn: d("2025-02-11"), Outcome: "confirmed", Notes: "checked"})
	s, ok, err := f.m.Pathway("a")
	require.NoError(t, err)
	require.True(t, ok)
	require.Len(t, s.Validations, 1)
	require.Empty(t, s.History(), "the model keeps no histories")
}

func TestSnapshotRestoreGivesTheSameAnswers(t *testing.T) {
	f := newFeed(t)
	for i := 0; i < 20; i++ {
		id := fmt.Sprintf("p%02d", i)
		f.do(id, refer(id, "110", d("2025-01-06").AddDays(i).String()))
	}
	f.do("p03", pathway.RecordActivity{OccurredOn: d("2025-02-03"), Kind: "outpatient_first", RTTStatus: "34"})
	var buf bytes.Buffer
	require.NoError(t, f.m.Snapshot(&buf))
	m2 := New(WithLoader(f.load))
	require.NoError(t, m2.Restore(&buf))
	q := Query{On: d("2025-06-01"), Limit: 100}
	a, _, err := f.m.WaitingList(q)
	require.NoError(t, err)
	b, _, err := m2.WaitingList(q)
	require.NoError(t, err)
	require.Equal(t, a, b)
	require.Equal(t, f.m.Report(d("2025-05-31")), m2.Report(d("2025-05-31")))
	m2.Reset()
	require.Zero(t, m2.OpenPathways())
}

// Who was waiting on a past date includes pathways finished since, which the model
// keeps only as return records.
func TestIncompleteOnIncludesPathwaysFinishedSince(t *testing.T) {
	for _, recent := range []int{0, recentCap} {
		f := newFeed(t, recent)
		treatedLater := "5b0c6a4e-6f77-4c0e-9a57-1f2d3c4b5a69"
		for _, id := range []string{treatedLater, "running", "treated-before", "nullified", "referred-after"} {
			received := "2025-01-06"
			if id == "referred-after" {
				received = "2025-04-01"
			}
			f.do(id, refer(id, "110", received))
		}
		f.do(treatedLater, pathway.RecordActivity{OccurredOn: d("2025-04-10"), Kind: "admission", RTTStatus: "30"})
		f.do("treated-before", pathway.RecordActivity{OccurredOn: d("2025-03-10"), Kind: "admission", RTTStatus: "30"})
		f.do("nullified", pathway.RecordActivity{OccurredOn: d("2025-01-20"), Kind: "outpatient_first", RTTStatus: "33",
			Attendance: "did_not_attend"})
		require.Equal(t, []string{treatedLater, "running"}, f.m.IncompleteOn(d("2025-03-31")), "recent %d", recent)
		require.Equal(t, []string{"referred-after", "running"}, f.m.IncompleteOn(d("2025-04-30")), "recent %d", recent)
	}
}

// A loader that returns the whole stream, the event being applied and later ones
// included, still folds each event once: the stream version bounds the re-fold.
func TestRefoldIgnoresEventsAtOrAfterTheOneApplied(t *testing.T) {
	f := newFeed(t, 0)
	f.m = New(WithLoader(func(id string, _ uint64) ([]pathway.Recorded, error) { return f.load(id, 1<<62) }))
	f.m.recentCap = 0
	f.do("a", refer("a", "110", "2025-01-06"))
	f.do("a", pathway.RecordActivity{OccurredOn: d("2025-02-03"), Kind: "admission", RTTStatus: "30"})
	same := func(step string) {
		t.Helper()
		s, ok, err := f.m.Pathway("a")
		require.NoError(t, err)
		require.True(t, ok)
		want := f.state["a"].WithoutHistory()
		require.Len(t, s.Periods, len(want.Periods), step)
		require.Equal(t, fmt.Sprintf("%+v", want), fmt.Sprintf("%+v", s), step)
	}
	// The new clock start arrives for a cold pathway: re-read, then applied once.
	f.do("a", pathway.RecordActivity{OccurredOn: d("2025-03-03"), Kind: "outpatient_first", RTTStatus: "10"})
	same("restarted")
	f.do("a", pathway.RetractEvent{EventID: "a-1", RetractedOn: d("2025-03-10"), Reason: "wrong patient"})
	same("retracted")
}

// Four pathways of one patient in one specialty: each stop takes that pathway, and
// only it, out of the others' duplicate candidates, wherever it was filed.
func TestDuplicateCandidatesFollowEachStop(t *testing.T) {
	f := newFeed(t)
	all := []string{"a", "b", "c", "d"}
	for i, id := range all {
		f.do(id, refer(id, "110", d("2025-01-06").AddDays(i).String()))
	}
	f.do("x", refer("x", "120", "2025-01-06"))
	require.Equal(t, []string{"b", "c", "d"}, f.m.DuplicateCandidates("a"))
	require.Empty(t, f.m.DuplicateCandidates("x"), "another specialty is no duplicate")
	open := slices.Clone(all)
	for _, stop := range []string{"c", "a", "d"} { // the middle, the first filed, the last filed
		f.do(stop, pathway.RecordActivity{OccurredOn: d("2025-02-03"), Kind: "outpatient_first", RTTStatus: "30"})
		open = slices.DeleteFunc(open, func(s string) bool { return s == stop })
		require.Empty(t, f.m.DuplicateCandidates(stop), "%s stopped", stop)
		for _, id := range open {
			want := slices.DeleteFunc(slices.Clone(open), func(s string) bool { return s == id })
			require.Equal(t, want, nilIfEmpty(f.m.DuplicateCandidates(id)), "after %s stopped, for %s", stop, id)
		}
	}
	require.Equal(t, map[dupKey]int{dupKeyOf("9990000018", f.m.codes.specs.of("110")): 1, dupKeyOf("9990000018", f.m.codes.specs.of("120")): 1},
		chainLengths(f.m), "one pathway filed per key, none left behind")
}

func nilIfEmpty(xs []string) []string {
	if len(xs) == 0 {
		return []string{}
	}
	return xs
}

func chainLengths(m *ReadModel) map[dupKey]int {
	out := map[dupKey]int{}
	for k, x := range m.dups {
		for ; x != nil; x = x.dupNext {
			out[k]++
		}
	}
	return out
}

// A rec and a candidate fill a Go size class exactly (hundreds of thousands of
// each at a trust's size): a field more, or one out of order, costs 16 bytes a
// pathway, and should be a decision.
func TestRecAndCandidateSizes(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("sizes are for 64-bit platforms")
	}
	require.Equal(t, uintptr(160), unsafe.Sizeof(rec{}))
	require.Equal(t, uintptr(64), unsafe.Sizeof(candidate{}))
	require.Equal(t, uintptr(24), unsafe.Sizeof(period{}))
}
