package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/pathways"
	"github.com/pathway-ledger/ledger/rtt"
)

const wlmdsUsage = "       ledger export wlmds [--on YYYY-MM-DD] [--as-of RFC3339] [--provider CODE] [--bom] [--out FILE]"

// wlmdsHeader is the open-pathways section of a WLMDS-style (Waiting List Minimum
// Data Set) file, one row per RTT period open at the census date.
//
// Source: NHS England's WLMDS page (england.nhs.uk/statistics/statistical-work-areas/
// rtt-waiting-times/wlmds/) describes a weekly patient-level collection in three
// sections (open pathways, clock starts, clock stops) recorded by the RTT Rules
// Suite; it does not publish the template's column list, and neither did any other
// source searched. The columns are therefore named after the NHS Data Model and
// Dictionary elements they carry, in upper snake case. Check them against the
// current WLMDS technical guidance before a real submission.
//
//   - NHS_NUMBER, REFERRAL_TO_TREATMENT_PERIOD_START_DATE, DECIDED_TO_ADMIT_DATE:
//     the Data Dictionary elements of those names.
//   - PATIENT_PATHWAY_IDENTIFIER: the ledger's pathway id (a UUID, longer than the
//     20 characters the Dictionary allows a PPI; this is a local identifier).
//   - ORGANISATION_CODE_PROVIDER: ORGANISATION CODE (CODE OF PROVIDER), from
//     --provider, since the ledger holds one trust's log and never records it.
//   - TREATMENT_FUNCTION_CODE: the pathway's specialty code, which the API takes
//     as the treatment function code (API.md).
//   - WAITING_LIST_TYPE: derived. ADMITTED for a decision to admit open at the
//     census on an inpatient or day-case list, DIAGNOSTIC on an endoscopy or
//     diagnostic list, NON_ADMITTED with none. Planned lists are outside RTT and
//     count as no decision to admit, as in Part 2A of the RTT return.
//   - LOCAL_LIST_TYPE: the ledger's list type behind WAITING_LIST_TYPE.
//   - PRIORITY_TYPE_CODE: the Dictionary's PRIORITY TYPE, the referral's urgency
//     (1 routine, 2 urgent, 3 two week wait). It is not the surgical P-code.
//   - CLINICAL_PRIORITY: the FSSA P-code (P1a … P4) of the open decision to admit
//     as it stood on the census date; blank without one.
//   - TCI_DATE: the earliest admission booked by the census date, on or after it,
//     and not cancelled by then.
//   - CENSUS_DATE, DAYS_WAITED, WEEKS_WAITED (completed weeks), WEEK_BAND (the
//     published one-week bands, RTT.md §3): derived at the census date.
//   - LAST_ACTIVITY_DATE: the latest recorded activity on or before the census.
//   - LAST_VALIDATION_DATE: the latest waiting-list validation on or before it.
//
// A cell the ledger has no fact for (no decision to admit, no booking, no activity)
// is empty, never guessed. Items of the real collection the ledger does not record
// at all (commissioner, GP practice, referral identifier) are not columns, so that
// no consumer mistakes an always-empty column for data.
var wlmdsHeader = []string{"NHS_NUMBER", "PATIENT_PATHWAY_IDENTIFIER", "ORGANISATION_CODE_PROVIDER",
	"TREATMENT_FUNCTION_CODE", "REFERRAL_TO_TREATMENT_PERIOD_START_DATE", "WAITING_LIST_TYPE", "LOCAL_LIST_TYPE",
	"PRIORITY_TYPE_CODE", "CLINICAL_PRIORITY", "DECIDED_TO_ADMIT_DATE", "TCI_DATE", "CENSUS_DATE",
	"DAYS_WAITED", "WEEKS_WAITED", "WEEK_BAND", "LAST_ACTIVITY_DATE", "LAST_VALIDATION_DATE"}

// defaultProvider is a placeholder in the shape of a trust code (three characters,
// R for an NHS trust), not a real organisation: set --provider for a submission.
const defaultProvider = "RXX"

func exportWLMDS(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export wlmds", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	out := fs.String("out", "-", "output file (- for stdout)")
	on := fs.String("on", "", "census date (default today, Europe/London)")
	asOf := fs.String("as-of", "", "only events recorded at or before this instant (reproduce a file as submitted)")
	provider := fs.String("provider", defaultProvider, "ORGANISATION CODE (CODE OF PROVIDER) written on every row")
	bom := fs.Bool("bom", false, "start the file with a UTF-8 byte order mark (Excel)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ledger export wlmds: unexpected argument %q\n%s\n", fs.Arg(0), wlmdsUsage)
		return 2
	}
	if !validOrgCode(*provider) {
		fmt.Fprintf(stderr, "ledger export wlmds: --provider must be an organisation code of 3 to 10 letters and digits, got %q\n", *provider)
		return 2
	}
	var at *time.Time
	if *asOf != "" {
		t, err := time.Parse(time.RFC3339Nano, *asOf)
		if err != nil {
			fmt.Fprintf(stderr, "ledger export wlmds: --as-of must be an RFC 3339 instant: %v\n", err)
			return 2
		}
		at = &t
	}
	census := rtt.DateOf(time.Now())
	if *on != "" {
		d, err := rtt.ParseDate(*on)
		if err != nil {
			fmt.Fprintf(stderr, "ledger export wlmds: --on: %v\n", err)
			return 2
		}
		census = d
	}
	start := time.Now()
	var rows int
	err := exportModel(ctx, &sf, at, *out, *bom, stdout, func(w io.Writer, model *pathways.ReadModel, store eventstore.Reader) error {
		// The model says who was waiting on the census date; only those are read
		// back whole, with the history a row needs (priority as it stood then).
		ids := model.IncompleteOn(census)
		each := func(yield func(*pathway.State)) error {
			for _, id := range ids {
				h, err := pathways.ReadHistory(store, id, at)
				if err != nil {
					return err
				}
				s := pathway.Fold(h)
				yield(&s)
			}
			return nil
		}
		var err error
		rows, err = writeWLMDS(w, each, census, *provider)
		return err
	})
	if err != nil {
		fmt.Fprintf(stderr, "ledger export wlmds: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "WLMDS open pathways on %s: %d rows for %s (%s)\n", census, rows, *provider, time.Since(start).Round(time.Millisecond))
	return 0
}

func validOrgCode(s string) bool {
	if len(s) < 3 || len(s) > 10 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// writeWLMDS writes the periods open on census of the pathways each yields (one at a
// time, so that only the rows are held), earliest clock start first. A
// census in the past is answered from dates, not from the current state: a clock
// stopped or a booking cancelled after the census still counts as open or live,
// as the return for that week would have shown it.
func writeWLMDS(w io.Writer, each func(yield func(*pathway.State)) error, census rtt.Date, provider string) (int, error) {
	type row struct {
		start rtt.Date
		id    string
		cells []string
	}
	var rows []row
	err := each(func(s *pathway.State) {
		for i := range s.Periods {
			p := &s.Periods[i]
			if !openOnCensus(p, census) {
				continue
			}
			days := rtt.WaitDays(p.StartedOn, census)
			r := wlmdsRow{census: census}
			r.fill(s, p)
			cells := []string{s.Patient.NHSNumber, s.PathwayID, provider, s.SpecialtyCode, p.StartedOn.String(),
				r.listType, r.localListType, priorityTypeCode(s.ReferralPriority), r.priority, r.decidedOn, r.tci,
				census.String(), strconv.Itoa(days), strconv.Itoa(days / 7), rtt.WeekBandLabel(rtt.WeekBand(days)),
				r.lastActivity, r.lastValidation}
			rows = append(rows, row{p.StartedOn, s.PathwayID, cells})
		}
	})
	if err != nil {
		return 0, err
	}
	sort.Slice(rows, func(i, j int) bool {
		if c := rows[i].start.Compare(rows[j].start); c != 0 {
			return c < 0
		}
		return rows[i].id < rows[j].id
	})
	cw := csv.NewWriter(w)
	if err := cw.Write(wlmdsHeader); err != nil {
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

// openOnCensus is the RTT return's incomplete-pathway test (Part 2), so the file
// and the return agree on who is waiting.
func openOnCensus(p *pathway.Period, census rtt.Date) bool {
	if p.Nullified || p.StartedOn.After(census) {
		return false
	}
	return p.Running() || p.StoppedOn.After(census)
}

// priorityTypeCode maps the referral's priority to the Data Dictionary's PRIORITY
// TYPE codes.
func priorityTypeCode(referral string) string {
	switch referral {
	case "routine":
		return "1"
	case "urgent":
		return "2"
	case "two_week_wait":
		return "3"
	}
	return ""
}

// wlmdsRow holds the cells that need the pathway's history to answer at a census.
type wlmdsRow struct {
	census                            rtt.Date
	listType, localListType, priority string
	decidedOn, tci                    string
	lastActivity, lastValidation      string
}

func (r *wlmdsRow) fill(s *pathway.State, p *pathway.Period) {
	history := s.History()
	r.listType = "NON_ADMITTED"
	if en := dtaOnCensus(s, p, r.census); en != nil {
		r.localListType, r.decidedOn = en.ListType, en.DecidedOn.String()
		r.priority = string(priorityOnCensus(en, history, r.census))
		switch en.ListType {
		case "inpatient", "day_case":
			r.listType = "ADMITTED"
		case "endoscopy", "diagnostic":
			r.listType = "DIAGNOSTIC"
		}
	}
	var tci *rtt.Date
	for i := range s.Bookings {
		b := &s.Bookings[i]
		if b.BookedOn.After(r.census) || b.AdmissionOn.Before(r.census) || b.AdmissionOn.Before(p.StartedOn) {
			continue
		}
		if b.Cancelled && !b.Cancelation.CancelledOn.After(r.census) {
			continue
		}
		if tci == nil || b.AdmissionOn.Before(*tci) {
			d := b.AdmissionOn
			tci = &d
		}
	}
	if tci != nil {
		r.tci = tci.String()
	}
	var activity *rtt.Date
	for i := range history {
		a, ok := history[i].Event.(pathway.ActivityRecorded)
		if !ok || s.Retracted(history[i].EventID) || a.OccurredOn.After(r.census) {
			continue
		}
		if activity == nil || a.OccurredOn.After(*activity) {
			d := a.OccurredOn
			activity = &d
		}
	}
	if activity != nil {
		r.lastActivity = activity.String()
	}
	var validated *rtt.Date
	for _, v := range s.Validations {
		if !v.ValidatedOn.After(r.census) && (validated == nil || v.ValidatedOn.After(*validated)) {
			d := v.ValidatedOn
			validated = &d
		}
	}
	if validated != nil {
		r.lastValidation = validated.String()
	}
}

// dtaOnCensus is the decision to admit of period p open on the census date, by the
// same rule as Part 2A of the RTT return (rttreport.FromPathway).
func dtaOnCensus(s *pathway.State, p *pathway.Period, census rtt.Date) *pathway.Entry {
	var dta *pathway.Entry
	for i := range s.Entries {
		en := &s.Entries[i]
		if en.ListType == "planned" || en.DecidedOn.Before(p.StartedOn) || en.DecidedOn.After(census) {
			continue
		}
		if !en.Open && !en.ClosedOn.After(census) {
			continue
		}
		dta = en
	}
	return dta
}

// priorityOnCensus replays the entry's own events: a re-prioritisation after the
// census must not show in that week's file.
func priorityOnCensus(en *pathway.Entry, history []pathway.Recorded, census rtt.Date) rtt.Priority {
	ids := make(map[string]bool, len(en.EventIDs))
	for _, id := range en.EventIDs {
		ids[id] = true
	}
	var pr rtt.Priority
	for _, r := range history {
		if !ids[r.EventID] {
			continue
		}
		switch e := r.Event.(type) {
		case pathway.AddedToWaitingList:
			pr = e.Priority
		case pathway.PriorityChanged:
			if !e.ChangedOn.After(census) {
				pr = e.Priority
			}
		}
	}
	if pr == "" {
		return en.Priority
	}
	return pr
}
