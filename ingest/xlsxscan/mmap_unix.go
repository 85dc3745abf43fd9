//go:build unix

package xlsxscan

import "syscall"

// offHeapMin is the size from which a buffer is mapped rather than allocated on the Go heap.
const offHeapMin = 1 << 20

// allocOffHeap returns n zeroed bytes outside the Go heap (an anonymous private mapping: pages count
// toward memory only once written) and the function that unmaps them; small buffers come from the Go
// heap.
func allocOffHeap(n int) ([]byte, func(), error) {
	if n < offHeapMin {
		return make([]byte, n), func() {}, nil
	}
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil, nil, err
	}
	return b, func() { syscall.Munmap(b) }, nil
}
