package pathways

// Packed states. The model keeps idle pathways as bytes rather than as a folded
// pathway.State (about 1.5 KB of Go structs each) and unpacks one when a query or
// an event needs it; the snapshot file uses the same bytes. Layout, varints as
// encoding/binary, every count as uvarint(n+1) with 0 for a nil slice so that nil
// and empty slices (Requirements.Kit is []string{} from Decide, and JSON tells the
// two apart) come back as they went in:
//
//	byte packFormat | uvarint text bytes | uvarint []string elements |
//	uvarint flags (Exists, Closed, PreOp set, BirthDate set, PathwayID is the key) |
//	[str PathwayID] ReferralEventID, SpecialtyCode, ReferralPriority, Source, ClosedReason |
//	date ReceivedOn | Periods | Entries | Unavailable | DNAs | [PreOp] | str PreOpEventID |
//	Offers | Bookings | Alerts | Validations | date LastActivityOn | varint Version |
//	str NHSNumber, FamilyName, GivenName | [date BirthDate]
//
// The two totals up front let unpack allocate every decoded string in one block
// and every []string field in one backing array, instead of one allocation each.
//
// A date is uvarint 0 for the zero Date (the "not yet" value of StoppedOn,
// ClosedOn, AnsweredOn...) or zigzag(days since the previous non-zero date)+1, the
// first counted from packEpoch: a pathway's dates lie weeks apart, so most take one
// byte. Fields are laid out roughly in the order they happen to keep the steps
// short; the birth date comes last so that its decades-long step costs once.
//
// A str is uvarint h, tag h&3, argument h>>2:
//
//	0: packIntern[arg] ("" is 0): codes, statuses, list types, priorities...
//	1: the arg-th string spelled out before, of the first packSeen (ids recur)
//	2: arg bytes follow
//	3: a canonical lowercase UUID as 16 bytes (arg 0; other values reserved)
//
// An instant is varint Unix seconds and uvarint of its nanoseconds: micros<<1 when
// whole microseconds (what the event store keeps), else nanos<<1|1. It decodes in
// UTC, the location the model's times have.
//
// The pathway id is the key a state is packed and unpacked under (the model's, the
// snapshot's), so a state whose PathwayID is its key does not spell it (17 bytes
// of a typical 120); it is the first string a back-reference can name either way.
//
// History and retraction marks are not packed: a pathway that meets a retraction
// is re-folded from the log. Changing the layout means a new packFormat.

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"time"
	"unsafe"

	"github.com/google/uuid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/rtt"
)

const packFormat = 3

var errPacked = errors.New("pathways: packed state")

// packEpoch makes the first date of a pathway a two-byte step for any date within
// twenty years of it.
var packEpoch = rtt.MustParseDate("2020-01-01")

// packIntern holds values that recur across pathways, so they cost one or two bytes
// and no allocation. Append only: an index is part of the format. The first 32
// (one byte each) are those nearly every pathway has.
var packIntern = [...]string{
	"", "10", "11", "12", "20", "21", "30", "31", "32", "33", "34", "35", "36",
	"open", "accepted", "declined", "admission",
	"inpatient", "day_case", "endoscopy", "diagnostic", "planned",
	"P1a", "P1b", "P2", "P3", "P4",
	"routine", "urgent", "two_week_wait", "gp", "fit",
	// two bytes from here
	"consultant", "self", "transfer_in", "other",
	"unfit", "review", "any",
	"hospital", "patient", "no bed", "unwell", "patient unavailable",
	"patient died", "transferred to another provider",
	"outpatient_first", "outpatient_follow_up", "outpatient", "administrative",
	"did_not_attend", "attended",
	"confirmed", "corrected", "escalated",
	"booking", "validator", "auditor", "reader", "admin",
	"100", "101", "102", "103", "104", "105", "106", "107", "108", "110", "120",
	"130", "140", "150", "160", "170", "191", "300", "301", "320", "330", "340",
	"400", "410", "430", "502", "503",
}

var packInternIndex = func() map[string]uint64 {
	m := make(map[string]uint64, len(packIntern))
	for i, s := range packIntern {
		if _, dup := m[s]; dup {
			panic("pathways: packIntern repeats " + s)
		}
		m[s] = uint64(i)
	}
	return m
}()

const (
	strIntern = iota
	strBackref
	strLiteral
	strUUID
)

// packSeen bounds the strings a back-reference can name, so that packing stays
// linear however many strings a state holds.
const packSeen = 64

// Flags. A decoder refuses bits it does not know, so a newer layout is never
// half-read.
const (
	stExists = 1 << iota
	stClosed
	stPreOp
	stBirthDate
	stKeyID // PathwayID is the key the state is packed under
)

const (
	pdStopped = 1 << iota
	pdAdmitted
	pdNullified
	pdTransferredOut
	pdHasActivity
)

const (
	bkCancelled = 1 << iota
	bkClinical
	bkOnTheDay
)

const (
	dnaFirst = 1 << iota
	dnaDischarged
)

const (
	preValidUntil = 1 << iota
	preHDUBed
	preRadiology
)

// Smallest encodings of one element, so that a damaged count is refused before it
// sizes an allocation.
const (
	minPeriod      = 9
	minEntry       = 9
	minUnavailable = 3
	minDNA         = 5
	minOffer       = 10
	minBooking     = 10
	minAlert       = 4
	minValidation  = 10
)

type packer struct {
	buf   []byte
	prev  rtt.Date
	text  uint64 // bytes unpack will need for the strings spelled out
	ids   uint64 // elements of []string fields
	nseen int
	seen  [packSeen]string
	// seenKey holds each seen string's strKey: the search for a back-reference
	// compares integers, and strings only where the keys agree.
	seenKey [packSeen]uint64
}

// strKey is a string's length and first bytes in one integer: equal strings have
// equal keys, and the event ids a state holds (UUIDs) nearly never share one.
func strKey(s string) uint64 {
	k := uint64(len(s))
	for i := 0; i < len(s) && i < 7; i++ {
		k = k<<8 | uint64(s[i])
	}
	return k
}

// appendPacked appends s's compact encoding under key (the pathway's id) to buf.
// History and retraction marks are not packed; nil and empty slices are told
// apart. Growing buf from nil leaves spare capacity: to hold many, pack into a
// reused buffer and keep exact copies.
func appendPacked(buf []byte, s *pathway.State, key string) []byte {
	start := len(buf)
	p := packer{buf: append(buf, packFormat), prev: packEpoch}
	flags := uint64(0)
	if s.Exists {
		flags |= stExists
	}
	if s.Closed {
		flags |= stClosed
	}
	if s.PreOp != nil {
		flags |= stPreOp
	}
	if s.Patient.BirthDate != nil {
		flags |= stBirthDate
	}
	keyID := s.PathwayID != "" && s.PathwayID == key
	if keyID {
		flags |= stKeyID
	}
	p.uvarint(flags)
	if keyID {
		p.see(key)
	} else {
		p.str(s.PathwayID)
	}
	p.str(s.ReferralEventID)
	p.str(s.SpecialtyCode)
	p.str(s.ReferralPriority)
	p.str(s.Source)
	p.str(s.ClosedReason)
	p.date(s.ReceivedOn)

	p.count(len(s.Periods), s.Periods == nil)
	for i := range s.Periods {
		pd := &s.Periods[i]
		p.uvarint(bits(pd.Stopped, pdStopped) | bits(pd.Admitted, pdAdmitted) |
			bits(pd.Nullified, pdNullified) | bits(pd.TransferredOut, pdTransferredOut) | bits(pd.HasActivity, pdHasActivity))
		p.date(pd.OriginalStartOn)
		p.date(pd.StartedOn)
		p.str(pd.StartStatus)
		p.str(pd.StartEventID)
		p.strs(pd.CorrectionIDs)
		p.date(pd.StoppedOn)
		p.str(pd.StopStatus)
		p.str(pd.StopEventID)
	}
	p.count(len(s.Entries), s.Entries == nil)
	for i := range s.Entries {
		e := &s.Entries[i]
		p.uvarint(bits(e.Open, 1))
		p.date(e.DecidedOn)
		p.str(e.ListType)
		p.str(string(e.Priority))
		p.date(e.PriorityFrom)
		p.str(e.ProcedureCode)
		p.varint(int64(e.ExpectedMinutes))
		p.date(e.ClosedOn)
		p.strs(e.EventIDs)
	}
	p.count(len(s.Unavailable), s.Unavailable == nil)
	for i := range s.Unavailable {
		u := &s.Unavailable[i]
		p.date(u.From)
		p.date(u.To)
		p.str(u.Reason)
	}
	p.count(len(s.DNAs), s.DNAs == nil)
	for i := range s.DNAs {
		d := &s.DNAs[i]
		p.uvarint(bits(d.First, dnaFirst) | bits(d.Discharged, dnaDischarged))
		p.date(d.MissedOn)
		p.str(d.Kind)
		p.str(d.StopStatus)
		p.str(d.EventID)
	}
	if pre := s.PreOp; pre != nil {
		r := &pre.Requirements
		p.uvarint(bits(pre.ValidUntil != nil, preValidUntil) | bits(r.HDUBed, preHDUBed) |
			bits(r.Radiology, preRadiology))
		p.date(pre.AssessedOn)
		if pre.ValidUntil != nil {
			p.date(*pre.ValidUntil)
		}
		p.str(pre.Outcome)
		p.strs(r.Kit)
		p.str(r.AnaesthetistGrade)
	}
	p.str(s.PreOpEventID)
	p.count(len(s.Offers), s.Offers == nil)
	for i := range s.Offers {
		o := &s.Offers[i]
		p.uvarint(bits(o.Reasonable, 1))
		p.str(o.OfferID)
		p.date(o.OfferedOn)
		p.date(o.AppointmentOn)
		p.str(o.Kind)
		p.str(o.ProviderCode)
		p.varint(int64(o.Period))
		p.str(o.Status)
		p.date(o.AnsweredOn)
		p.strs(o.EventIDs)
	}
	p.count(len(s.Bookings), s.Bookings == nil)
	for i := range s.Bookings {
		b := &s.Bookings[i]
		c := &b.Cancelation
		p.uvarint(bits(b.Cancelled, bkCancelled) | bits(c.Clinical, bkClinical) | bits(c.OnTheDay, bkOnTheDay))
		p.str(b.BookingID)
		p.date(b.BookedOn)
		p.date(b.AdmissionOn)
		p.str(b.SessionID)
		p.str(c.BookingID)
		p.date(c.CancelledOn)
		p.str(c.CancelledBy)
		p.str(c.Reason)
		p.strs(b.EventIDs)
	}
	p.count(len(s.Alerts), s.Alerts == nil)
	for i := range s.Alerts {
		a := &s.Alerts[i]
		p.date(a.FlaggedOn)
		p.str(a.Code)
		p.str(a.Detail)
		p.str(a.EventID)
	}
	p.count(len(s.Validations), s.Validations == nil)
	for i := range s.Validations {
		v := &s.Validations[i]
		p.str(v.ValidationID)
		p.date(v.ValidatedOn)
		p.str(v.Outcome)
		p.strs(v.Checks)
		p.str(v.Notes)
		p.str(v.EventID)
		p.str(v.Validator.User)
		p.str(v.Validator.Role)
		p.instant(v.RecordedAt)
	}
	p.date(s.LastActivityOn)
	p.varint(s.Version)
	p.str(s.Patient.NHSNumber)
	p.str(s.Patient.FamilyName)
	p.str(s.Patient.GivenName)
	if s.Patient.BirthDate != nil {
		p.date(*s.Patient.BirthDate)
	}

	// The totals are known only now; they go in front of the body so that unpack
	// can size its blocks before it reads a string.
	var hdr [2 * binary.MaxVarintLen64]byte
	h := binary.AppendUvarint(hdr[:0], p.text)
	h = binary.AppendUvarint(h, p.ids)
	body := start + 1
	out := append(p.buf, h...)
	copy(out[body+len(h):], out[body:len(p.buf)])
	copy(out[body:], h)
	return out
}

func bits(b bool, bit uint64) uint64 {
	if b {
		return bit
	}
	return 0
}

func (p *packer) uvarint(v uint64) { p.buf = binary.AppendUvarint(p.buf, v) }
func (p *packer) varint(v int64)   { p.buf = binary.AppendVarint(p.buf, v) }

func (p *packer) count(n int, isNil bool) {
	if isNil {
		p.uvarint(0)
		return
	}
	p.uvarint(uint64(n) + 1)
}

func (p *packer) date(d rtt.Date) {
	if d == (rtt.Date{}) {
		p.uvarint(0)
		return
	}
	// DaysBetween and AddDays wrap alike in int32, so any step decodes back.
	step := int64(rtt.DaysBetween(p.prev, d))
	p.uvarint(uint64(step<<1^step>>63) + 1)
	p.prev = d
}

func (p *packer) instant(t time.Time) {
	p.varint(t.Unix())
	ns := uint64(t.Nanosecond())
	if ns%1000 == 0 {
		p.uvarint(ns / 1000 << 1)
	} else {
		p.uvarint(ns<<1 | 1)
	}
}

func (p *packer) strs(xs []string) {
	p.count(len(xs), xs == nil)
	p.ids += uint64(len(xs))
	for _, x := range xs {
		p.str(x)
	}
}

// see files s as the next string a back-reference may name, without writing it.
func (p *packer) see(s string) {
	if p.nseen < packSeen {
		p.seen[p.nseen], p.seenKey[p.nseen] = s, strKey(s)
		p.nseen++
	}
}

func (p *packer) str(s string) {
	if s == "" {
		p.buf = append(p.buf, strIntern)
		return
	}
	if len(s) != 36 { // an id is rarely a code, so skip the map for UUID-sized strings
		if i, ok := packInternIndex[s]; ok {
			p.uvarint(i << 2) // tag strIntern is 0
			return
		}
	}
	key := strKey(s)
	for i := 0; i < p.nseen; i++ {
		if p.seenKey[i] == key && p.seen[i] == s {
			p.uvarint(uint64(i)<<2 | strBackref)
			return
		}
	}
	if u, ok := canonicalUUID(s); ok {
		p.buf = append(p.buf, strUUID)
		p.buf = append(p.buf, u[:]...)
	} else {
		p.uvarint(uint64(len(s))<<2 | strLiteral)
		p.buf = append(p.buf, s...)
	}
	p.text += uint64(len(s))
	if p.nseen < packSeen {
		p.seen[p.nseen], p.seenKey[p.nseen] = s, key
		p.nseen++
	}
}

// canonicalUUID accepts only the lowercase hyphenated form, the one unpack writes
// back: an uppercase or braced id packed as 16 bytes would come back altered.
func canonicalUUID(s string) (uuid.UUID, bool) {
	var u uuid.UUID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	j := 0
	for i := 0; i < len(s); i += 2 {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i--
			continue
		}
		hi, lo := lowerHex[s[i]], lowerHex[s[i+1]]
		if hi > 15 || lo > 15 {
			return uuid.UUID{}, false
		}
		u[j] = hi<<4 | lo
		j++
	}
	return u, true
}

// lowerHex maps a lowercase hex digit to its value and every other byte to 0xff.
var lowerHex = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i, c := range "0123456789abcdef" {
		t[c] = byte(i)
	}
	return t
}()

// unpackedPtrs gives a state's pointer fields one allocation between them.
type unpackedPtrs struct {
	pre          pathway.PreOpAssessmentCompleted
	valid, birth rtt.Date
}

type unpacker struct {
	b     []byte
	err   error
	text  []byte   // one block for every string spelled out; never reallocated
	ids   []string // backing for every []string field, handed out in order
	prev  rtt.Date
	nseen int
	seen  [packSeen]string
}

// unpack decodes what appendPacked wrote. It does not keep b. Every string it
// returns that is not an interned code shares one block with the state's other
// strings: whoever keeps one beyond the state should strings.Clone it.
//
// key is the key the state was packed under; a PathwayID equal to it comes back
// as key itself.
func unpack(b []byte, key string) (pathway.State, error) {
	if len(b) == 0 || b[0] != packFormat {
		if len(b) == 0 {
			return pathway.State{}, fmt.Errorf("%w: empty", errPacked)
		}
		return pathway.State{}, fmt.Errorf("%w: format %d, want %d", errPacked, b[0], packFormat)
	}
	d := unpacker{b: b[1:], prev: packEpoch}
	// A UUID spends 17 bytes on 36 of text and a literal at least one byte per
	// byte, and a []string element at least one byte: both totals are bounded by
	// the input's size, whatever the header says.
	textLen, idsLen := d.uvarint(), d.uvarint()
	if d.err != nil {
		return pathway.State{}, d.err
	}
	if textLen > 3*uint64(len(d.b)) || idsLen > uint64(len(d.b)) {
		return pathway.State{}, fmt.Errorf("%w: %d bytes of text and %d ids in %d bytes", errPacked, textLen, idsLen, len(b))
	}
	if textLen > 0 {
		d.text = make([]byte, 0, textLen)
	}
	if idsLen > 0 {
		d.ids = make([]string, idsLen)
	}

	var s pathway.State
	flags := d.flags(stExists | stClosed | stPreOp | stBirthDate | stKeyID)
	s.Exists, s.Closed = flags&stExists != 0, flags&stClosed != 0
	if flags&stKeyID != 0 {
		if key == "" {
			return pathway.State{}, fmt.Errorf("%w: packed under a key, unpacked without one", errPacked)
		}
		s.PathwayID = key
		d.seen[0], d.nseen = key, 1
	} else {
		s.PathwayID = d.str()
	}
	s.ReferralEventID = d.str()
	s.SpecialtyCode = d.str()
	s.ReferralPriority = d.str()
	s.Source = d.str()
	s.ClosedReason = d.str()
	s.ReceivedOn = d.date()

	s.Periods = makeSlice[pathway.Period](&d, minPeriod)
	for i := range s.Periods {
		pd := &s.Periods[i]
		f := d.flags(pdStopped | pdAdmitted | pdNullified | pdTransferredOut | pdHasActivity)
		pd.Stopped, pd.Admitted = f&pdStopped != 0, f&pdAdmitted != 0
		pd.Nullified, pd.TransferredOut = f&pdNullified != 0, f&pdTransferredOut != 0
		pd.HasActivity = f&pdHasActivity != 0
		pd.OriginalStartOn = d.date()
		pd.StartedOn = d.date()
		pd.StartStatus = d.str()
		pd.StartEventID = d.str()
		pd.CorrectionIDs = d.strs()
		pd.StoppedOn = d.date()
		pd.StopStatus = d.str()
		pd.StopEventID = d.str()
	}
	s.Entries = makeSlice[pathway.Entry](&d, minEntry)
	for i := range s.Entries {
		e := &s.Entries[i]
		e.Open = d.flags(1) != 0
		e.DecidedOn = d.date()
		e.ListType = d.str()
		e.Priority = rtt.Priority(d.str())
		e.PriorityFrom = d.date()
		e.ProcedureCode = d.str()
		e.ExpectedMinutes = d.int()
		e.ClosedOn = d.date()
		e.EventIDs = d.strs()
	}
	s.Unavailable = makeSlice[pathway.PatientUnavailable](&d, minUnavailable)
	for i := range s.Unavailable {
		u := &s.Unavailable[i]
		u.From = d.date()
		u.To = d.date()
		u.Reason = d.str()
	}
	s.DNAs = makeSlice[pathway.DNA](&d, minDNA)
	for i := range s.DNAs {
		x := &s.DNAs[i]
		f := d.flags(dnaFirst | dnaDischarged)
		x.First, x.Discharged = f&dnaFirst != 0, f&dnaDischarged != 0
		x.MissedOn = d.date()
		x.Kind = d.str()
		x.StopStatus = d.str()
		x.EventID = d.str()
	}
	var held *unpackedPtrs
	if flags&(stPreOp|stBirthDate) != 0 {
		held = new(unpackedPtrs)
	}
	if flags&stPreOp != 0 {
		pre := &held.pre
		f := d.flags(preValidUntil | preHDUBed | preRadiology)
		pre.Requirements.HDUBed, pre.Requirements.Radiology = f&preHDUBed != 0, f&preRadiology != 0
		pre.AssessedOn = d.date()
		if f&preValidUntil != 0 {
			held.valid = d.date()
			pre.ValidUntil = &held.valid
		}
		pre.Outcome = d.str()
		pre.Requirements.Kit = d.strs()
		pre.Requirements.AnaesthetistGrade = d.str()
		s.PreOp = pre
	}
	s.PreOpEventID = d.str()
	s.Offers = makeSlice[pathway.Offer](&d, minOffer)
	for i := range s.Offers {
		o := &s.Offers[i]
		o.Reasonable = d.flags(1) != 0
		o.OfferID = d.str()
		o.OfferedOn = d.date()
		o.AppointmentOn = d.date()
		o.Kind = d.str()
		o.ProviderCode = d.str()
		o.Period = d.int()
		o.Status = d.str()
		o.AnsweredOn = d.date()
		o.EventIDs = d.strs()
	}
	s.Bookings = makeSlice[pathway.Booking](&d, minBooking)
	for i := range s.Bookings {
		b := &s.Bookings[i]
		c := &b.Cancelation
		f := d.flags(bkCancelled | bkClinical | bkOnTheDay)
		b.Cancelled, c.Clinical, c.OnTheDay = f&bkCancelled != 0, f&bkClinical != 0, f&bkOnTheDay != 0
		b.BookingID = d.str()
		b.BookedOn = d.date()
		b.AdmissionOn = d.date()
		b.SessionID = d.str()
		c.BookingID = d.str()
		c.CancelledOn = d.date()
		c.CancelledBy = d.str()
		c.Reason = d.str()
		b.EventIDs = d.strs()
	}
	s.Alerts = makeSlice[pathway.Alert](&d, minAlert)
	for i := range s.Alerts {
		a := &s.Alerts[i]
		a.FlaggedOn = d.date()
		a.Code = d.str()
		a.Detail = d.str()
		a.EventID = d.str()
	}
	s.Validations = makeSlice[pathway.Validation](&d, minValidation)
	for i := range s.Validations {
		v := &s.Validations[i]
		v.ValidationID = d.str()
		v.ValidatedOn = d.date()
		v.Outcome = d.str()
		v.Checks = d.strs()
		v.Notes = d.str()
		v.EventID = d.str()
		v.Validator.User = d.str()
		v.Validator.Role = d.str()
		v.RecordedAt = d.instant()
	}
	s.LastActivityOn = d.date()
	s.Version = d.varint()
	s.Patient.NHSNumber = d.str()
	s.Patient.FamilyName = d.str()
	s.Patient.GivenName = d.str()
	if flags&stBirthDate != 0 {
		held.birth = d.date()
		s.Patient.BirthDate = &held.birth
	}

	switch {
	case d.err != nil:
		return pathway.State{}, d.err
	case len(d.b) != 0:
		return pathway.State{}, fmt.Errorf("%w: %d bytes after the state", errPacked, len(d.b))
	case uint64(len(d.text)) != textLen || len(d.ids) != 0:
		return pathway.State{}, fmt.Errorf("%w: the totals in front do not match the body", errPacked)
	}
	return s, nil
}

func (d *unpacker) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: "+format, append([]any{errPacked}, args...)...)
	}
}

func (d *unpacker) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) > 0 && d.b[0] < 0x80 { // most are one byte
		v := d.b[0]
		d.b = d.b[1:]
		return uint64(v)
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("truncated or overlong varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *unpacker) varint() int64 {
	u := d.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

func (d *unpacker) int() int {
	v := d.varint()
	if v < math.MinInt || v > math.MaxInt {
		d.fail("integer %d out of range", v)
		return 0
	}
	return int(v)
}

func (d *unpacker) flags(known uint64) uint64 {
	f := d.uvarint()
	if f&^known != 0 {
		d.fail("unknown flags %#x", f)
		return 0
	}
	return f
}

// count reads a slice length, refusing any the rest of the input could not hold.
func (d *unpacker) count(minSize int) (n int, isNil bool) {
	v := d.uvarint()
	if d.err != nil || v == 0 {
		return 0, true
	}
	if v-1 > uint64(len(d.b)/minSize) {
		d.fail("%d elements in %d bytes", v-1, len(d.b))
		return 0, true
	}
	return int(v - 1), false
}

func makeSlice[T any](d *unpacker, minSize int) []T {
	n, isNil := d.count(minSize)
	if isNil {
		return nil
	}
	return make([]T, n)
}

func (d *unpacker) strs() []string {
	n, isNil := d.count(1)
	if isNil {
		return nil
	}
	if n > len(d.ids) {
		d.fail("more ids than the total in front")
		return nil
	}
	xs := d.ids[:n:n] // capped, so an append by Evolve copies instead of overwriting a neighbour
	d.ids = d.ids[n:]
	for i := range xs {
		xs[i] = d.str()
	}
	if xs == nil {
		return []string{}
	}
	return xs
}

func (d *unpacker) date() rtt.Date {
	v := d.uvarint()
	if v == 0 {
		return rtt.Date{}
	}
	v--
	step := int64(v>>1) ^ -int64(v&1)
	t := d.prev.AddDays(int(step))
	d.prev = t
	return t
}

func (d *unpacker) instant() time.Time {
	sec := d.varint()
	v := d.uvarint()
	ns := v >> 1
	if v&1 == 0 {
		ns *= 1000
	}
	if d.err != nil {
		return time.Time{}
	}
	if ns >= 1e9 {
		d.fail("%d nanoseconds", ns)
		return time.Time{}
	}
	return time.Unix(sec, int64(ns)).UTC()
}

func (d *unpacker) str() string {
	h := d.uvarint()
	if d.err != nil {
		return ""
	}
	arg := h >> 2
	var s string
	switch h & 3 {
	case strIntern:
		if arg >= uint64(len(packIntern)) {
			d.fail("no interned string %d", arg)
			return ""
		}
		return packIntern[arg]
	case strBackref:
		if arg >= uint64(d.nseen) {
			d.fail("a reference to string %d of %d", arg, d.nseen)
			return ""
		}
		return d.seen[arg]
	case strLiteral:
		if arg > uint64(len(d.b)) {
			d.fail("a string of %d bytes, %d left", arg, len(d.b))
			return ""
		}
		s = d.spell(d.b[:arg], nil)
		d.b = d.b[arg:]
	case strUUID:
		if arg != 0 || len(d.b) < 16 {
			d.fail("bad UUID")
			return ""
		}
		s = d.spell(nil, (*[16]byte)(d.b))
		d.b = d.b[16:]
	}
	if d.err == nil && d.nseen < packSeen {
		d.seen[d.nseen] = s
		d.nseen++
	}
	return s
}

// spell writes a literal, or a UUID in its canonical form, into the text block and
// returns it as a string there: the block is only ever appended to within its
// capacity, so the bytes under a returned string never change.
func (d *unpacker) spell(lit []byte, u *[16]byte) string {
	n := len(lit)
	if u != nil {
		n = 36
	}
	if n == 0 {
		return ""
	}
	start := len(d.text)
	if n > cap(d.text)-start {
		d.fail("more text than the total in front")
		return ""
	}
	d.text = d.text[:start+n]
	out := d.text[start:]
	if u == nil {
		copy(out, lit)
	} else {
		hex.Encode(out[0:8], u[0:4])
		hex.Encode(out[9:13], u[4:6])
		hex.Encode(out[14:18], u[6:8])
		hex.Encode(out[19:23], u[8:10])
		hex.Encode(out[24:36], u[10:16])
		out[8], out[13], out[18], out[23] = '-', '-', '-', '-'
	}
	return unsafe.String(&d.text[start], n)
}
