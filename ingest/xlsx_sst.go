package ingest

import (
	"fmt"
	"io"
	"unsafe"
)

// sharedStrings is a workbook's shared-string table: every text back to back in one buffer, and the
// offset where each ends. Excel and LibreOffice write each distinct cell text once in
// sharedStrings.xml — 400,000 of them for the 200,000-row benchmark saved by LibreOffice — and held as
// Go strings those were ~15 MB of live heap that the garbage collector's headroom doubled, ~30 MB of a
// load's peak. Here the two buffers are mapped outside the Go heap when they are large (xlsx_mmap_*.go),
// sized from the part's declared size, and a cell's text is copied out (at), so nothing points into
// them when the workbook is closed and they are unmapped.
type sharedStrings struct {
	data    []byte
	ends    []uint32
	release []func()
}

// newSharedStrings makes a table for a part of size bytes: its texts cannot be longer than the XML
// that holds them, nor more numerous than its "<si/>" elements (5 bytes each).
func newSharedStrings(size int64) (*sharedStrings, error) {
	if size < 0 || size > 1<<31 {
		return nil, fmt.Errorf("ukuran %d tidak wajar", size)
	}
	t := &sharedStrings{}
	data, free, err := allocOffHeap(int(size) + 1)
	if err != nil {
		return nil, err
	}
	t.data, t.release = data[:0], append(t.release, free)
	n := int(size)/5 + 1
	raw, free, err := allocOffHeap(n * 4)
	if err != nil {
		t.close()
		return nil, err
	}
	t.release = append(t.release, free)
	t.ends = unsafe.Slice((*uint32)(unsafe.Pointer(&raw[0])), n)[:0]
	return t, nil
}

// add appends one text; the table is full only if the part was longer than it said.
func (t *sharedStrings) add(b []byte) error {
	if len(t.data)+len(b) > cap(t.data) || len(t.ends) == cap(t.ends) {
		return fmt.Errorf("daftar teks bersama lebih panjang dari ukurannya")
	}
	t.data = append(t.data, b...)
	t.ends = append(t.ends, uint32(len(t.data)))
	return nil
}

func (t *sharedStrings) len() int {
	if t == nil {
		return 0
	}
	return len(t.ends)
}

// at returns text i as a new string ("" out of range, as excelize reads an invalid index).
func (t *sharedStrings) at(i int) string {
	if t == nil || i < 0 || i >= len(t.ends) {
		return ""
	}
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return string(t.data[start:t.ends[i]])
}

// close unmaps the buffers; the table reads as empty afterwards.
func (t *sharedStrings) close() {
	if t == nil {
		return
	}
	for _, f := range t.release {
		f()
	}
	t.data, t.ends, t.release = nil, nil, nil
}

// sharedStringsOf builds a table from texts (tests).
func sharedStringsOf(texts ...string) *sharedStrings {
	size := 0
	for _, s := range texts {
		size += len(s) + 5
	}
	t, err := newSharedStrings(int64(size))
	if err != nil {
		panic(err)
	}
	for _, s := range texts {
		if err := t.add([]byte(s)); err != nil {
			panic(err)
		}
	}
	return t
}

// readSharedStringsInto parses <sst> from r into t (see parseSharedStrings for what a text is).
func readSharedStringsInto(r io.Reader, budget int64, t *sharedStrings) error {
	return scanSharedStrings(r, budget, t.add)
}
