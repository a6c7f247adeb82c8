package rttreport

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/pathway-ledger/ledger/rtt"
)

// Organisation identifies the provider and commissioner columns of the extract. The
// ledger holds one provider's pathways; without a commissioner on each pathway the
// extract reports them under the one commissioner given here (e.g. the host ICB).
type Organisation struct {
	ProviderParentCode, ProviderParentName         string
	ProviderCode, ProviderName                     string
	CommissionerParentCode, CommissionerParentName string
	CommissionerCode, CommissionerName             string
}

// ExtractHeader is the 121-column header of NHS England's full CSV extract of the
// monthly RTT return.
func ExtractHeader() []string {
	h := []string{"Period", "Provider Parent Org Code", "Provider Parent Name", "Provider Org Code",
		"Provider Org Name", "Commissioner Parent Org Code", "Commissioner Parent Name",
		"Commissioner Org Code", "Commissioner Org Name", "RTT Part Type", "RTT Part Description",
		"Treatment Function Code", "Treatment Function Name"}
	for k := 0; k < rtt.Bands-1; k++ {
		h = append(h, fmt.Sprintf("Gt %02d To %02d Weeks SUM 1", k, k+1))
	}
	return append(h, "Gt 104 Weeks SUM 1", "Total", "Patients with unknown clock start date", "Total All")
}

var parts = []struct{ typ, desc string }{
	{"Part_1A", "Completed Pathways For Admitted Patients"},
	{"Part_1B", "Completed Pathways For Non-Admitted Patients"},
	{"Part_2", "Incomplete Pathways"},
	{"Part_2A", "Incomplete Pathways with DTA"},
	{"Part_3", "New RTT Periods - All Patients"},
}

// ErrChecksFailed: the return failed a national check marked "error"; nothing was
// written.
var ErrChecksFailed = errors.New("rttreport: the return fails national checks")

// WriteExtract runs the national checks and, if no check is an error, writes the
// return in the published full-extract layout: one row per part and reporting line,
// then the part's C_999 total. Warnings are returned for the caller to report.
func WriteExtract(w io.Writer, r Report, org Organisation) ([]Check, error) {
	checks := Checks(r)
	var errs []string
	for _, c := range checks {
		if c.Severity == "error" {
			errs = append(errs, c.Detail)
		}
	}
	if len(errs) > 0 {
		return checks, fmt.Errorf("%w: %s", ErrChecksFailed, strings.Join(errs, "; "))
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(ExtractHeader()); err != nil {
		return checks, err
	}
	period := fmt.Sprintf("RTT-%s-%d", r.CensusOn.Month(), r.CensusOn.Year())
	lead := func(part int, line string) []string {
		name := rtt.ReportingLineName(line)
		return []string{period, org.ProviderParentCode, org.ProviderParentName, org.ProviderCode,
			org.ProviderName, org.CommissionerParentCode, org.CommissionerParentName,
			org.CommissionerCode, org.CommissionerName, parts[part].typ, parts[part].desc, line, name}
	}
	for i, p := range []*Part{&r.CompletedAdmitted, &r.CompletedNonAdmitted, &r.Incomplete, &r.IncompleteWithDTA} {
		byLine := map[string]*Figures{}
		for k := range p.ByTreatmentFunction {
			byLine[p.ByTreatmentFunction[k].Code] = &p.ByTreatmentFunction[k].Figures
		}
		for _, line := range rtt.ReportingLines() {
			f := byLine[line]
			if line == "C_999" {
				f = &p.Figures
			}
			if err := cw.Write(append(lead(i, line), bandCells(f)...)); err != nil {
				return checks, err
			}
		}
	}
	for _, line := range rtt.ReportingLines() {
		n := r.NewPeriodsByTreatmentFunction[line]
		if line == "C_999" {
			n = r.NewPeriods
		}
		row := lead(4, line)
		for k := 0; k < rtt.Bands; k++ {
			row = append(row, "")
		}
		row = append(row, strconv.Itoa(n), "0", strconv.Itoa(n))
		if err := cw.Write(row); err != nil {
			return checks, err
		}
	}
	cw.Flush()
	return checks, cw.Error()
}

// bandCells are the 105 band counts, Total, unknown clock start (always 0: the
// ledger refuses a pathway without a clock start) and Total All.
func bandCells(f *Figures) []string {
	out := make([]string, 0, rtt.Bands+3)
	total := 0
	for k := 0; k < rtt.Bands; k++ {
		n := 0
		if f != nil {
			n = f.Bands[k]
		}
		total += n
		out = append(out, strconv.Itoa(n))
	}
	return append(out, strconv.Itoa(total), "0", strconv.Itoa(total))
}
