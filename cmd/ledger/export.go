package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/internal/gcfloor"
	"github.com/pathway-ledger/ledger/projections/pathways"
	"github.com/pathway-ledger/ledger/projections/rttreport"
	"github.com/pathway-ledger/ledger/rtt"
)

// export writes the monthly RTT return in the published full-extract layout, the
// PTL as an Excel-friendly CSV, or the WLMDS-style open-pathways file
// (export_wlmds.go).
func export(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "wlmds" {
		return exportWLMDS(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || (args[0] != "rtt" && args[0] != "ptl") {
		fmt.Fprintln(stderr, "usage: ledger export rtt --census YYYY-MM-DD [--as-of RFC3339] [--provider-code C] [--out FILE]")
		fmt.Fprintln(stderr, "       ledger export ptl [--on YYYY-MM-DD] [--bom] [--out FILE]")
		fmt.Fprintln(stderr, wlmdsUsage)
		return 2
	}
	what := args[0]
	fs := flag.NewFlagSet("export "+what, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	out := fs.String("out", "-", "output file (- for stdout)")
	census := fs.String("census", "", "census date of the return (usually a month end)")
	asOf := fs.String("as-of", "", "only events recorded at or before this instant (reproduce a return as submitted)")
	on := fs.String("on", "", "evaluate waits on this date (default today, Europe/London)")
	bom := fs.Bool("bom", false, "start the file with a UTF-8 byte order mark (Excel)")
	var org rttreport.Organisation
	fs.StringVar(&org.ProviderCode, "provider-code", "", "provider organisation code")
	fs.StringVar(&org.ProviderName, "provider-name", "", "provider organisation name")
	fs.StringVar(&org.ProviderParentCode, "provider-parent-code", "", "provider parent (region) code")
	fs.StringVar(&org.CommissionerCode, "commissioner-code", "", "commissioner code the return reports under")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	var at *time.Time
	if *asOf != "" {
		t, err := time.Parse(time.RFC3339Nano, *asOf)
		if err != nil {
			fmt.Fprintf(stderr, "ledger export: --as-of must be an RFC 3339 instant: %v\n", err)
			return 2
		}
		at = &t
	}
	day := rtt.DateOf(time.Now())
	for _, f := range []struct {
		name, v string
	}{{"census", *census}, {"on", *on}} {
		if f.v == "" {
			continue
		}
		d, err := rtt.ParseDate(f.v)
		if err != nil {
			fmt.Fprintf(stderr, "ledger export: --%s: %v\n", f.name, err)
			return 2
		}
		day = d
	}
	if what == "rtt" && *census == "" {
		fmt.Fprintln(stderr, "ledger export rtt: --census is required")
		return 2
	}
	start := time.Now()
	err := exportModel(ctx, &sf, at, *out, *bom, stdout, func(bw io.Writer, model *pathways.ReadModel, _ eventstore.Reader) error {
		switch what {
		case "rtt":
			report := model.Report(day)
			checks, err := rttreport.WriteExtract(bw, report, org)
			for _, c := range checks {
				fmt.Fprintf(stderr, "check %s (%s): %s\n", c.Rule, c.Severity, c.Detail)
			}
			if err == nil {
				fmt.Fprintf(stderr, "RTT return for %s: Part 2 %d, Part 2A %d, Part 1A %d, Part 1B %d, Part 3 %d (%d pathways, %s)\n",
					day, report.Incomplete.Total, report.IncompleteWithDTA.Total, report.CompletedAdmitted.Total,
					report.CompletedNonAdmitted.Total, report.NewPeriods, model.Pathways(), time.Since(start).Round(time.Millisecond))
			}
			return err
		default:
			rows, err := writePTL(bw, model, day)
			if err == nil {
				fmt.Fprintf(stderr, "PTL on %s: %d open pathways (%s)\n", day, rows, time.Since(start).Round(time.Millisecond))
			}
			return err
		}
	})
	if err != nil {
		fmt.Fprintf(stderr, "ledger export: %v\n", err)
		if errors.Is(err, rttreport.ErrChecksFailed) {
			return 3
		}
		return 1
	}
	return 0
}

// ptlHeader: the booking team's working list, one open RTT period per row.
var ptlHeader = []string{"pathway_id", "nhs_number", "specialty_code", "reporting_line", "referral_priority",
	"clock_start", "wait_days", "weeks_waited", "week_band", "breach_on", "days_to_breach", "list_type",
	"priority", "decided_on", "priority_due_on", "next_tci_on", "findings"}

// writePTL writes open periods, longest wait first, as the model orders them. It
// carries the NHS number: the PTL is the booking office's operational list (handle
// it as patient data). Findings include duplicate pathways, as the API's PTL does.
func writePTL(w io.Writer, model *pathways.ReadModel, on rtt.Date) (int, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(ptlHeader); err != nil {
		return 0, err
	}
	rows := 0
	err := model.EachRunning(func(s pathway.State, dups []string) error {
		v := pathway.DeriveState(s, on, pathway.DeriveOptions{DuplicateCandidates: dups})
		p := v.CurrentPeriod
		cells := []string{v.PathwayID, v.Patient.NHSNumber, v.SpecialtyCode, v.ReportingLine, v.ReferralPriority,
			p.StartedOn.String(), strconv.Itoa(p.WaitDays), strconv.Itoa(p.WaitDays / 7), p.WeekBand, p.BreachOn.String(),
			strconv.Itoa(rtt.DaysBetween(on, p.BreachOn)), "", "", "", "", nextTCI(v, on), findingCodes(v)}
		if wl := v.WaitingList; wl != nil {
			cells[11], cells[12], cells[13] = wl.ListType, string(wl.Priority), wl.DecidedOn.String()
			if wl.PriorityDueOn != nil {
				cells[14] = wl.PriorityDueOn.String()
			}
		}
		rows++
		return cw.Write(cells)
	})
	if err != nil {
		return 0, err
	}
	cw.Flush()
	return rows, cw.Error()
}

func nextTCI(v pathway.View, on rtt.Date) string {
	var next *rtt.Date
	for _, b := range v.Bookings {
		if b.Status == "booked" && !b.AdmissionOn.Before(on) && (next == nil || b.AdmissionOn.Before(*next)) {
			d := b.AdmissionOn
			next = &d
		}
	}
	if next == nil {
		return ""
	}
	return next.String()
}

func findingCodes(v pathway.View) string {
	var codes []string
	for _, f := range v.Findings {
		if !f.Resolved {
			codes = append(codes, f.Code)
		}
	}
	return strings.Join(codes, ";")
}

// exportModel builds the pathways read model from the store opened read-only, as
// known at asOf (the whole log when nil): the compact model the server keeps, so a
// return at a million pathways needs hundreds of MB, not the whole log folded.
func exportModel(ctx context.Context, sf *storeFlags, asOf *time.Time, out string, bom bool, stdout io.Writer,
	write func(w io.Writer, model *pathways.ReadModel, store eventstore.Reader) error) error {
	store, err := sf.openReadOnly(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	// A batch job like a replay, paced the same way by how much of the log is
	// left (the embedded store's positions count its events).
	total := uint64(logSize(ctx, store))
	pacer := gcfloor.Start(replayHeadroom)
	defer pacer.Stop()
	model, err := pathways.BuildReporting(ctx, store, asOf, func(position uint64) { pacer.Progress(position, total) })
	if err != nil {
		return err
	}
	return writeOut(out, bom, stdout, func(w io.Writer) error { return write(w, model, store) })
}

// writeOut opens the output (a byte order mark first when asked) and hands it to
// write, flushing and closing it whatever write returns.
func writeOut(out string, bom bool, stdout io.Writer, write func(w io.Writer) error) error {
	w, closeFn, err := output(out, stdout)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if bom {
		bw.WriteString("\ufeff")
	}
	err = write(bw)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if cerr := closeFn(); err == nil {
		err = cerr
	}
	return err
}
