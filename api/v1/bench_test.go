package v1_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/api"
	v1 "github.com/pathway-ledger/ledger/api/v1"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
	"github.com/pathway-ledger/ledger/internal/benchdata"
)

// BenchmarkWaitingListHTTP100k: the PTL of a 100,000-open-pathway trust over HTTP —
// authentication, routing, problem handling, JSON of 50 items — under a load
// generator of concurrent keep-alive clients in the same process (b.RunParallel:
// parallelism × GOMAXPROCS clients), a mix of booking-team queries; p50/p99 per
// request and requests/s. clients=2 is a booking office; clients=8 saturates the
// two cores, so its p99 is mostly queueing.
func BenchmarkWaitingListHTTP100k(b *testing.B) {
	for _, parallelism := range []int{1, 4} {
		b.Run(fmt.Sprintf("clients=%d", parallelism*runtime.GOMAXPROCS(0)), func(b *testing.B) {
			benchmarkWaitingListHTTP(b, parallelism)
		})
	}
}

func benchmarkWaitingListHTTP(b *testing.B, parallelism int) {
	m, _ := benchdata.PTL100k()
	store, err := sqlite.Open(b.TempDir())
	require.NoError(b, err)
	b.Cleanup(func() { _ = store.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := api.New(api.Options{Store: store, AdminToken: adminToken, Logger: log})
	require.NoError(b, err)
	today := benchdata.Today.Time().Add(10 * time.Hour)
	v1.Register(srv, &v1.Deps{Store: store, Pathways: m, Logger: log, Now: func() time.Time { return today }})
	hs := httptest.NewServer(srv.Handler())
	b.Cleanup(hs.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}}
	queries := []string{
		"/v1/waiting-list",
		"/v1/waiting-list?specialty_code=110",
		"/v1/waiting-list?specialty_code=130&list_type=day_case",
		"/v1/waiting-list?min_weeks=52",
		"/v1/waiting-list?specialty_code=120&max_weeks=12",
		"/v1/waiting-list?breach_within_days=14",
		"/v1/waiting-list?priority=P2&limit=100",
	}
	get := func(path string) time.Duration {
		req, _ := http.NewRequest(http.MethodGet, hs.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+adminToken)
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			b.Error(err)
			return 0
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		d := time.Since(t0)
		if resp.StatusCode != http.StatusOK {
			b.Errorf("%s: %d", path, resp.StatusCode)
		}
		return d
	}
	for _, q := range queries {
		get(q) // warm the connections and check every query answers 200
	}
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(parallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		mine := make([]time.Duration, 0, 1024)
		for i := 0; pb.Next(); i++ {
			mine = append(mine, get(queries[i%len(queries)]))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	slices.Sort(lat)
	at := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) }
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "req/s")
}
