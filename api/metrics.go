package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pathway-ledger/ledger/eventstore"
)

// headPositioner is implemented by stores that know their last committed position
// cheaply (the embedded engine does); it gives /readyz and the lag metric the head.
type headPositioner interface {
	HeadPosition(ctx context.Context) (uint64, error)
}

type metrics struct {
	reg      *prometheus.Registry
	duration *prometheus.HistogramVec
	appends  *prometheus.CounterVec
	events   *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry, store eventstore.Store, progress Progress) (*metrics, error) {
	if reg == nil {
		reg = prometheus.NewRegistry()
		if err := reg.Register(collectors.NewGoCollector()); err != nil {
			return nil, err
		}
		if err := reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
			return nil, err
		}
	}
	m := &metrics{
		reg: reg,
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ledger_http_request_duration_seconds",
			Help:    "HTTP request latency by method, route template and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route", "status"}),
		appends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ledger_appends_total",
			Help: "Appends acknowledged by the event store, by stream type.",
		}, []string{"stream_type"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ledger_appended_events_total",
			Help: "Events in acknowledged appends, by stream type.",
		}, []string{"stream_type"}),
	}
	cs := []prometheus.Collector{m.duration, m.appends, m.events}
	head, _ := store.(headPositioner)
	if head != nil {
		cs = append(cs, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "ledger_store_head_position",
			Help: "Global position of the last committed event.",
		}, func() float64 {
			h, err := headOf(head)
			if err != nil {
				return -1
			}
			return float64(h)
		}))
	}
	if progress != nil {
		cs = append(cs, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "ledger_projection_position",
			Help: "Global position every projection has applied.",
		}, func() float64 { return float64(progress.Position()) }))
	}
	if progress != nil && head != nil {
		cs = append(cs, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "ledger_projection_lag_events",
			Help: "Events committed to the log but not yet applied by the projections (-1: head unknown).",
		}, func() float64 {
			h, err := headOf(head)
			if err != nil {
				return -1
			}
			if p := progress.Position(); p < h {
				return float64(h - p)
			}
			return 0
		}))
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func headOf(h headPositioner) (uint64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return h.HeadPosition(ctx)
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	m.duration.WithLabelValues(method, route, strconv.Itoa(status)).Observe(d.Seconds())
}

// streamType is the stream name's category ("pathway" of "pathway-<uuid>"), bounded
// to plain lower-case words so that a label never carries an id.
func streamType(stream string) string {
	t, _, _ := strings.Cut(stream, "-")
	if t == "" || len(t) > 32 {
		return "other"
	}
	for i := 0; i < len(t); i++ {
		if t[i] < 'a' || t[i] > 'z' {
			return "other"
		}
	}
	return t
}

// CountAppend records an acknowledged append of n events to stream in the metrics.
// Appended calls it; use it directly only for appends that do not answer a request.
func CountAppend(c echo.Context, stream string, n int) {
	s := serverOf(c)
	if s == nil {
		return
	}
	t := streamType(stream)
	s.metrics.appends.WithLabelValues(t).Inc()
	s.metrics.events.WithLabelValues(t).Add(float64(n))
}
