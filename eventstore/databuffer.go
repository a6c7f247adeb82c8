package eventstore

import "sync"

// DataBlockSize is the size of a DataBuffer's blocks: the largest small-object size
// class, beyond which Go's allocator takes its slow path. An engine gives a
// document larger than a quarter of a block memory of its own.
const DataBlockSize = 32 << 10

// DataBuffer is memory a FoldReader reads events' Data into, used again for a later
// page once nothing reads the Data read into it (Reset). Blocks are handed out under
// a lock, so that an engine may read a page in parts at once.
type DataBuffer struct {
	mu     sync.Mutex
	blocks [][]byte
	used   int
}

// Block returns an empty block with room for DataBlockSize bytes, its own until
// Reset. The caller appends to it within that room and takes another when it is
// full.
func (b *DataBuffer) Block() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used == len(b.blocks) {
		b.blocks = append(b.blocks, make([]byte, 0, DataBlockSize))
	}
	blk := b.blocks[b.used][:0:DataBlockSize]
	b.used++
	return blk
}

// Reset makes every block free to be handed out again: call it only when nothing
// reads the Data read into them any more.
func (b *DataBuffer) Reset() {
	b.mu.Lock()
	b.used = 0
	b.mu.Unlock()
}
