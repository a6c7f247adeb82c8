package importer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/generator"
	"github.com/pathway-ledger/ledger/rtt"
)

const (
	referralLine = `{"kind":"event","stream":"pathway-7b7c86c6-b7d9-540b-9822-016c9ff32fcd","event":{"event_id":"59edd35a-e5a9-5e3f-99be-8df0194a0c72","type":"ReferralReceived","schema_version":1,"occurred_on":"2025-03-28","actor":{"user":"generator","role":"admin"},"data":{"pathway_id":"7b7c86c6-b7d9-540b-9822-016c9ff32fcd","patient":{"nhs_number":"9990000018","birth_date":"1950-05-01"},"specialty_code":"110","referral_received_on":"2025-03-28","clock_start_on":"2025-03-28","referral_priority":"routine","source":"gp"}}}`
	activityLine = `{"kind":"event","stream":"pathway-7b7c86c6-b7d9-540b-9822-016c9ff32fcd","event":{"event_id":"5081a61a-180d-51c5-87d1-08258f5a36d5","type":"ActivityRecorded","schema_version":1,"occurred_on":"2025-05-12","actor":{"user":"generator","role":"admin"},"data":{"occurred_on":"2025-05-12","kind":"outpatient_first","rtt_status":"20","attendance":"attended"}}}`
	commandLine  = `{"kind":"command","route":"/v1/pathways","body":{"patient":{"nhs_number":"9434765919"},"specialty_code":"110","referral_received_on":"2025-01-06"}}`
)

type collected struct {
	lines []int
	recs  []Record
}

func (c *collected) fn(line int, rec Record) error {
	c.lines = append(c.lines, line)
	c.recs = append(c.recs, rec)
	return nil
}

func TestReadNDJSONValid(t *testing.T) {
	data := referralLine + "\r\n\n  \n" + activityLine + "\n" + commandLine // last line without a line end
	var got collected
	require.NoError(t, ReadNDJSON(strings.NewReader(data), got.fn))
	assert.Equal(t, []int{1, 4, 5}, got.lines)
	ev := got.recs[0]
	assert.Equal(t, KindEvent, ev.Kind)
	assert.Equal(t, "pathway-7b7c86c6-b7d9-540b-9822-016c9ff32fcd", ev.Stream)
	require.NotNil(t, ev.Event)
	ed := ev.Event.EventData()
	assert.Equal(t, "59edd35a-e5a9-5e3f-99be-8df0194a0c72", ed.EventID)
	assert.Equal(t, "ReferralReceived", ed.Type)
	assert.Equal(t, 1, ed.SchemaVersion)
	assert.Equal(t, "2025-03-28", ed.OccurredOn)
	assert.Equal(t, eventstore.Actor{User: "generator", Role: "admin"}, ed.Actor)
	assert.Contains(t, string(ed.Data), `"specialty_code":"110"`)
	cmd := got.recs[2]
	assert.Equal(t, KindCommand, cmd.Kind)
	assert.Equal(t, "/v1/pathways", cmd.Route)
	assert.Nil(t, cmd.Event)
	assert.JSONEq(t, `{"patient":{"nhs_number":"9434765919"},"specialty_code":"110","referral_received_on":"2025-01-06"}`, string(cmd.Body))
}

// The generator's NDJSON is an import file: every line of it must be accepted.
func TestReadNDJSONAcceptsGeneratorOutput(t *testing.T) {
	var buf bytes.Buffer
	st, err := generator.ToNDJSON(generator.Config{Pathways: 40, Seed: 7, Today: rtt.MustParseDate("2025-06-01"), HistoryDays: 400, SessionWeeks: 1}, &buf)
	require.NoError(t, err)
	require.Greater(t, st.Events, 40)
	var got collected
	require.NoError(t, ReadNDJSON(&buf, got.fn))
	assert.Len(t, got.recs, st.Events)
	streams := map[string]bool{}
	for _, r := range got.recs {
		streams[r.Stream] = true
	}
	assert.Len(t, streams, st.Pathways+st.Sessions)
}

func TestCommandKey(t *testing.T) {
	a := Record{Kind: KindCommand, Route: "/v1/pathways", Body: []byte(`{"a": 1, "b": [1, 2]}`)}
	b := Record{Kind: KindCommand, Route: "/v1/pathways", Body: []byte(`{"a":1,"b":[1,2]}`)}
	c := Record{Kind: KindCommand, Route: "/v1/sessions", Body: []byte(`{"a":1,"b":[1,2]}`)}
	assert.Equal(t, a.CommandKey(), b.CommandKey(), "layout does not change the key")
	assert.NotEqual(t, b.CommandKey(), c.CommandKey())
	assert.Len(t, a.CommandKey(), 36)
}

func TestKnownCommandRoute(t *testing.T) {
	for _, r := range []string{"/v1/pathways", "/v1/pathways/7b7c86c6-b7d9-540b-9822-016c9ff32fcd/activities",
		"/v1/pathways/p1/offers/o-1/decline", "/v1/pathways/p1/bookings/b1/cancellations", "/v1/sessions/s1/bookings/p1/removal",
		"/v1/pathways/p1/pre-op-assessments", "/v1/sessions/s1/finalisation"} {
		assert.True(t, knownCommandRoute(r), r)
	}
	for _, r := range []string{"", "/v1/pathways/", "/v1/pathways/p1", "/v1/pathways/p1/events", "/v1/pathways?x=1",
		"/v1/pathways/p%2F1/activities", "v1/pathways", "/v1/pathways/p1/offers//accept", "/v1/waiting-list",
		"/v1/pathways/../activities", "/v1/pathways/./activities"} {
		assert.False(t, knownCommandRoute(r), r)
	}
}

func TestReadNDJSONRefusals(t *testing.T) {
	edit := func(old, new string) string {
		require.Contains(t, referralLine, old)
		return strings.Replace(referralLine, old, new, 1)
	}
	cases := []struct {
		name, line, field, rule string
	}{
		{"not JSON", `{"kind":`, "(line)", RuleBadJSON},
		{"array", `[1,2]`, "(line)", RuleBadJSON},
		{"two values", commandLine + ` {}`, "(line)", RuleBadJSON},
		{"kind missing", `{"route":"/v1/pathways","body":{}}`, "kind", RuleRequired},
		{"kind in capitals is not kind", `{"KIND":"command","route":"/v1/pathways","body":{}}`, "kind", RuleRequired},
		{"kind not a string", `{"kind":1}`, "kind", RuleBadFormat},
		{"kind unknown", `{"kind":"query","route":"/v1/pathways","body":{}}`, "kind", RuleUnknownCode},
		{"command with a stream", `{"kind":"command","route":"/v1/pathways","body":{},"stream":"pathway-x"}`, "stream", RuleUnknownField},
		{"extra field", `{"kind":"command","route":"/v1/pathways","body":{},"note":"x"}`, "note", RuleUnknownField},
		{"empty key", `{"kind":"command","route":"/v1/pathways","body":{},"":1}`, "(empty key)", RuleUnknownField},
		{"route missing", `{"kind":"command","body":{}}`, "route", RuleRequired},
		{"route unknown", `{"kind":"command","route":"/v1/pathways/p1/explode","body":{}}`, "route", RuleUnknownRoute},
		{"body missing", `{"kind":"command","route":"/v1/pathways"}`, "body", RuleRequired},
		{"body null", `{"kind":"command","route":"/v1/pathways","body":null}`, "body", RuleRequired},
		{"body array", `{"kind":"command","route":"/v1/pathways","body":[]}`, "body", RuleRequired},
		{"event with a route", edit(`"kind":"event",`, `"kind":"event","route":"/v1/pathways",`), "route", RuleUnknownField},
		{"stream missing", edit(`"stream":"pathway-7b7c86c6-b7d9-540b-9822-016c9ff32fcd",`, ``), "stream", RuleRequired},
		{"stream not a uuid", edit(`"stream":"pathway-7b7c86c6-b7d9-540b-9822-016c9ff32fcd"`, `"stream":"pathway-42"`), "stream", RuleBadFormat},
		{"stream upper-case uuid", edit(`"stream":"pathway-7b7c86c6-b7d9-540b-9822-016c9ff32fcd"`, `"stream":"pathway-7B7C86C6-B7D9-540B-9822-016C9FF32FCD"`), "stream", RuleBadFormat},
		{"stream of another kind", edit(`"stream":"pathway-`, `"stream":"$all-`), "stream", RuleBadFormat},
		{"event missing", `{"kind":"event","stream":"pathway-7b7c86c6-b7d9-540b-9822-016c9ff32fcd"}`, "event", RuleRequired},
		{"event not an object", `{"kind":"event","stream":"pathway-7b7c86c6-b7d9-540b-9822-016c9ff32fcd","event":[]}`, "event", RuleBadFormat},
		{"store-assigned field", edit(`"type":`, `"position":12,"type":`), "event.position", RuleUnknownField},
		{"actor field unknown", edit(`"role":"admin"`, `"role":"admin","team":"x"`), "event.actor.team", RuleUnknownField},
		{"schema version a string", edit(`"schema_version":1`, `"schema_version":"1"`), "event.schema_version", RuleBadFormat},
		{"event id not a uuid", edit(`"event_id":"59edd35a-e5a9-5e3f-99be-8df0194a0c72"`, `"event_id":"evt-1"`), "event.event_id", RuleBadFormat},
		{"event id missing", edit(`"event_id":"59edd35a-e5a9-5e3f-99be-8df0194a0c72",`, ``), "event.event_id", RuleBadFormat},
		{"occurred on bad", edit(`"occurred_on":"2025-03-28","actor"`, `"occurred_on":"28/03/2025","actor"`), "event.occurred_on", RuleBadFormat},
		{"unknown type", edit(`"type":"ReferralReceived"`, `"type":"ReferralRecieved"`), "event.type", RuleUnknownEvent},
		{"session type on a pathway stream", edit(`"type":"ReferralReceived"`, `"type":"SessionPlanned"`), "event.type", RuleUnknownEvent},
		{"schema version unsupported", edit(`"schema_version":1`, `"schema_version":2`), "event.data", RuleBadFormat},
		{"data field unknown", edit(`"source":"gp"`, `"source":"gp","ward":"7"`), "event.data", RuleBadFormat},
		{"data date bad", edit(`"birth_date":"1950-05-01"`, `"birth_date":"1950-02-30"`), "event.data", RuleBadFormat},
		{"data beside data", edit(`"data":{`, `"data":"x","d":{`), "event.d", RuleUnknownField},
		{"data not an object", `{"kind":"event","stream":"pathway-7b7c86c6-b7d9-540b-9822-016c9ff32fcd","event":{"event_id":"5081a61a-180d-51c5-87d1-08258f5a36d5","type":"ActivityRecorded","schema_version":1,"occurred_on":"2025-05-12","actor":{"user":"u","role":"r"},"data":"x"}}`, "event.data", RuleBadFormat},
		{"referral for another pathway", edit(`"data":{"pathway_id":"7b7c86c6`, `"data":{"pathway_id":"0b7c86c6`), "event.data.pathway_id", RuleStreamMismatch},
		{"occurred on differs from data", edit(`"occurred_on":"2025-03-28","actor"`, `"occurred_on":"2025-03-29","actor"`), "event.occurred_on", RuleOccurredMismatch},
		// What Decide would refuse in a command is refused in an event too.
		{"specialty not a treatment function code", edit(`"specialty_code":"110"`, `"specialty_code":"Z01"`), "event.data.specialty_code", RuleUnknownCode},
		{"NHS number check digit", edit(`"nhs_number":"9990000018"`, `"nhs_number":"9990000019"`), "event.data.patient.nhs_number", RuleInvalidNHSNumber},
		{"referral source unknown", edit(`"source":"gp"`, `"source":"fax"`), "event.data.source", RuleUnknownCode},
		{"RTT status not national", strings.Replace(activityLine, `"rtt_status":"20"`, `"rtt_status":"S001"`, 1), "event.data.rtt_status", RuleUnknownCode},
		{"session event for another session", `{"kind":"event","stream":"session-7583cc7b-f270-5d28-8473-9c96b1f8be9a","event":{"event_id":"3f1d29a7-c935-5e0f-8128-a715e2440cd3","type":"SessionMilestoneReached","schema_version":1,"occurred_on":"2026-11-24","actor":{"user":"generator","role":"admin"},"data":{"session_id":"0583cc7b-f270-5d28-8473-9c96b1f8be9a","milestone":"confirm","reached_on":"2026-11-24","fill_level":0}}}`,
			"event.data.session_id", RuleStreamMismatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got collected
			err := ReadNDJSON(strings.NewReader(activityLine+"\n"+c.line+"\n"+activityLine+"\n"), got.fn)
			var re *RefusedError
			require.ErrorAs(t, err, &re)
			require.Len(t, re.Refusals, 1, "%v", re.Refusals)
			r := re.Refusals[0]
			assert.Equal(t, 2, r.Line)
			assert.Equal(t, c.field, r.Field)
			assert.Equal(t, c.rule, r.Rule)
			assert.NotEmpty(t, r.Detail)
			assert.Equal(t, []int{1, 3}, got.lines, "the lines around a refused line are still read")
			for _, secret := range []string{"9990000018", "1950-02-30", "1950-05-01"} {
				assert.NotContains(t, r.String(), secret)
			}
		})
	}
}

func TestReadNDJSONTruncatedLastLine(t *testing.T) {
	data := activityLine + "\n" + referralLine[:len(referralLine)-20]
	err := ReadNDJSON(strings.NewReader(data), func(int, Record) error { return nil })
	var re *RefusedError
	require.ErrorAs(t, err, &re)
	require.Len(t, re.Refusals, 1)
	assert.Equal(t, 2, re.Refusals[0].Line)
	assert.Equal(t, RuleBadJSON, re.Refusals[0].Rule)
	assert.Contains(t, re.Refusals[0].Detail, "is the file truncated?")
	assert.NotContains(t, re.Refusals[0].Detail, "9990000018")
}

func TestReadNDJSONEncoding(t *testing.T) {
	cases := []struct {
		name   string
		data   []byte
		line   int
		detail string
	}{
		{"UTF-16LE", utf16Bytes(activityLine+"\n", binary.LittleEndian, true), 1, "looks like UTF-16LE"},
		{"Latin-1 in line 2", []byte(activityLine + "\n" + strings.Replace(commandLine, "110", "11\xe9", 1) + "\n"), 2, "looks like Windows-1252 or Latin-1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ReadNDJSON(bytes.NewReader(c.data), func(int, Record) error { return nil })
			var fe *FileError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, RuleNotUTF8, fe.Rule)
			assert.Equal(t, c.line, fe.Line)
			assert.Contains(t, fe.Detail, c.detail)
		})
	}
}

func TestReadNDJSONLineTooLong(t *testing.T) {
	huge := `{"kind":"command","route":"/v1/pathways","body":{"x":"` + strings.Repeat("a", MaxNDJSONLine) + `"}}`
	var got collected
	err := ReadNDJSON(strings.NewReader(huge+"\n"+commandLine+"\n"), got.fn)
	var re *RefusedError
	require.ErrorAs(t, err, &re)
	require.Len(t, re.Refusals, 1)
	assert.Equal(t, Refusal{Line: 1, Field: "(line)", Rule: RuleLineTooLong, Detail: "is longer than 4259840 bytes"}, re.Refusals[0])
	assert.Equal(t, []int{2}, got.lines)
}

func TestReadNDJSONStopsOnCallbackError(t *testing.T) {
	boom := errors.New("store closed")
	calls := 0
	err := ReadNDJSON(strings.NewReader(activityLine+"\n"+activityLine+"\n"+activityLine+"\n"), func(line int, _ Record) error {
		calls++
		if line == 2 {
			return boom
		}
		return nil
	})
	require.ErrorIs(t, err, boom)
	assert.EqualError(t, err, "line 2: store closed")
	assert.Equal(t, 2, calls)
}

func TestRefusedErrorReport(t *testing.T) {
	err := ReadNDJSON(strings.NewReader(`{"kind":"x"}`+"\n"+`[]`+"\n"), func(int, Record) error { return nil })
	var re *RefusedError
	require.ErrorAs(t, err, &re)
	var buf bytes.Buffer
	require.NoError(t, re.WriteReport(&buf))
	assert.Equal(t, `NDJSON check: 2 lines refused (nothing from these lines is imported):
line 1: kind: must be "command" or "event" (got "x") [unknown_code]
line 2: (line): must be one JSON object: json: cannot unmarshal array into Go value of type map[string]json.RawMessage [bad_json]
`, buf.String())
	assert.Equal(t, `2 lines refused, first: line 1: kind: must be "command" or "event" (got "x") [unknown_code]`, re.Error())
}

func TestRedactQuoted(t *testing.T) {
	assert.Equal(t, `pathway: decode X: json: unknown field "ward"`, redactQuoted(`pathway: decode X: json: unknown field "ward"`))
	assert.Equal(t, `rtt: date must be a valid calendar date YYYY-MM-DD: "…"`, redactQuoted(`rtt: date must be a valid calendar date YYYY-MM-DD: "1950-02-30"`))
	assert.Equal(t, `a "…" b "…"`, redactQuoted(`a "x\"y" b "9434765919"`))
}

func FuzzReadNDJSON(f *testing.F) {
	for _, s := range []string{referralLine + "\n" + activityLine, commandLine, `{"kind":"event","event":{}}`, "[]\n{}", "\xff\xfe{"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := 0
		err := ReadNDJSON(bytes.NewReader(data), func(line int, rec Record) error {
			if line <= lines {
				t.Fatalf("line %d after %d", line, lines)
			}
			lines = line
			switch rec.Kind {
			case KindCommand:
				if !knownCommandRoute(rec.Route) || len(rec.Body) == 0 || rec.Body[0] != '{' || rec.Event != nil {
					t.Fatalf("bad command passed: %+v", rec)
				}
			case KindEvent:
				if rec.Event == nil {
					t.Fatalf("event without envelope: %+v", rec)
				}
				ed := rec.Event.EventData()
				if err := eventstore.Validate(&ed); err != nil {
					t.Fatalf("invalid event passed: %v", err)
				}
			default:
				t.Fatalf("kind %q passed", rec.Kind)
			}
			return nil
		})
		var re *RefusedError
		var fe *FileError
		switch {
		case err == nil:
		case errors.As(err, &re):
			if len(re.Refusals) == 0 {
				t.Fatal("a refusal error with no refusals")
			}
			for _, r := range re.Refusals {
				if r.Line < 1 || r.Rule == "" || r.Detail == "" {
					t.Fatalf("incomplete refusal %+v", r)
				}
			}
		case errors.As(err, &fe):
		default:
			t.Fatalf("unexpected error %v", err)
		}
	})
}
