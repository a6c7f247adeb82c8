package pathway

// knownStrings are values of the closed vocabularies nearly every event carries
// (statuses, kinds, list types, priorities, sources, outcomes, specialty codes): a
// decoded event takes the shared copy instead of allocating its own, which keeps
// a projection rebuild's garbage down. Anything else is copied as before.
var knownStrings = func() map[string]string {
	m := map[string]string{}
	for _, s := range []string{
		"10", "11", "12", "20", "21", "30", "31", "32", "33", "34", "35", "36", "90", "91", "92", "98", "99",
		"outpatient_first", "outpatient_follow_up", "admission", "day_case", "diagnostic", "administrative",
		"attended", "did_not_attend", "inpatient", "endoscopy", "planned", "outpatient",
		"P1a", "P1b", "P2", "P3", "P4", "routine", "urgent", "two_week_wait",
		"gp", "consultant", "self", "transfer_in", "other", "hospital", "patient",
		"fit", "unfit", "review", "confirmed", "corrected", "escalated", "any",
		"100", "101", "110", "120", "130", "140", "150", "160", "170", "300", "301", "320", "330", "340",
		"400", "410", "430", "502", "X02", "X03", "X04", "X05", "X06",
	} {
		m[s] = s
	}
	return m
}()

// knownMax bounds the values looked up: ids and free text are longer.
const knownMax = 24
