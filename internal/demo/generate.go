// Package demo generates a realistic demo jurisdiction: a real province with its real kab/kota and
// kecamatan codes, a register of cooperatives, and five tahun buku of annual reports written as XLSX
// and CSV files of every shape offices receive — a share of them messy (title rows, merged two-row
// headers, Indonesian number text, region names, totals rows, a few unreadable values). Everything is
// deterministic for a given seed.
package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/pantau-koperasi/pantau/internal/wilayah"
)

// Options of the generator.
type Options struct {
	Seed     uint64
	Koperasi int       // number of cooperatives (default 2,000)
	Provinsi string    // Kemendagri province code (default "32", Jawa Barat)
	AsOf     time.Time // the demo's "today": the last closed tahun buku is AsOf.Year()-1
	Years    int       // tahun buku generated (default 5)
}

// Behaviour classes of cooperatives; shares follow the national picture (about a quarter inactive).
type class int

const (
	aktif class = iota
	tidakAktif
	neverReports
	baru
	dibubarkan
)

// Koperasi is one generated cooperative with its yearly reports.
type Koperasi struct {
	NIK, Nama, NomorBH, Jenis, Kelompok, Bentuk, Sektor, Alamat string
	KodeDesa, KodeKec, KodeKab                                  string
	NamaKetua, Telepon                                          string
	TanggalBH                                                   time.Time
	TanggalBubar                                                *time.Time
	class                                                       class
	Reports                                                     []Report
}

// Report is one annual report.
type Report struct {
	Tahun                                                  int
	TanggalRAT                                             *time.Time
	Pria, Wanita, Manajer, Karyawan                        int64
	Pokok, Wajib, Cadangan, Hibah, ModalLuar, Aset, Volume int64 // rupiah
	SHU                                                    int64
	KSP                                                    map[string]int64 // KSP/USP finance fields, rupiah
	Checklist                                              map[string]int64
}

// ModalSendiri is the sum of its four parts (UU 25/1992 Pasal 41).
func (r Report) ModalSendiri() int64 { return r.Pokok + r.Wajib + r.Cadangan + r.Hibah }

// Dataset is the whole generated jurisdiction.
type Dataset struct {
	Provinsi  wilayah.Region
	Kabupaten []wilayah.Region
	Kecamatan map[string][]wilayah.Region // by kab code
	Desa      map[string][]wilayah.Region // by kec code
	Names     map[string]string           // code → name
	Koperasi  []*Koperasi
	FirstYear int
	LastYear  int
}

var (
	jenisMix = []weighted{{"konsumen", 55}, {"produsen", 20}, {"simpan_pinjam", 13}, {"simpan_pinjam_syariah", 2},
		{"pemasaran", 4}, {"jasa", 3}, {"serba_usaha", 3}}
	kelompokMix = []weighted{{"karyawan", 25}, {"lainnya", 37}, {"wanita", 10}, {"pertanian", 8}, {"pesantren", 5},
		{"kud", 5}, {"guru", 5}, {"tni_polri", 3}, {"mahasiswa", 2}}
	nameWords = []string{"Sejahtera", "Makmur", "Mandiri", "Bina Usaha", "Harapan Jaya", "Sumber Rejeki", "Tunas Harapan",
		"Mekar Sari", "Berkah", "Amanah", "Sauyunan", "Silih Asih", "Karya Bersama", "Maju Bersama", "Mitra Usaha",
		"Sinar Mulya", "Gemah Ripah", "Lestari", "Rukun Santosa", "Mulya Abadi", "Putra Mandiri", "Cahaya Baru",
		"Bangkit Bersama", "Sugih Mukti", "Medal Sekar", "Saluyu", "Wargi Mukti", "Bina Sejahtera", "Surya Kencana"}
	firstNames = []string{"Asep", "Dedi", "Euis", "Siti", "Ujang", "Nining", "Agus", "Rina", "Yayan", "Iis", "Dadang",
		"Neneng", "Hendra", "Lilis", "Budi", "Tati", "Cecep", "Wawan", "Yanti", "Endang"}
	lastNames = []string{"Suryana", "Rahmat", "Hidayat", "Kurniawan", "Sutisna", "Permana", "Nurhayati", "Setiawan",
		"Mulyani", "Gunawan", "Saputra", "Rohendi", "Supriatna", "Wijaya"}
	sektor = map[string]string{"konsumen": "Perdagangan eceran", "produsen": "Industri pengolahan", "simpan_pinjam": "Jasa keuangan",
		"simpan_pinjam_syariah": "Jasa keuangan syariah", "pemasaran": "Perdagangan besar", "jasa": "Jasa lainnya", "serba_usaha": "Aneka usaha"}
)

type weighted struct {
	v string
	w int
}

func pick(r *rand.Rand, ws []weighted) string {
	total := 0
	for _, w := range ws {
		total += w.w
	}
	n := r.IntN(total)
	for _, w := range ws {
		if n < w.w {
			return w.v
		}
		n -= w.w
	}
	return ws[0].v
}

func logNormal(r *rand.Rand, median, sigma float64) float64 {
	return median * math.Exp(sigma*r.NormFloat64())
}

// Generate builds the dataset. It reads only the embedded region codes.
func Generate(o Options) (*Dataset, error) {
	if o.Koperasi <= 0 {
		o.Koperasi = 2000
	}
	if o.Provinsi == "" {
		o.Provinsi = "32"
	}
	if o.Years <= 0 {
		o.Years = 5
	}
	if o.AsOf.IsZero() {
		o.AsOf = time.Now().UTC()
	}
	// Only the date matters: the same seed on the same day (or the same PANTAU_AS_OF) gives the same files.
	o.AsOf = time.Date(o.AsOf.Year(), o.AsOf.Month(), o.AsOf.Day(), 0, 0, 0, 0, time.UTC)
	regions, err := wilayah.All()
	if err != nil {
		return nil, err
	}
	d := &Dataset{Kecamatan: map[string][]wilayah.Region{}, Desa: map[string][]wilayah.Region{}, Names: map[string]string{}}
	for _, reg := range regions {
		if !wilayah.InScope(o.Provinsi, reg.Kode) {
			continue
		}
		d.Names[reg.Kode] = reg.Nama
		switch reg.Level {
		case 1:
			d.Provinsi = reg
		case 2:
			d.Kabupaten = append(d.Kabupaten, reg)
		case 3:
			p := wilayah.Parent(reg.Kode)
			d.Kecamatan[p] = append(d.Kecamatan[p], reg)
		case 4:
			p := wilayah.Parent(reg.Kode)
			d.Desa[p] = append(d.Desa[p], reg)
		}
	}
	if d.Provinsi.Kode == "" || len(d.Kabupaten) == 0 {
		return nil, fmt.Errorf("provinsi %q tidak ada dalam kode wilayah", o.Provinsi)
	}
	d.LastYear = o.AsOf.Year() - 1
	d.FirstYear = d.LastYear - o.Years + 1
	r := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	// Cooperatives per kab/kota: bigger cities get more (weights drawn once, log-normal).
	weights := make([]float64, len(d.Kabupaten))
	var wsum float64
	for i := range weights {
		weights[i] = logNormal(r, 1, 0.5)
		wsum += weights[i]
	}
	serial := map[string]int{}
	for i := 0; i < o.Koperasi; i++ {
		x := r.Float64() * wsum
		ki := 0
		for ki < len(weights)-1 && x >= weights[ki] {
			x -= weights[ki]
			ki++
		}
		kab := d.Kabupaten[ki]
		kecs := d.Kecamatan[kab.Kode]
		kec := kecs[r.IntN(len(kecs))]
		desas := d.Desa[kec.Kode]
		desa := kec
		if len(desas) > 0 {
			desa = desas[r.IntN(len(desas))]
		}
		serial[kab.Kode]++
		k := &Koperasi{KodeKab: kab.Kode, KodeKec: kec.Kode, KodeDesa: desa.Kode}
		k.NIK = strings.ReplaceAll(kab.Kode, ".", "") + fmt.Sprintf("%012d", 100000+serial[kab.Kode]*37+r.IntN(37))
		k.Jenis = pick(r, jenisMix)
		k.Kelompok = pick(r, kelompokMix)
		k.Bentuk = "primer"
		if r.IntN(50) == 0 {
			k.Bentuk = "sekunder"
		}
		k.Nama = coopName(r, k, desa.Nama)
		k.Sektor = sektor[k.Jenis]
		k.Alamat = fmt.Sprintf("Jl. %s No. %d, %s", nameWords[r.IntN(len(nameWords))], 1+r.IntN(200), desa.Nama)
		k.NamaKetua = firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
		k.Telepon = fmt.Sprintf("08%d%08d", 11+r.IntN(80), r.IntN(100000000))
		switch x := r.IntN(100); {
		case x < 62:
			k.class = aktif
		case x < 83:
			k.class = tidakAktif
		case x < 91:
			k.class = neverReports
		case x < 97:
			k.class = baru
		default:
			k.class = dibubarkan
		}
		founded := d.FirstYear - 3 - r.IntN(25)
		if k.class == baru {
			founded = d.LastYear + r.IntN(2) // last closed year or this year
		}
		k.TanggalBH = time.Date(founded, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		if k.class == baru && k.TanggalBH.After(o.AsOf) {
			k.TanggalBH = o.AsOf.AddDate(0, -1-r.IntN(3), 0)
		}
		k.NomorBH = fmt.Sprintf("%d/BH/XIII.%d/%d", 100+r.IntN(900), 1+r.IntN(20), founded)
		if founded >= 2019 {
			k.NomorBH = fmt.Sprintf("AHU-%07d.AH.01.26.TAHUN %d", r.IntN(9999999), founded)
		}
		if k.class == dibubarkan {
			t := time.Date(d.LastYear-r.IntN(2), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
			k.TanggalBubar = &t
		}
		genReports(r, d, k, o.AsOf)
		d.Koperasi = append(d.Koperasi, k)
	}
	sort.SliceStable(d.Koperasi, func(i, j int) bool { return d.Koperasi[i].NIK < d.Koperasi[j].NIK })
	return d, nil
}

func coopName(r *rand.Rand, k *Koperasi, desa string) string {
	word := nameWords[r.IntN(len(nameWords))]
	if r.IntN(3) == 0 {
		word += " " + desa
	}
	switch k.Kelompok {
	case "wanita":
		return "Kopwan " + word
	case "karyawan":
		return "Kopkar " + word
	case "pesantren":
		return "Kopontren " + word
	case "kud":
		return "KUD " + word
	case "mahasiswa":
		return "Kopma " + word
	}
	switch k.Jenis {
	case "simpan_pinjam":
		return "KSP " + word
	case "simpan_pinjam_syariah":
		return "KSPPS " + word
	case "serba_usaha":
		return "KSU " + word
	case "produsen":
		return "Koperasi Produsen " + word
	case "pemasaran":
		return "Koperasi Pemasaran " + word
	case "jasa":
		return "Koperasi Jasa " + word
	}
	return "Koperasi Konsumen " + word
}

func genReports(r *rand.Rand, d *Dataset, k *Koperasi, asOf time.Time) {
	if k.class == neverReports {
		return
	}
	members := math.Max(20, logNormal(r, 90, 0.9))
	wanitaShare := 0.2 + 0.6*r.Float64()
	if k.Kelompok == "wanita" {
		wanitaShare = 0.97
	}
	pokokPer := float64(25_000 * (1 + r.IntN(20)))
	wajibPerYear := float64(10_000*(1+r.IntN(10))) * 12
	wajibYears := 2 + r.Float64()*8
	cadanganShare := 0.05 + 0.25*r.Float64()
	hibah := 0.0
	if r.IntN(8) == 0 {
		hibah = logNormal(r, 25_000_000, 0.8)
	}
	leverage := logNormal(r, 0.8, 0.7) // modal luar / modal sendiri
	turnover := logNormal(r, 0.9, 0.6)
	margin := 0.03 + 0.035*r.NormFloat64()
	growth := 1.02 + 0.06*r.Float64()
	lastRATYear := d.LastYear
	if k.class == tidakAktif {
		lastRATYear = d.FirstYear - 1 + r.IntN(2) // last RAT at most in the 2nd year: none in the last 3
	}
	stopReporting := d.LastYear + 1
	if k.class == tidakAktif {
		stopReporting = d.FirstYear + r.IntN(d.LastYear-d.FirstYear+1)
	}
	if k.class == dibubarkan {
		stopReporting = k.TanggalBubar.Year()
	}
	late := r.IntN(6) == 0
	// A KSP's soundness (0 weak … 1 sound) drives its finance ratios, so the health rubrics spread the
	// demo over every category; it drifts a little from year to year.
	quality := -1.0
	if k.Jenis == "simpan_pinjam" || k.Jenis == "simpan_pinjam_syariah" {
		quality = r.Float64()
	}
	for y := d.FirstYear; y <= d.LastYear; y++ {
		if y < k.TanggalBH.Year() || y >= stopReporting {
			continue
		}
		if k.class == aktif && r.IntN(14) == 0 && y < d.LastYear {
			continue // a missed report now and then
		}
		if y == d.LastYear && k.class == aktif && r.IntN(7) == 0 {
			continue // belum lapor for the last closed year
		}
		scale := math.Pow(growth, float64(y-d.FirstYear))
		m := members * scale
		rep := Report{Tahun: y}
		rep.Wanita = int64(m * wanitaShare)
		rep.Pria = int64(m) - rep.Wanita
		rep.Manajer = int64(r.IntN(3))
		rep.Karyawan = int64(math.Max(0, logNormal(r, m/40, 0.6)))
		rep.Pokok = round(m * pokokPer)
		rep.Wajib = round(m * wajibPerYear * (wajibYears + float64(y-d.FirstYear)))
		rep.Cadangan = round(float64(rep.Pokok+rep.Wajib) * cadanganShare)
		rep.Hibah = round(hibah)
		ms := float64(rep.ModalSendiri())
		rep.ModalLuar = round(ms * leverage)
		rep.Aset = rep.ModalSendiri() + rep.ModalLuar + round(ms*0.05*r.Float64())
		rep.Volume = round(float64(rep.Aset) * turnover * (0.9 + 0.2*r.Float64()))
		rep.SHU = round(float64(rep.Volume) * (margin + 0.01*r.NormFloat64()))
		held := y <= lastRATYear && r.IntN(12) != 0
		if k.class == aktif && y == d.LastYear-1 {
			held = true // an active cooperative held a RAT within the last three years
		}
		if held {
			month := time.Month(2 + r.IntN(4))
			if late && y == d.LastYear {
				month = time.Month(7 + r.IntN(3)) // RAT held after the deadline
			}
			t := time.Date(y+1, month, 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
			if !t.After(asOf) {
				rep.TanggalRAT = &t
			}
		}
		if k.Jenis == "simpan_pinjam" || k.Jenis == "simpan_pinjam_syariah" {
			q := math.Min(1, math.Max(0, quality+0.1*r.NormFloat64()))
			rep.KSP, rep.Checklist = kspFinance(r, rep, q)
		}
		k.Reports = append(k.Reports, rep)
	}
}

// kspFinance makes the KSP/USP finance inputs of the 2016 rubric, consistent with the balance sheet,
// for a cooperative of soundness q (0 weak … 1 sound): each ratio of the rubric moves with q, plus noise.
func kspFinance(r *rand.Rand, rep Report, q float64) (map[string]int64, map[string]int64) {
	w := 1 - q
	jitter := func(x float64) float64 { return math.Max(0, x*(0.85+0.3*r.Float64())) }
	clamp01 := func(x float64) float64 { return math.Min(1, math.Max(0, x)) }
	aset := float64(rep.Aset)
	ms := float64(rep.ModalSendiri())
	pinjaman := aset * (0.55 + 0.3*r.Float64())
	npl := jitter(0.01 + 0.3*w*w) // share of loans at risk
	kl, dr, mc := pinjaman*npl*0.5, pinjaman*npl*0.25, pinjaman*npl*0.25
	risiko := 0.5*kl + 0.75*dr + mc
	pendapatan := pinjaman * (0.12 + 0.08*r.Float64())
	bebanUsaha := pendapatan * (0.35 + 0.3*r.Float64())
	bebanKop := pendapatan * 0.05 * r.Float64()
	kewajibanLancar := float64(rep.ModalLuar) * (0.5 + 0.5*r.Float64())
	kas := kewajibanLancar * (0.10 + 0.05*r.Float64()) // the rubric's sweet spot, 10–15 %
	if r.Float64() > q {
		kas = kewajibanLancar * (0.02 + 0.4*r.Float64())
	}
	f := map[string]int64{
		"kas_bank":                round(kas),
		"kewajiban_lancar":        round(kewajibanLancar),
		"pinjaman_diberikan":      round(pinjaman),
		"pinjaman_anggota":        round(pinjaman * (0.3 + 0.7*clamp01(q+0.15*r.NormFloat64()))),
		"pinjaman_kurang_lancar":  round(kl),
		"pinjaman_diragukan":      round(dr),
		"pinjaman_macet":          round(mc),
		"pinjaman_berisiko":       round(kl + dr + mc),
		"cadangan_risiko":         round(risiko * jitter(0.15+0.9*q)),
		"dana_diterima":           round(pinjaman / (0.5 + 0.45*clamp01(q+0.1*r.NormFloat64()))),
		"modal_tertimbang":        round(ms * (0.8 + 0.2*r.Float64())),
		"atmr":                    round(ms * (0.8 + 0.2*r.Float64()) / jitter(0.03+0.1*q)),
		"beban_operasi_anggota":   round(pendapatan * 0.9 * jitter(0.8+0.3*w)),
		"partisipasi_bruto":       round(pendapatan * 0.9),
		"partisipasi_netto":       round((bebanUsaha + bebanKop) * jitter(0.7+0.6*q)),
		"pendapatan":              round(pendapatan),
		"beban_usaha":             round(bebanUsaha),
		"beban_perkoperasian":     round(bebanKop),
		"shu_kotor":               round(bebanUsaha / jitter(0.3+0.8*w)),
		"shu_sebelum_pajak":       round(aset * jitter(0.02+0.1*q)),
		"shu_bagian_anggota":      round(ms * jitter(0.015+0.06*q)),
		"biaya_karyawan":          round(pinjaman * 1.3 * jitter(0.03+0.14*w)),
		"volume_pinjaman":         round(pinjaman * 1.3),
		"promosi_ekonomi_anggota": round(float64(rep.Pokok+rep.Wajib) * jitter(0.02+0.12*q)),
	}
	yes := func(n int) int64 { return int64(math.Round(float64(n) * clamp01(q+0.15*r.NormFloat64()))) }
	c := map[string]int64{
		"manajemen_umum_ya": yes(12), "kelembagaan_ya": yes(6), "manajemen_permodalan_ya": yes(5),
		"manajemen_aktiva_ya": yes(10), "manajemen_likuiditas_ya": yes(5),
	}
	return f, c
}

func round(f float64) int64 { return int64(math.Round(f/1000) * 1000) } // whole thousands of rupiah, as reported
