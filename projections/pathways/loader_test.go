package pathways

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/internal/memstore"
	"github.com/pathway-ledger/ledger/rtt"
)

// logged decides commands on pathways and appends their events to a store, one
// hour of the store's clock apart.
type logged struct {
	t     *testing.T
	store *memstore.Store
	now   time.Time
	state map[string]pathway.State
}

func newLogged(t *testing.T) *logged {
	l := &logged{t: t, now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), state: map[string]pathway.State{}}
	l.store = memstore.New(memstore.WithClock(func() time.Time { return l.now }))
	return l
}

func (l *logged) do(id string, c pathway.Command) time.Time {
	l.t.Helper()
	s, ok := l.state[id]
	if !ok {
		s = pathway.New()
	}
	evs, err := pathway.Decide(s, c, pathway.DecideContext{Today: d("2027-01-01")})
	require.NoError(l.t, err)
	l.now = l.now.Add(time.Hour)
	var data []eventstore.EventData
	for i, e := range evs {
		typ, b, err := pathway.Encode(e)
		require.NoError(l.t, err)
		v := s.Version + 1 + int64(i)
		data = append(data, eventstore.EventData{EventID: evID(id, v), Type: typ, SchemaVersion: pathway.SchemaVersion,
			OccurredOn: e.On().String(), Data: b})
		s = pathway.Evolve(s, pathway.Recorded{Event: e, EventID: evID(id, v), StreamVersion: uint64(v)})
	}
	_, err = l.store.Append(context.Background(), StreamPrefix+id, eventstore.Any(), data...)
	require.NoError(l.t, err)
	l.state[id] = s
	return l.now
}

// evID is the v-th event id of a pathway (the store wants UUIDs).
func evID(id string, v int64) string {
	return uuid.NewSHA1(uuid.NameSpaceOID, []byte(fmt.Sprintf("%s-%d", id, v))).String()
}

func TestStoreLoaderReadsOnlyWhatCameBefore(t *testing.T) {
	l := newLogged(t)
	l.do("a", refer("a", "110", "2025-01-06"))
	l.do("b", refer("b", "110", "2025-01-07"))
	l.do("a", pathway.RecordActivity{OccurredOn: d("2025-02-03"), Kind: "admission", RTTStatus: "30"})
	evs, err := l.store.ReadAll(context.Background(), 0, 0)
	require.NoError(t, err)
	require.Len(t, evs, 4)

	got, err := StoreLoader(l.store)("a", evs[3].Position)
	require.NoError(t, err)
	require.Len(t, got, 2, "the referral and the activity, not the stop at that position")
	require.Equal(t, evID("a", 1), got[1].EventID)
	require.IsType(t, pathway.ActivityRecorded{}, got[1].Event)

	none, err := StoreLoader(l.store)("nobody", 1<<62)
	require.NoError(t, err)
	require.Empty(t, none, "a stream the log does not hold has no events")
}

// An auditor's view as known at an instant holds when the model must re-read
// pathways it keeps cold: the re-read sees only what was recorded by then.
func TestBuildAsOfReReadsColdPathwaysAsKnownThen(t *testing.T) {
	l := newLogged(t)
	l.do("a", refer("a", "110", "2025-01-06"))
	l.do("b", refer("b", "110", "2025-01-07"))
	stoppedAt := l.do("a", pathway.RecordActivity{OccurredOn: d("2025-02-03"), Kind: "admission", RTTStatus: "30"})
	l.do("b", pathway.RecordActivity{OccurredOn: d("2025-02-04"), Kind: "outpatient_first", RTTStatus: "20"})
	// Later the stop on a is withdrawn: a runs again in today's view.
	l.do("a", pathway.RetractEvent{EventID: evID("a", 1), RetractedOn: d("2025-03-10"), Reason: "wrong patient"})

	census := rtt.MustParseDate("2025-02-28")
	for _, recent := range []int{0, 1, recentCap} {
		then, err := buildAsOf(context.Background(), l.store, &stoppedAt, recent, nil)
		require.NoError(t, err)
		r := then.Report(census)
		require.Equal(t, 1, r.Incomplete.Total, "recent %d: b waits; a was treated as known then", recent)
		require.Equal(t, 1, r.CompletedAdmitted.Total, "recent %d", recent)

		now, err := buildAsOf(context.Background(), l.store, &l.now, recent, nil)
		require.NoError(t, err)
		r = now.Report(census)
		require.Equal(t, 2, r.Incomplete.Total, "recent %d: the retraction reopened a", recent)
		require.Zero(t, r.CompletedAdmitted.Total, "recent %d", recent)
	}
}

// A build reports how far through the log it is, page by page, up to the last
// event, and builds what Build builds.
func TestBuildReportingSaysHowFarItIs(t *testing.T) {
	l := newLogged(t)
	for i := range readBatch + 10 {
		id := fmt.Sprintf("p%05d", i)
		l.do(id, refer(id, "110", "2025-01-06"))
	}
	head, err := l.store.ReadAll(context.Background(), 0, 0)
	require.NoError(t, err)
	var seen []uint64
	m, err := BuildReporting(context.Background(), l.store, nil, func(p uint64) { seen = append(seen, p) })
	require.NoError(t, err)
	require.Len(t, seen, 2, "one report a page")
	require.True(t, seen[0] < seen[1])
	require.Equal(t, head[len(head)-1].Position, seen[1], "the last report is the log's last event")
	whole, err := Build(context.Background(), l.store)
	require.NoError(t, err)
	require.Equal(t, whole.OpenPathways(), m.OpenPathways())
	require.Equal(t, readBatch+10, m.OpenPathways())
}
