package importer

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteReport writes the human-readable report: counts, warnings, then one line per
// refusal. It never contains an NHS number, name or birth date; json.Marshal of the
// Result gives the same content for machines.
func (r *Result) WriteReport(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "PTL check for provider %s as of %s: %s read, %d valid, %d refused",
		r.ProviderCode, r.AsOf, plural(r.RowsRead, "row"), r.RowsValid, r.RowsRefused)
	if len(r.Refusals) > 0 {
		fmt.Fprintf(bw, " (%s)", plural(len(r.Refusals), "problem"))
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintf(bw, ", %s", plural(len(r.Warnings), "warning"))
	}
	bw.WriteString("\n")
	if len(r.Warnings) > 0 {
		bw.WriteString("\nWarnings (nothing refused):\n")
		for _, wn := range r.Warnings {
			bw.WriteString(wn.String() + "\n")
		}
	}
	if len(r.Refusals) > 0 {
		bw.WriteString("\nRefused rows (nothing from these rows is imported):\n")
		writeRefusals(bw, r.Refusals)
	}
	return bw.Flush()
}

func writeRefusals(bw *bufio.Writer, refusals []Refusal) {
	for _, f := range refusals {
		bw.WriteString(f.String() + "\n")
	}
}

func (w Warning) String() string {
	var b strings.Builder
	switch len(w.Lines) {
	case 0:
	case 1:
		fmt.Fprintf(&b, "line %d: ", w.Lines[0])
	default:
		parts := make([]string, len(w.Lines))
		for i, l := range w.Lines {
			parts[i] = strconv.Itoa(l)
		}
		fmt.Fprintf(&b, "lines %s: ", strings.Join(parts, ", "))
	}
	b.WriteString(w.Detail + " [" + w.Rule + "]")
	return b.String()
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
