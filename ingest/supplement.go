package ingest

import (
	"strconv"
	"strings"

	"github.com/pantau-koperasi/pantau/internal/fields"
)

// keyFields identify a cooperative's report across sheets.
var keyFields = map[string]bool{"nik": true, "nama_koperasi": true, "tahun_buku": true, "nomor_badan_hukum": true}

// isSupplement: a sheet that, besides the key columns, holds only KSP/USP finance fields and the
// management checklist (the template's second sheet, or an office's "Keuangan KSP" sheet). Its rows
// complete the main sheet's row of the same NIK and tahun buku instead of standing on their own.
func isSupplement(lay Layout) bool {
	n := 0
	for _, c := range lay.Columns {
		if c.Field == "" || keyFields[c.Field] {
			continue
		}
		f, _ := fields.Lookup(c.Field)
		if f.Group != fields.KeuanganKSP && f.Group != fields.Manajemen {
			return false
		}
		n++
	}
	return n > 0
}

// mergeSupplements folds rows of supplement sheets into the main row with the same NIK and tahun buku.
// A supplement row without a main row stays a row of its own.
func mergeSupplements(b *Batch, supplement map[string]bool) {
	if len(supplement) == 0 || len(supplement) == len(b.TahunBySheet) {
		return
	}
	key := func(in *Input) string {
		nikText, _ := in.text("nik")
		yText, _ := in.text("tahun_buku")
		nik := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, nikText)
		if len(nik) != 16 {
			return ""
		}
		y := strings.TrimSpace(yText)
		if y == "" && b.TahunBySheet[in.Sheet] > 0 {
			y = strconv.Itoa(b.TahunBySheet[in.Sheet])
		}
		return nik + "|" + y
	}
	main := map[string]int{}
	for i := range b.Inputs {
		in := &b.Inputs[i]
		if supplement[in.Sheet] || in.Totals || !in.hasData() {
			continue
		}
		if k := key(in); k != "" {
			if _, ok := main[k]; !ok {
				main[k] = i
			}
		}
	}
	out := b.Inputs[:0]
	for _, in := range b.Inputs {
		if !supplement[in.Sheet] || in.Totals || !in.hasData() {
			out = append(out, in)
			continue
		}
		mi, ok := main[key(&in)]
		if !ok {
			out = append(out, in)
			continue
		}
		m := &b.Inputs[mi]
		m.materialise()
		in.materialise()
		for f, v := range in.Text {
			if _, has := m.Text[f]; !has {
				m.Text[f] = v
				m.Machine[f] = in.Machine[f]
			}
		}
		for l, v := range in.Cells {
			m.Cells[in.Sheet+" / "+l] = v
		}
	}
	b.Inputs = out
}
