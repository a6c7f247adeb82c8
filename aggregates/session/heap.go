package session

// A binary heap over ranked entries ordered by before: the entry at index 0 is the
// one for which before(x, every other) holds. Written out rather than through
// container/heap to avoid boxing every candidate in an interface.

func siftUp(h []ranked, i int, before func(a, b *ranked) bool) {
	for i > 0 {
		parent := (i - 1) / 2
		if !before(&h[i], &h[parent]) {
			return
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
}

func siftDown(h []ranked, i int, before func(a, b *ranked) bool) {
	for {
		first := i
		l, r := 2*i+1, 2*i+2
		if l < len(h) && before(&h[l], &h[first]) {
			first = l
		}
		if r < len(h) && before(&h[r], &h[first]) {
			first = r
		}
		if first == i {
			return
		}
		h[i], h[first] = h[first], h[i]
		i = first
	}
}

func heapify(h []ranked, before func(a, b *ranked) bool) {
	for i := len(h)/2 - 1; i >= 0; i-- {
		siftDown(h, i, before)
	}
}

func popHeap(h []ranked, before func(a, b *ranked) bool) (ranked, []ranked) {
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	siftDown(h, 0, before)
	return top, h
}
