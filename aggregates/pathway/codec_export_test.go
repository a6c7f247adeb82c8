package pathway

import (
	"maps"
	"slices"
)

// DecodeReference and EventTypes serve the external tests, which may import the
// generator (it imports this package).
var DecodeReference = decodeReference

func EventTypes() []string { return slices.Sorted(maps.Keys(referenceTypes)) }
