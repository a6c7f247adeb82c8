package pagefile

import "testing"

// FuzzPages walks any image as a table from any root: a damaged database file gives
// errors, never a panic, a read outside the image or a walk without end.
func FuzzPages(f *testing.F) {
	img := seed(f)
	f.Add(img, uint32(seedRoot), int64(0))
	f.Add(img, uint32(1), int64(-3))
	f.Fuzz(func(t *testing.T, img []byte, root uint32, from int64) {
		file, err := New(img)
		if err != nil {
			return
		}
		c := file.Cursor(root)
		if c.SeekRowid(from) != nil {
			return
		}
		var cols [8]Value
		for range 1 << 16 { // more cells than any image of this size holds
			_, rec, ok, err := c.Next()
			if err != nil || !ok {
				return
			}
			n, err := Columns(rec, cols[:])
			if err != nil {
				continue
			}
			for _, v := range cols[:n] {
				_, _ = v.Int()
			}
		}
		t.Fatalf("a walk of an image of %d bytes did not end", len(img))
	})
}
