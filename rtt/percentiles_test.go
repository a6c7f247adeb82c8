package rtt

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// The published extracts live beside the repository (/work/shared/data/nhs-rtt).
func readPublished(t *testing.T, name string) []map[string]string {
	t.Helper()
	path := filepath.Join("..", "..", "shared", "data", "nhs-rtt", name)
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		t.Skipf("published extract %s is not beside this checkout", path)
	}
	require.NoError(t, err)
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, records)
	header := records[0]
	rows := make([]map[string]string, 0, len(records)-1)
	for _, rec := range records[1:] {
		require.Len(t, rec, len(header))
		row := map[string]string{}
		for i, h := range header {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err, "%q", s)
	return n
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	x, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err, "%q", s)
	return x
}

// SCENARIOS 23: 552 pathways, 240 in bands below 5-6 and 38 in it → 5 + (276.5 −
// 240)/38 = 5.9605 weeks.
func TestMedianWorkedExample(t *testing.T) {
	bands := make([]int, Bands)
	bands[0], bands[5], bands[20] = 240, 38, 274
	m, ok := Median(bands)
	require.True(t, ok)
	require.InDelta(t, 5+(276.5-240)/38.0, m, 1e-12)
	require.InDelta(t, 5.9605, m, 5e-5)
}

// Given band counts, when a percentile is asked for, then it follows the published
// convention or is withheld (README of shared/data/nhs-rtt, RTT.md §3).
func TestBandPercentileConvention(t *testing.T) {
	one := func(k, c int) []int { b := make([]int, Bands); b[k] = c; return b }
	cases := []struct {
		source string
		bands  []int
		p      float64 // 0 asks for the median
		want   float64
		ok     bool
	}{
		{"suppressed: N = 49", one(3, 49), 0, 0, false},
		{"published: N = 50, median rank 25.5", one(3, 50), 0, 3 + 25.5/50, true},
		{"p95 rank 0.95·N = 47.5 inside band 3", one(3, 50), 0.95, 3 + 47.5/50, true},
		{"p = 1 is the top of the last occupied band", one(3, 50), 1, 4, true},
		{"rank in the open-ended 104+ band", one(104, 60), 0.95, 0, false},
		{"rank in the open-ended last band of a 53-band table", one(52, 60)[:53], 0, 0, false},
		{"a rank below the open band is still published", append(one(10, 95)[:104], 5), 0.95, 11, true},
		{"ours: rank on a band's last pathway, empty bands after", func() []int { b := one(2, 50); b[9] = 50; return b }(), 0.5, 3, true},
		{"ours: p ≤ 0 refused", one(3, 60), -0.1, 0, false},
		{"ours: p > 1 refused", one(3, 60), 1.5, 0, false},
		{"ours: NaN refused", one(3, 60), math.NaN(), 0, false},
		{"ours: a negative count refused", func() []int { b := one(3, 60); b[4] = -1; return b }(), 0.5, 0, false},
		{"ours: no bands", nil, 0.5, 0, false},
	}
	for _, c := range cases {
		var got float64
		var ok bool
		if c.p == 0 {
			got, ok = Median(c.bands)
		} else {
			got, ok = BandPercentile(c.bands, c.p)
		}
		require.Equal(t, c.ok, ok, c.source)
		if ok {
			require.InDelta(t, c.want, got, 1e-12, c.source)
		}
	}
}

// The published April 2015 commissioner table (Incomplete-Commissioner-Apr15-revised,
// 200 rows): every published median (rank (N+1)/2) and 95th percentile (rank 0.95·N)
// is reproduced from the 52 one-week bands plus "52 plus" to 1e-9 relative; both are
// "-" exactly when N < 50; bands sum to the total; the first 18 bands sum to "within
// 18 weeks"; the band headers are our labels behind a ">".
func TestReproducesPublishedApril2015Figures(t *testing.T) {
	rows := readPublished(t, "incomplete_commissioner_apr2015_sample.csv")
	require.Len(t, rows, 200)
	medians, p95s, suppressed, firstRowChecked := 0, 0, 0, false
	for _, row := range rows {
		id := row[""] + " " + row["CCG Code"] + " " + row["Treatment Function Code"]
		bands := make([]int, 53)
		sum := 0
		for k := 0; k < 52; k++ {
			col, ok := row[">"+WeekBandLabel(k)]
			require.True(t, ok, "column >%s", WeekBandLabel(k))
			bands[k] = atoi(t, col)
			sum += bands[k]
		}
		bands[52] = atoi(t, row["52 plus"])
		sum += bands[52]
		n := atoi(t, row["Total number of incomplete pathways"])
		within := atoi(t, row["Total within 18 weeks"])
		require.Equal(t, n, sum, "row %s: bands sum to the total", id)
		w := 0
		for k := 0; k < 52; k++ {
			if k < 18 {
				w += bands[k]
			}
		}
		require.Equal(t, within, w, "row %s: first 18 bands are within 18 weeks", id)
		if n > 0 {
			require.InEpsilon(t, float64(within)/float64(n), atof(t, row["% within 18 weeks"]), 1e-9, id)
		}

		pubMedian := row["Average (median) waiting time (in weeks)"]
		pubP95 := row["95th percentile waiting time (in weeks)"]
		m, mok := Median(bands)
		p, pok := BandPercentile(bands, 0.95)
		if pubMedian == "-" {
			require.Equal(t, "-", pubP95, id)
			require.Less(t, n, MinPublishedCount, "row %s suppressed", id)
			require.False(t, mok, id)
			require.False(t, pok, id)
			suppressed++
			continue
		}
		require.GreaterOrEqual(t, n, MinPublishedCount, "row %s published", id)
		require.True(t, mok, id)
		require.InEpsilon(t, atof(t, pubMedian), m, 1e-9, "median row %s", id)
		medians++
		require.True(t, pok, id)
		require.InEpsilon(t, atof(t, pubP95), p, 1e-9, "p95 row %s", id)
		p95s++
		if row[""] == "1" {
			// SCENARIOS 23 is this row: Darlington CCG, General Surgery.
			require.Equal(t, 552, n)
			require.Equal(t, 240, bands[0]+bands[1]+bands[2]+bands[3]+bands[4])
			require.Equal(t, 38, bands[5])
			require.Equal(t, 5.9605263157894735, m)
			firstRowChecked = true
		}
	}
	require.Equal(t, 171, medians)
	require.Equal(t, 171, p95s)
	require.Equal(t, 29, suppressed)
	require.True(t, firstRowChecked)
}

// The March 2026 provider summary has no bands, so only consistency can be checked:
// p92 ≥ median whenever published, both published or neither, 52+ ≥ 65+ ≥ 78+, and
// the reporting lines are ours, in our order, with our names, totals summing.
func TestPublishedMarch2026SummaryIsConsistent(t *testing.T) {
	rows := readPublished(t, "incomplete_provider_mar2026_summary_sample.csv")
	require.Len(t, rows, 240)
	lines := ReportingLines()
	published := 0
	sums := map[string]int{}
	for i, row := range rows {
		line := row["treatment_function_code"]
		require.Equal(t, lines[i%len(lines)], line, "row %d", i)
		require.Equal(t, ReportingLineName(line), row["treatment_function"], line)

		n := atoi(t, row["total_incomplete_pathways"])
		within := atoi(t, row["total_within_18_weeks"])
		o52, o65, o78 := atoi(t, row["total_52_plus"]), atoi(t, row["total_65_plus"]), atoi(t, row["total_78_plus"])
		require.LessOrEqual(t, within, n)
		require.True(t, o52 >= o65 && o65 >= o78, "row %d", i)
		require.LessOrEqual(t, within+o52, n)

		key := row["provider_code"]
		if line == "C_999" {
			require.Equal(t, sums[key+"n"], n, "%s total", key)
			require.Equal(t, sums[key+"w"], within, "%s within", key)
			require.Equal(t, sums[key+"52"], o52, "%s 52+", key)
		} else {
			sums[key+"n"] += n
			sums[key+"w"] += within
			sums[key+"52"] += o52
		}

		med, p92 := row["median_wait_weeks"], row["p92_wait_weeks"]
		require.Equal(t, med == "", p92 == "", "row %d", i)
		if med == "" {
			continue
		}
		require.Positive(t, n)
		require.GreaterOrEqual(t, atof(t, p92), atof(t, med), "row %d", i)
		published++
	}
	require.Equal(t, 191, published)
}

func genBands(t *rapid.T) []int {
	bands := make([]int, Bands)
	for i := rapid.IntRange(1, 20).Draw(t, "occupied"); i > 0; i-- {
		bands[rapid.IntRange(0, Bands-1).Draw(t, "band")] += rapid.IntRange(1, 400).Draw(t, "count")
	}
	return bands
}

// A percentile grows with p, and lies in the band that holds its rank.
func TestPropertyPercentilesAreMonotoneAndInTheirBand(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		bands := genBands(t)
		p1 := rapid.Float64Range(0.01, 1).Draw(t, "p1")
		p2 := rapid.Float64Range(p1, 1).Draw(t, "p2")
		a, aok := BandPercentile(bands, p1)
		b, bok := BandPercentile(bands, p2)
		if aok && bok && b < a {
			t.Fatalf("p%.4f = %.6f above p%.4f = %.6f", p1, a, p2, b)
		}
		if bok && !aok {
			n, _ := total(bands)
			if n >= MinPublishedCount {
				t.Fatalf("a lower percentile cannot fall in the open band when a higher one does not")
			}
		}
		if !aok {
			return
		}
		// a lies in (k, k+1] for the occupied band k holding the rank; allow k = ⌊a⌋ for
		// a fraction that rounds away.
		occupied := func(k int) bool { return k >= 0 && k < Bands-1 && bands[k] > 0 }
		if !occupied(int(math.Ceil(a))-1) && !occupied(int(math.Floor(a))) {
			t.Fatalf("p%.4f = %.6f is not inside an occupied band", p1, a)
		}
	})
}

func TestPropertySuppressedBelow50(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		bands := make([]int, Bands)
		n := rapid.IntRange(0, MinPublishedCount-1).Draw(t, "n")
		for i := 0; i < n; i++ {
			bands[rapid.IntRange(0, Bands-2).Draw(t, "band")]++
		}
		if _, ok := Median(bands); ok {
			t.Fatalf("median published for N = %d", n)
		}
		if _, ok := BandPercentile(bands, rapid.Float64Range(0.01, 1).Draw(t, "p")); ok {
			t.Fatalf("percentile published for N = %d", n)
		}
	})
}
