package ingest

import (
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"
)

// raw.rows cells are JSON written by hand: what a reader of the warehouse decodes must be the cells as
// written, for every kind of text a spreadsheet holds.
func TestCellsJSON(t *testing.T) {
	lay := Layout{Columns: []Column{{Index: 0, Label: "NIK", Field: "nik"}, {Index: 1, Label: `Nama "Koperasi"`, Field: "nama_koperasi"}, {Index: 2, Label: "Catatan"}}}
	cols := newColMap(lay, 0)
	in := &Input{cols: cols, cells: []string{"3276050000000001", "KSP <Maju> & \"Jaya\"\\", "baris1\nbaris2\t\x01", "", "  ", "lebih \xff lebar 😀"}}
	got := map[string]string{}
	b := (&Record{src: in}).appendCellsJSON(nil)
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	want := map[string]string{
		"NIK":             "3276050000000001",
		`Nama "Koperasi"`: "KSP <Maju> & \"Jaya\"\\",
		"Catatan":         "baris1\nbaris2\t\x01",
		"kolom_6":         "lebih \ufffd lebar 😀", // a cell beyond the header, invalid UTF-8 replaced
	}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%q = %q, want %q", k, got[k], v)
		}
	}
	// Two columns with one label, and a header literally named like a generated label: every cell
	// keeps its own key.
	lay2 := Layout{Columns: []Column{{Label: "Nama"}, {Label: "Nama"}, {Label: "kolom_4"}}}
	in2 := &Input{cols: newColMap(lay2, 0), cells: []string{"A", "B", "C", "D"}}
	got2 := map[string]string{}
	want2 := map[string]string{"Nama": "A", "Nama (kolom 2)": "B", "kolom_4": "C", "kolom_4 (kolom 4)": "D"}
	if err := json.Unmarshal((&Record{src: in2}).appendCellsJSON(nil), &got2); err != nil || !reflect.DeepEqual(got2, want2) {
		t.Errorf("repeated labels: %q, %v; want %q", got2, err, want2)
	}
	// An API record: its own map, keys sorted.
	r := &Record{Cells: map[string]string{"b": "2", "a": "1"}}
	if s := string(r.appendCellsJSON(nil)); s != `{"a":"1","b":"2"}` {
		t.Errorf("map cells: %s", s)
	}
}

// Whatever a cell holds, the encoding is valid JSON that decodes to the cell (invalid UTF-8 aside).
func FuzzCellsJSON(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\\", "\x00\x1f", "\xff\xfe", "é😀", "</script>", "\u2028"} {
		f.Add(s, "Label")
	}
	f.Fuzz(func(t *testing.T, v, label string) {
		b := appendJSONString(nil, v)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q → %s: %v", v, b, err)
		}
		if utf8.ValidString(v) && got != v {
			t.Fatalf("%q → %s → %q", v, b, got)
		}
		in := &Input{cols: newColMap(Layout{Columns: []Column{{Label: label}}}, 0), cells: []string{v, v}}
		if !json.Valid((&Record{src: in}).appendCellsJSON(nil)) {
			t.Fatalf("row %q/%q is not valid JSON", label, v)
		}
	})
}

// A header label over two columns (a title cell merged across them, "Keterangan" typed twice) must
// not cost raw.rows a cell (it used to: the second column's value replaced the first's under the one
// label, so the raw layer no longer held what the file said).
func TestCellsJSONKeepsEveryCellOfARepeatedLabel(t *testing.T) {
	lay := Layout{Columns: []Column{{Label: "NIK", Field: "nik"}, {Label: "Ket"}, {Label: "Ket"}}}
	in := &Input{cols: newColMap(lay, 0), cells: []string{"3276050000000001", "Jl. Mawar 1", "Kel. Beji"}}
	got := map[string]string{}
	if err := json.Unmarshal((&Record{src: in}).appendCellsJSON(nil), &got); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range got {
		if v == "Jl. Mawar 1" || v == "Kel. Beji" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("raw.rows cells %q keep %d of the 2 cells under \"Ket\"", got, n)
	}
}
