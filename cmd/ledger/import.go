package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/importer"
	"github.com/pathway-ledger/ledger/rtt"
)

var importActor = eventstore.Actor{User: "import", Role: "admin"}

// importCmd loads a PTL CSV extract or an NDJSON event file. Every row is validated
// before anything is written; a refused row writes nothing; a re-run writes nothing
// twice (deterministic ids).
func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	format := fs.String("format", "", "ptl (CSV extract) or ndjson; default from the file name")
	provider := fs.String("provider-code", "RXX", "provider code: local pathway ids are unique within it")
	asOfFlag := fs.String("as-of", "", "the extract's date (default today): no date may be after it")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: ledger import [--format ptl|ndjson] [--provider-code C] [--as-of DATE] FILE")
		return 2
	}
	path := fs.Arg(0)
	if *format == "" {
		*format = "ptl"
		if strings.HasSuffix(path, ".ndjson") || strings.HasSuffix(path, ".jsonl") {
			*format = "ndjson"
		}
	}
	asOf := rtt.DateOf(time.Now())
	if *asOfFlag != "" {
		d, err := rtt.ParseDate(*asOfFlag)
		if err != nil {
			fmt.Fprintf(stderr, "ledger import: --as-of: %v\n", err)
			return 2
		}
		asOf = d
	}
	store, err := sf.open(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "ledger import: %v\n", err)
		return 1
	}
	defer store.Close()
	switch *format {
	case "ptl":
		return importPTL(ctx, store, path, *provider, asOf, stdout, stderr)
	case "ndjson":
		return importNDJSON(ctx, store, path, stdout, stderr)
	}
	fmt.Fprintf(stderr, "ledger import: --format must be ptl or ndjson, got %q\n", *format)
	return 2
}

func importPTL(ctx context.Context, store eventstore.Store, path, provider string, asOf rtt.Date, stdout, stderr io.Writer) int {
	readable, cleanup, err := rereadable(path)
	if err != nil {
		fmt.Fprintf(stderr, "ledger import: %v\n", err)
		return 1
	}
	defer cleanup()
	return importPTLFrom(ctx, store, func() (io.ReadCloser, error) { return os.Open(readable) }, path, provider, asOf, stdout, stderr)
}

// rereadable is path when it is a regular file, which an import can read twice;
// anything else (a pipe, /dev/stdin: zcat extract.csv.gz | ledger import
// /dev/stdin) is first copied to a temporary file, removed by cleanup.
func rereadable(path string) (string, func(), error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", nil, err
	}
	if fi.Mode().IsRegular() {
		return path, func() {}, nil
	}
	in, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer in.Close()
	tmp, err := os.CreateTemp("", "ledger-import-*")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { _ = os.Remove(tmp.Name()) }
	_, err = io.Copy(tmp, in)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("%s: copying to a temporary file to read it twice: %w", path, err)
	}
	return tmp.Name(), cleanup, nil
}

// importPTLFrom reads the extract twice: the first pass checks every row (the
// file's rules, then the domain's through Decide) and keeps only each valid row's
// line and fingerprint; the second writes those rows, so a trust's whole extract is
// never held in memory. A row the second pass finds different from the first (the
// file changed in between) stops the import: the rows written before it were valid
// and whole, and nothing from a changed or refused row is written.
func importPTLFrom(ctx context.Context, store eventstore.Store, open func() (io.ReadCloser, error), path, provider string,
	asOf rtt.Date, stdout, stderr io.Writer) int {
	opts := importer.Options{ProviderCode: provider, AsOf: asOf}
	check := func(valid func(importer.Row) error) (*importer.Result, error) {
		f, err := open()
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return importer.CheckPTL(f, opts, valid)
	}
	var planned []checkedRow
	var domainRefusals []string
	res, err := check(func(row importer.Row) error {
		if _, err := rowEvents(row, asOf); err != nil {
			domainRefusals = append(domainRefusals, fmt.Sprintf("line %d: %v", row.Line, err))
			return nil
		}
		planned = append(planned, checkedRow{line: row.Line, sum: row.Sum})
		return nil
	})
	if err != nil {
		var fe *importer.FileError
		if errors.As(err, &fe) {
			fmt.Fprintf(stderr, "ledger import: %s: nothing imported: %v\n", path, err)
			return 1
		}
		fmt.Fprintf(stderr, "ledger import: %v\n", err)
		return 1
	}
	if err := res.WriteReport(stderr); err != nil {
		return 1
	}
	for _, r := range domainRefusals {
		fmt.Fprintln(stderr, r)
	}
	head, knowsHead := headPosition(ctx, store)
	progress := importer.NewProgress(stderr, int64(len(planned)), "import")
	// Each row is a new pathway stream (NoStream): one that exists with other
	// content is left as it is and counted.
	runs := newRunQueue(ctx, store, head, progress)
	runs.byRun = true
	next := 0
	again, err := check(func(row importer.Row) error {
		evs, derr := rowEvents(row, asOf)
		if derr != nil {
			return nil // refused in the first pass too, or caught below as a change
		}
		if next >= len(planned) || planned[next] != (checkedRow{line: row.Line, sum: row.Sum}) {
			return fmt.Errorf("%w: line %d is not the row checked; import it again to check it afresh", errFileChanged, row.Line)
		}
		next++
		return runs.submit("pathway-"+row.PathwayID.String(), eventstore.NoStream(), evs, row.Line)
	})
	if err == nil && (next != len(planned) || again.RowsRead != res.RowsRead || again.RowsRefused != res.RowsRefused) {
		err = fmt.Errorf("%w: it no longer has the rows checked; import it again to check it afresh", errFileChanged)
	}
	// Whatever happened, the queued rows are decided by the store: wait for them.
	if derr := runs.drain(); err == nil {
		err = derr
	}
	if err != nil {
		progress.Stop()
		fmt.Fprintf(stderr, "ledger import: %s: %v; %d of %d valid rows imported\n", path, err, runs.written+runs.present, len(planned))
		return 1
	}
	progress.Done()
	fmt.Fprintf(stdout, "imported %d pathways%s from %s; %d rows refused, %d already present with other content\n",
		runs.written+runs.present, writtenOrPresent(runs.written+runs.present, runs.written, knowsHead), path,
		res.RowsRefused+len(domainRefusals), runs.skipped)
	if res.RowsRefused+len(domainRefusals) > 0 {
		return 1
	}
	return 0
}

// errFileChanged: the second read of an extract differs from the first, which was
// checked and reported.
var errFileChanged = errors.New("the file changed while it was imported")

// checkedRow is what the first pass keeps of a valid row: 16 bytes, against the
// row and its events.
type checkedRow struct {
	line int
	sum  uint64
}

// step is one command a PTL row becomes, named for its deterministic event ids.
type step struct {
	name string
	cmd  pathway.Command
}

// rowEvents turns one PTL row into the pathway's events through Decide.
func rowEvents(row importer.Row, asOf rtt.Date) ([]eventstore.EventData, error) {
	id := row.PathwayID.String()
	cmds := []step{{importer.StepReferral, pathway.Refer{PathwayID: id, Patient: pathway.Patient{NHSNumber: row.Patient.NHSNumber,
		FamilyName: row.Patient.FamilyName, GivenName: row.Patient.GivenName, BirthDate: row.Patient.BirthDate},
		SpecialtyCode: row.SpecialtyCode, ReceivedOn: row.ReferralReceivedOn, ReferralPriority: row.ReferralPriority,
		Source: row.Source, OriginalClockStartOn: row.OriginalClockStartOn()}}}
	if row.LastActivityOn != nil {
		// The referral opened the period: 11 and 12 on an open PTL row are recorded as
		// the continuing activity they are on this pathway.
		cmds = append(cmds, step{importer.StepActivity, pathway.RecordActivity{OccurredOn: *row.LastActivityOn, Kind: "outpatient_follow_up", RTTStatus: "20"}})
	}
	if row.Listed() {
		cmds = append(cmds, step{importer.StepWaitingListEntry, pathway.AddToWaitingList{DecidedOn: *row.DecisionToAdmitOn, ListType: row.ListType,
			Priority: row.Priority, ProcedureCode: row.ProcedureCode, ExpectedMinutes: row.ExpectedMinutes}})
	}
	if row.TCIOn != nil {
		cmds = append(cmds, step{importer.StepBooking, pathway.BookAdmission{BookingID: row.EventID("booking_id").String(), AdmissionOn: *row.TCIOn, BookedOn: asOf}})
	}
	s := pathway.New()
	var out []eventstore.EventData
	for _, c := range cmds {
		evs, err := pathway.Decide(s, c.cmd, pathway.DecideContext{Today: asOf})
		if err != nil {
			return nil, err
		}
		for k, e := range evs {
			typ, data, err := pathway.Encode(e)
			if err != nil {
				return nil, err
			}
			eid := row.EventID(fmt.Sprintf("%s/%d", c.name, k)).String()
			out = append(out, eventstore.EventData{EventID: eid, Type: typ, SchemaVersion: pathway.SchemaVersion,
				OccurredOn: e.On().String(), Actor: importActor, Reason: "PTL import", Data: data})
			s = pathway.Evolve(s, pathway.Recorded{Event: e, EventID: eid, StreamVersion: uint64(s.Version + 1)})
		}
	}
	return out, nil
}

// checkOpenings refuses the file when a stream in it does not open as its
// aggregate opens it (importer.Openings). A store that cannot tell its head is
// asked whether it holds any event at all.
func checkOpenings(ctx context.Context, store eventstore.Store, o *importer.Openings, head uint64, knowsHead, commands bool, stderr io.Writer) error {
	if !knowsHead {
		evs, err := store.ReadAll(ctx, 0, 1)
		if err != nil {
			return err
		}
		head = uint64(len(evs))
	}
	t0 := time.Now()
	refused, err := o.Refusals(ctx, store, head, commands)
	if head > 0 && err == nil {
		// One read a stream: say what it cost (BENCHMARKS quotes it).
		fmt.Fprintf(stderr, "import: how %d streams open checked against the log in %s\n", o.Streams(), time.Since(t0).Round(time.Millisecond))
	}
	if err != nil || len(refused) == 0 {
		return err
	}
	return &importer.RefusedError{Refusals: refused}
}

// headPosition is the log's last position when the store tells it.
func headPosition(ctx context.Context, store eventstore.Store) (uint64, bool) {
	h, ok := store.(interface {
		HeadPosition(context.Context) (uint64, error)
	})
	if !ok {
		return 0, false
	}
	pos, err := h.HeadPosition(ctx)
	return pos, err == nil
}

// writtenOrPresent says how many of what an import appended was new to the log.
func writtenOrPresent(events, written int, known bool) string {
	if !known {
		return " (written, or found already in the log)"
	}
	return fmt.Sprintf(" (%d written, %d already in the log)", written, events-written)
}

// importNDJSON applies the file in order: event lines are appended stream by stream,
// command lines are posted to the v1 API in process. Every line's syntax is checked
// first and a file with a malformed line imports nothing; a command the API refuses
// writes nothing and is reported by line, field and rule, and the exit status is 1.
func importNDJSON(ctx context.Context, store eventstore.Store, path string, stdout, stderr io.Writer) int {
	readable, cleanup, err := rereadable(path)
	if err != nil {
		fmt.Fprintf(stderr, "ledger import: %v\n", err)
		return 1
	}
	defer cleanup()
	open := func() (io.ReadCloser, error) { return os.Open(readable) }
	return importNDJSONFrom(ctx, store, open, path, stdout, stderr)
}

// importNDJSONFrom is importNDJSON reading the file with open, once to check it and
// once to write it: a batch of lines the second read finds changed stops the
// import, and nothing of it is written.
func importNDJSONFrom(ctx context.Context, store eventstore.Store, open func() (io.ReadCloser, error), path string, stdout, stderr io.Writer) int {
	// The file is read twice: checked whole, then written, each line decoded again
	// only for writing when its batch is the one checked.
	var checked *importer.Checked
	read := func(fn func(line int, rec importer.Record) error) error {
		f, err := open()
		if err != nil {
			return err
		}
		defer f.Close()
		if checked != nil {
			return checked.Read(f, fn)
		}
		checked, err = importer.CheckNDJSON(f, fn)
		return err
	}
	events, commands := 0, 0
	openings := importer.NewOpenings()
	err := read(func(line int, rec importer.Record) error {
		if rec.Kind == importer.KindCommand {
			commands++
		} else {
			events++
			openings.Observe(line, rec)
		}
		return nil
	})
	// An event already in the log comes back from Append at its first position, at
	// or before the head when the import began: that tells a re-run's events from
	// new ones, so the summary can say what was written.
	head, knowsHead := headPosition(ctx, store)
	if err == nil {
		err = checkOpenings(ctx, store, openings, head, knowsHead, commands > 0, stderr)
	}
	if err != nil {
		var re *importer.RefusedError
		if errors.As(err, &re) {
			_ = re.WriteReport(stderr)
		} else {
			fmt.Fprintf(stderr, "ledger import: %v\n", err)
		}
		fmt.Fprintln(stderr, "ledger import: nothing imported")
		return 1
	}
	var runner *commandRunner
	if commands > 0 {
		if runner, err = newCommandRunner(store); err != nil {
			fmt.Fprintf(stderr, "ledger import: %v\n", err)
			return 1
		}
	}
	progress := importer.NewProgress(stderr, int64(events+commands), "import").WithUnit("lines")
	runs := newRunQueue(ctx, store, head, progress)
	var stream string
	var batch []eventstore.EventData
	batchLine := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := runs.submit(stream, eventstore.Any(), batch, batchLine)
		batch = nil
		return err
	}
	var refused []importer.Refusal
	refusedLines := 0
	err = read(func(line int, rec importer.Record) error {
		if rec.Kind == importer.KindCommand {
			if err := flush(); err != nil {
				return err
			}
			// The command reads the log as the lines before it left it.
			if err := runs.drain(); err != nil {
				return err
			}
			stream = ""
			rs, err := runner.run(ctx, line, rec)
			progress.Add(1)
			if len(rs) > 0 {
				refused = append(refused, rs...)
				refusedLines++
			}
			return err
		}
		if rec.Stream != stream {
			if err := flush(); err != nil {
				return err
			}
			stream, batchLine = rec.Stream, line
		}
		batch = append(batch, rec.Event.EventData())
		return nil
	})
	if err == nil {
		err = flush()
	}
	// Whatever happened, the queued runs are decided by the store: wait for them.
	if derr := runs.drain(); err == nil {
		err = derr
	}
	written := runs.writtenEvents
	if err != nil {
		progress.Stop()
		fmt.Fprintf(stderr, "ledger import: %v\n", err)
		return 1
	}
	progress.Done()
	fmt.Fprintf(stdout, "imported %d events%s and %d of %d commands from %s\n", events, writtenOrPresent(events, written, knowsHead),
		commands-refusedLines, commands, path)
	if len(refused) > 0 {
		_ = (&importer.RefusedError{Refusals: refused}).WriteReport(stderr)
		return 1
	}
	return 0
}
