package kurrent

import (
	"log/slog"
	"os"
	"testing"
)

// TestMain keeps the client's retry chatter (a line per failed discovery attempt) out
// of test output; errors still show.
func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
	os.Exit(m.Run())
}
