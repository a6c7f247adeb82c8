package rtt

// MinPublishedCount: median and percentiles are suppressed below 50 pathways, as in
// the published statistics.
const MinPublishedCount = 50

// Median is the published median wait in weeks from one-week band counts: rank
// (N+1)/2 with linear interpolation inside the band (SCENARIOS.md 23).
func Median(bands []int) (float64, bool) {
	n := total(bands)
	return atRank(bands, n, float64(n+1)/2)
}

// BandPercentile is the published p-th percentile (0 < p < 1) in weeks: rank p·N,
// linear interpolation inside the band. ok is false when suppressed (N < 50) or when
// the rank falls in the last band, which is open-ended ("104+", or "52 plus" in
// older tables): the last element of bands is always taken as open-ended.
func BandPercentile(bands []int, p float64) (float64, bool) {
	n := total(bands)
	return atRank(bands, n, p*float64(n))
}

func total(bands []int) int {
	n := 0
	for _, c := range bands {
		n += c
	}
	return n
}

// atRank finds the band holding the rank-th pathway and interpolates: band k covers
// weeks k to k+1, so the answer is k + (rank − pathways below band k) / count in k.
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
