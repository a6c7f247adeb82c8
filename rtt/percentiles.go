package rtt

// MinPublishedCount: median and percentiles are suppressed below 50 pathways. The
// April 2015 tables bear this out (published from N = 53, suppressed up to N = 45).
// The March 2026 tables publish from N = 22, so the current threshold is lower; this
// package keeps 50, as the ledger's specification asks.
const MinPublishedCount = 50

// Median is the published median wait in weeks from one-week band counts: rank
// (N+1)/2 with linear interpolation inside the band (SCENARIOS.md 23). bands[k]
// counts waits in "k-(k+1)" weeks; the last element is the open-ended top band.
func Median(bands []int) (float64, bool) {
	n, ok := total(bands)
	if !ok {
		return 0, false
	}
	return atRank(bands, n, float64(n+1)/2)
}

// BandPercentile is the published p-th percentile (0 < p ≤ 1) in weeks: rank p·N,
// linear interpolation inside the band. ok is false when suppressed (N < 50), when a
// count is negative or p is out of range, or when the rank falls in the last band,
// which is open-ended ("104+", or "52 plus" in older tables) and has no upper edge.
func BandPercentile(bands []int, p float64) (float64, bool) {
	n, ok := total(bands)
	if !ok || !(p > 0 && p <= 1) {
		return 0, false
	}
	return atRank(bands, n, p*float64(n))
}

func total(bands []int) (int, bool) {
	n := 0
	for _, c := range bands {
		if c < 0 {
			return 0, false
		}
		n += c
	}
	return n, true
}

// atRank finds the band holding the rank-th pathway and interpolates: band k covers
// weeks k to k+1, so the answer is k + (rank − pathways below band k) / count in k.
// This reproduces every published median and 95th percentile in the April 2015
// sample. A rank that ends exactly on the last pathway of band k gives k+1, the
// band's upper edge, even when empty bands follow (ours: the sample has no such row).
func atRank(bands []int, n int, rank float64) (float64, bool) {
	if n < MinPublishedCount {
		return 0, false
	}
	below := 0
	for k, c := range bands {
		if c > 0 && float64(below+c) >= rank {
			if k == len(bands)-1 {
				return 0, false
			}
			return float64(k) + (rank-float64(below))/float64(c), true
		}
		below += c
	}
	return 0, false
}
