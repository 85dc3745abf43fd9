package ingest

import (
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

// mergeInto copies a supplement row's fields into the main row m (both materialised); the main row's
// own values win, and the supplement's cells are kept under "sheet / label" for raw.rows.
func mergeInto(m, in *Input) {
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
