//go:build !race

package pathways

const raceEnabled = false
