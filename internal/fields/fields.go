// Package fields is the canonical submission record of SPEC §3: one row per cooperative per tahun buku.
//
// Every stage refers to fields by their canonical snake_case name. The registry here is the single
// source of truth for a field's kind (text, count, money, date …), its Indonesian label in the
// template, its group, and the synonyms people write in spreadsheet headers. The raw.laporan table
// (internal/warehouse/migrations) has one column per field; a test keeps the two in step.
package fields

import (
	"strings"
)

// Kind is how a field's value is read and stored.
type Kind int

const (
	// Text is free text, stored as VARCHAR.
	Text Kind = iota
	// Code is an enumerated value (jenis, bentuk, kelompok), normalised to a code.
	Code
	// Count is a non-negative whole number (members, staff, checklist "ya" counts).
	Count
	// Money is rupiah, DECIMAL(18,2); may be negative only where Signed is set.
	Money
	// Ratio is a plain decimal number that is not money (kept for future rubric inputs).
	Ratio
	// Date is a calendar date.
	Date
	// Year is a tahun buku (four digits).
	Year
)

func (k Kind) String() string {
	switch k {
	case Text:
		return "text"
	case Code:
		return "code"
	case Count:
		return "count"
	case Money:
		return "money"
	case Ratio:
		return "ratio"
	case Date:
		return "date"
	case Year:
		return "year"
	}
	return "unknown"
}

// SQLType is the DuckDB column type a field of this kind is stored as.
func (k Kind) SQLType() string {
	switch k {
	case Count, Year:
		return "INTEGER"
	case Money:
		return "DECIMAL(18,2)"
	case Ratio:
		return "DOUBLE"
	case Date:
		return "DATE"
	}
	return "VARCHAR"
}

// Group is the part of the report a field belongs to; the template lays fields out by group.
type Group string

const (
	Identitas   Group = "identitas"
	Periode     Group = "periode"
	Anggota     Group = "anggota"
	Permodalan  Group = "permodalan"
	Kinerja     Group = "kinerja"
	KeuanganKSP Group = "keuangan_ksp"
	Manajemen   Group = "manajemen"
)

// Field describes one canonical field.
type Field struct {
	Name     string // canonical snake_case name
	Label    string // Indonesian label as the template shows it
	Group    Group
	Kind     Kind
	Required bool   // a row without it is quarantined
	Signed   bool   // money that may be negative (SHU)
	Max      int    // for checklist counts: the number of questions; 0 = unbounded
	Unit     string // shown in the template header: "Rp", "orang"
	Personal bool   // personal data (names, phones): never published in the public build
	// Synonyms are further header labels people write for this field, already in the normalised
	// form of NormaliseLabel (lower case, no punctuation or units, abbreviations expanded).
	Synonyms []string
}

var all = []Field{
	// identity
	{Name: "nik", Label: "NIK Koperasi", Group: Identitas, Kind: Text, Required: true,
		Synonyms: []string{"nik", "nomor induk koperasi", "no induk koperasi", "nik koperasi", "nikop"}},
	{Name: "nama_koperasi", Label: "Nama Koperasi", Group: Identitas, Kind: Text, Required: true,
		Synonyms: []string{"nama", "nama koperasi", "koperasi", "nama kop", "nama badan usaha"}},
	{Name: "nomor_badan_hukum", Label: "Nomor Badan Hukum", Group: Identitas, Kind: Text,
		Synonyms: []string{"nomor badan hukum", "badan hukum", "no bh", "nomor bh", "no badan hukum", "nomor ahu"}},
	{Name: "tanggal_badan_hukum", Label: "Tanggal Badan Hukum", Group: Identitas, Kind: Date,
		Synonyms: []string{"tanggal badan hukum", "tanggal bh", "tanggal pendirian", "tanggal berdiri"}},
	{Name: "nomor_izin_usaha", Label: "Nomor Izin Usaha Simpan Pinjam", Group: Identitas, Kind: Text,
		Synonyms: []string{"nomor izin usaha", "izin usaha", "nomor izin usaha simpan pinjam", "no izin usaha", "nomor izin usp"}},
	{Name: "tanggal_izin_usaha", Label: "Tanggal Izin Usaha", Group: Identitas, Kind: Date,
		Synonyms: []string{"tanggal izin usaha", "tanggal izin"}},
	{Name: "bentuk", Label: "Bentuk Koperasi", Group: Identitas, Kind: Code,
		Synonyms: []string{"bentuk", "bentuk koperasi"}},
	{Name: "jenis", Label: "Jenis Koperasi", Group: Identitas, Kind: Code,
		Synonyms: []string{"jenis", "jenis koperasi", "jenis usaha koperasi", "tipe koperasi"}},
	{Name: "kelompok", Label: "Kelompok Koperasi", Group: Identitas, Kind: Code,
		Synonyms: []string{"kelompok", "kelompok koperasi"}},
	{Name: "sektor_usaha", Label: "Sektor Usaha", Group: Identitas, Kind: Text,
		Synonyms: []string{"sektor usaha", "sektor", "bidang usaha", "kbli"}},
	{Name: "alamat", Label: "Alamat", Group: Identitas, Kind: Text,
		Synonyms: []string{"alamat", "alamat koperasi", "alamat kantor"}},
	{Name: "kode_wilayah", Label: "Kode Wilayah (Kemendagri)", Group: Identitas, Kind: Text,
		Synonyms: []string{"kode wilayah", "kode wilayah kemendagri", "kode desa", "kode kelurahan", "kode kecamatan", "kode daerah"}},
	{Name: "provinsi", Label: "Provinsi", Group: Identitas, Kind: Text,
		Synonyms: []string{"provinsi", "propinsi", "prov"}},
	{Name: "kabupaten_kota", Label: "Kabupaten/Kota", Group: Identitas, Kind: Text,
		Synonyms: []string{"kabupaten kota", "kabupaten", "kota", "kab kota", "kota kabupaten"}},
	{Name: "kecamatan", Label: "Kecamatan", Group: Identitas, Kind: Text,
		Synonyms: []string{"kecamatan"}},
	{Name: "desa_kelurahan", Label: "Desa/Kelurahan", Group: Identitas, Kind: Text,
		Synonyms: []string{"desa kelurahan", "desa", "kelurahan", "kelurahan desa"}},
	{Name: "nama_ketua", Label: "Nama Ketua", Group: Identitas, Kind: Text, Personal: true,
		Synonyms: []string{"nama ketua", "ketua", "nama ketua pengurus", "ketua pengurus"}},
	{Name: "telepon", Label: "Nomor Telepon", Group: Identitas, Kind: Text, Personal: true,
		Synonyms: []string{"telepon", "nomor telepon", "telp", "no telp", "no hp", "nomor hp", "hp", "kontak"}},
	{Name: "tanggal_pembubaran", Label: "Tanggal Pembubaran", Group: Identitas, Kind: Date,
		Synonyms: []string{"tanggal pembubaran", "tanggal bubar", "dibubarkan"}},

	// period
	{Name: "tahun_buku", Label: "Tahun Buku", Group: Periode, Kind: Year, Required: true,
		Synonyms: []string{"tahun buku", "tahun", "tb", "periode", "tahun laporan", "tahun rekap"}},
	{Name: "tanggal_rat", Label: "Tanggal RAT", Group: Periode, Kind: Date,
		Synonyms: []string{"tanggal rat", "rat", "tanggal rapat anggota tahunan", "pelaksanaan rat", "tanggal pelaksanaan rat"}},

	// people
	{Name: "anggota_pria", Label: "Anggota Pria", Group: Anggota, Kind: Count, Unit: "orang",
		Synonyms: []string{"anggota pria", "anggota laki laki", "pria", "laki laki", "jumlah anggota pria", "anggota l", "jumlah pria", "jumlah laki laki", "anggota laki", "laki"}},
	{Name: "anggota_wanita", Label: "Anggota Wanita", Group: Anggota, Kind: Count, Unit: "orang",
		Synonyms: []string{"anggota wanita", "anggota perempuan", "wanita", "perempuan", "jumlah anggota wanita", "anggota p", "jumlah wanita", "jumlah perempuan"}},
	{Name: "jumlah_anggota", Label: "Jumlah Anggota", Group: Anggota, Kind: Count, Unit: "orang",
		Synonyms: []string{"jumlah anggota", "anggota", "total anggota", "jumlah anggota total", "anggota jumlah", "jumlah anggota jumlah"}},
	{Name: "jumlah_manajer", Label: "Jumlah Manajer", Group: Anggota, Kind: Count, Unit: "orang",
		Synonyms: []string{"jumlah manajer", "manajer", "manager", "jumlah manager"}},
	{Name: "jumlah_karyawan", Label: "Jumlah Karyawan", Group: Anggota, Kind: Count, Unit: "orang",
		Synonyms: []string{"jumlah karyawan", "karyawan", "pegawai", "jumlah pegawai"}},

	// capital
	{Name: "simpanan_pokok", Label: "Simpanan Pokok", Group: Permodalan, Kind: Money, Unit: "Rp",
		Synonyms: []string{"simpanan pokok", "simp pokok", "sp"}},
	{Name: "simpanan_wajib", Label: "Simpanan Wajib", Group: Permodalan, Kind: Money, Unit: "Rp",
		Synonyms: []string{"simpanan wajib", "simp wajib", "sw"}},
	{Name: "dana_cadangan", Label: "Dana Cadangan", Group: Permodalan, Kind: Money, Unit: "Rp",
		Synonyms: []string{"dana cadangan", "cadangan", "cadangan umum"}},
	{Name: "hibah", Label: "Hibah", Group: Permodalan, Kind: Money, Unit: "Rp",
		Synonyms: []string{"hibah", "donasi", "dana hibah"}},
	{Name: "modal_sendiri", Label: "Modal Sendiri", Group: Permodalan, Kind: Money, Unit: "Rp",
		Synonyms: []string{"modal sendiri", "mdl sendiri", "ekuitas", "jumlah modal sendiri", "total modal sendiri"}},
	{Name: "modal_luar", Label: "Modal Luar", Group: Permodalan, Kind: Money, Unit: "Rp",
		Synonyms: []string{"modal luar", "mdl luar", "modal pinjaman", "jumlah modal luar"}},

	// performance
	{Name: "total_aset", Label: "Total Aset", Group: Kinerja, Kind: Money, Unit: "Rp",
		Synonyms: []string{"total aset", "aset", "asset", "total asset", "jumlah aset", "aktiva", "total aktiva", "jumlah aktiva"}},
	{Name: "volume_usaha", Label: "Volume Usaha", Group: Kinerja, Kind: Money, Unit: "Rp",
		Synonyms: []string{"volume usaha", "volume", "omzet", "omset", "jumlah volume usaha"}},
	{Name: "shu", Label: "SHU", Group: Kinerja, Kind: Money, Signed: true, Unit: "Rp",
		Synonyms: []string{"shu", "sisa hasil usaha", "shu tahun berjalan", "shu bersih"}},
}

// kspFields are the KSP/USP finance inputs of the 2016 health rubric (SPEC §3); labels in Indonesian.
var kspFields = [][2]string{
	{"kas_bank", "Kas dan Bank"},
	{"kewajiban_lancar", "Kewajiban Lancar"},
	{"pinjaman_diberikan", "Pinjaman yang Diberikan"},
	{"pinjaman_anggota", "Pinjaman kepada Anggota"},
	{"pinjaman_kurang_lancar", "Pinjaman Kurang Lancar"},
	{"pinjaman_diragukan", "Pinjaman Diragukan"},
	{"pinjaman_macet", "Pinjaman Macet"},
	{"pinjaman_berisiko", "Pinjaman yang Berisiko"},
	{"cadangan_risiko", "Cadangan Risiko"},
	{"dana_diterima", "Dana yang Diterima"},
	{"modal_tertimbang", "Modal Sendiri Tertimbang"},
	{"atmr", "ATMR"},
	{"beban_operasi_anggota", "Beban Operasi Anggota"},
	{"partisipasi_bruto", "Partisipasi Bruto"},
	{"partisipasi_netto", "Partisipasi Netto"},
	{"pendapatan", "Pendapatan"},
	{"beban_usaha", "Beban Usaha"},
	{"beban_perkoperasian", "Beban Perkoperasian"},
	{"shu_kotor", "SHU Kotor"},
	{"shu_sebelum_pajak", "SHU Sebelum Pajak"},
	{"shu_bagian_anggota", "SHU Bagian Anggota"},
	{"biaya_karyawan", "Biaya Gaji dan Honor Karyawan"},
	{"volume_pinjaman", "Volume Pinjaman"},
	{"promosi_ekonomi_anggota", "Promosi Ekonomi Anggota"},
}

var checklist = []struct {
	name, label string
	max         int
}{
	{"manajemen_umum_ya", "Manajemen Umum (jumlah jawaban ya)", 12},
	{"kelembagaan_ya", "Kelembagaan (jumlah jawaban ya)", 6},
	{"manajemen_permodalan_ya", "Manajemen Permodalan (jumlah jawaban ya)", 5},
	{"manajemen_aktiva_ya", "Manajemen Aktiva (jumlah jawaban ya)", 10},
	{"manajemen_likuiditas_ya", "Manajemen Likuiditas (jumlah jawaban ya)", 5},
}

var (
	byName map[string]*Field
	bySyn  map[string]*Field
)

func init() {
	for _, f := range kspFields {
		signed := strings.HasPrefix(f[0], "shu_")
		all = append(all, Field{Name: f[0], Label: f[1], Group: KeuanganKSP, Kind: Money, Unit: "Rp", Signed: signed,
			Synonyms: []string{NormaliseLabel(f[1]), strings.ReplaceAll(f[0], "_", " ")}})
	}
	for _, c := range checklist {
		all = append(all, Field{Name: c.name, Label: c.label, Group: Manajemen, Kind: Count, Max: c.max,
			Synonyms: []string{NormaliseLabel(c.label), strings.ReplaceAll(c.name, "_", " ")}})
	}
	byName = make(map[string]*Field, len(all))
	bySyn = make(map[string]*Field)
	for i := range all {
		f := &all[i]
		byName[f.Name] = f
		bySyn[NormaliseLabel(f.Label)] = f
		bySyn[strings.ReplaceAll(f.Name, "_", " ")] = f
	}
	// Explicit synonyms win over derived labels when both exist.
	for i := range all {
		for _, s := range all[i].Synonyms {
			bySyn[NormaliseLabel(s)] = &all[i]
		}
	}
}

// All returns every canonical field in template order.
func All() []Field { return all }

// Names returns every canonical field name in template order.
func Names() []string {
	out := make([]string, len(all))
	for i, f := range all {
		out[i] = f.Name
	}
	return out
}

// Lookup returns the field with the canonical name.
func Lookup(name string) (Field, bool) {
	f, ok := byName[name]
	if !ok {
		return Field{}, false
	}
	return *f, true
}

// Match maps a header label as written in a file to a canonical field, through NormaliseLabel and the
// synonym table. extra holds per-office overrides (normalised label → canonical name) and wins.
func Match(label string, extra map[string]string) (Field, bool) {
	n := NormaliseLabel(label)
	if n == "" {
		return Field{}, false
	}
	if name, ok := extra[n]; ok {
		return Lookup(name)
	}
	if f, ok := bySyn[n]; ok {
		return *f, true
	}
	return Field{}, false
}

// abbreviations people use in headers, expanded word by word before matching.
var abbreviations = map[string]string{
	"jml": "jumlah", "jmlh": "jumlah", "tgl": "tanggal", "tggl": "tanggal", "vol": "volume",
	"no": "nomor", "nmr": "nomor", "kab": "kabupaten", "kec": "kecamatan", "kel": "kelurahan",
	"simp": "simpanan", "thn": "tahun", "th": "tahun", "angg": "anggota", "agt": "anggota",
	"mdl": "modal", "kop": "koperasi", "pd": "pada", "dr": "dari", "dgn": "dengan",
	"lk": "laki laki", "pr": "perempuan", "tot": "total", "ttl": "total",
}

// units and filler words dropped from labels: "Simpanan Pokok (Rp)" matches "simpanan pokok".
var dropWords = map[string]bool{
	"rp": true, "rupiah": true, "idr": true, "orang": true, "org": true, "jiwa": true,
	"dalam": true, "ribuan": true, "jutaan": true, "unit": true, "persen": true,
}

// NormaliseLabel folds a header label to the form the synonym table uses: lower case, punctuation
// and units removed, abbreviations expanded, single spaces. "Jml. Anggota (orang)" → "jumlah anggota".
func NormaliseLabel(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	out := words[:0]
	for _, w := range words {
		if dropWords[w] {
			continue
		}
		if e, ok := abbreviations[w]; ok {
			w = e
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}
