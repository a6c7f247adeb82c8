package pathways_test

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/pathway/pathwaytest"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/pathways"
	"github.com/pathway-ledger/ledger/projections/rttreport"
	"github.com/pathway-ledger/ledger/rtt"
)

// Pathways whose histories obey no order (what an import of events admits, or a
// third-party writer), interleaved, folded by a model that keeps few of them
// decoded: it may refuse an event, but it never panics, and every query answers,
// before and after a snapshot and restore.
func TestPropertyModelTakesAnyAdmissibleLogWithoutPanic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 6).Draw(t, "pathways")
		var histories [][]pathway.Recorded
		for i := range n {
			histories = append(histories, pathwaytest.History(t, uuid.NewSHA1(uuid.NameSpaceOID, []byte{byte(i)}).String(), 20))
		}
		var log []eventstore.Event
		at := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
		for next := make([]int, n); ; {
			var open []int
			for i, h := range histories {
				if next[i] < len(h) {
					open = append(open, i)
				}
			}
			if len(open) == 0 {
				break
			}
			i := rapid.SampledFrom(open).Draw(t, "next pathway")
			r := histories[i][next[i]]
			next[i]++
			typ, data, err := pathway.Encode(r.Event)
			if err != nil {
				t.Fatal(err)
			}
			at = at.Add(time.Minute)
			log = append(log, eventstore.Event{EventID: r.EventID, Stream: pathways.StreamPrefix + r.EventID[:36], StreamVersion: r.StreamVersion,
				Position: uint64(len(log) + 1), Type: typ, SchemaVersion: pathway.SchemaVersion, OccurredOn: r.Event.On().String(),
				RecordedAt: at, Data: data})
		}
		load := func(id string, before uint64) ([]pathway.Recorded, error) {
			var out []pathway.Recorded
			for _, ev := range log {
				if ev.Stream == pathways.StreamPrefix+id && ev.Position < before {
					e, err := pathway.Decode(ev.Type, ev.SchemaVersion, ev.Data)
					if err != nil {
						return nil, err
					}
					out = append(out, pathway.Recorded{Event: e, EventID: ev.EventID, StreamVersion: ev.StreamVersion, RecordedAt: ev.RecordedAt})
				}
			}
			return out, nil
		}
		m := pathways.New(pathways.WithLoader(load), pathways.WithRecent(rapid.IntRange(1, 4).Draw(t, "recent")))
		if rapid.Bool().Draw(t, "bulk") {
			m.BeginBulk()
		}
		for from := 0; from < len(log); {
			size := rapid.IntRange(1, 8).Draw(t, "batch")
			k, err := m.ApplyBatch(log[from:min(from+size, len(log))])
			from += k
			if err != nil {
				t.Logf("refused event %d: %v", from+1, err)
				from++
			}
		}
		m.Settle()
		on := rtt.MustParseDate("2024-01-01").AddDays(rapid.IntRange(0, 800).Draw(t, "on"))
		ask(t, m, on, histories)
		var buf bytes.Buffer
		if err := m.Snapshot(&buf); err != nil {
			t.Fatalf("snapshot: %v", err)
		}
		back := pathways.New(pathways.WithLoader(load))
		if err := back.Restore(&buf); err != nil {
			t.Fatalf("restore: %v", err)
		}
		ask(t, back, on, histories)
		for _, q := range []pathways.Query{{On: on, Limit: pathways.MaxLimit}, {On: on, ListType: "inpatient", Limit: pathways.MaxLimit}} {
			want, _, _ := m.WaitingList(q)
			got, _, _ := back.WaitingList(q)
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("restored PTL %+v differs:\n%+v\nwant\n%+v", q, got, want)
			}
		}
		if want, got := m.Report(on), back.Report(on); !reflect.DeepEqual(want, got) {
			t.Fatalf("restored report differs:\n%+v\nwant\n%+v", got, want)
		}
		for _, h := range histories {
			id := h[0].EventID[:36]
			// The model keeps whole the pathways with a running period, and the last
			// ones touched, which a restore does not carry over.
			want, wok, _ := m.Pathway(id)
			got, gok, _ := back.Pathway(id)
			if wok && want.Running() != nil && !gok {
				t.Fatalf("restored model lost running pathway %s", id)
			}
			if wok && gok && !reflect.DeepEqual(want.WithoutHistory(), got.WithoutHistory()) {
				t.Fatalf("restored pathway %s differs:\n%+v\nwant\n%+v", id, got, want)
			}
		}
	})
}

func ask(t *rapid.T, m *pathways.ReadModel, on rtt.Date, histories [][]pathway.Recorded) {
	weeks := 0
	for _, q := range []pathways.Query{{On: on}, {On: on, SpecialtyCode: "110"}, {On: on, ListType: "inpatient", Priority: "P2"},
		{On: on, MinWeeks: &weeks}, {On: on, BreachWithinDays: &weeks}} {
		if _, _, err := m.WaitingList(q); err != nil {
			t.Fatalf("waiting list %+v: %v", q, err)
		}
	}
	// Whatever the log, the return the model computes is consistent with itself:
	// the national checks' errors would mean a computation that loses a period.
	rep := m.Report(on)
	for _, c := range rttreport.Checks(rep) {
		if c.Severity == "error" {
			t.Fatalf("national check %s fails on the computed return: %s", c.Rule, c.Detail)
		}
	}
	if _, err := rttreport.WriteExtract(io.Discard, rep, rttreport.Organisation{ProviderCode: "RTH"}); err != nil {
		t.Fatalf("extract: %v", err)
	}
	m.IncompleteOn(on)
	m.Candidates("110", on)
	if _, err := m.Guarantees(on, ""); err != nil {
		t.Fatalf("guarantees: %v", err)
	}
	_ = m.EachRunning(func(pathway.State, []string) error { return nil })
	for _, h := range histories {
		id := h[0].EventID[:36]
		if _, _, err := m.Pathway(id); err != nil {
			t.Logf("pathway %s: %v", id, err)
		}
		m.DuplicateCandidates(id)
	}
	_ = fmt.Sprint(m.OpenPathways(), m.Pathways())
}
