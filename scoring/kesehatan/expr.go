package kesehatan

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/pantau-koperasi/pantau/internal/fields"
)

// Derived inputs the engine computes beside the canonical fields of mart.laporan (documented in
// scoring/README.md). 0/1 flags are NULL when they cannot be judged yet (the deadline has not passed).
var derived = map[string]string{
	"rat_diadakan":              "1 when a RAT was held for the tahun buku, 0 when not and its deadline has passed",
	"rat_tepat_waktu":           "1 when the RAT was held by the deadline ([status] batas_rat_bulan), 0 otherwise",
	"lapor_tepat_waktu":         "1 when the first version of the report arrived by [status] batas_lapor_bulan",
	"nik_valid":                 "1 when the NIK is 16 digits",
	"pertumbuhan_aset":          "growth of total_aset on the previous tahun buku, as a ratio (0.1 = +10 %)",
	"pertumbuhan_modal_sendiri": "growth of modal_sendiri on the previous tahun buku, as a ratio",
	"pertumbuhan_volume_usaha":  "growth of volume_usaha on the previous tahun buku, as a ratio",
	"pertumbuhan_shu":           "growth of shu on the previous tahun buku, as a ratio (on the absolute previous value)",
	"pertumbuhan_anggota":       "growth of jumlah_anggota on the previous tahun buku, as a ratio",
}

// DerivedInputs documents the derived inputs, by name.
func DerivedInputs() map[string]string { return derived }

var inputSet map[string]bool

// inputFields is every name an expression may read: numeric canonical fields and derived inputs.
func inputFields() map[string]bool {
	if inputSet != nil {
		return inputSet
	}
	m := map[string]bool{}
	for _, f := range fields.All() {
		switch f.Kind {
		case fields.Count, fields.Money, fields.Ratio, fields.Year:
			m[f.Name] = true
		}
	}
	for n := range derived {
		m[n] = true
	}
	inputSet = m
	return m
}

var sqlKeywords = map[string]bool{"case": true, "when": true, "then": true, "else": true, "end": true,
	"and": true, "or": true, "not": true, "is": true, "null": true, "true": true, "false": true}

var sqlFuncs = map[string]bool{"nullif": true, "coalesce": true, "greatest": true, "least": true, "abs": true,
	"ceil": true, "floor": true, "round": true}

// CheckExpr validates an indicator expression and returns the canonical fields it reads. The
// expressions come from Pantau's own embedded files, but they are formatted into SQL, so only a small
// arithmetic language is allowed: numbers, the input fields, + - * / ( ) , comparisons, CASE WHEN,
// and the functions nullif, coalesce, greatest, least, abs, ceil, floor, round.
func CheckExpr(e string) ([]string, error) {
	if strings.TrimSpace(e) == "" {
		return nil, fmt.Errorf("ekspresi kosong")
	}
	in := inputFields()
	seen := map[string]bool{}
	depth := 0
	rs := []rune(e)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c >= '0' && c <= '9' || c == '.':
			j := i
			dots := 0
			for j < len(rs) && (rs[j] >= '0' && rs[j] <= '9' || rs[j] == '.') {
				if rs[j] == '.' {
					dots++
				}
				j++
			}
			if dots > 1 {
				return nil, fmt.Errorf("angka %q tidak sah", string(rs[i:j]))
			}
			i = j
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_':
			j := i
			for j < len(rs) && (rs[j] >= 'a' && rs[j] <= 'z' || rs[j] >= 'A' && rs[j] <= 'Z' || rs[j] >= '0' && rs[j] <= '9' || rs[j] == '_') {
				j++
			}
			w := string(rs[i:j])
			lw := strings.ToLower(w)
			k := j
			for k < len(rs) && unicode.IsSpace(rs[k]) {
				k++
			}
			switch {
			case sqlKeywords[lw]:
			case sqlFuncs[lw] && k < len(rs) && rs[k] == '(':
			case in[w]:
				seen[w] = true
			default:
				return nil, fmt.Errorf("kolom %q tidak dikenal (bukan kolom kanonik numerik atau masukan turunan)", w)
			}
			i = j
		case c == '(':
			depth++
			i++
		case c == ')':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("kurung tutup tanpa pasangan")
			}
			i++
		case strings.ContainsRune("+-*/,", c):
			i++
		case c == '<' || c == '>' || c == '=':
			i++
			if i < len(rs) && (rs[i] == '=' || (c == '<' && rs[i] == '>')) {
				i++
			}
		default:
			return nil, fmt.Errorf("karakter %q tidak diizinkan dalam ekspresi", string(c))
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("kurung buka tanpa pasangan")
	}
	if len(seen) == 0 {
		return nil, fmt.Errorf("ekspresi tidak membaca satu kolom pun")
	}
	out := make([]string, 0, len(seen))
	for f := range seen {
		out = append(out, f)
	}
	sort.Strings(out)
	return out, nil
}
