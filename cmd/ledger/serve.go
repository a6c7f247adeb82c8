package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/api"
	"github.com/pathway-ledger/ledger/api/tokens"
	v1 "github.com/pathway-ledger/ledger/api/v1"
	"github.com/pathway-ledger/ledger/eventstore"
)

// serve runs the API server until ctx ends or SIGINT/SIGTERM arrives, then drains
// in-flight requests and closes the store. A second signal during the drain kills
// the process at once.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	addr := fs.String("addr", envOr("LEDGER_ADDR", "127.0.0.1:8080"), "listen address (env LEDGER_ADDR)")
	level := fs.String("log-level", envOr("LEDGER_LOG_LEVEL", "info"), "debug, info, warn or error (env LEDGER_LOG_LEVEL)")
	afterWait := fs.Duration("after-wait", api.DefaultAfterWait, "longest wait of a read with after= for the projections")
	drain := fs.Duration("shutdown-timeout", api.DefaultShutdownTimeout, "longest wait for in-flight requests at shutdown")
	bodyLimit := fs.Int64("body-limit", api.DefaultBodyLimit, "largest request body in bytes")
	milestones := fs.String("session-milestones", envOr("LEDGER_SESSION_MILESTONES", "6,4,2"), "weeks before a session by which it is confirmed, filled and locked (env LEDGER_SESSION_MILESTONES)")
	fill := fs.String("session-fill-threshold", envOr("LEDGER_SESSION_FILL_THRESHOLD", "0.85"), "utilisation a list must reach by fill_by, 0-1 (env LEDGER_SESSION_FILL_THRESHOLD)")
	demo := fs.Bool("demo", false, "on an empty data folder, generate a small synthetic trust; print the URL and an admin token")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ledger serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintf(stderr, "ledger serve: --log-level: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: lv}))
	policy, err := milestonePolicy(*milestones, *fill)
	if err != nil {
		fmt.Fprintf(stderr, "ledger serve: --session-milestones/--session-fill-threshold: %v\n", err)
		return 2
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()

	start := time.Now()
	store, err := sf.open(ctx)
	if err != nil {
		log.Error("cannot open the event store", slog.String("error", err.Error()))
		return 1
	}
	defer func() {
		if err := store.Close(); err != nil {
			log.Error("closing the event store", slog.String("error", err.Error()))
		}
	}()
	// Tokens live in the data folder with either engine: they are the server's
	// configuration, not part of the log.
	toks, err := tokens.Open(sf.data)
	if err != nil {
		log.Error("cannot open the token store", slog.String("error", err.Error()))
		return 1
	}
	if *demo {
		if err := prepareDemo(ctx, store, toks, *addr, stdout, log); err != nil {
			log.Error("cannot prepare the demo", slog.String("error", err.Error()))
			return 1
		}
	}
	models, err := startReadModels(ctx, store, sf.data, log)
	if err != nil {
		log.Error("cannot start the read models", slog.String("error", err.Error()))
		return 1
	}
	defer func() {
		if err := models.runner.Close(); err != nil {
			log.Error("closing the read models", slog.String("error", err.Error()))
		}
	}()
	srv, err := newServer(store, toks, models, policy, log, api.Options{
		Addr:            *addr,
		AdminToken:      os.Getenv("LEDGER_ADMIN_TOKEN"),
		AfterWait:       *afterWait,
		ShutdownTimeout: *drain,
		BodyLimit:       *bodyLimit,
	})
	if err != nil {
		log.Error("cannot configure the server", slog.String("error", err.Error()))
		return 1
	}
	engine := "embedded"
	if sf.store != "" {
		engine = "kurrentdb"
	}
	log.Info("store open", slog.String("engine", engine), slog.Duration("took", time.Since(start)))
	if err := srv.ListenAndServe(ctx); err != nil {
		log.Error("server stopped", slog.String("error", err.Error()))
		return 1
	}
	log.Info("stopped")
	return 0
}

// newServer is the API server with every route of the ledger on the store and read
// models; opts gives the listening and limit settings.
func newServer(store eventstore.Store, toks *tokens.Store, models *readModels, policy session.MilestonePolicy, log *slog.Logger, opts api.Options) (*api.Server, error) {
	opts.Store, opts.Progress, opts.Tokens, opts.Logger = store, progress{models.runner}, toks, log
	srv, err := api.New(opts)
	if err != nil {
		return nil, err
	}
	v1.Register(srv, &v1.Deps{Store: store, Pathways: models.pathways, Sessions: models.sessions, Bookings: models.worker,
		Milestones: policy, Projections: models.runner, Logger: log, Ready: progress{models.runner}, ReadyWait: opts.AfterWait})
	return srv, nil
}
