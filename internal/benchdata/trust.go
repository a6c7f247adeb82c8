// Package benchdata feeds benchmarks with a realistic trust: pathways from the
// generator (every event through the pathway aggregate's Decide), as the global log's
// events in order, without a store in between.
package benchdata

import (
	"fmt"
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

var recordedAt = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// Log is the log of n generated pathways, which can also re-read one pathway's
// events as a store would (the pathways model's Loader) by generating it again, so
// that a benchmark measures the model's memory, not a copy of the log.
type Log struct {
	cfg   generator.Config
	index map[string]int
	// first is each pathway's first position, once Each has reached it.
	first []uint64
}

// NewLog prepares the log of n pathways.
func NewLog(n int) *Log {
	l := &Log{cfg: Config(n), index: make(map[string]int, n), first: make([]uint64, n)}
	for i := range n {
		l.index[generator.PathwayID(l.cfg.Seed, i)] = i
	}
	return l
}

func (l *Log) event(id string, k int, pos uint64, e pathway.Event) (eventstore.Event, error) {
	typ, data, err := pathway.Encode(e)
	if err != nil {
		return eventstore.Event{}, err
	}
	return eventstore.Event{EventID: generator.EventID(id, k), Stream: "pathway-" + id, StreamVersion: uint64(k),
		Position: pos, Type: typ, SchemaVersion: pathway.SchemaVersion, OccurredOn: e.On().String(),
		RecordedAt: recordedAt, Actor: generator.Actor, Data: data}, nil
}

// Each streams the events in log order (positions from 1, each pathway's events
// together), stopping early when fn returns false.
func (l *Log) Each(fn func(eventstore.Event) bool) error {
	pos := uint64(0)
	for i := range l.first {
		p := generator.Generate(l.cfg, i)
		l.first[i] = pos + 1
		for k, e := range p.Events {
			pos++
			ev, err := l.event(p.ID, k, pos, e)
			if err != nil {
				return err
			}
			if !fn(ev) {
				return nil
			}
		}
	}
	return nil
}

// Load implements pathways.Loader over what Each has streamed.
func (l *Log) Load(id string, before uint64) ([]pathway.Recorded, error) {
	i, ok := l.index[id]
	if !ok || l.first[i] == 0 {
		return nil, fmt.Errorf("benchdata: pathway %s not in the log yet", id)
	}
	p := generator.Generate(l.cfg, i)
	var out []pathway.Recorded
	for k, e := range p.Events {
		if l.first[i]+uint64(k) >= before {
			break
		}
		out = append(out, pathway.Recorded{Event: e, EventID: generator.EventID(id, k), StreamVersion: uint64(k),
			RecordedAt: recordedAt, Actor: pathway.Actor{User: generator.Actor.User, Role: generator.Actor.Role}})
	}
	return out, nil
}

// Pathways streams the events of n generated pathways in log order.
func Pathways(n int, fn func(eventstore.Event) bool) error { return NewLog(n).Each(fn) }
