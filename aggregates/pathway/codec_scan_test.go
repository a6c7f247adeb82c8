package pathway

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Where Decode is stricter than encoding/json: each input is accepted by the
// reference and refused by Decode.
func TestDecodeIsStricterThanEncodingJSON(t *testing.T) {
	cases := []struct{ name, typ, data, err string }{
		{"case-folded name", "OfferAccepted", `{"OFFER_ID":"o"}`, `unknown field "OFFER_ID"`},
		{"repeated name", "OfferAccepted", `{"offer_id":"a","offer_id":"b"}`, `duplicate field "offer_id"`},
		{"repeated name, escaped", "OfferAccepted", `{"offer_id":"a","offer\u005fid":"b"}`, `duplicate field "offer_id"`},
		// Names in Encode's order are matched without a scan; a repeat is still caught
		// after them, after a member that came out of order, and after one skipped.
		{"repeated after the written order", "ActivityRecorded", `{"occurred_on":"2025-01-02","kind":"a","occurred_on":"2025-01-03"}`, `duplicate field "occurred_on"`},
		{"repeated after one out of order", "ActivityRecorded", `{"kind":"a","occurred_on":"2025-01-02","kind":"b"}`, `duplicate field "kind"`},
		{"repeated after one skipped", "ActivityRecorded", `{"rtt_status":"20","rtt_status":"30"}`, `duplicate field "rtt_status"`},
		{"repeated nested name", "ReferralReceived", `{"patient":{"nhs_number":"1","nhs_number":"2"}}`, `patient: duplicate field "nhs_number"`},
		{"null date", "OfferAccepted", `{"offer_id":"o","accepted_on":null}`, "accepted_on: want a JSON string"},
		{"null string", "OfferAccepted", `{"offer_id":null}`, "offer_id: want a JSON string"},
		{"null bool", "ClockStopped", `{"admitted":null}`, "admitted: want true or false"},
		{"null int", "AddedToWaitingList", `{"expected_minutes":null}`, "expected_minutes: want an integer"},
		{"null object", "PreOpAssessmentCompleted", `{"requirements":null}`, "requirements: want a JSON object"},
		{"null in an array", "ValidationRecorded", `{"checks":["a",null]}`, "checks: want a JSON string"},
		{"null event", "OfferAccepted", `null`, "want a JSON object"},
		{"trailing data", "OfferAccepted", `{"offer_id":"o"} x`, "data after the JSON object"},
		{"second object", "OfferAccepted", `{"offer_id":"o"}{}`, "data after the JSON object"},
		{"invalid UTF-8", "OfferAccepted", "{\"offer_id\":\"\xff\"}", "invalid UTF-8"},
		{"encoded surrogate", "OfferAccepted", "{\"offer_id\":\"\xed\xa0\x80\"}", "invalid UTF-8"},
		{"lone surrogate escape", "OfferAccepted", `{"offer_id":"\ud800"}`, "unpaired surrogate"},
		{"reversed surrogates", "OfferAccepted", `{"offer_id":"\udc00\ud800"}`, "unpaired surrogate"},
		{"unknown priority", "PriorityChanged", `{"priority":"P5"}`, "priority: rtt: priority must be one of"},
		{"empty priority", "AddedToWaitingList", `{"priority":""}`, "priority: rtt: priority must be one of"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeReference(c.typ, SchemaVersion, []byte(c.data))
			require.NoError(t, err, "the reference accepts it")
			_, err = Decode(c.typ, SchemaVersion, []byte(c.data))
			require.ErrorContains(t, err, "pathway: decode "+c.typ+": ")
			require.ErrorContains(t, err, c.err)
		})
	}
}

// What both refuse; Decode names the event type and the field.
func TestDecodeRefusesWhatEncodingJSONRefuses(t *testing.T) {
	cases := []struct{ name, typ, data, err string }{
		{"unknown field", "OfferAccepted", `{"offer_id":"o","accepted_on":"2025-02-07","extra":1}`, `json: unknown field "extra"`},
		{"unknown nested field", "ReferralReceived", `{"patient":{"nhs_numbr":"1"}}`, `patient: json: unknown field "nhs_numbr"`},
		{"impossible date", "OfferAccepted", `{"accepted_on":"2025-02-30"}`, `accepted_on: rtt: date must be a valid calendar date YYYY-MM-DD: "2025-02-30"`},
		{"date with a time", "OfferAccepted", `{"accepted_on":"2025-02-07T00:00:00Z"}`, "accepted_on: rtt: date must be"},
		{"optional date", "ActivityRecorded", `{"clinical_decision_on":"25-01-01"}`, "clinical_decision_on: rtt: date must be"},
		{"number for a string", "OfferAccepted", `{"offer_id":1}`, "offer_id: want a JSON string"},
		{"string for a bool", "ClockStopped", `{"admitted":"true"}`, "admitted: want true or false"},
		{"string for an int", "AddedToWaitingList", `{"expected_minutes":"90"}`, "expected_minutes: want an integer"},
		{"fraction", "AddedToWaitingList", `{"expected_minutes":1.5}`, "want an integer"},
		{"exponent", "AddedToWaitingList", `{"expected_minutes":1e2}`, "want an integer"},
		{"int overflow", "AddedToWaitingList", `{"expected_minutes":9223372036854775808}`, "out of range"},
		{"int underflow", "AddedToWaitingList", `{"expected_minutes":-9223372036854775809}`, "out of range"},
		{"leading zero", "AddedToWaitingList", `{"expected_minutes":012}`, "leading zero"},
		{"bare minus", "AddedToWaitingList", `{"expected_minutes":-}`, "want an integer"},
		{"array for a string", "OfferAccepted", `{"offer_id":["o"]}`, "want a JSON string"},
		{"string for an array", "ValidationRecorded", `{"checks":"a"}`, "want an array of strings"},
		{"array of numbers", "ValidationRecorded", `{"checks":[1]}`, "want a JSON string"},
		{"empty", "OfferAccepted", ``, "want a JSON object"},
		{"array event", "OfferAccepted", `[]`, "want a JSON object"},
		{"unterminated object", "OfferAccepted", `{"offer_id":"o"`, "want ',' or '}'"},
		{"trailing comma", "OfferAccepted", `{"offer_id":"o",}`, "want a member name"},
		{"missing colon", "OfferAccepted", `{"offer_id" "o"}`, "want ':'"},
		{"unquoted name", "OfferAccepted", `{offer_id:"o"}`, "want a member name"},
		{"single quotes", "OfferAccepted", `{'offer_id':'o'}`, "want a member name"},
		{"unterminated string", "OfferAccepted", `{"offer_id":"o`, "unterminated string"},
		{"raw control character", "OfferAccepted", "{\"offer_id\":\"a\tb\"}", "control character"},
		{"bad escape", "OfferAccepted", `{"offer_id":"\x41"}`, "invalid escape"},
		{"short \\u escape", "OfferAccepted", `{"offer_id":"\u41"}`, `invalid \u escape`},
		{"literal prefix", "ClockStopped", `{"admitted":tru}`, "want true or false"},
		{"literal suffix", "ClockStopped", `{"admitted":truex}`, "want ',' or '}'"},
		{"array without end", "ValidationRecorded", `{"checks":["a" "b"]}`, "want ',' or ']'"},
		{"byte order mark", "OfferAccepted", "\ufeff{}", "want a JSON object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeReference(c.typ, SchemaVersion, []byte(c.data))
			require.Error(t, err, "the reference refuses it too")
			_, err = Decode(c.typ, SchemaVersion, []byte(c.data))
			require.ErrorContains(t, err, "pathway: decode "+c.typ+": ")
			require.ErrorContains(t, err, c.err)
		})
	}
}

// JSON that Encode would not write but that is valid and means the same decodes as
// the reference decodes it.
func TestDecodeAcceptsEquivalentJSON(t *testing.T) {
	cases := []struct{ name, typ, data string }{
		{"white space", "ClockStopped", " \t\r\n{ \"stopped_on\" : \"2025-03-01\" ,\n\"status\":\"30\", \"admitted\" : true }\n "},
		{"any member order", "ClockStopped", `{"admitted":false,"status":"30","stopped_on":"2025-03-01"}`},
		{"missing members", "ClockStopped", `{"status":"30"}`},
		{"empty object", "ReferralReceived", `{}`},
		{"escaped name", "OfferAccepted", `{"offer\u005Fid":"o"}`},
		{"escapes", "AlertFlagged", `{"detail":"\"\\\/\b\f\n\r\t\u00e9\u2028\ud83d\ude00\u0000"}`},
		{"escaped date", "OfferAccepted", `{"accepted_on":"2025\u002d02-07"}`},
		{"raw UTF-8", "AlertFlagged", `{"detail":"é😀` + "\u2028\ufffd\x7f" + `"}`},
		{"null pointer and slices", "PreOpAssessmentCompleted", `{"valid_until":null,"requirements":{"kit":null}}`},
		{"empty slice", "ValidationRecorded", `{"checks":[]}`},
		{"slice", "ValidationRecorded", `{"checks":[ "a" , "" ,"b"]}`},
		{"negative zero", "AddedToWaitingList", `{"expected_minutes":-0}`},
		{"int extremes", "AddedToWaitingList", `{"expected_minutes":-9223372036854775808}`},
		{"int max", "AddedToWaitingList", `{"expected_minutes":9223372036854775807}`},
		{"nested", "ReferralReceived", `{"patient":{"birth_date":"1950-02-28","given_name":"A","family_name":"B","nhs_number":"1"}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, err := decodeReference(c.typ, SchemaVersion, []byte(c.data))
			require.NoError(t, err)
			got, err := Decode(c.typ, SchemaVersion, []byte(c.data))
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	}
}

func TestDecodeRefusesUnknownTypesAndVersions(t *testing.T) {
	_, err := Decode("Nope", SchemaVersion, []byte(`{}`))
	require.ErrorIs(t, err, ErrUnknownEvent)
	_, err = Decode("OfferAccepted", SchemaVersion+1, []byte(`{}`))
	require.ErrorContains(t, err, "schema version 2 is not supported")
}

// Every stored type has a reader and every reader knows each json tag of its type,
// so nothing Encode writes is refused as unknown; an object never needs more than
// maxMembers names.
func TestDecodeKnowsEveryField(t *testing.T) {
	require.Len(t, decoders, len(referenceTypes))
	for typ, mk := range referenceTypes {
		require.True(t, IsEventType(typ), typ)
		for _, obj := range objectsOf(reflect.TypeOf(mk()).Elem(), "") {
			require.Less(t, len(obj.members), maxMembers, "%s%s", typ, obj.path)
			for _, m := range obj.members {
				data := fmt.Sprintf(`{%s"%s":%s%s}`, obj.open, m.name, m.value, obj.close)
				_, err := Decode(typ, SchemaVersion, []byte(data))
				require.NoError(t, err, "%s %s", typ, data)
			}
		}
	}
}

type objectShape struct {
	path, open, close string
	members           []struct{ name, value string }
}

// objectsOf lists an event type's objects (itself and nested structs) with a valid
// JSON value for each member, from the json tags.
func objectsOf(t reflect.Type, path string) []objectShape {
	obj := objectShape{path: path}
	if path != "" {
		obj.open, obj.close = fmt.Sprintf(`"%s":{`, strings.TrimPrefix(path, ".")), "}"
	}
	var nested []objectShape
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		value := map[string]string{"rtt.Date": `"2025-01-06"`, "*rtt.Date": `"2025-01-06"`, "rtt.Priority": `"P2"`,
			"string": `"x"`, "bool": "true", "int": "1", "[]string": `["x"]`}[f.Type.String()]
		if f.Type.Kind() == reflect.Struct && value == "" {
			value = "{}"
			for _, n := range objectsOf(f.Type, path+"."+name) {
				n.open, n.close = obj.open+n.open, n.close+obj.close
				nested = append(nested, n)
			}
		}
		if value == "" {
			panic("no sample value for " + f.Type.String())
		}
		obj.members = append(obj.members, struct{ name, value string }{name, value})
	}
	return append([]objectShape{obj}, nested...)
}

// The member lists the fast path matches names against are the events' own json
// names, in field order: what Encode (encoding/json) writes.
func TestMembersAreTheEncodedOrder(t *testing.T) {
	m := membersOf[ActivityRecorded]()
	require.Equal(t, []string{`"occurred_on":`, `"kind":`, `"rtt_status":`, `"attendance":`, `"discharged":`,
		`"clinical_decision_on":`, `"patient_agreed":`}, m.quoted)
	for i, q := range m.quoted {
		require.Equal(t, q, `"`+string(m.names[i])+`":`)
	}
	// A member Encode left out is passed over; one before the last matched is not
	// matched, and neither is anything with white space or escapes in it.
	require.Equal(t, 4, m.match([]byte(`"discharged":true}`), 1))
	require.Equal(t, -1, m.match([]byte(`"kind":"a"}`), 2))
	require.Equal(t, -1, m.match([]byte(` "kind":"a"}`), 0))
	require.Equal(t, -1, m.match([]byte(`"kin\u0064":"a"}`), 0))
	require.Equal(t, -1, m.match([]byte(`"kind" :"a"}`), 0))
	require.Equal(t, -1, (*members)(nil).match([]byte(`"kind":"a"}`), 0))
}
