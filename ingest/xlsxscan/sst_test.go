package xlsxscan

import (
	"strings"
	"testing"
)

// The shared-string table, both small (Go heap) and large (mapped outside it): texts come back as
// written, an invalid index reads as "", a part longer than it declared is an error, and a closed
// table reads as empty rather than touching unmapped memory.
func TestSharedStringsTable(t *testing.T) {
	for _, size := range []int64{64, offHeapMin * 2} {
		tab, err := NewSharedStrings(size)
		if err != nil {
			t.Fatal(err)
		}
		long := strings.Repeat("x", 1000)
		for _, s := range []string{"NIK", "", "Koperasi Sejahtera Bersama 1", long} {
			if err := tab.Add([]byte(s)); err != nil && size > 64 {
				t.Fatalf("size %d: add %q: %v", size, s[:min(len(s), 10)], err)
			}
		}
		if size == 64 {
			// 3 + 0 + 28 bytes fit in 64; the 1,000-byte text does not: the part lied about its size.
			if tab.Len() != 3 {
				t.Errorf("small table holds %d texts, want 3", tab.Len())
			}
		} else if tab.Len() != 4 || tab.At(3) != long {
			t.Errorf("large table: %d texts", tab.Len())
		}
		for i, want := range map[int]string{0: "NIK", 1: "", 2: "Koperasi Sejahtera Bersama 1", -1: "", 99: ""} {
			if got := tab.At(i); got != want {
				t.Errorf("size %d: at(%d) = %q, want %q", size, i, got, want)
			}
		}
		first := tab.At(0)
		tab.Close()
		if tab.Len() != 0 || tab.At(0) != "" || first != "NIK" {
			t.Errorf("size %d: after close len %d, at(0) %q; a text taken before %q", size, tab.Len(), tab.At(0), first)
		}
	}
}
