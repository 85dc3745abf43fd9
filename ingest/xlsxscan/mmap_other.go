//go:build !unix

package xlsxscan

// allocOffHeap falls back to the Go heap where anonymous mappings are not available.
func allocOffHeap(n int) ([]byte, func(), error) {
	return make([]byte, n), func() {}, nil
}
