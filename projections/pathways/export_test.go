package pathways

// Recycled counts the recs a bulk load has recycled, for the tests that must
// know they exercised it.
func Recycled(m *ReadModel) int { return m.recycled }
