package main

import (
	"context"
	"flag"
	"os"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/kurrent"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
)

// storeFlags are the flags of every subcommand that opens a store.
type storeFlags struct {
	data  string
	store string
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", envOr("LEDGER_DATA", "./data"), "data folder of the embedded store (env LEDGER_DATA)")
	fs.StringVar(&f.store, "store", os.Getenv("LEDGER_STORE"), "store URL: empty for the embedded store, kurrentdb://host:2113?tls=false for KurrentDB (env LEDGER_STORE)")
}

func (f *storeFlags) open(ctx context.Context) (eventstore.Store, error) {
	if f.store != "" {
		return kurrent.Open(ctx, f.store)
	}
	return sqlite.Open(f.data)
}

// openForReplay opens a store for a replay, which reads the log whole and appends
// nothing: the embedded store then reads it from its file's pages (sqlite.ForReplay).
func (f *storeFlags) openForReplay(ctx context.Context) (eventstore.Store, error) {
	if f.store != "" {
		return kurrent.Open(ctx, f.store)
	}
	return sqlite.Open(f.data, sqlite.ForReplay())
}

// openReadOnly opens a store for commands that only read (export, verify), so they
// can run while ledger serve holds the embedded store's folder. KurrentDB serves any
// number of clients, so there it is the ordinary open.
func (f *storeFlags) openReadOnly(ctx context.Context) (eventstore.Store, error) {
	if f.store != "" {
		return kurrent.Open(ctx, f.store)
	}
	return sqlite.Open(f.data, sqlite.ReadOnly())
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
