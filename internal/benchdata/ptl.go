package benchdata

import (
	"runtime"
	"sync"
	"time"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/pathways"
)

// Built describes a model grown by OpenPTL.
type Built struct {
	Events, Open, All int
	// Heap is the heap the model added (after a GC, before and after).
	Heap uint64
	Took time.Duration
}

var ptl100k = sync.OnceValues(func() (*pathways.ReadModel, Built) { return OpenPTL(100_000) })

// PTL100k is OpenPTL(100,000), built once per test binary.
func PTL100k() (*pathways.ReadModel, Built) { return ptl100k() }

// OpenPTL is the pathways model of a generated trust grown until open pathways have a
// running period (the generator's mix closes most pathways, so several times as many
// are generated), with what it cost.
func OpenPTL(open int) (*pathways.ReadModel, Built) {
	log := NewLog(10 * open)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	m := pathways.New(pathways.WithLoader(log.Load))
	var b Built
	start := time.Now()
	err := log.Each(func(ev eventstore.Event) bool {
		if ev.StreamVersion == 0 && m.OpenPathways() >= open {
			return false
		}
		b.Events++
		return m.Apply(ev) == nil
	})
	b.Took = time.Since(start)
	if err != nil {
		panic(err)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	b.Heap = after.HeapAlloc - before.HeapAlloc
	b.Open, b.All = m.OpenPathways(), m.Pathways()
	return m, b
}
