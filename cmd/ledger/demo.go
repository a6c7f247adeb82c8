package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/pathway-ledger/ledger/api/tokens"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/generator"
	"github.com/pathway-ledger/ledger/rtt"
)

// Demo trust size: a few thousand pathways and a month of sessions, ready in seconds.
const (
	demoPathways     = 3000
	demoSessionWeeks = 4
	demoSeed         = 2026
)

// prepareDemo fills an empty store with a small synthetic trust and prints the URL
// and a fresh admin token (shown once: only its hash is kept).
func prepareDemo(ctx context.Context, store eventstore.Store, toks *tokens.Store, addr string, stdout io.Writer, log *slog.Logger) error {
	head, err := store.ReadAll(ctx, 0, 1)
	if err != nil {
		return fmt.Errorf("demo: read the log: %w", err)
	}
	if len(head) == 0 {
		start := time.Now()
		cfg := generator.Config{Pathways: demoPathways, Seed: demoSeed, Today: rtt.DateOf(time.Now()),
			HistoryDays: 730, SessionWeeks: demoSessionWeeks}
		st, err := generator.ToStore(ctx, cfg, store, nil)
		if err != nil {
			return fmt.Errorf("demo: generate: %w", err)
		}
		log.Info("demo trust generated", slog.Int("pathways", st.Pathways), slog.Int("sessions", st.Sessions),
			slog.Int("events", st.Events), slog.Duration("took", time.Since(start)))
	} else {
		log.Info("demo: the data folder already holds a log; nothing generated")
	}
	secret, _, err := toks.Create("demo", "admin")
	if err != nil {
		return fmt.Errorf("demo: create a token: %w", err)
	}
	fmt.Fprintf(stdout, "Pathway Ledger demo at http://%s\n", addr)
	fmt.Fprintf(stdout, "  token (admin, shown once): %s\n", secret)
	fmt.Fprintf(stdout, "  try: curl -s -H 'Authorization: Bearer %s' 'http://%s/v1/waiting-list?limit=5'\n", secret, addr)
	fmt.Fprintf(stdout, "       (README \"A tour of the API\" has more)\n")
	fmt.Fprintf(stdout, "       go run ./cmd/ledger export ptl --data <this data folder> | head   (export and verify read the folder while the server runs)\n")
	return nil
}
