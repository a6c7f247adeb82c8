package pathways_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/internal/benchdata"
	"github.com/pathway-ledger/ledger/projections"
	"github.com/pathway-ledger/ledger/projections/pathways"
)

func build100k() (*pathways.ReadModel, benchdata.Built) { return benchdata.PTL100k() }

// BenchmarkWaitingListPage100k: pages of 50 of a PTL with 100,000 open pathways, a
// mix of what booking teams ask (first page, a specialty, a week band, breaching
// soon, and deep pages by cursor), with p50/p99 per page.
func BenchmarkWaitingListPage100k(b *testing.B) {
	m, st := build100k()
	require.GreaterOrEqual(b, st.Open, 100_000)
	on := benchdata.Today
	twelve, fifty2, fourteen := 12, 52, 14
	// Cursors spread through the list, for deep pages.
	var cursors []string
	q := pathways.Query{On: on, Limit: 500}
	for len(cursors) < 100 {
		_, next, err := m.WaitingList(q)
		require.NoError(b, err)
		if next == "" {
			break
		}
		cursors = append(cursors, next)
		q.Cursor = next
	}
	queries := []pathways.Query{
		{On: on},
		{On: on, SpecialtyCode: "110"},
		{On: on, SpecialtyCode: "130", ListType: "inpatient"},
		{On: on, MinWeeks: &fifty2},
		{On: on, MaxWeeks: &twelve, SpecialtyCode: "120"},
		{On: on, BreachWithinDays: &fourteen},
		{On: on, Priority: "P2"},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	lat := make([]time.Duration, 0, 1<<16)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		q := queries[i%len(queries)]
		if i%3 == 0 {
			q.Cursor = cursors[rng.IntN(len(cursors))]
		}
		t0 := time.Now()
		items, _, err := m.WaitingList(q)
		lat = append(lat, time.Since(t0))
		if err != nil || (i == 0 && len(items) != pathways.DefaultLimit) {
			b.Fatalf("query %+v: %d items, %v", q, len(items), err)
		}
	}
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	at := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) }
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}

// BenchmarkBuild100kOpen reports what the model of a 100,000-open-pathway trust
// costs: heap per open pathway (closed ones included in the heap, as they are
// held), and the apply rate while it was built.
func BenchmarkBuild100kOpen(b *testing.B) {
	_, st := build100k()
	for b.Loop() {
	}
	b.ReportMetric(float64(st.Heap)/float64(st.Open), "heap-B/open-pathway")
	b.ReportMetric(float64(st.Heap)/float64(st.All), "heap-B/pathway")
	b.ReportMetric(float64(st.Open), "open-pathways")
	b.ReportMetric(float64(st.All), "pathways")
}

// BenchmarkRebuild: folding the log into an empty model (what a replay does after
// reading), events per second, on 20,000 generated pathways.
func BenchmarkRebuild(b *testing.B) {
	var evs []eventstore.Event
	require.NoError(b, benchdata.NewLog(20_000).Each(func(ev eventstore.Event) bool { evs = append(evs, ev); return true }))
	log := newPagedLog(evs)
	load, loads := log.loader()
	benchRebuild(b, log, load, loads)
}

// benchRebuild folds the log into an empty model, per event with Apply (what the
// live tail does), in pages with ApplyBatch (what the runner's catch-up does), in
// pages with the indexes filed at the end (BeginBulk … Settle: what an as-of build
// does), and so with each page prepared on another goroutine while the one before
// is folded (what `ledger replay`'s stage does), laying it out in pages the size
// replay reads as a store would, and reports events per second and how often a
// stream was re-read.
func benchRebuild(b *testing.B, log *pagedLog, load pathways.Loader, loads *int) {
	pg := make([]eventstore.Event, projections.ReplayBatch)
	for _, mode := range []struct {
		name   string
		page   int
		bulk   bool
		staged bool
	}{{"event", 0, false, false}, {"page", projections.ReplayBatch, false, false},
		{"replay", projections.ReplayBatch, true, false}, {"staged", projections.ReplayBatch, true, true}} {
		b.Run(mode.name, func(b *testing.B) {
			for b.Loop() {
				*loads = 0
				m := pathways.New(pathways.WithLoader(load))
				if mode.bulk {
					m.BeginBulk()
				}
				if mode.staged {
					foldStaged(b, m, log)
					m.Settle()
					continue
				}
				for from := 0; from < log.len(); from += len(pg) {
					evs := log.page(pg, from)
					if mode.page == 0 {
						for _, ev := range evs {
							if err := m.Apply(ev); err != nil {
								b.Fatal(err)
							}
						}
						continue
					}
					if n, err := m.ApplyBatch(evs); err != nil || n != len(evs) {
						b.Fatal(n, err)
					}
				}
				if mode.bulk {
					m.Settle()
				}
			}
			b.ReportMetric(float64(log.len())*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(*loads)/float64(log.len()), "re-reads/event") // of the last run
		})
	}
}

// foldStaged folds the log's pages as Replay's stage does: a page is prepared and
// handed over, then filled while the fold takes its runs, on another goroutine.
// Three page buffers turn: a page is laid out again only once its fold is done.
func foldStaged(b *testing.B, m *pathways.ReadModel, log *pagedLog) {
	type page struct {
		evs []eventstore.Event
		p   projections.Prepared
	}
	var bufs [3][]eventstore.Event
	for i := range bufs {
		bufs[i] = make([]eventstore.Event, projections.ReplayBatch)
	}
	pages := make(chan page, 1)
	go func() {
		defer close(pages)
		for i, from := 0, 0; from < log.len(); i, from = i+1, from+projections.ReplayBatch {
			evs := log.page(bufs[i%len(bufs)], from)
			p, fill := m.Prepare(evs)
			pages <- page{evs, p}
			fill(context.Background())
		}
	}()
	for pg := range pages {
		if n, err := m.ApplyPrepared(pg.evs, pg.p); err != nil || n != len(pg.evs) {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkSessionSuggestions100k: the suggestions for a trauma and orthopaedics
// theatre list four weeks ahead against the 100,000-open-pathway PTL — gathering
// the specialty's candidates from the model and ranking them (GET
// /v1/sessions/{id}/suggestions without HTTP), with p50/p99.
func BenchmarkSessionSuggestions100k(b *testing.B) {
	m, _ := build100k()
	today := benchdata.Today
	plan := session.PlanSession{SessionID: "bench", Date: today.AddDays(28), StartTime: session.MustParseClock("08:30"),
		EndTime: session.MustParseClock("17:30"), SpecialtyCode: "110", ListType: session.ListTheatre, TurnaroundMinutes: 20,
		Anaesthetist: "Dr A", Capabilities: session.Capabilities{HDUBed: true, Radiology: true, AnaesthetistGrade: session.GradeConsultant}}
	evs, err := session.Decide(session.State{}, plan, session.DecideContext{Today: today})
	require.NoError(b, err)
	view := session.Fold(evs).View(session.MilestonePolicy{}, today)
	cs, _ := m.Candidates("110", view.Date)
	require.NotEmpty(b, session.Suggest(view, cs, today, 20))
	lat := make([]time.Duration, 0, 1<<12)
	var candidates int
	for b.Loop() {
		t0 := time.Now()
		cs, _ := m.Candidates("110", view.Date)
		got := session.Suggest(view, cs, today, 20)
		lat = append(lat, time.Since(t0))
		candidates = len(cs)
		if len(got) == 0 {
			b.Fatal("no suggestions")
		}
	}
	b.ReportMetric(float64(candidates), "candidates")
	reportPercentiles(b, lat)
}

// BenchmarkRebuildInterleaved: the same 20,000 pathways with their events merged in
// business-date order, as a real trust's log holds them (a pathway's events weeks
// apart, thousands of others in between), so that most events meet a packed state
// and those on finished pathways re-read their stream (here from memory: the
// store's read time is not in this figure).
// At 100,000 pathways (18,000 open at the end: a mid-sized trust's live history)
// the model no longer fits the processor's caches, and pathways leave the recent
// list between their events often enough that some must be re-read (here from
// memory; from the embedded store each re-read costs ~250 µs).
func BenchmarkRebuildInterleaved(b *testing.B) {
	for _, n := range []int{20_000, 100_000} {
		b.Run(fmt.Sprintf("pathways=%d", n), func(b *testing.B) {
			evs, _, _ := interleavedLog(b, n)
			log := newPagedLog(evs)
			evs = nil
			load, loads := log.loader()
			benchRebuild(b, log, load, loads)
		})
	}
}

// interleavedLog is n generated pathways with their events merged in business-date
// order, as a real trust's log holds them (a pathway's events weeks apart,
// thousands of others in between), with a loader that re-reads a stream from it
// and counts its calls.
func interleavedLog(t testing.TB, n int) ([]eventstore.Event, pathways.Loader, *int) {
	return generatedLog(t, n, true)
}

// generatedLog is n generated pathways, merged in business-date order (byDate) or
// one after another as the generator writes them (a pathway's events together),
// with a loader that re-reads a stream from it and counts its calls.
func generatedLog(t testing.TB, n int, byDate bool) ([]eventstore.Event, pathways.Loader, *int) {
	var evs []eventstore.Event
	require.NoError(t, benchdata.NewLog(n).Each(func(ev eventstore.Event) bool { evs = append(evs, ev); return true }))
	if byDate {
		// Order by business date, but never before an earlier event of the same
		// stream (a correction can be dated before the event it follows).
		key := make(map[string]string, len(evs))
		for i := range evs {
			k := max(key[evs[i].Stream], evs[i].OccurredOn)
			key[evs[i].Stream], evs[i].OccurredOn = k, k
		}
		slices.SortStableFunc(evs, func(x, y eventstore.Event) int { return strings.Compare(x.OccurredOn, y.OccurredOn) })
	}
	byStream := map[string][]eventstore.Event{}
	for i := range evs {
		// Copied in log order, as a store's read page lays them out: left where the
		// generator allocated them, every event would be a cache miss the real
		// replay does not pay.
		evs[i].Stream, evs[i].Data = strings.Clone(evs[i].Stream), bytes.Clone(evs[i].Data)
		evs[i].Position = uint64(i + 1)
		byStream[evs[i].Stream] = append(byStream[evs[i].Stream], evs[i])
	}
	loads := new(int)
	load := func(id string, before uint64) ([]pathway.Recorded, error) {
		*loads++
		var out []pathway.Recorded
		for _, ev := range byStream[pathways.StreamPrefix+id] {
			if ev.Position >= before {
				break
			}
			e, err := pathway.Decode(ev.Type, ev.SchemaVersion, ev.Data)
			if err != nil {
				return nil, err
			}
			out = append(out, pathway.Recorded{Event: e, EventID: ev.EventID, StreamVersion: ev.StreamVersion, RecordedAt: ev.RecordedAt,
				Actor: pathway.Actor{User: ev.Actor.User, Role: ev.Actor.Role}})
		}
		return out, nil
	}
	return evs, load, loads
}
