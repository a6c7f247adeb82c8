package pathway_test

import (
	"runtime"
	"testing"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/generator"
	"github.com/pathway-ledger/ledger/rtt"
)

// This file is an external test package, not part of bench_test.go, because the
// generator imports pathway.

type stored struct {
	typ  string
	data []byte
}

// generatedMix is the stored form of a realistic generated trust's events, in the
// proportions the generator gives each type.
func generatedMix(tb testing.TB) []stored {
	cfg := generator.Config{Pathways: 2000, Seed: 7, Today: rtt.MustParseDate("2026-11-24"), HistoryDays: 730}
	var out []stored
	for i := 0; i < cfg.Pathways; i++ {
		for _, e := range generator.Generate(cfg, i).Events {
			typ, data, err := pathway.Encode(e)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, stored{typ, data})
		}
	}
	return out
}

func benchmarkDecode(b *testing.B, decode func(string, int, []byte) (pathway.Event, error)) {
	benchmarkMix(b, func(typ string, data []byte) error {
		_, err := decode(typ, pathway.SchemaVersion, data)
		return err
	}, func() {})
}

// benchmarkMix decodes the generated mix with decode, calling page after each
// ReplayBatch-sized page's worth of events (a replay resets its slab there).
func benchmarkMix(b *testing.B, decode func(typ string, data []byte) error, page func()) {
	mix := generatedMix(b)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k, s := range mix {
			if err := decode(s.typ, s.data); err != nil {
				b.Fatal(err)
			}
			if k%4096 == 4095 {
				page()
			}
		}
		page()
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	n := float64(b.N * len(mix))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/event")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/event")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/n, "B/event")
	b.ReportMetric(n/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkDecode decodes a generated trust's events (12,801, in the generator's mix
// of types) with Decode and with the encoding/json reference Decode is held to. An op
// is the whole mix, so the per-event figures are the ones to read.
func BenchmarkDecode(b *testing.B) {
	for _, c := range []struct {
		name   string
		decode func(string, int, []byte) (pathway.Event, error)
	}{{"Decode", pathway.Decode}, {"reference", pathway.DecodeReference}} {
		b.Run(c.name, func(b *testing.B) { benchmarkDecode(b, c.decode) })
	}
	// What a replay's decoding stage does: into a slab reset page after page, no
	// box an event (the allocations left are the strings the events hold).
	b.Run("Slab", func(b *testing.B) {
		var sl pathway.Slab
		benchmarkMix(b, func(typ string, data []byte) error {
			_, err := sl.Decode(typ, pathway.SchemaVersion, data)
			return err
		}, sl.Reset)
	})
}
