package pull

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/pantau-koperasi/pantau/ingest"
	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/fields"
)

// Mapping turns one record of a source's JSON into the same Input a spreadsheet row becomes, so the
// validation, provenance and quarantine after it are the spreadsheet's own (ingest.Process).
type Mapping struct {
	paths map[string][]string // canonical field → path segments
	kali  map[string]*big.Rat
	nilai map[string]map[string]string
}

// NewMapping builds the mapping of a source: [sumber.peta], with every canonical field not named
// there mapped from a top-level key of the same name.
func NewMapping(src *config.Sumber) (*Mapping, error) {
	m := &Mapping{paths: map[string][]string{}, kali: map[string]*big.Rat{}, nilai: map[string]map[string]string{}}
	known := map[string]fields.Field{}
	for _, f := range fields.All() {
		known[f.Name] = f
		m.paths[f.Name] = []string{f.Name}
	}
	for f, p := range src.Peta {
		if _, ok := known[f]; !ok {
			return nil, fmt.Errorf("sumber %q: peta.%s: %q bukan kolom kanonik Pantau", src.Nama, f, f)
		}
		if strings.TrimSpace(p) == "" {
			return nil, fmt.Errorf("sumber %q: peta.%s kosong", src.Nama, f)
		}
		m.paths[f] = splitPath(p)
	}
	for f, k := range src.Kali {
		fd, ok := known[f]
		if !ok {
			return nil, fmt.Errorf("sumber %q: kali.%s: %q bukan kolom kanonik Pantau", src.Nama, f, f)
		}
		if fd.Kind != fields.Money && fd.Kind != fields.Count && fd.Kind != fields.Ratio {
			return nil, fmt.Errorf("sumber %q: kali.%s: hanya untuk kolom angka", src.Nama, f)
		}
		r, ok := new(big.Rat).SetString(strconv.FormatFloat(k, 'f', -1, 64))
		if !ok || r.Sign() <= 0 {
			return nil, fmt.Errorf("sumber %q: kali.%s harus angka lebih dari 0", src.Nama, f)
		}
		m.kali[f] = r
	}
	for f, vm := range src.Nilai {
		if _, ok := known[f]; !ok {
			return nil, fmt.Errorf("sumber %q: nilai.%s: %q bukan kolom kanonik Pantau", src.Nama, f, f)
		}
		low := map[string]string{}
		for k, v := range vm {
			low[strings.ToLower(strings.TrimSpace(k))] = v
		}
		m.nilai[f] = low
	}
	return m, nil
}

// Labels are the paths as the source writes them, shown in quarantine as column_label.
func (m *Mapping) Labels() map[string]string {
	out := make(map[string]string, len(m.paths))
	for f, p := range m.paths {
		out[f] = strings.Join(p, ".")
	}
	return out
}

func splitPath(p string) []string {
	if p == "" {
		return nil
	}
	return strings.Split(p, ".")
}

// Lookup follows a dotted path ("koperasi.nik", "items.0.nilai") through decoded JSON.
func Lookup(v any, path []string) (any, bool) {
	for _, seg := range path {
		switch x := v.(type) {
		case map[string]any:
			n, ok := x[seg]
			if !ok {
				return nil, false
			}
			v = n
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// Decode reads JSON keeping numbers exact (json.Number), refusing trailing data.
func Decode(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("ada data setelah nilai JSON pertama")
	}
	return v, nil
}

// Map turns one record into an Input: mapped fields as text (a JSON number is read literally, a
// string as people write it, "Rp 1.250.000" included), value maps and unit multipliers applied.
// A value of the wrong JSON type (true/false, an object, a list) is a problem of the row; the row is
// quarantined by the shared validator, never dropped silently. sheet and row are the row's
// provenance (page, 1-based position in the page).
func (m *Mapping) Map(rec any, sheet string, row int) ingest.Input {
	in := ingest.Input{Sheet: sheet, Row: row, Text: map[string]string{}, Machine: map[string]bool{}, Cells: map[string]string{}}
	obj, ok := rec.(map[string]any)
	if !ok {
		in.Problems = append(in.Problems, ingest.Problem{Reason: fmt.Sprintf("rekaman harus objek JSON, bukan %s", jsonType(rec)), Code: "tipe_salah", Value: clip(compact(rec))})
		in.Cells["$"] = clip(compact(rec))
		return in
	}
	flatten("", obj, in.Cells)
	for _, f := range fields.All() {
		path := m.paths[f.Name]
		v, ok := Lookup(obj, path)
		if !ok || v == nil {
			continue
		}
		label := strings.Join(path, ".")
		var text string
		machine := false
		switch x := v.(type) {
		case string:
			text = x
		case json.Number:
			text, machine = x.String(), true
		default:
			in.Problems = append(in.Problems, ingest.Problem{Column: f.Name, Label: label, Value: clip(compact(v)), Code: "tipe_salah",
				Reason: fmt.Sprintf("%s berisi %s; yang diharapkan teks atau angka", label, jsonType(v))})
			continue
		}
		if vm := m.nilai[f.Name]; vm != nil {
			if to, ok := vm[strings.ToLower(strings.TrimSpace(text))]; ok {
				text, machine = to, false
			}
		}
		if k := m.kali[f.Name]; k != nil && strings.TrimSpace(text) != "" {
			if scaled, ok := scale(text, machine, k); ok {
				text, machine = scaled, true
			} // unreadable numbers pass through unchanged: the validator names them
		}
		in.Text[f.Name] = text
		in.Machine[f.Name] = machine
	}
	return in
}

// scale multiplies a number as written by k exactly, before any rounding, returning machine text
// ("2655640178.00"): 2655640.178 thousand is Rp 2.655.640.178, not the cents of 2655640.18 × 1000.
// A JSON number is read as a number; text keeps the Indonesian reading (and its refusal of ambiguous
// text, which the validator then names).
func scale(text string, machine bool, k *big.Rat) (string, bool) {
	v, err := ingest.ParseExact(text, machine)
	if err != nil {
		return "", false
	}
	return new(big.Rat).Mul(v, k).FloatString(2), true
}

// flatten writes every leaf of a record as path → text: raw.rows keeps the record as received.
func flatten(prefix string, v any, out map[string]string) {
	if len(out) > 2000 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			flatten(join(prefix, k), c, out)
		}
	case []any:
		for i, c := range x {
			flatten(join(prefix, strconv.Itoa(i)), c, out)
		}
	case nil:
		out[prefix] = ""
	case string:
		out[prefix] = x
	default:
		out[prefix] = compact(x)
	}
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// Unmapped lists the leaf paths of records that no field reads, to show what a source sends that
// Pantau ignores.
func (m *Mapping) Unmapped(recs []any, skip ...string) []string {
	used := map[string]bool{}
	for _, p := range m.paths {
		used[strings.Join(p, ".")] = true
	}
	for _, s := range skip {
		used[s] = true
	}
	seen := map[string]bool{}
	for _, r := range recs {
		cells := map[string]string{}
		flatten("", r, cells)
		for p := range cells {
			covered := false
			for u := range used {
				if p == u || strings.HasPrefix(p, u+".") {
					covered = true
					break
				}
			}
			if !covered {
				seen[p] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

func jsonType(v any) string {
	switch v.(type) {
	case map[string]any:
		return "objek JSON"
	case []any:
		return "larik (array) JSON"
	case bool:
		return "nilai true/false"
	case nil:
		return "null"
	case string:
		return "teks"
	case json.Number:
		return "angka"
	}
	return fmt.Sprintf("%T", v)
}
