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

// slotTable finds a value by a short key in open-addressed slots picked by
// knownHash: a lookup hashes three bytes and compares one or two strings (the
// same memory, where a store reader interned the key), where a map's lookup hashed
// the whole key. The known values and the decoders by event type use it.
type slotTable[V any] struct {
	// 256 slots whatever the size, so that a uint8 index needs no bounds check;
	// mask keeps a small table's keys in its first slots.
	keys [256]string
	vals [256]V
	mask uint8
}

// newSlotTable files each key of keys (with vals[i] when vals is given) in size
// slots, a power of two up to 256 that must leave most of them empty.
func newSlotTable[V any](size int, keys []string, vals []V) *slotTable[V] {
	if size&(size-1) != 0 || size > 256 || 2*len(keys) > size {
		panic("pathway: a slot table needs a power of two up to 256 slots, at least twice its keys")
	}
	t := &slotTable[V]{mask: uint8(size - 1)}
	for n, k := range keys {
		if k == "" {
			panic("pathway: an empty key in a slot table")
		}
		i := knownHash(k) & t.mask
		for t.keys[i] != "" {
			i = (i + 1) & t.mask
		}
		t.keys[i] = k
		if vals != nil {
			t.vals[i] = vals[n]
		}
	}
	return t
}

// find returns the table's own copy of key and its value.
func find[S string | []byte, V any](t *slotTable[V], key S) (string, V, bool) {
	if len(key) > 0 {
		for i := knownHash(key) & t.mask; t.keys[i] != ""; i = (i + 1) & t.mask {
			if t.keys[i] == string(key) {
				return t.keys[i], t.vals[i], true
			}
		}
	}
	var none V
	return "", none, false
}

var knownSlots = func() *slotTable[struct{}] {
	for _, v := range knownValues {
		if len(v) > knownMax {
			panic("pathway: known value " + v + " is too long")
		}
	}
	return newSlotTable[struct{}](256, knownValues, nil)
}()

func knownHash[S string | []byte](b S) uint8 {
	n := len(b)
	return uint8(n*31) ^ b[0]*7 ^ b[n-1]*13 ^ b[n/2]
}

// known returns the shared copy of b when it is one of the known values.
func known(b []byte) (string, bool) {
	if len(b) > knownMax {
		return "", false
	}
	v, _, ok := find(knownSlots, b)
	return v, ok
}
