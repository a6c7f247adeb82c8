package importer

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func FuzzParsePTL(f *testing.F) {
	f.Add([]byte(minimalHeader + minimalRow("9434765919", "P1")))
	f.Add(csvOf(f, validRow(), with(validRow(), "local_pathway_id", "P2", "tci_on", "2025-01-01"), validRow()))
	f.Add([]byte("\xEF\xBB\xBF" + minimalHeader + "9434765919,\"P\n1\",110,06/01/2025,20"))
	f.Add([]byte{0xFF, 0xFE, 'n', 0})
	f.Add([]byte(minimalHeader + "9434765919,P1,110,2025-01-06,2\xC3"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParsePTL(bytes.NewReader(data), testOptions())
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("an in-memory file failed with a non-file error: %v", err)
			}
			if res != nil || fe.Rule == "" || fe.Detail == "" {
				t.Fatalf("file error %+v came with a result or without rule and detail", fe)
			}
			return
		}
		if res.RowsValid+res.RowsRefused != res.RowsRead || len(res.Rows) != res.RowsValid || res.RowsRead == 0 {
			t.Fatalf("counts disagree: read %d valid %d refused %d rows %d", res.RowsRead, res.RowsValid, res.RowsRefused, len(res.Rows))
		}
		last := 1
		for _, r := range res.Rows {
			if r.Line <= last || !ValidNHSNumber(r.Patient.NHSNumber) || r.LocalPathwayID == "" || r.ClockStartOn.After(r.ReferralReceivedOn) {
				t.Fatalf("invalid row kept: %+v", r)
			}
			last = r.Line
		}
		for _, r := range res.Refusals {
			if c, ok := columnByName[r.Field]; ok && columns[c].Identifier && r.Value != "" {
				t.Fatalf("identifier echoed: %+v", r)
			}
			if r.Rule == "" || r.Line < 2 {
				t.Fatalf("refusal without rule or line: %+v", r)
			}
		}
		if err := res.WriteReport(io.Discard); err != nil {
			t.Fatal(err)
		}
	})
}
