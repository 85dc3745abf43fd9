// Package kesehatan is the health-grade engine: versioned rubric files (scoring/rubrik/*.toml) whose
// indicators are SQL expressions over canonical fields, scored by bands into weighted aspects and a
// category, computed in DuckDB into mart.kesehatan and mart.kesehatan_indikator.
//
// Missing is not zero (SPEC §4): an indicator whose inputs are absent is "tidak dinilai"; the score is
// rescaled over the assessed weight (cakupan = assessed weight / total weight), and below the
// configured cakupan no category is given ("Tidak Dapat Dinilai").
package kesehatan

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/pantau-koperasi/pantau/scoring/rubrik"
)

// TidakDapatDinilai is the category given when cakupan is below the minimum.
const TidakDapatDinilai = "Tidak Dapat Dinilai"

// Rubric is one rubric file.
type Rubric struct {
	ID          string `toml:"id"`
	Versi       string `toml:"versi"`
	Nama        string `toml:"nama"`
	Dasar       string `toml:"dasar"`   // legal basis, or "default kantor"
	Catatan     string `toml:"catatan"` // what is confirmed and what is not
	Provisional bool   `toml:"provisional"`
	// BerlakuJikaAda: the rubric scores a report only when at least one of these fields is present
	// (ksp-2016 needs the KSP/USP finance fields); empty = every report the configuration assigns.
	BerlakuJikaAda []string   `toml:"berlaku_jika_ada"`
	Kategori       []Kategori `toml:"kategori"`
	Aspek          []Aspek    `toml:"aspek"`

	file string
}

// Kategori is a category threshold: skor ≥ Min. The last (worst) category has no Min.
type Kategori struct {
	Nama string   `toml:"nama"`
	Min  *float64 `toml:"min"`
}

// Aspek groups indicators; Bobot is its weight (the sum of its indicators' weights).
type Aspek struct {
	Kode      string      `toml:"kode"`
	Nama      string      `toml:"nama"`
	Bobot     float64     `toml:"bobot"`
	Indikator []Indikator `toml:"indikator"`
}

// Indikator is one scored indicator.
type Indikator struct {
	Kode    string  `toml:"kode"`
	Nama    string  `toml:"nama"`
	Rumus   string  `toml:"rumus"` // the formula as the official form writes it (shown in --explain)
	Nilai   string  `toml:"nilai"` // SQL expression over canonical fields giving the value
	Bobot   float64 `toml:"bobot"`
	Sumber  string  `toml:"sumber"` // terkonfirmasi, implementasi, belum_terkonfirmasi, provisional, kalibrasi
	Catatan string  `toml:"catatan"`
	// TepiKiriTerbuka makes every band a < x ≤ b (the KKPKK questionnaire table); default a ≤ x < b.
	TepiKiriTerbuka bool `toml:"tepi_kiri_terbuka"`
	// SkorPerNilai scores linearly instead of by bands: skor = nilai × SkorPerNilai, clamped to
	// 0..bobot (the management checklist: 0.25 per "ya").
	SkorPerNilai *float64 `toml:"skor_per_nilai"`
	Band         []Band   `toml:"band"`

	fields []string // canonical fields the expression reads
}

// Band maps a value range to points. Dari absent = −∞, Sampai absent = +∞. A band with SamaDengan is
// a point band (x = value), checked before the intervals.
type Band struct {
	Dari       *float64 `toml:"dari"`
	Sampai     *float64 `toml:"sampai"`
	SamaDengan *float64 `toml:"sama_dengan"`
	Skor       float64  `toml:"skor"`
	Label      string   `toml:"label"` // e.g. "nilai 2 (Cukup Sehat)"; shown beside the band
}

// Sumber values.
var sumberValid = map[string]bool{"terkonfirmasi": true, "implementasi": true, "belum_terkonfirmasi": true, "provisional": true, "kalibrasi": true}

// Fields returns the canonical fields the indicator's expression reads.
func (in Indikator) Fields() []string { return in.fields }

// TotalBobot is the sum of the aspect weights.
func (r *Rubric) TotalBobot() float64 {
	var s float64
	for _, a := range r.Aspek {
		s += a.Bobot
	}
	return s
}

// Indicators returns every indicator in file order with its aspect.
func (r *Rubric) Indicators() []struct {
	Aspek     *Aspek
	Indikator *Indikator
} {
	var out []struct {
		Aspek     *Aspek
		Indikator *Indikator
	}
	for i := range r.Aspek {
		for j := range r.Aspek[i].Indikator {
			out = append(out, struct {
				Aspek     *Aspek
				Indikator *Indikator
			}{&r.Aspek[i], &r.Aspek[i].Indikator[j]})
		}
	}
	return out
}

// Category returns the category of a score (ignoring cakupan) and its rank (1 = best).
func (r *Rubric) Category(skor float64) (string, int) {
	for i, k := range r.Kategori {
		if k.Min == nil || skor >= *k.Min-eps {
			return k.Nama, i + 1
		}
	}
	last := len(r.Kategori) - 1
	return r.Kategori[last].Nama, last + 1
}

const eps = 1e-9

// BandLabel renders a band the way the worksheet shows it: "20 ≤ x < 40", "x = 0", "x ≥ 80".
func (in Indikator) BandLabel(b Band) string {
	var s string
	switch {
	case b.SamaDengan != nil:
		s = "x = " + num(*b.SamaDengan)
	case b.Dari == nil && b.Sampai == nil:
		s = "semua x"
	case in.TepiKiriTerbuka && b.Dari == nil:
		s = "x ≤ " + num(*b.Sampai)
	case in.TepiKiriTerbuka && b.Sampai == nil:
		s = "x > " + num(*b.Dari)
	case in.TepiKiriTerbuka:
		s = num(*b.Dari) + " < x ≤ " + num(*b.Sampai)
	case b.Dari == nil:
		s = "x < " + num(*b.Sampai)
	case b.Sampai == nil:
		s = "x ≥ " + num(*b.Dari)
	default:
		s = num(*b.Dari) + " ≤ x < " + num(*b.Sampai)
	}
	if b.Label != "" {
		s += " (" + b.Label + ")"
	}
	return s
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// Score applies the bands (or the linear rule) to a value: the Go twin of the SQL the engine runs,
// used to label bands and by tests of the rubric files.
func (in Indikator) Score(x float64) (skor float64, band string) {
	if in.SkorPerNilai != nil {
		return math.Max(0, math.Min(in.Bobot, x**in.SkorPerNilai)), fmt.Sprintf("%s × %s", num(x), num(*in.SkorPerNilai))
	}
	for _, b := range in.Band {
		if b.SamaDengan != nil && math.Abs(x-*b.SamaDengan) < eps {
			return b.Skor, in.BandLabel(b)
		}
	}
	for _, b := range in.Band {
		if b.SamaDengan != nil {
			continue
		}
		if in.contains(b, x) {
			return b.Skor, in.BandLabel(b)
		}
	}
	return 0, ""
}

func (in Indikator) contains(b Band, x float64) bool {
	if in.TepiKiriTerbuka {
		return (b.Dari == nil || x > *b.Dari) && (b.Sampai == nil || x <= *b.Sampai)
	}
	return (b.Dari == nil || x >= *b.Dari) && (b.Sampai == nil || x < *b.Sampai)
}

// Parse reads and validates one rubric file.
func Parse(name string, data []byte) (*Rubric, error) {
	var r Rubric
	md, err := toml.Decode(string(data), &r)
	if err != nil {
		return nil, fmt.Errorf("rubrik %s: TOML tidak terbaca: %w", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("rubrik %s: kunci tidak dikenal: %v", name, und)
	}
	r.file = name
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

// Validate checks the rubric: identity, weights that sum, bands without gap or overlap, points within
// the indicator's weight, category thresholds in order, and expressions over known fields only.
func (r *Rubric) Validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("rubrik %s: "+format, append([]any{r.file}, a...)...))
	}
	if r.ID == "" {
		bad("id kosong")
	}
	if r.Versi == "" {
		bad("versi kosong")
	}
	if r.Nama == "" {
		bad("nama kosong")
	}
	for _, f := range r.BerlakuJikaAda {
		if _, ok := inputFields()[f]; !ok {
			bad("berlaku_jika_ada: kolom %q tidak dikenal", f)
		}
	}
	// Categories: best first, thresholds strictly decreasing, the last without a minimum.
	if len(r.Kategori) < 2 {
		bad("paling sedikit dua kategori")
	}
	for i, k := range r.Kategori {
		last := i == len(r.Kategori)-1
		switch {
		case k.Nama == "":
			bad("kategori ke-%d tanpa nama", i+1)
		case k.Nama == TidakDapatDinilai:
			bad("kategori %q diberikan oleh mesin (cakupan), jangan ditulis di berkas", k.Nama)
		case last && k.Min != nil:
			bad("kategori terakhir %q tidak boleh punya min (menampung semua skor di bawahnya)", k.Nama)
		case !last && k.Min == nil:
			bad("kategori %q perlu min", k.Nama)
		case !last && i > 0 && r.Kategori[i-1].Min != nil && *k.Min >= *r.Kategori[i-1].Min:
			bad("min kategori %q (%s) harus lebih kecil dari kategori sebelumnya (%s)", k.Nama, num(*k.Min), num(*r.Kategori[i-1].Min))
		}
	}
	if len(r.Aspek) == 0 {
		bad("tanpa aspek")
	}
	if total := r.TotalBobot(); math.Abs(total-100) > 1e-6 {
		bad("jumlah bobot aspek %s, harus 100", num(round6(total)))
	}
	seenA, seenI := map[string]bool{}, map[string]bool{}
	for _, a := range r.Aspek {
		where := "aspek " + a.Kode
		if a.Kode == "" || a.Nama == "" {
			bad("aspek tanpa kode atau nama (%q)", a.Nama)
		}
		if seenA[a.Kode] {
			bad("kode aspek %q ganda", a.Kode)
		}
		seenA[a.Kode] = true
		if len(a.Indikator) == 0 {
			bad("%s tanpa indikator", where)
			continue
		}
		var sum float64
		for i := range a.Indikator {
			in := &a.Indikator[i]
			sum += in.Bobot
			iw := fmt.Sprintf("indikator %s (%s)", in.Kode, a.Nama)
			if in.Kode == "" || in.Nama == "" || in.Rumus == "" {
				bad("%s: kode, nama dan rumus wajib diisi", iw)
			}
			if seenI[in.Kode] {
				bad("kode indikator %q ganda", in.Kode)
			}
			seenI[in.Kode] = true
			if in.Bobot <= 0 {
				bad("%s: bobot harus positif", iw)
			}
			if !sumberValid[in.Sumber] {
				bad("%s: sumber %q tidak dikenal (terkonfirmasi, implementasi, belum_terkonfirmasi, provisional, kalibrasi)", iw, in.Sumber)
			}
			flds, err := CheckExpr(in.Nilai)
			if err != nil {
				bad("%s: nilai: %v", iw, err)
			}
			in.fields = flds
			for _, e := range in.checkBands() {
				bad("%s: %s", iw, e)
			}
		}
		if math.Abs(sum-a.Bobot) > 1e-6 {
			bad("%s: jumlah bobot indikator %s tidak sama dengan bobot aspek %s", where, num(round6(sum)), num(a.Bobot))
		}
	}
	return errors.Join(errs...)
}

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// checkBands reports gaps, overlaps and out-of-range points.
func (in *Indikator) checkBands() []string {
	var out []string
	if in.SkorPerNilai != nil {
		if len(in.Band) > 0 {
			out = append(out, "skor_per_nilai dan band tidak boleh dipakai bersama")
		}
		if *in.SkorPerNilai <= 0 {
			out = append(out, "skor_per_nilai harus positif")
		}
		return out
	}
	if len(in.Band) == 0 {
		return []string{"tanpa band"}
	}
	var iv []Band
	points := map[float64]bool{}
	for i, b := range in.Band {
		if b.Skor < 0 || b.Skor > in.Bobot+eps {
			out = append(out, fmt.Sprintf("band ke-%d: skor %s di luar 0..%s (bobot)", i+1, num(b.Skor), num(in.Bobot)))
		}
		if b.SamaDengan != nil {
			if b.Dari != nil || b.Sampai != nil {
				out = append(out, fmt.Sprintf("band ke-%d: sama_dengan tidak boleh bersama dari/sampai", i+1))
			}
			if points[*b.SamaDengan] {
				out = append(out, fmt.Sprintf("band ke-%d: titik x = %s ganda", i+1, num(*b.SamaDengan)))
			}
			points[*b.SamaDengan] = true
			continue
		}
		if b.Dari != nil && b.Sampai != nil && *b.Dari >= *b.Sampai {
			out = append(out, fmt.Sprintf("band ke-%d: dari %s tidak lebih kecil dari sampai %s", i+1, num(*b.Dari), num(*b.Sampai)))
		}
		iv = append(iv, b)
	}
	if len(iv) == 0 {
		return append(out, "tanpa band rentang (hanya titik): nilai lain tidak punya skor")
	}
	lo := func(b Band) float64 {
		if b.Dari == nil {
			return math.Inf(-1)
		}
		return *b.Dari
	}
	hi := func(b Band) float64 {
		if b.Sampai == nil {
			return math.Inf(1)
		}
		return *b.Sampai
	}
	sort.SliceStable(iv, func(i, j int) bool { return lo(iv[i]) < lo(iv[j]) })
	if !math.IsInf(lo(iv[0]), -1) {
		out = append(out, fmt.Sprintf("celah di bawah %s: band pertama harus tanpa dari (−∞)", num(lo(iv[0]))))
	}
	if !math.IsInf(hi(iv[len(iv)-1]), 1) {
		out = append(out, fmt.Sprintf("celah di atas %s: band terakhir harus tanpa sampai (+∞)", num(hi(iv[len(iv)-1]))))
	}
	for i := 1; i < len(iv); i++ {
		p, c := hi(iv[i-1]), lo(iv[i])
		switch {
		case c > p:
			out = append(out, fmt.Sprintf("celah antara %s dan %s: nilai di antaranya tidak punya skor", num(p), num(c)))
		case c < p:
			out = append(out, fmt.Sprintf("band tumpang tindih antara %s dan %s", num(c), num(p)))
		}
	}
	return out
}

// Load reads every embedded rubric file, validates it, and applies the weight overrides of the
// configuration ("rubrik.aspek=bobot": the aspect's indicators and band points are scaled with it).
func Load(overrides []string) (map[string]*Rubric, error) {
	entries, err := fs.ReadDir(rubrik.FS, ".")
	if err != nil {
		return nil, err
	}
	out := map[string]*Rubric{}
	var errs []error
	for _, e := range entries {
		if path.Ext(e.Name()) != ".toml" {
			continue
		}
		b, err := fs.ReadFile(rubrik.FS, e.Name())
		if err != nil {
			return nil, err
		}
		r, err := Parse(e.Name(), b)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if _, dup := out[r.ID]; dup {
			errs = append(errs, fmt.Errorf("rubrik %s: id %q dipakai dua berkas", e.Name(), r.ID))
			continue
		}
		out[r.ID] = r
	}
	if err := applyOverrides(out, overrides); err != nil {
		errs = append(errs, err)
	}
	return out, errors.Join(errs...)
}

// applyOverrides sets aspect weights from configuration entries "kkpkk-2021.kinerja_keuangan=40".
func applyOverrides(rs map[string]*Rubric, overrides []string) error {
	var errs []error
	touched := map[string]bool{}
	for _, o := range overrides {
		key, val, ok := strings.Cut(o, "=")
		id, asp, ok2 := strings.Cut(strings.TrimSpace(key), ".")
		w, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if !ok || !ok2 || err != nil || w <= 0 {
			errs = append(errs, fmt.Errorf("kesehatan.bobot_aspek: %q bukan bentuk \"rubrik.aspek=bobot\" dengan bobot positif", o))
			continue
		}
		r, found := rs[id]
		if !found {
			errs = append(errs, fmt.Errorf("kesehatan.bobot_aspek: rubrik %q tidak dikenal", id))
			continue
		}
		var a *Aspek
		for i := range r.Aspek {
			if r.Aspek[i].Kode == asp {
				a = &r.Aspek[i]
			}
		}
		if a == nil {
			errs = append(errs, fmt.Errorf("kesehatan.bobot_aspek: rubrik %s tidak punya aspek %q", id, asp))
			continue
		}
		f := w / a.Bobot
		a.Bobot = w
		for i := range a.Indikator {
			in := &a.Indikator[i]
			in.Bobot *= f
			if in.SkorPerNilai != nil {
				v := *in.SkorPerNilai * f
				in.SkorPerNilai = &v
			}
			for j := range in.Band {
				in.Band[j].Skor *= f
			}
		}
		touched[id] = true
	}
	for id := range touched {
		if err := rs[id].Validate(); err != nil {
			errs = append(errs, fmt.Errorf("setelah kesehatan.bobot_aspek: %w", err))
		}
	}
	return errors.Join(errs...)
}
