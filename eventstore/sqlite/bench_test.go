package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/pathway-ledger/ledger/eventstore"
)

// A ~300-byte JSON event, like a pathway command's payload.
var benchPayload = json.RawMessage(`{"pathway_id":"0190b6d4-7e1c-7000-8000-1234567890ab","specialty_code":"110","referral_received_on":"2025-01-06","referral_priority":"routine","source":"gp","patient":{"nhs_number":"9434765919","family_name":"Example","given_name":"Pat","birth_date":"1970-01-01"},"provider":"RXX","note":"benchmark"}`)

// Ids are UUID v7, as the ledger generates them: time-ordered, so the event_id index
// grows at its end (random v4 ids dirty a random index page per event).
func benchEvent() eventstore.EventData {
	return eventstore.EventData{EventID: uuid.Must(uuid.NewV7()).String(), Type: "ReferralReceived", SchemaVersion: 1,
		OccurredOn: "2025-01-06", Actor: eventstore.Actor{User: "bench", Role: "booking"}, Data: benchPayload}
}

func openBench(b *testing.B, opts ...Option) *Store {
	s, err := Open(b.TempDir(), opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// report records events/s and CPU µs per event since cpu0.
func report(b *testing.B, events int, cpu0 time.Duration) {
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/1e3/float64(events), "cpu-µs/event")
}

// reportGroups records how many events each durable commit carried on average.
func reportGroups(b *testing.B, s *Store) {
	st := s.Stats()
	if st.Commits > 0 {
		b.ReportMetric(float64(st.Events)/float64(st.Commits), "events/commit")
	}
}

func reportLatency(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) == 0 {
		return
	}
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkFileFdatasync is the machine's floor for a durable single write: ~300
// bytes appended to a plain file and fdatasync'd, no database at all.
func BenchmarkFileFdatasync(b *testing.B) {
	f, err := os.OpenFile(filepath.Join(b.TempDir(), "floor"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := f.Write(benchPayload); err != nil {
			b.Fatal(err)
		}
		if err := dataSync(f); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	report(b, b.N, cpu0)
	reportLatency(b, lat)
}

// BenchmarkAppendSingle: one durable append at a time.
func BenchmarkAppendSingle(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := s.Append(ctx, fmt.Sprintf("pathway-%d", i%1000), eventstore.Any(), benchEvent()); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	report(b, b.N, cpu0)
	reportLatency(b, lat)
}

// BenchmarkAppend16Writers: 16 goroutines appending durably at once (group commit).
func BenchmarkAppend16Writers(b *testing.B) { benchmarkAppendWriters(b, 16) }

func benchmarkAppendWriters(b *testing.B, writers int, opts ...Option) {
	s := openBench(b, opts...)
	ctx := context.Background()
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	cpu0 := cpuTime()
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			local := make([]time.Duration, 0, b.N/writers+1)
			for next.Add(1) <= int64(b.N) {
				t0 := time.Now()
				if _, err := s.Append(ctx, fmt.Sprintf("pathway-%d-%d", w, len(local)%100), eventstore.Any(), benchEvent()); err != nil {
					b.Error(err)
					return
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	b.StopTimer()
	report(b, b.N, cpu0)
	reportLatency(b, lat)
	reportGroups(b, s)
}

// BenchmarkAppendBatch100: appends of 100 events each; b.N counts events.
func BenchmarkAppendBatch100(b *testing.B) { benchmarkAppendBatch(b, 100) }

func benchmarkAppendBatch(b *testing.B, size int, opts ...Option) {
	s := openBench(b, opts...)
	ctx := context.Background()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i += size {
		batch := make([]eventstore.EventData, min(size, b.N-i))
		for k := range batch {
			batch[k] = benchEvent()
		}
		if _, err := s.Append(ctx, fmt.Sprintf("session-%d", i), eventstore.Any(), batch...); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	report(b, b.N, cpu0)
}

const readAllEvents = 200000

var (
	readOnce  sync.Once
	readDir   string
	readError error
)

// readStore opens a log of readAllEvents ~300-byte events in 200 streams, written
// once per test process in batches of 1000, checkpointed into the database file and
// read through once, so every read benchmark starts from the same warm state.
func readStore(b *testing.B, opts ...Option) *Store {
	readOnce.Do(func() {
		if readDir, readError = os.MkdirTemp("", "ledger-bench-read-"); readError != nil {
			return
		}
		s, err := Open(readDir)
		if err != nil {
			readError = err
			return
		}
		ctx := context.Background()
		for i := 0; i < readAllEvents && err == nil; i += 1000 {
			batch := make([]eventstore.EventData, 1000)
			for k := range batch {
				batch[k] = benchEvent()
			}
			_, err = s.Append(ctx, fmt.Sprintf("pathway-%d", i), eventstore.Any(), batch...)
		}
		if err == nil {
			_, err = eventstore.Verify(ctx, s, nil)
		}
		readError = errors.Join(err, s.Close())
	})
	if readError != nil {
		b.Fatal(readError)
	}
	s, err := Open(readDir, opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func TestMain(m *testing.M) {
	code := m.Run()
	if readDir != "" {
		os.RemoveAll(readDir)
	}
	os.Exit(code)
}

// readPages calls page with successive pages of 4096 events until n events were read,
// starting over at the beginning of the log when it reaches the end.
func readPages(b *testing.B, n int, page func(after uint64) (int, uint64)) {
	var after uint64
	for i := 0; i < n; {
		got, last := page(after)
		if got == 0 {
			after = 0
			continue
		}
		i += got
		after = last
	}
}

// BenchmarkReadAllRaw is the engine's floor: rows stepped in position order and every
// column copied out of SQLite, no envelope built; b.N counts events.
func BenchmarkReadAllRaw(b *testing.B) {
	s := readStore(b)
	ctx := context.Background()
	buf := make([]byte, 0, 64<<10)
	b.ResetTimer()
	cpu0 := cpuTime()
	err := s.withReader(ctx, func(r *reader) error {
		st := r.all
		readPages(b, b.N, func(after uint64) (int, uint64) {
			if err := bindAll(st, int64(after), int64(4096)); err != nil {
				b.Fatal(err)
			}
			defer st.Reset()
			n, last := 0, after
			for {
				row, err := st.Step()
				if err != nil {
					b.Fatal(err)
				}
				if !row {
					return n, last
				}
				last = uint64(st.Int64(colPosition))
				_ = st.Int64(colVersion) + st.Int64(colSchemaVersion)
				buf = buf[:0]
				for c := colStream; c <= colHash; c++ {
					if c != colVersion && c != colSchemaVersion {
						buf = append(buf, st.Bytes(c)...)
					}
				}
				n++
			}
		})
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	report(b, b.N, cpu0)
}

// BenchmarkReadAll: the global log read back into envelopes (eventstore.Event) in
// pages of 4096, the projection rebuild path; b.N counts events.
func BenchmarkReadAll(b *testing.B) { benchmarkReadAll(b) }

// BenchmarkReadAllNoSplit: the same pages, each read on one connection.
func BenchmarkReadAllNoSplit(b *testing.B) { benchmarkReadAll(b, withoutSplitReads()) }

func benchmarkReadAll(b *testing.B, opts ...Option) {
	s := readStore(b, opts...)
	benchPages(b, func(after uint64) ([]eventstore.Event, error) {
		return s.ReadAll(context.Background(), after, 4096)
	})
}

// benchPages times read over successive pages of 4096 events (readPages) and
// reports events/s and CPU per event; b.N counts events.
func benchPages(b *testing.B, read func(after uint64) ([]eventstore.Event, error)) {
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	readPages(b, b.N, func(after uint64) (int, uint64) {
		evs, err := read(after)
		if err != nil {
			b.Fatal(err)
		}
		if len(evs) == 0 {
			return 0, 0
		}
		return len(evs), evs[len(evs)-1].Position
	})
	b.StopTimer()
	report(b, b.N, cpu0)
}

// BenchmarkReadAllUnmarshal: envelopes plus encoding/json decoding of two fields of
// each event's data, as a projection does.
func BenchmarkReadAllUnmarshal(b *testing.B) {
	s := readStore(b)
	var v struct {
		PathwayID     string `json:"pathway_id"`
		SpecialtyCode string `json:"specialty_code"`
	}
	benchPages(b, func(after uint64) ([]eventstore.Event, error) {
		evs, err := s.ReadAll(context.Background(), after, 4096)
		for k := 0; err == nil && k < len(evs); k++ {
			err = json.Unmarshal(evs[k].Data, &v)
		}
		return evs, err
	})
}

// BenchmarkReadAllForFold: the read a projection rebuild makes (no hash chain, Data
// in a DataBuffer) through SQLite, as the runner's catch-up reads; b.N counts events.
func BenchmarkReadAllForFold(b *testing.B) { benchmarkReadAllForFold(b) }

// BenchmarkReadAllForFoldPages: the same read from the database file's pages, as
// ledger replay reads (ForReplay).
func BenchmarkReadAllForFoldPages(b *testing.B) { benchmarkReadAllForFold(b, ForReplay()) }

func benchmarkReadAllForFold(b *testing.B, opts ...Option) {
	s := readStore(b, opts...)
	if want := len(opts) > 0; want != (s.FoldReads() == "from the database file's pages") {
		b.Fatalf("folds read %s", s.FoldReads())
	}
	data := new(eventstore.DataBuffer)
	var evs []eventstore.Event
	benchPages(b, func(after uint64) ([]eventstore.Event, error) {
		data.Reset()
		var err error
		evs, err = s.ReadAllForFold(context.Background(), after, 4096, evs[:0], data)
		return evs, err
	})
}
