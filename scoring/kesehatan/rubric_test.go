package kesehatan

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// A minimal valid rubric; the cases below break one thing each.
const base = `
id = "uji"
versi = "1"
nama = "Rubrik uji"
sumber_dummy = 0
kategori = [
    { nama = "Sehat", min = 80 },
    { nama = "Cukup Sehat", min = 66 },
    { nama = "Dalam Pengawasan", min = 51 },
    { nama = "Dalam Pengawasan Khusus" },
]
[[aspek]]
kode = "a"
nama = "Aspek A"
bobot = 60
[[aspek.indikator]]
kode = "a.1"
nama = "Modal"
rumus = "Modal sendiri / Total aset"
nilai = "100 * modal_sendiri / nullif(total_aset, 0)"
bobot = 60
sumber = "kalibrasi"
band = [
    { sampai = 20, skor = 10 },
    { dari = 20, sampai = 40, skor = 30 },
    { dari = 40, skor = 60 },
]
[[aspek]]
kode = "b"
nama = "Aspek B"
bobot = 40
[[aspek.indikator]]
kode = "b.1"
nama = "Ya"
rumus = "Jumlah ya × 4"
nilai = "kelembagaan_ya"
bobot = 40
sumber = "kalibrasi"
skor_per_nilai = 4
`

func mutate(t *testing.T, from, to string) string {
	t.Helper()
	if !strings.Contains(base, from) {
		t.Fatalf("base lacks %q", from)
	}
	return strings.Replace(base, from, to, 1)
}

func TestValidateRejectsBrokenRubrics(t *testing.T) {
	ok := strings.Replace(base, "sumber_dummy = 0\n", "", 1)
	if _, err := Parse("uji.toml", []byte(ok)); err != nil {
		t.Fatalf("the base rubric must be valid: %v", err)
	}
	if _, err := Parse("uji.toml", []byte(base)); err == nil || !strings.Contains(err.Error(), "kunci tidak dikenal") {
		t.Errorf("unknown key: %v", err)
	}
	cases := []struct{ name, from, to, want string }{
		{"gap between bands", "{ dari = 20, sampai = 40, skor = 30 }", "{ dari = 25, sampai = 40, skor = 30 }", "celah antara 20 dan 25"},
		{"overlapping bands", "{ dari = 40, skor = 60 }", "{ dari = 35, skor = 60 }", "band tumpang tindih antara 35 dan 40"},
		{"no band to +inf", "{ dari = 40, skor = 60 }", "{ dari = 40, sampai = 90, skor = 60 }", "celah di atas 90"},
		{"no band from -inf", "{ sampai = 20, skor = 10 }", "{ dari = 0, sampai = 20, skor = 10 }", "celah di bawah 0"},
		{"points above the weight", "{ dari = 40, skor = 60 }", "{ dari = 40, skor = 61 }", "skor 61 di luar 0..60"},
		{"indicator weights do not make the aspect", "bobot = 60\nsumber", "bobot = 50\nsumber", "jumlah bobot indikator 50 tidak sama dengan bobot aspek 60"},
		{"aspect weights do not sum to 100", "kode = \"b\"\nnama = \"Aspek B\"\nbobot = 40", "kode = \"b\"\nnama = \"Aspek B\"\nbobot = 30", "jumlah bobot aspek 90, harus 100"},
		{"unknown field", "nilai = \"kelembagaan_ya\"", "nilai = \"kelembagaan_yes\"", `kolom "kelembagaan_yes" tidak dikenal`},
		{"a text field is not numeric", "nilai = \"kelembagaan_ya\"", "nilai = \"nama_koperasi\"", `kolom "nama_koperasi" tidak dikenal`},
		{"SQL injection", "nilai = \"kelembagaan_ya\"", "nilai = \"kelembagaan_ya; DROP TABLE mart.laporan\"", `karakter ";" tidak diizinkan`},
		{"string literal", "nilai = \"kelembagaan_ya\"", "nilai = \"kelembagaan_ya || 'x'\"", `karakter "|" tidak diizinkan`},
		{"subquery", "nilai = \"kelembagaan_ya\"", "nilai = \"(SELECT 1)\"", `kolom "SELECT" tidak dikenal`},
		{"unbalanced parenthesis", "nilai = \"kelembagaan_ya\"", "nilai = \"(kelembagaan_ya\"", "kurung buka tanpa pasangan"},
		{"categories out of order", "{ nama = \"Cukup Sehat\", min = 66 }", "{ nama = \"Cukup Sehat\", min = 85 }", "harus lebih kecil"},
		{"last category with a minimum", "{ nama = \"Dalam Pengawasan Khusus\" }", "{ nama = \"Dalam Pengawasan Khusus\", min = 0 }", "tidak boleh punya min"},
		{"unknown source label", "sumber = \"kalibrasi\"\nband", "sumber = \"katanya\"\nband", `sumber "katanya" tidak dikenal`},
		{"bands and linear together", "skor_per_nilai = 4", "skor_per_nilai = 4\nband = [{ skor = 1 }]", "tidak boleh dipakai bersama"},
		{"duplicate point band", "{ sampai = 20, skor = 10 },", "{ sama_dengan = 0, skor = 0 }, { sama_dengan = 0, skor = 1 }, { sampai = 20, skor = 10 },", "titik x = 0 ganda"},
	}
	for _, c := range cases {
		src := strings.Replace(mutate(t, c.from, c.to), "sumber_dummy = 0\n", "", 1)
		_, err := Parse("uji.toml", []byte(src))
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "uji.toml") {
			t.Errorf("%s: error %q lacks %q (and the file name)", c.name, err, c.want)
		}
	}
}

// Property: whatever the assessed points and weight, skor is within 0–100, cakupan within 0–1, and the
// category follows skor and cakupan exactly as the thresholds say.
func TestClassifyProperties(t *testing.T) {
	rs, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	grades := map[string]string{"Sehat": "A", "Cukup Sehat": "B", "Dalam Pengawasan": "C", "Dalam Pengawasan Khusus": "D"}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, r := range rs {
		for i := 0; i < 5000; i++ {
			bobot := rng.Float64() * 100
			if i%10 == 0 {
				bobot = 0
			}
			mentah := rng.Float64() * bobot
			skor, cak, kat, grade, rank := Classify(r, mentah, bobot, 0.8, grades)
			if cak < 0 || cak > 1 {
				t.Fatalf("%s: cakupan %v", r.ID, cak)
			}
			if math.Abs(cak-bobot/100) > 1e-12 {
				t.Fatalf("%s: cakupan %v for weight %v", r.ID, cak, bobot)
			}
			if bobot == 0 {
				if skor != nil || kat != TidakDapatDinilai {
					t.Fatalf("%s: nothing assessed gave %v %s", r.ID, skor, kat)
				}
				continue
			}
			if skor == nil || *skor < 0 || *skor > 100 {
				t.Fatalf("%s: skor %v", r.ID, skor)
			}
			var want string
			switch s := *skor; {
			case cak < 0.8:
				want = TidakDapatDinilai
			case s >= 80:
				want = "Sehat"
			case s >= 66:
				want = "Cukup Sehat"
			case s >= 51:
				want = "Dalam Pengawasan"
			default:
				want = "Dalam Pengawasan Khusus"
			}
			if kat != want || grade != grades[want] || (want == TidakDapatDinilai) != (rank == 0) {
				t.Fatalf("%s: skor %.4f cakupan %.3f gave %s/%s/%d, want %s", r.ID, *skor, cak, kat, grade, rank, want)
			}
		}
	}
	// On the thresholds themselves (a ≤ x < b): 80 is Sehat, 79.99 Cukup Sehat, 51 Dalam Pengawasan.
	r := rs["ksp-2016"]
	for _, c := range []struct {
		mentah float64
		want   string
	}{{80, "Sehat"}, {79.99, "Cukup Sehat"}, {66, "Cukup Sehat"}, {65.99, "Dalam Pengawasan"}, {51, "Dalam Pengawasan"}, {50.99, "Dalam Pengawasan Khusus"}} {
		if _, _, kat, _, _ := Classify(r, c.mentah, 100, 0.8, grades); kat != c.want {
			t.Errorf("skor %v: %s, want %s", c.mentah, kat, c.want)
		}
	}
	// Missing is not zero: 40 points over an assessed weight of 50 is 80 (Sehat) only if cakupan allows.
	if s, c, kat, _, _ := Classify(r, 40, 50, 0.8, grades); *s != 80 || c != 0.5 || kat != TidakDapatDinilai {
		t.Errorf("half assessed: %v %v %s", *s, c, kat)
	}
	if s, c, kat, _, _ := Classify(r, 68, 85, 0.8, grades); *s != 80 || c != 0.85 || kat != "Sehat" {
		t.Errorf("85%% assessed: %v %v %s", *s, c, kat)
	}
}

func TestHistoryNaikTurun(t *testing.T) {
	y := func(n int) *float64 { f := float64(n); return &f }
	all := []Result{
		{NIK: "1", Rubrik: "u", TahunBuku: 2023, Skor: y(81), Kategori: "Sehat", Peringkat: 1},
		{NIK: "1", Rubrik: "u", TahunBuku: 2021, Skor: y(70), Kategori: "Cukup Sehat", Peringkat: 2},
		{NIK: "1", Rubrik: "u", TahunBuku: 2022, Skor: y(55), Kategori: "Dalam Pengawasan", Peringkat: 3},
		{NIK: "1", Rubrik: "u", TahunBuku: 2024, Kategori: TidakDapatDinilai},
		{NIK: "1", Rubrik: "u", TahunBuku: 2025, Skor: y(81), Kategori: "Sehat", Peringkat: 1},
		{NIK: "1", Rubrik: "v", TahunBuku: 2022, Skor: y(81), Kategori: "Sehat", Peringkat: 1},
		{NIK: "2", Rubrik: "u", TahunBuku: 2022, Skor: y(81), Kategori: "Sehat", Peringkat: 1},
		{NIK: "2", Rubrik: "u", TahunBuku: 2023, Skor: y(82), Kategori: "Sehat", Peringkat: 1},
	}
	History(all)
	want := map[[3]any][2]string{ // (nik, rubrik, tahun) → (kategori_sebelumnya, perubahan)
		{"1", "u", 2021}: {"", ""},
		{"1", "u", 2022}: {"Cukup Sehat", "turun"},
		{"1", "u", 2023}: {"Dalam Pengawasan", "naik"},
		{"1", "u", 2024}: {"Sehat", ""},
		{"1", "u", 2025}: {TidakDapatDinilai, ""},
		{"1", "v", 2022}: {"", ""},
		{"2", "u", 2022}: {"", ""},
		{"2", "u", 2023}: {"Sehat", "tetap"},
	}
	for _, r := range all {
		w := want[[3]any{r.NIK, r.Rubrik, r.TahunBuku}]
		if r.KategoriSebelumnya != w[0] || r.Perubahan != w[1] {
			t.Errorf("%s %s %d: %q/%q, want %q/%q", r.NIK, r.Rubrik, r.TahunBuku, r.KategoriSebelumnya, r.Perubahan, w[0], w[1])
		}
	}
}

func TestParseAssignments(t *testing.T) {
	rs, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseAssignments([]string{"ksp-2016:simpan_pinjam, simpan_pinjam_syariah", "umum-2026:*", "ksp-2016:jasa"}, rs)
	if err != nil || len(a) != 2 || strings.Join(a[0].Jenis, ",") != "simpan_pinjam,simpan_pinjam_syariah,jasa" || a[1].Jenis != nil {
		t.Fatalf("%+v %v", a, err)
	}
	for _, c := range []struct{ line, want string }{
		{"ksp-2099:*", `rubrik "ksp-2099" tidak dikenal`},
		{"ksp-2016", "bukan bentuk"},
		{"ksp-2016:", "tanpa jenis"},
		{"ksp-2016:KSP", `jenis "KSP" tidak dikenal`},
	} {
		if _, err := ParseAssignments([]string{c.line}, rs); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.line, err, c.want)
		}
	}
}

func TestAngka(t *testing.T) {
	for _, c := range []struct {
		f    float64
		dec  int
		want string
	}{{5.625, 2, "5,63"}, {13.125, 2, "13,13"}, {78.8, 2, "78,80"}, {1234567.5, 1, "1.234.567,5"}, {-6.555, 2, "-6,56"}, {-0.001, 2, "0,00"}, {6, 0, "6"}, {0.825 * 100, 1, "82,5"}} {
		if got := Angka(c.f, c.dec); got != c.want {
			t.Errorf("Angka(%v, %d) = %q, want %q", c.f, c.dec, got, c.want)
		}
	}
}
