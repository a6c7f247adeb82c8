package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pathway-ledger/ledger/rtt"
)

// Options configure ParsePTL.
type Options struct {
	// ProviderCode is the trust's ODS code (3 to 5 letters and digits, e.g. RXX): part
	// of every pathway id, so two trusts' local ids never collide. Required.
	ProviderCode string
	// AsOf is the extract date: no date except tci_on may be after it. Required.
	AsOf rtt.Date
	// Strict makes an unknown column a file error rather than a warning.
	Strict bool
	// Comma is the field separator; 0 means ','.
	Comma rune
}

// Result is a checked PTL file. Rows holds only valid rows, in file order; a row
// with any refusal contributes nothing to Rows. Rows carry patient identifiers and
// are therefore left out of the JSON form, which is the shareable report.
type Result struct {
	ProviderCode string   `json:"provider_code"`
	AsOf         rtt.Date `json:"as_of"`
	Rows         []Row    `json:"-"`
	// RowsRead counts data rows, blank rows excluded; RowsValid + RowsRefused = RowsRead.
	RowsRead    int       `json:"rows_read"`
	RowsValid   int       `json:"rows_valid"`
	RowsRefused int       `json:"rows_refused"`
	Refusals    []Refusal `json:"refusals"`
	Warnings    []Warning `json:"warnings"`
}

// OK reports whether every row was valid.
func (r *Result) OK() bool { return r.RowsRefused == 0 }

// ParsePTL reads and checks a whole PTL CSV extract before returning, so a caller
// imports nothing until every row has been seen. Row problems are Refusals in the
// Result. A problem with the file itself (encoding, header, CSV syntax, truncation,
// no rows) returns a *FileError and no Result. Other errors come from r.
//
// The Result holds every valid row; CheckPTL checks a file without holding them.
func ParsePTL(r io.Reader, opts Options) (*Result, error) {
	var rows []Row
	res, err := CheckPTL(r, opts, func(row Row) error {
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Rows = rows
	return res, nil
}

// CheckPTL is ParsePTL handing each valid row to valid, in file order, instead of
// holding it: the Result's Rows stay empty, so a trust's whole extract is never in
// memory at once. Reading the file a second time gives the same rows (with the same
// Sum) when it has not changed, which is how an import writes rows it checked
// first. An error from valid stops the check and is returned as it is.
func CheckPTL(r io.Reader, opts Options, valid func(Row) error) (*Result, error) {
	provider := strings.ToUpper(strings.TrimSpace(opts.ProviderCode))
	if !validODSCode(provider) {
		return nil, fmt.Errorf("importer: ProviderCode %q must be an ODS code of 3 to 5 letters and digits", opts.ProviderCode)
	}
	if opts.AsOf == (rtt.Date{}) {
		return nil, errors.New("importer: AsOf (the extract date) is required")
	}
	tr := newTextReader(r)
	cr := csv.NewReader(tr)
	if opts.Comma != 0 {
		cr.Comma = opts.Comma
	}
	cr.FieldsPerRecord = -1 // counted here, to tell a short last line from a short row
	cr.ReuseRecord = true

	rec, err := cr.Read()
	if err == io.EOF {
		return nil, &FileError{Rule: RuleEmptyFile, Detail: "the file is empty"}
	}
	if err != nil {
		return nil, csvError(err, cr, tr)
	}
	hdr, warnings, ferr := readHeader(rec, opts.Strict)
	if ferr != nil {
		return nil, ferr
	}
	res := &Result{ProviderCode: provider, AsOf: opts.AsOf, Refusals: []Refusal{}, Warnings: warnings}
	p := ptlPass{res: res, hdr: hdr, check: rowChecker{asOf: opts.AsOf, provider: provider},
		firstByLocal: map[string]firstSeen{}, firstByPatient: map[string]firstRow{}, valid: valid}
	blank, shortLast, lastRefused := 0, 0, false
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err, cr, tr)
		}
		line, _ := cr.FieldPos(0)
		if isBlank(rec) {
			blank++
			continue
		}
		shortLast = 0
		if len(rec) != hdr.width {
			shortLast = line
		}
		ok, err := p.row(line, rec)
		if err != nil {
			return nil, err
		}
		lastRefused = !ok
	}
	if shortLast > 0 && !tr.endsWithNewline() {
		return nil, &FileError{Line: shortLast, Rule: RuleTruncatedFile,
			Detail: "the last line has fewer or more fields than the header and no line end: the file looks truncated"}
	}
	if res.RowsRead == 0 {
		return nil, &FileError{Rule: RuleNoRows, Detail: "the file has a header but no rows"}
	}
	if blank > 0 {
		res.Warnings = append(res.Warnings, Warning{Rule: WarnBlankRows, Detail: fmt.Sprintf("%d blank rows skipped", blank)})
	}
	if lastRefused && !tr.endsWithNewline() {
		res.Warnings = append(res.Warnings, Warning{Lines: []int{p.lastLine}, Rule: WarnMaybeTruncated,
			Detail: "the last row is refused and the file has no final line end: check the file is complete"})
	}
	return res, nil
}

type firstSeen struct {
	line int
	sum  uint64
}

// firstRow is the first valid row of a patient in a specialty.
type firstRow struct {
	line  int
	local string
}

// ptlPass holds what one pass over the rows needs to find repeats. Its keys are
// copies: a cell's string shares its memory with the whole record's.
type ptlPass struct {
	res            *Result
	hdr            header
	check          rowChecker
	firstByLocal   map[string]firstSeen
	firstByPatient map[string]firstRow // NHS number + specialty
	valid          func(Row) error
	lastLine       int
}

// row checks one record and hands it on as a Row or files its refusals; it reports
// validity, and the error of the row's receiver.
func (p *ptlPass) row(line int, rec []string) (bool, error) {
	p.res.RowsRead++
	p.lastLine = line
	if len(rec) != p.hdr.width {
		p.res.RowsRefused++
		p.res.Refusals = append(p.res.Refusals, Refusal{Line: line, Field: "(row)", Rule: RuleWrongFieldCount,
			Detail: fmt.Sprintf("has %d fields, the header has %d", len(rec), p.hdr.width)})
		return false, nil
	}
	cell := func(c col) string {
		if i := p.hdr.index[c]; i >= 0 {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	row, refusals := p.check.check(line, cell)
	// The first row with a local id claims it, valid or not: which of two rows a
	// trust meant cannot be guessed, so later ones are refused and the fix is theirs.
	sum := fingerprint(rec)
	if id := row.LocalPathwayID; id != "" {
		if first, ok := p.firstByLocal[id]; ok {
			detail := fmt.Sprintf("local_pathway_id is already used on line %d with different values", first.line)
			if first.sum == sum {
				detail = fmt.Sprintf("repeats line %d", first.line)
			}
			refusals = append(refusals, Refusal{Line: line, Field: columns[colLocalPathwayID].Name, Value: clip(id),
				Rule: RuleDuplicateRow, Detail: detail})
		} else {
			p.firstByLocal[strings.Clone(id)] = firstSeen{line: line, sum: sum}
		}
	}
	if len(refusals) > 0 {
		p.res.RowsRefused++
		p.res.Refusals = append(p.res.Refusals, refusals...)
		return false, nil
	}
	key := row.Patient.NHSNumber + "/" + row.SpecialtyCode
	if first, ok := p.firstByPatient[key]; ok {
		p.res.Warnings = append(p.res.Warnings, Warning{Lines: []int{first.line, line}, Rule: WarnDuplicatePathway,
			Detail: fmt.Sprintf("the same patient and specialty %s on local pathways %q (line %d) and %q (line %d): both are imported; the validator will raise duplicate_pathway",
				row.SpecialtyCode, clip(first.local), first.line, clip(row.LocalPathwayID), line)})
	} else {
		p.firstByPatient[key] = firstRow{line: line, local: strings.Clone(row.LocalPathwayID)}
	}
	p.res.RowsValid++
	row.Sum = sum
	return true, p.valid(row)
}

// csvError turns a read failure into a *FileError where it is the file's fault.
func csvError(err error, cr *csv.Reader, tr *textReader) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("importer: read PTL: %w", err)
	}
	if errors.Is(pe.Err, csv.ErrQuote) {
		if _, next := cr.Read(); next == io.EOF && !tr.endsWithNewline() {
			return &FileError{Line: pe.StartLine, Rule: RuleTruncatedFile, Detail: fmt.Sprintf(
				"a quoted field opened on line %d is never closed before the end of the file: the file looks truncated", pe.StartLine)}
		}
	}
	return &FileError{Line: pe.Line, Rule: RuleMalformedCSV, Detail: fmt.Sprintf("CSV syntax error in column %d: %v", pe.Column, pe.Err)}
}

func isBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// fingerprint is FNV-1a over the trimmed cells, NUL-separated, without allocating.
func fingerprint(rec []string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for _, f := range rec {
		f = strings.TrimSpace(f)
		for i := 0; i < len(f); i++ {
			h = (h ^ uint64(f[i])) * prime
		}
		h *= prime // the NUL separator: h ^ 0 == h
	}
	return h
}

func validODSCode(s string) bool {
	if len(s) < 3 || len(s) > 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return true
}
