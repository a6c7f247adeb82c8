package pathway

// knownValues are the values of the closed vocabularies nearly every event carries
// (statuses, kinds, list types, priorities, sources, outcomes, specialty codes): a
// decoded event takes the shared copy instead of allocating its own, which keeps
// a projection rebuild's garbage down. Anything else is copied as before.
var knownValues = []string{
	"10", "11", "12", "20", "21", "30", "31", "32", "33", "34", "35", "36", "90", "91", "92", "98", "99",
	"outpatient_first", "outpatient_follow_up", "admission", "day_case", "diagnostic", "administrative",
	"attended", "did_not_attend", "inpatient", "endoscopy", "planned", "outpatient",
	"P1a", "P1b", "P2", "P3", "P4", "routine", "urgent", "two_week_wait",
	"gp", "consultant", "self", "transfer_in", "other", "hospital", "patient",
	"fit", "unfit", "review", "confirmed", "corrected", "escalated", "any",
	"100", "101", "110", "120", "130", "140", "150", "160", "170", "300", "301", "320", "330", "340",
	"400", "410", "430", "502", "X02", "X03", "X04", "X05", "X06",
}

// knownMax bounds the values looked up: ids and free text are longer.
const knownMax = 24

// knownSlots is a table of the known values by knownHash, open-addressed: a
// lookup hashes three bytes and compares one or two strings, where a map's
// lookup (hashing the whole value) was a twelfth of decoding an event.
var knownSlots = func() (t [256]string) {
	for _, v := range knownValues {
		if len(v) == 0 || len(v) > knownMax {
			panic("pathway: known value " + v + " is empty or too long")
		}
		i := knownHash(v)
		for t[i] != "" {
			i++ // a uint8 wraps around the 256 slots
		}
		t[i] = v
	}
	return t
}()

func knownHash[S string | []byte](b S) uint8 {
	n := len(b)
	return uint8(n*31) ^ b[0]*7 ^ b[n-1]*13 ^ b[n/2]
}

// known returns the shared copy of b when it is one of the known values.
func known(b []byte) (string, bool) {
	if len(b) == 0 || len(b) > knownMax {
		return "", false
	}
	for i := knownHash(b); knownSlots[i] != ""; i++ {
		if knownSlots[i] == string(b) {
			return knownSlots[i], true
		}
	}
	return "", false
}
