// Package benchdata feeds benchmarks with a realistic trust: pathways from the
// generator (every event through the pathway aggregate's Decide), as the global log's
// events in order, without a store in between.
package benchdata

import (
	"time"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/generator"
	"github.com/pathway-ledger/ledger/rtt"
)

// Today is the benchmarks' evaluation date.
var Today = rtt.MustParseDate("2026-11-24")

// Config is the generated trust: two years of referrals up to Today.
func Config(pathways int) generator.Config {
	return generator.Config{Pathways: pathways, Seed: 7, Today: Today, HistoryDays: 730}
}

// Pathways streams the events of n generated pathways in log order (positions from
// 1, each pathway's events together), stopping early when fn returns false.
func Pathways(n int, fn func(eventstore.Event) bool) error {
	cfg := Config(n)
	recorded := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	pos := uint64(0)
	for i := 0; i < n; i++ {
		p := generator.Generate(cfg, i)
		for k, e := range p.Events {
			typ, data, err := pathway.Encode(e)
			if err != nil {
				return err
			}
			pos++
			ev := eventstore.Event{EventID: generator.EventID(p.ID, k), Stream: "pathway-" + p.ID, StreamVersion: uint64(k),
				Position: pos, Type: typ, SchemaVersion: pathway.SchemaVersion, OccurredOn: e.On().String(),
				RecordedAt: recorded, Actor: generator.Actor, Data: data}
			if !fn(ev) {
				return nil
			}
		}
	}
	return nil
}
