package ingest

import (
	"strings"

	"github.com/pantau-koperasi/pantau/internal/fields"
)

// Codes as people write them. The lists mix three dimensions (SPEC §3, domain research §3.3): jenis
// (business), kelompok (the members' group) and bentuk (primer/sekunder). A value written in the jenis
// column may therefore set kelompok or bentuk instead.

// classified is what one written value says about the three dimensions.
type classified struct{ jenis, kelompok, bentuk string }

var codeWords = map[string]classified{
	// jenis
	"ksp": {jenis: "simpan_pinjam"}, "usp": {jenis: "simpan_pinjam"}, "simpan pinjam": {jenis: "simpan_pinjam"},
	"koperasi simpan pinjam": {jenis: "simpan_pinjam"}, "unit simpan pinjam": {jenis: "simpan_pinjam"},
	"simpan_pinjam": {jenis: "simpan_pinjam"}, "kredit": {jenis: "simpan_pinjam"},
	"kspps": {jenis: "simpan_pinjam_syariah"}, "ksps": {jenis: "simpan_pinjam_syariah"}, "usps": {jenis: "simpan_pinjam_syariah"},
	"uspps": {jenis: "simpan_pinjam_syariah"}, "simpan pinjam syariah": {jenis: "simpan_pinjam_syariah"},
	"koperasi simpan pinjam dan pembiayaan syariah": {jenis: "simpan_pinjam_syariah"},
	"simpan pinjam dan pembiayaan syariah":          {jenis: "simpan_pinjam_syariah"}, "bmt": {jenis: "simpan_pinjam_syariah"},
	"simpan_pinjam_syariah": {jenis: "simpan_pinjam_syariah"}, "syariah": {jenis: "simpan_pinjam_syariah"},
	"konsumen": {jenis: "konsumen"}, "koperasi konsumen": {jenis: "konsumen"},
	"produsen": {jenis: "produsen"}, "koperasi produsen": {jenis: "produsen"},
	"pemasaran": {jenis: "pemasaran"}, "koperasi pemasaran": {jenis: "pemasaran"},
	"jasa": {jenis: "jasa"}, "koperasi jasa": {jenis: "jasa"},
	"ksu": {jenis: "serba_usaha"}, "serba usaha": {jenis: "serba_usaha"}, "koperasi serba usaha": {jenis: "serba_usaha"},
	"serba_usaha": {jenis: "serba_usaha"},
	// kelompok
	"kopwan": {kelompok: "wanita"}, "koperasi wanita": {kelompok: "wanita"}, "wanita": {kelompok: "wanita"},
	"kopkar": {kelompok: "karyawan"}, "koperasi karyawan": {kelompok: "karyawan"}, "karyawan": {kelompok: "karyawan"},
	"kpri": {kelompok: "karyawan"}, "koperasi pegawai": {kelompok: "karyawan"}, "pegawai": {kelompok: "karyawan"},
	"koperasi pegawai republik indonesia": {kelompok: "karyawan"},
	"kopontren":                           {kelompok: "pesantren"}, "koperasi pondok pesantren": {kelompok: "pesantren"}, "pesantren": {kelompok: "pesantren"},
	"koperasi pesantren": {kelompok: "pesantren"},
	"kud":                {kelompok: "kud"}, "koperasi unit desa": {kelompok: "kud"},
	"tni polri": {kelompok: "tni_polri"}, "tni_polri": {kelompok: "tni_polri"}, "primkopad": {kelompok: "tni_polri"},
	"primkoppol": {kelompok: "tni_polri"}, "primkopal": {kelompok: "tni_polri"}, "primkopau": {kelompok: "tni_polri"},
	"tni": {kelompok: "tni_polri"}, "polri": {kelompok: "tni_polri"}, "koperasi tni polri": {kelompok: "tni_polri"},
	"kopma": {kelompok: "mahasiswa"}, "koperasi mahasiswa": {kelompok: "mahasiswa"}, "mahasiswa": {kelompok: "mahasiswa"},
	"guru": {kelompok: "guru"}, "koperasi guru": {kelompok: "guru"},
	"pertanian": {kelompok: "pertanian"}, "koperasi pertanian": {kelompok: "pertanian"}, "koptan": {kelompok: "pertanian"},
	"lainnya": {kelompok: "lainnya"}, "lain lain": {kelompok: "lainnya"}, "umum": {kelompok: "lainnya"},
	// bentuk
	"primer": {bentuk: "primer"}, "koperasi primer": {bentuk: "primer"},
	"sekunder": {bentuk: "sekunder"}, "koperasi sekunder": {bentuk: "sekunder"}, "pusat": {bentuk: "sekunder"},
	"gabungan": {bentuk: "sekunder"}, "induk": {bentuk: "sekunder"},
}

// classify reads a jenis/kelompok/bentuk value as written.
func classify(s string) (classified, bool) {
	n := strings.Join(strings.Fields(codeCleaner.Replace(strings.ToLower(s))), " ")
	if c, ok := codeWords[n]; ok {
		return c, true
	}
	// "Koperasi Simpan Pinjam (KSP)": try the words in parentheses and the text without them.
	if i := strings.IndexByte(s, '('); i > 0 {
		if c, ok := classify(s[:i]); ok {
			return c, true
		}
		if c, ok := classify(strings.Trim(s[i:], "() ")); ok {
			return c, true
		}
	}
	n2 := fields.NormaliseLabel(s)
	if c, ok := codeWords[n2]; ok {
		return c, true
	}
	return classified{}, false
}

var codeCleaner = strings.NewReplacer(".", " ", "/", " ", "-", " ", "(", " ", ")", " ", "&", " dan ")
