package pathways

import (
	"fmt"
	"math"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/generator"
	"github.com/pathway-ledger/ledger/rtt"
)

var packTrust = generator.Config{Pathways: 3000, Seed: 7, Today: rtt.MustParseDate("2026-11-24"), HistoryDays: 730}

// packHistory records the i-th generated pathway as the store would hand it over:
// UTC instants in whole microseconds, ids from the generator. Every seventh pathway
// also gets what the generator never writes (validations, alerts, unavailability, a
// corrected clock start, a retraction), so the fold reaches those fields too.
func packHistory(i int) []pathway.Recorded {
	p := generator.Generate(packTrust, i)
	evs := slices.Clone(p.Events)
	if i%7 == 3 && len(evs) > 0 {
		ref := evs[0].(pathway.ReferralReceived)
		on := ref.ReceivedOn.AddDays(3)
		evs = append(evs,
			pathway.AlertFlagged{FlaggedOn: on, Code: "interpreter", Detail: "Polish"},
			pathway.PatientUnavailable{From: on.AddDays(10), To: on.AddDays(24), Reason: "holiday"},
			pathway.ValidationRecorded{ValidationID: uuid.NewSHA1(uuid.NameSpaceOID, []byte(p.ID)).String(),
				ValidatedOn: on.AddDays(5), Outcome: "confirmed", Checks: []string{"clock_start", "status_codes"}},
			pathway.ValidationRecorded{ValidationID: "val-" + p.ID[:8], ValidatedOn: on.AddDays(6), Outcome: "escalated"},
			pathway.ClockStartCorrected{PeriodStartedOn: ref.ClockStartOn, CorrectedStart: ref.ClockStartOn.AddDays(-2),
				CorrectedOn: on.AddDays(7), Reason: "letter date"},
		)
		if i%2 == 1 { // withdraw the alert
			evs = append(evs, pathway.EventRetracted{EventID: generator.EventID(p.ID, len(p.Events)), RetractedOn: on.AddDays(8), Reason: "wrong patient"})
		}
	}
	h := make([]pathway.Recorded, len(evs))
	for k, e := range evs {
		at := e.On().Time().Add(9*time.Hour + time.Duration(k)*time.Minute + time.Duration(k*7919)*time.Microsecond)
		role := "booking"
		if _, ok := e.(pathway.ValidationRecorded); ok {
			role = "validator"
		}
		h[k] = pathway.Recorded{Event: e, EventID: generator.EventID(p.ID, k), StreamVersion: uint64(k),
			RecordedAt: at.UTC(), Actor: pathway.Actor{User: fmt.Sprintf("user%d", k%3), Role: role}}
	}
	return h
}

// roundTrip packs s (behind some bytes already in the buffer, as a snapshot writer
// appends) and holds the unpacked state to s's exported fields, nil and empty
// slices told apart.
func roundTrip(t interface {
	require.TestingT
	Helper()
}, s pathway.State) []byte {
	t.Helper()
	prefix := []byte("prefix")
	b := appendPacked(slices.Clone(prefix), &s, s.PathwayID)
	require.Equal(t, prefix, b[:len(prefix)], "appendPacked keeps what the buffer held")
	b = b[len(prefix):]
	got, err := unpack(b, s.PathwayID)
	require.NoError(t, err)
	require.Equal(t, s.WithoutHistory(), got)
	require.Empty(t, got.History())
	require.Equal(t, b, appendPacked(nil, &got, got.PathwayID), "packing is deterministic")

	// Under another key the id is spelled out, and comes back the same.
	spelled := appendPacked(nil, &s, "another key")
	other, err := unpack(spelled, "another key")
	require.NoError(t, err)
	require.Equal(t, s.WithoutHistory(), other)
	if _, ok := canonicalUUID(s.PathwayID); ok {
		require.InDelta(t, 17.5, len(spelled)-len(b), 0.5, "a UUID key saves its 17 bytes (one more for a longer text total)")
	}
	return b
}

func TestPackRoundTripsEveryGeneratedState(t *testing.T) {
	n := packTrust.Pathways
	if testing.Short() {
		n = 300
	}
	states := 0
	reached := map[string]bool{}
	for i := range n {
		h := packHistory(i)
		require.NotEmpty(t, h)
		for k := 1; k <= len(h); k++ {
			s := pathway.Fold(h[:k])
			roundTrip(t, s)
			states++
			reached["open"] = reached["open"] || s.Running() != nil
			reached["closed"] = reached["closed"] || s.Closed
			reached["pre-op"] = reached["pre-op"] || s.PreOp != nil
			reached["unavailable"] = reached["unavailable"] || len(s.Unavailable) > 0
			reached["alert"] = reached["alert"] || len(s.Alerts) > 0
			reached["dna"] = reached["dna"] || len(s.DNAs) > 0
			for _, p := range s.Periods {
				reached["correction"] = reached["correction"] || len(p.CorrectionIDs) > 0
				reached["second period"] = reached["second period"] || len(s.Periods) > 1
				reached["nullified"] = reached["nullified"] || p.Nullified
				reached["transferred"] = reached["transferred"] || p.TransferredOut
			}
			for _, b := range s.Bookings {
				reached["cancelled booking"] = reached["cancelled booking"] || b.Cancelled
			}
			for _, o := range s.Offers {
				reached["declined offer"] = reached["declined offer"] || o.Status == "declined"
			}
			for _, v := range s.Validations {
				reached["validation with checks"] = reached["validation with checks"] || len(v.Checks) > 0
				reached["validation without checks"] = reached["validation without checks"] || v.Checks == nil
			}
		}
	}
	t.Logf("%d states from %d pathways round-trip", states, n)
	for _, f := range []string{"open", "closed", "pre-op", "unavailable", "alert", "dna", "correction", "second period",
		"nullified", "transferred", "cancelled booking", "declined offer", "validation with checks", "validation without checks"} {
		require.True(t, reached[f], "no generated state has %s", f)
	}
}

func TestPackEdgeCases(t *testing.T) {
	d := rtt.MustParseDate
	born := d("1948-02-29")
	valid := d("2026-06-01")
	upper := "3F2504E0-4F89-11D3-9A0C-0305E82C3301"
	full := pathway.State{
		Exists: true, PathwayID: "PW-0001", // not a UUID
		Patient:       pathway.Patient{NHSNumber: "9434765919", FamilyName: "Ōkubo 大久保", GivenName: "Zoë 🙂", BirthDate: &born},
		SpecialtyCode: "110", ReferralPriority: "urgent", Source: "transfer_in", ReceivedOn: d("2025-01-06"),
		ReferralEventID: upper, Closed: true, ClosedReason: "transferred to another provider",
		Periods: []pathway.Period{{
			StartedOn: d("2024-12-20"), OriginalStartOn: d("2024-12-30"), StartStatus: "10",
			StartEventID:  "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
			CorrectionIDs: []string{"6ba7b811-9dad-11d1-80b4-00c04fd430c8", "correction-2"},
			Stopped:       true, StoppedOn: d("2025-03-01"), StopStatus: "30", StopEventID: "6ba7b812-9dad-11d1-80b4-00c04fd430c8",
			Admitted: true, HasActivity: true,
		}, {
			StartedOn: d("2025-04-01"), OriginalStartOn: d("2025-04-01"), StartStatus: "11", StartEventID: "ev-7",
			Nullified: true, TransferredOut: true, StoppedOn: d("2025-04-02"), StopStatus: "21", StopEventID: "ev-8",
			CorrectionIDs: []string{},
		}},
		Entries: []pathway.Entry{{
			DecidedOn: d("2025-02-01"), ListType: "inpatient", Priority: rtt.P2, PriorityFrom: d("2025-02-10"),
			ProcedureCode: "W37.1", ExpectedMinutes: 95, ClosedOn: d("2025-03-01"),
			EventIDs: []string{"6ba7b813-9dad-11d1-80b4-00c04fd430c8", "6ba7b812-9dad-11d1-80b4-00c04fd430c8"},
		}, {DecidedOn: d("2025-04-01"), ListType: "planned", Priority: "P9", Open: true, EventIDs: []string{"x"}}},
		Offers: []pathway.Offer{{
			OfferMade: pathway.OfferMade{OfferID: "6ba7b814-9dad-11d1-80b4-00c04fd430c8", OfferedOn: d("2025-02-12"),
				AppointmentOn: d("2025-03-01"), Kind: "admission", ProviderCode: "RX1", Reasonable: true},
			Period: 0, Status: "accepted", AnsweredOn: d("2025-02-13"),
			EventIDs: []string{"6ba7b815-9dad-11d1-80b4-00c04fd430c8", "6ba7b816-9dad-11d1-80b4-00c04fd430c8"},
		}, {OfferMade: pathway.OfferMade{OfferID: "o2", Kind: "outpatient"}, Period: -1, Status: "open"}},
		Unavailable: []pathway.PatientUnavailable{{From: d("2025-02-14"), To: d("2025-02-28"), Reason: "holiday"}, {From: d("2025-03-02"), To: d("2025-03-02")}},
		Bookings: []pathway.Booking{{
			AdmissionBooked: pathway.AdmissionBooked{BookingID: "6ba7b817-9dad-11d1-80b4-00c04fd430c8", AdmissionOn: d("2025-02-20"),
				SessionID: "theatre-3/2025-02-20/am", BookedOn: d("2025-02-13")},
			Cancelled: true,
			Cancelation: pathway.BookingCancelled{BookingID: "6ba7b817-9dad-11d1-80b4-00c04fd430c8", CancelledOn: d("2025-02-20"),
				CancelledBy: "hospital", Reason: "no bed", Clinical: true, OnTheDay: true},
			EventIDs: []string{"6ba7b818-9dad-11d1-80b4-00c04fd430c8", "6ba7b819-9dad-11d1-80b4-00c04fd430c8"},
		}, {AdmissionBooked: pathway.AdmissionBooked{BookingID: "b2", AdmissionOn: d("2025-03-01"), BookedOn: d("2025-02-21")}}},
		PreOp: &pathway.PreOpAssessmentCompleted{AssessedOn: d("2025-02-05"), Outcome: "fit", ValidUntil: &valid,
			Requirements: pathway.Requirements{HDUBed: true, Kit: []string{"C-arm", "arthroscope"}, Radiology: true, AnaesthetistGrade: "consultant"}},
		PreOpEventID: strings.ToLower(upper),
		Alerts: []pathway.Alert{{AlertFlagged: pathway.AlertFlagged{FlaggedOn: d("2025-01-07"), Code: "interpreter", Detail: "Cymraeg – Welsh"}, EventID: "a1"},
			{AlertFlagged: pathway.AlertFlagged{FlaggedOn: d("2025-01-08"), Code: "safeguarding"}, EventID: "a1"}},
		DNAs: []pathway.DNA{{PatientDidNotAttend: pathway.PatientDidNotAttend{MissedOn: d("2025-01-20"), Kind: "outpatient_first", First: true, Discharged: true},
			StopStatus: "33", EventID: "dna-1"}, {PatientDidNotAttend: pathway.PatientDidNotAttend{MissedOn: d("2025-01-21")}}},
		Validations: []pathway.Validation{{
			ValidationRecorded: pathway.ValidationRecorded{ValidationID: "6ba7b81a-9dad-11d1-80b4-00c04fd430c8", ValidatedOn: d("2025-03-05"),
				Outcome: "corrected", Checks: []string{"clock_start", "status_codes", "duplicate"}, Notes: "start moved to the letter's date\nsee ticket 4"},
			EventID: "6ba7b81b-9dad-11d1-80b4-00c04fd430c8", Validator: pathway.Actor{User: "j.smith", Role: "validator"},
			RecordedAt: time.Date(2025, 3, 5, 14, 2, 3, 123456000, time.UTC),
		}, {
			ValidationRecorded: pathway.ValidationRecorded{ValidationID: "v2", Outcome: "confirmed", Checks: []string{}},
			RecordedAt:         time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		}, {
			ValidationRecorded: pathway.ValidationRecorded{ValidationID: "v3"}, // Checks nil, RecordedAt zero
		}},
		LastActivityOn: d("2025-04-01"),
		Version:        41,
	}

	cases := map[string]func() pathway.State{
		"new":  pathway.New,
		"zero": func() pathway.State { return pathway.State{} },
		"full": func() pathway.State { return full },
		"no birth date, pre-op without valid-until or kit": func() pathway.State {
			s := full
			s.Patient.BirthDate = nil
			s.PreOp = &pathway.PreOpAssessmentCompleted{AssessedOn: d("2025-02-05"), Outcome: "review"}
			return s
		},
		"birth date without pre-op": func() pathway.State {
			s := full
			s.PreOp, s.PreOpEventID = nil, ""
			return s
		},
		"pre-op event id without pre-op": func() pathway.State {
			s := pathway.New()
			s.PreOpEventID = "orphan"
			return s
		},
		"empty slices stay empty": func() pathway.State {
			return pathway.State{Periods: []pathway.Period{}, Entries: []pathway.Entry{}, Offers: []pathway.Offer{},
				Unavailable: []pathway.PatientUnavailable{}, Bookings: []pathway.Booking{}, Alerts: []pathway.Alert{},
				DNAs: []pathway.DNA{}, Validations: []pathway.Validation{},
				PreOp: &pathway.PreOpAssessmentCompleted{Requirements: pathway.Requirements{Kit: []string{}}}}
		},
		"extreme numbers and dates": func() pathway.State {
			far, early := rtt.Date{}.AddDays(math.MaxInt32), rtt.Date{}.AddDays(math.MinInt32)
			return pathway.State{Version: math.MinInt64, ReceivedOn: far, LastActivityOn: early, Patient: pathway.Patient{BirthDate: &early},
				Periods: []pathway.Period{{StartedOn: early, OriginalStartOn: far, StoppedOn: rtt.Date{}.AddDays(-1), HasActivity: true},
					{}},
				Entries: []pathway.Entry{{ExpectedMinutes: math.MinInt, DecidedOn: far}},
				Offers:  []pathway.Offer{{Period: math.MaxInt}},
				Validations: []pathway.Validation{{RecordedAt: time.Unix(math.MaxInt64/2, 1).UTC()},
					{RecordedAt: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)}, {RecordedAt: time.Unix(-1<<40, 999).UTC()}}}
		},
		"max version": func() pathway.State { return pathway.State{Version: math.MaxInt64} },
		"more strings than back-references reach": func() pathway.State {
			s := pathway.State{Exists: true}
			for i := range 3 * packSeen {
				id := uuid.NewSHA1(uuid.NameSpaceURL, fmt.Appendf(nil, "%d", i%(packSeen+10))).String()
				s.Alerts = append(s.Alerts, pathway.Alert{AlertFlagged: pathway.AlertFlagged{Code: fmt.Sprintf("c%d", i%90)}, EventID: id})
			}
			return s
		},
		"long and odd strings": func() pathway.State {
			return pathway.State{PathwayID: strings.Repeat("é", 4000), SpecialtyCode: "\x00\xff\xfe",
				ReferralEventID: "6ba7b810-9dad-11d1-80b4-00c04fd430c8 ", ClosedReason: "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}",
				Source: "urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8", PreOpEventID: "6ba7b810-9dad-11d1-80b4-00c04fd430cG"}
		},
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) { roundTrip(t, mk()) })
	}
	t.Run("uppercase UUIDs stay as written", func(t *testing.T) {
		b := appendPacked(nil, &full, full.PathwayID)
		got, err := unpack(b, full.PathwayID)
		require.NoError(t, err)
		require.Equal(t, upper, got.ReferralEventID)
		require.Equal(t, strings.ToLower(upper), got.PreOpEventID)
	})
}

// TestPackCoversEveryField fails when pathway.State gains a field, so that the
// packing learns of it before a state loses it in the model.
func TestPackCoversEveryField(t *testing.T) {
	var got []string
	var walk func(reflect.Type, string)
	walk = func(ty reflect.Type, path string) {
		switch ty {
		case reflect.TypeFor[rtt.Date](), reflect.TypeFor[time.Time]():
			got = append(got, path)
			return
		}
		switch ty.Kind() {
		case reflect.Pointer:
			walk(ty.Elem(), path+"*")
		case reflect.Slice:
			walk(ty.Elem(), path+"[]")
		case reflect.Struct:
			for i := range ty.NumField() {
				if f := ty.Field(i); f.IsExported() {
					walk(f.Type, path+"."+f.Name)
				}
			}
		default:
			got = append(got, path)
		}
	}
	walk(reflect.TypeFor[pathway.State](), "")
	require.Equal(t, []string{
		".Exists", ".PathwayID",
		".Patient.NHSNumber", ".Patient.FamilyName", ".Patient.GivenName", ".Patient.BirthDate*",
		".SpecialtyCode", ".ReferralPriority", ".Source", ".ReceivedOn", ".ReferralEventID", ".Closed", ".ClosedReason",
		".Periods[].StartedOn", ".Periods[].OriginalStartOn", ".Periods[].StartStatus", ".Periods[].StartEventID",
		".Periods[].CorrectionIDs[]", ".Periods[].Stopped", ".Periods[].StoppedOn", ".Periods[].StopStatus",
		".Periods[].StopEventID", ".Periods[].Admitted", ".Periods[].Nullified", ".Periods[].TransferredOut",
		".Periods[].HasActivity",
		".Entries[].DecidedOn", ".Entries[].ListType", ".Entries[].Priority", ".Entries[].PriorityFrom",
		".Entries[].ProcedureCode", ".Entries[].ExpectedMinutes", ".Entries[].Open", ".Entries[].ClosedOn", ".Entries[].EventIDs[]",
		".Offers[].OfferMade.OfferID", ".Offers[].OfferMade.OfferedOn", ".Offers[].OfferMade.AppointmentOn",
		".Offers[].OfferMade.Kind", ".Offers[].OfferMade.ProviderCode", ".Offers[].OfferMade.Reasonable",
		".Offers[].Period", ".Offers[].Status", ".Offers[].AnsweredOn", ".Offers[].EventIDs[]",
		".Unavailable[].From", ".Unavailable[].To", ".Unavailable[].Reason",
		".Bookings[].AdmissionBooked.BookingID", ".Bookings[].AdmissionBooked.AdmissionOn",
		".Bookings[].AdmissionBooked.SessionID", ".Bookings[].AdmissionBooked.BookedOn", ".Bookings[].Cancelled",
		".Bookings[].Cancelation.BookingID", ".Bookings[].Cancelation.CancelledOn", ".Bookings[].Cancelation.CancelledBy",
		".Bookings[].Cancelation.Reason", ".Bookings[].Cancelation.Clinical", ".Bookings[].Cancelation.OnTheDay",
		".Bookings[].EventIDs[]",
		".PreOp*.AssessedOn", ".PreOp*.Outcome", ".PreOp*.ValidUntil*", ".PreOp*.Requirements.HDUBed",
		".PreOp*.Requirements.Kit[]", ".PreOp*.Requirements.Radiology", ".PreOp*.Requirements.AnaesthetistGrade",
		".PreOpEventID",
		".Alerts[].AlertFlagged.FlaggedOn", ".Alerts[].AlertFlagged.Code", ".Alerts[].AlertFlagged.Detail", ".Alerts[].EventID",
		".DNAs[].PatientDidNotAttend.MissedOn", ".DNAs[].PatientDidNotAttend.Kind", ".DNAs[].PatientDidNotAttend.First",
		".DNAs[].PatientDidNotAttend.Discharged", ".DNAs[].StopStatus", ".DNAs[].EventID",
		".Validations[].ValidationRecorded.ValidationID", ".Validations[].ValidationRecorded.ValidatedOn",
		".Validations[].ValidationRecorded.Outcome", ".Validations[].ValidationRecorded.Checks[]",
		".Validations[].ValidationRecorded.Notes", ".Validations[].EventID", ".Validations[].Validator.User",
		".Validations[].Validator.Role", ".Validations[].RecordedAt",
		".LastActivityOn", ".Version",
	}, got, "pathway.State changed: pack and unpack the new field, then update this list")
}

// TestPackMinSizes holds the per-element minimums unpack sizes allocations by to
// what an element really takes: one too high would refuse good input.
func TestPackMinSizes(t *testing.T) {
	grow := func(add func(*pathway.State)) int {
		var s pathway.State
		add(&s)
		before := len(appendPacked(nil, &s, s.PathwayID))
		add(&s)
		return len(appendPacked(nil, &s, s.PathwayID)) - before
	}
	for name, c := range map[string]struct {
		min int
		add func(*pathway.State)
	}{
		"period":      {minPeriod, func(s *pathway.State) { s.Periods = append(s.Periods, pathway.Period{}) }},
		"entry":       {minEntry, func(s *pathway.State) { s.Entries = append(s.Entries, pathway.Entry{}) }},
		"unavailable": {minUnavailable, func(s *pathway.State) { s.Unavailable = append(s.Unavailable, pathway.PatientUnavailable{}) }},
		"dna":         {minDNA, func(s *pathway.State) { s.DNAs = append(s.DNAs, pathway.DNA{}) }},
		"offer":       {minOffer, func(s *pathway.State) { s.Offers = append(s.Offers, pathway.Offer{}) }},
		"booking":     {minBooking, func(s *pathway.State) { s.Bookings = append(s.Bookings, pathway.Booking{}) }},
		"alert":       {minAlert, func(s *pathway.State) { s.Alerts = append(s.Alerts, pathway.Alert{}) }},
		"validation": {minValidation, func(s *pathway.State) {
			s.Validations = append(s.Validations, pathway.Validation{RecordedAt: time.Unix(0, 0).UTC()})
		}},
	} {
		require.Equal(t, c.min, grow(c.add), name)
	}
}

func TestCanonicalUUIDAgreesWithTheUUIDPackage(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		u := uuid.UUID(rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "bytes"))
		s := u.String()
		switch rapid.IntRange(0, 3).Draw(t, "mangle") {
		case 1:
			s = strings.ToUpper(s)
		case 2:
			i := rapid.IntRange(0, len(s)-1).Draw(t, "at")
			s = s[:i] + string(rapid.Byte().Draw(t, "with")) + s[i+1:]
		case 3:
			s = "{" + s[:34] + "}"
		}
		want := false
		p, err := uuid.Parse(s)
		if err == nil && p.String() == s {
			want = true
		}
		parsed, got := canonicalUUID(s)
		require.Equal(t, want, got, "%q", s)
		if got {
			require.Equal(t, p, parsed, "%q", s)
		}
	})
}

func TestUnpackRefusesDamage(t *testing.T) {
	var real []byte
	var key string
	for i := 0; len(real) < 300; i++ {
		h := packHistory(i)
		s := pathway.Fold(h)
		real, key = appendPacked(nil, &s, s.PathwayID), s.PathwayID
	}
	_, err := unpack(real, "")
	require.ErrorIs(t, err, errPacked, "a state packed under its id, unpacked without one")
	for n := range len(real) {
		_, err := unpack(real[:n], key)
		require.ErrorIs(t, err, errPacked, "truncated to %d bytes", n)
	}
	_, err = unpack(append(slices.Clone(real), 0), key)
	require.ErrorIs(t, err, errPacked, "a byte after the state")

	bad := slices.Clone(real)
	bad[0] = packFormat + 1
	_, err = unpack(bad, key)
	require.ErrorIs(t, err, errPacked, "a later format")

	// Every single-byte change either fails or yields a state that packs and
	// unpacks to itself.
	for i := range real {
		for _, x := range []byte{0x00, 0x01, 0x7f, 0x80, 0xff} {
			b := slices.Clone(real)
			b[i] ^= x
			s, err := unpack(b, key)
			if err != nil {
				require.ErrorIs(t, err, errPacked)
				continue
			}
			again, err := unpack(appendPacked(nil, &s, key), key)
			require.NoError(t, err)
			require.Equal(t, s, again)
		}
	}

	// A length prefix far beyond the input is refused before anything is sized by it.
	huge := []byte{packFormat, 0xff, 0xff, 0xff, 0xff, 0x0f, 0}
	_, err = unpack(huge, "")
	require.ErrorIs(t, err, errPacked)
	// Format, two totals, flags, six strings and a date come before the count.
	periods := appendPacked(nil, &pathway.State{Periods: []pathway.Period{}}, "")
	require.Equal(t, byte(1), periods[11], "the periods count of a state with no period")
	manyPeriods := slices.Concat(periods[:11], []byte{0xff, 0xff, 0xff, 0xff, 0x0f}, periods[12:])
	// Bytes, not allocation counts: the race detector adds allocations of its own.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = unpack(manyPeriods, "")
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, errPacked)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10), "a count of 2^32 periods sized nothing")
}

func TestUnpackDoesNotKeepItsInput(t *testing.T) {
	s := pathway.Fold(packHistory(1))
	b := appendPacked(nil, &s, s.PathwayID)
	got, err := unpack(b, s.PathwayID)
	require.NoError(t, err)
	clear(b)
	require.Equal(t, s.WithoutHistory(), got)
}

func TestPackRoundTripsAnyState(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pool := []string{"evt-1", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "6BA7B810-9DAD-11D1-80B4-00C04FD430C8", "Ñandú"}
		str := func(label string) string {
			switch rapid.IntRange(0, 6).Draw(t, label+".kind") {
			case 0:
				return ""
			case 1:
				return rapid.SampledFrom(packIntern[:]).Draw(t, label)
			case 2:
				return uuid.UUID(rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, label)).String()
			case 3:
				return strings.ToUpper(uuid.UUID(rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, label)).String())
			case 4:
				return rapid.String().Draw(t, label)
			case 5:
				return string(rapid.SliceOf(rapid.Byte()).Draw(t, label))
			}
			return rapid.SampledFrom(pool).Draw(t, label)
		}
		strs := func(label string) []string {
			switch rapid.IntRange(0, 2).Draw(t, label+".shape") {
			case 0:
				return nil
			case 1:
				return []string{}
			}
			xs := make([]string, rapid.IntRange(1, 4).Draw(t, label+".n"))
			for i := range xs {
				xs[i] = str(label)
			}
			return xs
		}
		date := func(label string) rtt.Date {
			switch rapid.IntRange(0, 2).Draw(t, label+".kind") {
			case 0:
				return rtt.Date{}
			case 1:
				return rtt.Date{}.AddDays(int(rapid.Int32().Draw(t, label)))
			}
			return packEpoch.AddDays(rapid.IntRange(-4000, 4000).Draw(t, label))
		}
		datePtr := func(label string) *rtt.Date {
			if rapid.Bool().Draw(t, label+".set") {
				d := date(label)
				return &d
			}
			return nil
		}
		instant := func(label string) time.Time {
			switch rapid.IntRange(0, 2).Draw(t, label+".kind") {
			case 0:
				return time.Time{}
			case 1:
				return time.Unix(rapid.Int64Range(-1e12, 1e12).Draw(t, label+".s"), rapid.Int64Range(0, 1e9-1).Draw(t, label+".ns")).UTC()
			}
			return time.UnixMicro(rapid.Int64Range(1.5e15, 2e15).Draw(t, label)).UTC()
		}
		slice := func(label string) int {
			return rapid.IntRange(-1, 3).Draw(t, label) // -1: nil
		}
		mk := func(label string) bool { return rapid.Bool().Draw(t, label) }
		n := func(label string) int { return rapid.Int().Draw(t, label) }

		s := pathway.State{
			Exists: mk("exists"), PathwayID: str("pathway"),
			Patient:       pathway.Patient{NHSNumber: str("nhs"), FamilyName: str("family"), GivenName: str("given"), BirthDate: datePtr("born")},
			SpecialtyCode: str("specialty"), ReferralPriority: str("priority"), Source: str("source"),
			ReceivedOn: date("received"), ReferralEventID: str("referral"), Closed: mk("closed"), ClosedReason: str("reason"),
			PreOpEventID: str("preop.id"), LastActivityOn: date("last"), Version: rapid.Int64().Draw(t, "version"),
		}
		if k := slice("periods"); k >= 0 {
			s.Periods = make([]pathway.Period, k)
			for i := range s.Periods {
				s.Periods[i] = pathway.Period{StartedOn: date("p.start"), OriginalStartOn: date("p.orig"), StartStatus: str("p.ss"),
					StartEventID: str("p.sid"), CorrectionIDs: strs("p.corr"), Stopped: mk("p.stopped"), StoppedOn: date("p.stop"),
					StopStatus: str("p.st"), StopEventID: str("p.stid"), Admitted: mk("p.adm"), Nullified: mk("p.null"),
					TransferredOut: mk("p.out"), HasActivity: mk("p.act")}
			}
		}
		if k := slice("entries"); k >= 0 {
			s.Entries = make([]pathway.Entry, k)
			for i := range s.Entries {
				s.Entries[i] = pathway.Entry{DecidedOn: date("e.dec"), ListType: str("e.lt"), Priority: rtt.Priority(str("e.pr")),
					PriorityFrom: date("e.from"), ProcedureCode: str("e.opcs"), ExpectedMinutes: n("e.min"), Open: mk("e.open"),
					ClosedOn: date("e.closed"), EventIDs: strs("e.ids")}
			}
		}
		if k := slice("offers"); k >= 0 {
			s.Offers = make([]pathway.Offer, k)
			for i := range s.Offers {
				s.Offers[i] = pathway.Offer{OfferMade: pathway.OfferMade{OfferID: str("o.id"), OfferedOn: date("o.on"),
					AppointmentOn: date("o.appt"), Kind: str("o.kind"), ProviderCode: str("o.prov"), Reasonable: mk("o.reas")},
					Period: n("o.period"), Status: str("o.status"), AnsweredOn: date("o.ans"), EventIDs: strs("o.ids")}
			}
		}
		if k := slice("unavailable"); k >= 0 {
			s.Unavailable = make([]pathway.PatientUnavailable, k)
			for i := range s.Unavailable {
				s.Unavailable[i] = pathway.PatientUnavailable{From: date("u.from"), To: date("u.to"), Reason: str("u.reason")}
			}
		}
		if k := slice("bookings"); k >= 0 {
			s.Bookings = make([]pathway.Booking, k)
			for i := range s.Bookings {
				s.Bookings[i] = pathway.Booking{AdmissionBooked: pathway.AdmissionBooked{BookingID: str("b.id"), AdmissionOn: date("b.adm"),
					SessionID: str("b.sess"), BookedOn: date("b.on")}, Cancelled: mk("b.canc"),
					Cancelation: pathway.BookingCancelled{BookingID: str("c.id"), CancelledOn: date("c.on"), CancelledBy: str("c.by"),
						Reason: str("c.reason"), Clinical: mk("c.clin"), OnTheDay: mk("c.day")}, EventIDs: strs("b.ids")}
			}
		}
		if mk("preop") {
			s.PreOp = &pathway.PreOpAssessmentCompleted{AssessedOn: date("pre.on"), Outcome: str("pre.outcome"), ValidUntil: datePtr("pre.valid"),
				Requirements: pathway.Requirements{HDUBed: mk("pre.hdu"), Kit: strs("pre.kit"), Radiology: mk("pre.rad"), AnaesthetistGrade: str("pre.grade")}}
		}
		if k := slice("alerts"); k >= 0 {
			s.Alerts = make([]pathway.Alert, k)
			for i := range s.Alerts {
				s.Alerts[i] = pathway.Alert{AlertFlagged: pathway.AlertFlagged{FlaggedOn: date("a.on"), Code: str("a.code"), Detail: str("a.detail")}, EventID: str("a.id")}
			}
		}
		if k := slice("dnas"); k >= 0 {
			s.DNAs = make([]pathway.DNA, k)
			for i := range s.DNAs {
				s.DNAs[i] = pathway.DNA{PatientDidNotAttend: pathway.PatientDidNotAttend{MissedOn: date("d.on"), Kind: str("d.kind"),
					First: mk("d.first"), Discharged: mk("d.dis")}, StopStatus: str("d.stop"), EventID: str("d.id")}
			}
		}
		if k := slice("validations"); k >= 0 {
			s.Validations = make([]pathway.Validation, k)
			for i := range s.Validations {
				s.Validations[i] = pathway.Validation{ValidationRecorded: pathway.ValidationRecorded{ValidationID: str("v.id"),
					ValidatedOn: date("v.on"), Outcome: str("v.outcome"), Checks: strs("v.checks"), Notes: str("v.notes")},
					EventID: str("v.eid"), Validator: pathway.Actor{User: str("v.user"), Role: str("v.role")}, RecordedAt: instant("v.at")}
			}
		}
		roundTrip(t, s)
	})
}

// openStates are the open pathways (a running clock) of the generated trust, as
// the model holds them.
func openStates(tb testing.TB) []pathway.State {
	tb.Helper()
	var out []pathway.State
	for i := range packTrust.Pathways {
		s := pathway.Fold(packHistory(i)).WithoutHistory()
		if s.Exists && s.Running() != nil {
			out = append(out, s)
		}
	}
	require.NotEmpty(tb, out)
	return out
}

func packedSizes(states []pathway.State) (avg float64, p95 int) {
	sizes := make([]int, len(states))
	total := 0
	for i := range states {
		sizes[i] = len(appendPacked(nil, &states[i], states[i].PathwayID))
		total += sizes[i]
	}
	slices.Sort(sizes)
	return float64(total) / float64(len(sizes)), sizes[len(sizes)*95/100]
}

// TestPackedSizeOfOpenPathways keeps the encoding well inside the model's budget of
// 1 KiB resident per open pathway.
func TestPackedSizeOfOpenPathways(t *testing.T) {
	states := openStates(t)
	avg, p95 := packedSizes(states)
	t.Logf("%d open pathways: packed %.1f bytes on average, p95 %d", len(states), avg, p95)
	require.Less(t, avg, 256.0)
	require.Less(t, p95, 384)
}

// BenchmarkPackUnpack: per open pathway of the generated trust, bytes packed, and
// the time and allocations to pack and to unpack one.
func BenchmarkPackUnpack(b *testing.B) {
	states := openStates(b)
	avg, p95 := packedSizes(states)
	packed := make([][]byte, len(states))
	for i := range states {
		packed[i] = appendPacked(nil, &states[i], states[i].PathwayID)
	}
	b.Run("pack", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for i := 0; b.Loop(); i++ {
			buf = appendPacked(buf[:0], &states[i%len(states)], states[i%len(states)].PathwayID)
		}
		b.ReportMetric(avg, "bytes/state")
		b.ReportMetric(float64(p95), "p95-bytes/state")
	})
	b.Run("unpack", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := unpack(packed[i%len(packed)], states[i%len(states)].PathwayID); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(avg, "bytes/state")
	})
}

// BenchmarkPack and BenchmarkUnpack: the final states of 300 generated pathways, as
// a replay in date order packs and unpacks them when they leave and rejoin the
// recent list.
func BenchmarkPack(b *testing.B) {
	states := benchStates(b)
	var buf []byte
	for i := 0; b.Loop(); i++ {
		buf = appendPacked(buf[:0], &states[i%len(states)], states[i%len(states)].PathwayID)
	}
}

func BenchmarkUnpack(b *testing.B) {
	states := benchStates(b)
	packed := make([][]byte, len(states))
	for i := range states {
		packed[i] = appendPacked(nil, &states[i], states[i].PathwayID)
	}
	for i := 0; b.Loop(); i++ {
		if _, err := unpack(packed[i%len(packed)], states[i%len(states)].PathwayID); err != nil {
			b.Fatal(err)
		}
	}
}

func benchStates(b *testing.B) []pathway.State {
	b.Helper()
	states := make([]pathway.State, 300)
	for i := range states {
		states[i] = pathway.Fold(packHistory(i)).WithoutHistory()
	}
	return states
}
