package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
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
	err := exportTo(ctx, &sf, at, *out, *bom, stdout, func(bw io.Writer, states map[string]*pathway.State) error {
		switch what {
		case "rtt":
			var periods []rttreport.Period
			for _, s := range states {
				periods = append(periods, rttreport.FromPathway(s)...)
			}
			report := rttreport.Compute(day, periods)
			checks, err := rttreport.WriteExtract(bw, report, org)
			for _, c := range checks {
				fmt.Fprintf(stderr, "check %s (%s): %s\n", c.Rule, c.Severity, c.Detail)
			}
			if err == nil {
				fmt.Fprintf(stderr, "RTT return for %s: Part 2 %d, Part 2A %d, Part 1A %d, Part 1B %d, Part 3 %d (%d pathways, %s)\n",
					day, report.Incomplete.Total, report.IncompleteWithDTA.Total, report.CompletedAdmitted.Total,
					report.CompletedNonAdmitted.Total, report.NewPeriods, len(states), time.Since(start).Round(time.Millisecond))
			}
			return err
		default:
			rows, err := writePTL(bw, states, day)
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

// writePTL writes open periods, longest wait first. It carries the NHS number: the
// PTL is the booking office's operational list (handle it as patient data).
func writePTL(w io.Writer, states map[string]*pathway.State, on rtt.Date) (int, error) {
	type row struct {
		start rtt.Date
		id    string
		cells []string
	}
	var rows []row
	for _, s := range states {
		if s.Running() == nil {
			continue
		}
		v := pathway.DeriveState(*s, on, pathway.DeriveOptions{})
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
		rows = append(rows, row{p.StartedOn, v.PathwayID, cells})
	}
	sort.Slice(rows, func(i, j int) bool {
		if c := rows[i].start.Compare(rows[j].start); c != 0 {
			return c < 0
		}
		return rows[i].id < rows[j].id
	})
	cw := csv.NewWriter(w)
	if err := cw.Write(ptlHeader); err != nil {
		return 0, err
	}
	for _, r := range rows {
		if err := cw.Write(r.cells); err != nil {
			return 0, err
		}
	}
	cw.Flush()
	return len(rows), cw.Error()
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

// exportTo is what every export shares: open the store read-only, fold the log as
// known at asOf, and hand the states to write with the output (a byte order mark
// first when asked), flushing and closing it whatever write returns.
func exportTo(ctx context.Context, sf *storeFlags, asOf *time.Time, out string, bom bool, stdout io.Writer,
	write func(w io.Writer, states map[string]*pathway.State) error) error {
	store, err := sf.openReadOnly(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	states, err := loadPathways(ctx, store, asOf, nil)
	if err != nil {
		return err
	}
	w, closeFn, err := output(out, stdout)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if bom {
		bw.WriteString("\ufeff")
	}
	err = write(bw, states)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if cerr := closeFn(); err == nil {
		err = cerr
	}
	return err
}
