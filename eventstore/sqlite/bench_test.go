package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
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

func openBench(b *testing.B) *Store {
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func reportLatency(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) == 0 {
		return
	}
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkAppendSingle: one durable append at a time.
func BenchmarkAppendSingle(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := s.Append(ctx, fmt.Sprintf("pathway-%d", i%1000), eventstore.Any(), benchEvent()); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	reportLatency(b, lat)
}

// BenchmarkAppend16Writers: 16 goroutines appending durably at once (group commit).
func BenchmarkAppend16Writers(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			local := make([]time.Duration, 0, b.N/16+1)
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
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	reportLatency(b, lat)
}

// BenchmarkAppendBatch100: appends of 100 events each; b.N counts events.
func BenchmarkAppendBatch100(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i += 100 {
		batch := make([]eventstore.EventData, 100)
		for k := range batch {
			batch[k] = benchEvent()
		}
		if _, err := s.Append(ctx, fmt.Sprintf("session-%d", i), eventstore.Any(), batch...); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

const readAllEvents = 200000

func fillForRead(b *testing.B) *Store {
	s := openBench(b)
	ctx := context.Background()
	for i := 0; i < readAllEvents; i += 1000 {
		batch := make([]eventstore.EventData, 1000)
		for k := range batch {
			batch[k] = benchEvent()
		}
		if _, err := s.Append(ctx, fmt.Sprintf("pathway-%d", i), eventstore.Any(), batch...); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkReadAll: the global log read back into envelopes, in pages of 4096 (the
// projection rebuild path); b.N counts events.
func BenchmarkReadAll(b *testing.B) {
	s := fillForRead(b)
	ctx := context.Background()
	b.ResetTimer()
	var after uint64
	for i := 0; i < b.N; {
		evs, err := s.ReadAll(ctx, after, 4096)
		if err != nil {
			b.Fatal(err)
		}
		if len(evs) == 0 {
			after = 0
			continue
		}
		i += len(evs)
		after = evs[len(evs)-1].Position
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkReadAllDecoded: ReadAll plus decoding each event's JSON data, as a
// projection does.
func BenchmarkReadAllDecoded(b *testing.B) {
	s := fillForRead(b)
	ctx := context.Background()
	b.ResetTimer()
	var after uint64
	var v struct {
		PathwayID     string `json:"pathway_id"`
		SpecialtyCode string `json:"specialty_code"`
	}
	for i := 0; i < b.N; {
		evs, err := s.ReadAll(ctx, after, 4096)
		if err != nil {
			b.Fatal(err)
		}
		if len(evs) == 0 {
			after = 0
			continue
		}
		for k := range evs {
			if err := json.Unmarshal(evs[k].Data, &v); err != nil {
				b.Fatal(err)
			}
		}
		i += len(evs)
		after = evs[len(evs)-1].Position
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
