package rttreport

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestExtractHeaderHas121PublishedColumns(t *testing.T) {
	h := ExtractHeader()
	require.Len(t, h, 121)
	require.Equal(t, "Period", h[0])
	require.Equal(t, "RTT Part Type", h[9])
	require.Equal(t, "Treatment Function Code", h[11])
	require.Equal(t, "Gt 00 To 01 Weeks SUM 1", h[13])
	require.Equal(t, "Gt 103 To 104 Weeks SUM 1", h[116])
	require.Equal(t, "Gt 104 Weeks SUM 1", h[117])
	require.Equal(t, []string{"Total", "Patients with unknown clock start date", "Total All"}, h[118:])
}

func TestExtractRowsAddUpToTheReturn(t *testing.T) {
	census := d("2025-03-31")
	ps := []Period{open("a", "110", "2025-01-02"), open("b", "110", "2025-03-20"), open("c", "130", "2024-01-01")}
	ps[1].HasDTA, ps[1].DTAFrom = true, d("2025-03-25")
	var buf bytes.Buffer
	_, err := WriteExtract(&buf, Compute(census, ps), Organisation{ProviderCode: "RXX", ProviderName: "Example NHS Trust"})
	require.NoError(t, err)
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+5*24)
	find := func(part, line string) []string {
		for _, r := range rows {
			if r[9] == part && r[11] == line {
				return r
			}
		}
		t.Fatalf("no row %s %s", part, line)
		return nil
	}
	total := find("Part_2", "C_999")
	require.Equal(t, "RTT-March-2025", total[0])
	require.Equal(t, "3", total[118])
	require.Equal(t, "3", total[120])
	to := find("Part_2", "C_110")
	require.Equal(t, "Trauma and Orthopaedic Service", to[12])
	require.Equal(t, "1", to[13+12], "88 days: band 12-13")
	require.Equal(t, "1", to[13+1], "11 days: band 1-2")
	require.Equal(t, "1", find("Part_2", "C_130")[13+64], "455 days: band 64-65")
	require.Equal(t, "1", find("Part_2A", "C_999")[118])
	require.Equal(t, "1", find("Part_3", "C_999")[118])
	require.Equal(t, "", find("Part_3", "C_999")[13])
	for _, r := range rows[1:] {
		sum := 0
		for _, c := range r[13:118] {
			if c != "" {
				n, err := strconv.Atoi(c)
				require.NoError(t, err)
				sum += n
			}
		}
		if r[9] != "Part_3" {
			require.Equal(t, strconv.Itoa(sum), r[118], "bands sum to Total in %s %s", r[9], r[11])
		}
	}
}

func TestExtractRefusesAReturnThatFailsChecks(t *testing.T) {
	r := Compute(d("2025-03-31"), []Period{open("a", "110", "2025-03-01")})
	r.IncompleteWithDTA.Total = 9
	var buf bytes.Buffer
	_, err := WriteExtract(&buf, r, Organisation{})
	require.ErrorIs(t, err, ErrChecksFailed)
	require.Zero(t, buf.Len(), "nothing written")
}
