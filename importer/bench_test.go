package importer

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"
)

// BenchmarkParsePTL100k checks a 100,000-row extract, a large trust's PTL.
func BenchmarkParsePTL100k(b *testing.B) {
	const n = 100_000
	rows := make([]map[string]string, n)
	for i := range rows {
		stem := strconv.Itoa(999_000_000 + i*7)
		check, ok := NHSCheckDigit(stem)
		if !ok {
			stem = strconv.Itoa(999_000_000 + i*7 + 1)
			check, _ = NHSCheckDigit(stem)
		}
		rows[i] = with(validRow(), "nhs_number", stem+strconv.Itoa(check), "local_pathway_id", fmt.Sprintf("RXX-%07d", i))
	}
	data := csvOf(b, rows...)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := ParsePTL(bytes.NewReader(data), testOptions())
		if err != nil || res.RowsRead != n {
			b.Fatalf("%v, %d rows", err, res.RowsRead)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
