package xlsxscan

import (
	"bytes"
	"fmt"
	"io"
	"unsafe"
)

// SharedStrings is a workbook's shared-string table: every text back to back in one buffer, and the
// offset where each ends. Excel and LibreOffice write each distinct cell text once in
// sharedStrings.xml — 400,000 of them for the 200,000-row benchmark saved by LibreOffice — and held as
// Go strings those were ~15 MB of live heap that the garbage collector's headroom doubled, ~30 MB of a
// load's peak. Here the two buffers are mapped outside the Go heap when they are large (mmap_*.go),
// sized from the part's declared size, and a cell's text is copied out (At), so nothing points into
// them when the workbook is closed and they are unmapped.
type SharedStrings struct {
	data    []byte
	ends    []uint32
	release []func()
}

// NewSharedStrings makes a table for a part of size bytes: its texts cannot be longer than the XML
// that holds them, nor more numerous than its "<si/>" elements (5 bytes each).
func NewSharedStrings(size int64) (*SharedStrings, error) {
	if size < 0 || size > 1<<31 {
		return nil, fmt.Errorf("ukuran %d tidak wajar", size)
	}
	t := &SharedStrings{}
	data, free, err := allocOffHeap(int(size) + 1)
	if err != nil {
		return nil, err
	}
	t.data, t.release = data[:0], append(t.release, free)
	n := int(size)/5 + 1
	raw, free, err := allocOffHeap(n * 4)
	if err != nil {
		t.Close()
		return nil, err
	}
	t.release = append(t.release, free)
	t.ends = unsafe.Slice((*uint32)(unsafe.Pointer(&raw[0])), n)[:0]
	return t, nil
}

// Add appends one text; the table is full only if the part was longer than it said.
func (t *SharedStrings) Add(b []byte) error {
	if len(t.data)+len(b) > cap(t.data) || len(t.ends) == cap(t.ends) {
		return fmt.Errorf("daftar teks bersama lebih panjang dari ukurannya")
	}
	t.data = append(t.data, b...)
	t.ends = append(t.ends, uint32(len(t.data)))
	return nil
}

func (t *SharedStrings) Len() int {
	if t == nil {
		return 0
	}
	return len(t.ends)
}

// At returns text i as a new string ("" out of range, as excelize reads an invalid index).
func (t *SharedStrings) At(i int) string {
	if t == nil || i < 0 || i >= len(t.ends) {
		return ""
	}
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return string(t.data[start:t.ends[i]])
}

// Close unmaps the buffers; the table reads as empty afterwards.
func (t *SharedStrings) Close() {
	if t == nil {
		return
	}
	for _, f := range t.release {
		f()
	}
	t.data, t.ends, t.release = nil, nil, nil
}

// SharedStringsOf builds a table from texts (tests).
func SharedStringsOf(texts ...string) *SharedStrings {
	size := 0
	for _, s := range texts {
		size += len(s) + 5
	}
	t, err := NewSharedStrings(int64(size))
	if err != nil {
		panic(err)
	}
	for _, s := range texts {
		if err := t.Add([]byte(s)); err != nil {
			panic(err)
		}
	}
	return t
}

// ReadSharedStrings parses <sst> from r into t (see ParseSharedStrings for what a text is).
func ReadSharedStrings(r io.Reader, budget int64, t *SharedStrings) error {
	return ScanSharedStrings(r, budget, t.Add)
}

// ParseSharedStrings reads <sst>: one string per <si>, its <t> and rich-text runs concatenated
// (phonetic runs ignored) and _xHHHH_ escapes decoded, as excelize's xlsxSI.String does.
func ParseSharedStrings(r io.Reader, budget int64) ([]string, error) {
	var out []string
	err := ScanSharedStrings(r, budget, func(b []byte) error {
		out = append(out, string(b))
		return nil
	})
	return out, err
}

// ScanSharedStrings passes each text of <sst> to emit (the bytes are reused after it returns).
func ScanSharedStrings(r io.Reader, budget int64, emit func([]byte) error) error {
	s := NewScanner(r)
	var used int64
	var text, runs []byte
	for {
		tk := s.Next()
		switch tk.Kind {
		case EOF:
			return s.err
		case Start:
			if tk.Local != "si" {
				continue // <sst> and anything unexpected: descend
			}
			var str []byte
			if !tk.SelfClose {
				text, runs = text[:0], runs[:0]
				var err error
				text, runs, err = s.RichText(text, runs)
				if err != nil {
					return err
				}
				str = append(text, runs...)
				if bytes.Contains(str, []byte("_x")) {
					str = []byte(DecodeEscapes(string(str)))
				}
			}
			used += int64(len(str)) + 16
			if used > budget {
				return fmt.Errorf("lebih dari %d MB", budget>>20)
			}
			if err := emit(str); err != nil {
				return err
			}
		}
	}
}
