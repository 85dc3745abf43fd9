package kesehatan_test

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pantau-koperasi/pantau/app"
	"github.com/pantau-koperasi/pantau/ingest"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/scoring"
	"github.com/pantau-koperasi/pantau/scoring/kesehatan"
	"github.com/pantau-koperasi/pantau/transform"
)

var asOf = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

const (
	nikKSP      = "3276010000000001"
	nikKonsumen = "3276010000000002"
	nikKosong   = "3276010000000004"
)

// The worked example: one KSP whose 2023 report is filled in with round figures, so that every
// indicator of the official worksheet can be computed by hand (the comments below), a konsumen
// cooperative over three years for the category history, and a KSP that sent no finance fields.
const header = "NIK;Nama Koperasi;Jenis;Tahun Buku;Tanggal RAT;Simpanan Pokok;Simpanan Wajib;Dana Cadangan;Hibah;Modal Luar;Total Aset;Volume Usaha;SHU;" +
	"kas bank;kewajiban lancar;pinjaman diberikan;pinjaman anggota;pinjaman kurang lancar;pinjaman diragukan;pinjaman macet;pinjaman berisiko;" +
	"cadangan risiko;dana diterima;modal tertimbang;atmr;beban operasi anggota;partisipasi bruto;partisipasi netto;pendapatan;beban usaha;" +
	"beban perkoperasian;shu kotor;shu sebelum pajak;shu bagian anggota;biaya karyawan;volume pinjaman;promosi ekonomi anggota;" +
	"manajemen umum ya;kelembagaan ya;manajemen permodalan ya;manajemen aktiva ya;manajemen likuiditas ya\n"

var rows = nikKSP + ";KSP Contoh Sejahtera;KSP;2023;15/03/2024;50000000;250000000;100000000;0;600000000;1000000000;800000000;40000000;" +
	"36000000;300000000;700000000;490000000;20000000;8000000;10000000;38000000;13000000;1000000000;45000000;600000000;92000000;100000000;" +
	"66000000;150000000;50000000;5000000;100000000;60000000;14000000;42000000;600000000;24000000;9;5;4;7;3\n" +
	nikKonsumen + ";Koperasi Konsumen Contoh;Konsumen;2021;10/03/2022;100000000;300000000;100000000;0;250000000;1000000000;1200000000;60000000" + strings.Repeat(";", 29) + "\n" +
	nikKonsumen + ";Koperasi Konsumen Contoh;Konsumen;2022;10/03/2023;100000000;300000000;100000000;0;250000000;1000000000;400000000;10000000" + strings.Repeat(";", 29) + "\n" +
	nikKonsumen + ";Koperasi Konsumen Contoh;Konsumen;2023;10/03/2024;100000000;300000000;100000000;0;250000000;1000000000;1200000000;60000000" + strings.Repeat(";", 29) + "\n" +
	nikKosong + ";KSP Tanpa Neraca;KSP;2023;01/03/2024;100000000;100000000;;;;1000000000;500000000;" + strings.Repeat(";", 29) + "\n"

func scoredWorkspace(t *testing.T) *workspace.Workspace {
	t.Helper()
	ctx := context.Background()
	ws, _, err := workspace.Init(ctx, t.TempDir(), "32.76", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	p := filepath.Join(t.TempDir(), "laporan.csv")
	if err := os.WriteFile(p, []byte(header+rows), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := ingest.IngestFile(ctx, ws, p, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Accepted != 5 {
		t.Fatalf("accepted %d rows, want 5: %+v", sum.Accepted, sum)
	}
	if _, err := transform.Run(ctx, ws, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := scoring.Run(ctx, ws, asOf, app.ScoringStages()...); err != nil {
		t.Fatal(err)
	}
	return ws
}

type result struct {
	skor, cakupan       float64
	kategori, grade     string
	sebelumnya, berubah string
}

func results(t *testing.T, ws *workspace.Workspace) map[string]result {
	t.Helper()
	rs, err := ws.WH.DB().Query(`SELECT nik || '/' || tahun_buku || '/' || rubrik, coalesce(skor, -1), cakupan, kategori, coalesce(grade, ''),
		coalesce(kategori_sebelumnya, ''), coalesce(perubahan, '') FROM mart.kesehatan`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	out := map[string]result{}
	for rs.Next() {
		var k string
		var r result
		if err := rs.Scan(&k, &r.skor, &r.cakupan, &r.kategori, &r.grade, &r.sebelumnya, &r.berubah); err != nil {
			t.Fatal(err)
		}
		if _, dup := out[k]; dup {
			t.Errorf("%s twice in mart.kesehatan", k)
		}
		out[k] = r
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.005 }

func TestWorkedKSPWorksheet(t *testing.T) {
	ws := scoredWorkspace(t)
	ctx := context.Background()
	// ksp-2016 by hand (modal sendiri = 50 + 250 + 100 + 0 = 400 jt; risiko pinjaman bermasalah =
	// 50% × 20 + 75% × 8 + 100% × 10 = 26 jt):
	want := map[string]float64{
		"1.1": 6,    // 400 / 1000 = 40 %          → 40 ≤ x < 60
		"1.2": 6,    // 400 / 38 = 1052,6 %        → x ≥ 100
		"1.3": 2.25, // 45 / 600 = 7,5 %           → 6 ≤ x < 8
		"2.1": 7.5,  // 490 / 700 = 70 %           → 50 ≤ x < 75
		"2.2": 4,    // 26 / 700 = 3,71 %          → x < 10 (not 0)
		"2.3": 3,    // 13 / 26 = 50 %             → 50 ≤ x < 60
		"2.4": 5,    // 38 / 700 = 5,43 %          → x < 21
		"3.1": 2.25, // 9 × 0,25
		"3.2": 2.5,  // 5 × 0,50
		"3.3": 2.4,  // 4 × 0,60
		"3.4": 2.1,  // 7 × 0,30
		"3.5": 1.8,  // 3 × 0,60
		"4.1": 3,    // 92 / 100 = 92 %            → 90 ≤ x < 95
		"4.2": 3,    // 50 / 100 = 50 %            → 40 ≤ x < 60
		"4.3": 1.5,  // 42 / 600 = 7 %             → 5 ≤ x < 10
		"5.1": 10,   // 36 / 300 = 12 %            → 10 ≤ x < 15
		"5.2": 3.75, // 700 / 1000 = 70 %          → 70 ≤ x < 80
		"6.1": 1.5,  // 60 / 1000 = 6 %            → 5 ≤ x < 7,5
		"6.2": 1.5,  // 14 / 400 = 3,5 %           → 3 ≤ x < 4
		"6.3": 4,    // 66 / (50 + 5) = 120 %      → x ≥ 100
		"7.1": 3.5,  // 100 / (100 + 150) = 40 %   → 25 ≤ x < 50
		"7.2": 2.25, // 24 / (50 + 250) = 8 %      → 7,5 ≤ x < 10
	}
	// Aspects: 14,25 + 19,5 + 11,05 + 7,5 + 13,75 + 7 + 5,75 = 78,80 → Cukup Sehat (66 ≤ s < 80).
	const total = 78.80
	sheets, err := kesehatan.Explain(ctx, ws.WH.DB(), nikKSP, 2023, "ksp-2016")
	if err != nil {
		t.Fatal(err)
	}
	w := sheets[0]
	if len(w.Baris) != len(want) {
		t.Fatalf("%d indicators, want %d", len(w.Baris), len(want))
	}
	for _, l := range w.Baris {
		if l.Skor == nil || !near(*l.Skor, want[l.Indikator]) || !l.Dinilai {
			t.Errorf("indicator %s (%s): skor %v, want %v", l.Indikator, l.Nama, l.Skor, want[l.Indikator])
		}
	}
	if w.Skor == nil || !near(*w.Skor, total) || w.Kategori != "Cukup Sehat" || w.Grade != "B" || w.Cakupan != 1 {
		t.Fatalf("worksheet total %v %s %s %v", w.Skor, w.Kategori, w.Grade, w.Cakupan)
	}
	var text bytes.Buffer
	if err := w.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	for _, s := range []string{
		"Koperasi    : KSP Contoh Sejahtera (NIK 3276010000000001)",
		"I    PERMODALAN (bobot 15)",
		"1.3  Rasio kecukupan modal sendiri (CAR)",
		"7,50  6 ≤ x < 8 (nilai 75)",
		"rumus: Modal sendiri tertimbang / ATMR × 100%",
		"Jumlah Permodalan",
		"14,25",
		"Jumlah Kualitas Aktiva Produktif",
		"19,50",
		"Jumlah skor        : 78,80 dari bobot dinilai 100",
		"Skor (skala 100)   : 78,80",
		"Kategori           : Cukup Sehat (grade B)",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("worksheet lacks %q:\n%s", s, out)
		}
	}
	// The XLSX export carries the same figures.
	x := filepath.Join(t.TempDir(), "lembar.xlsx")
	if err := kesehatan.WriteXLSX(sheets, x); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	xrows, err := f.GetRows("ksp-2016", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, r := range xrows {
		if len(r) >= 2 {
			found[r[0]] = r[1]
		}
		if len(r) >= 7 && r[0] == "1.3" {
			found["1.3 skor"] = r[6]
		}
	}
	if found["Skor (skala 100)"] != "78.8" || found["Kategori"] != "Cukup Sehat" || found["Grade"] != "B" || found["1.3 skor"] != "2.25" {
		t.Errorf("XLSX worksheet: %v", found)
	}
}

func TestWorkedOtherRubricsCakupanAndHistory(t *testing.T) {
	ws := scoredWorkspace(t)
	got := results(t, ws)
	// kkpkk-2021 for the KSP, first reported year, so both growth indicators are tidak dinilai:
	// A: 9/12 = 75 % (50 < x ≤ 75) 4,5; 5/6 6; 4/5 6; 7/10 4,5; 3/5 4,5 → 25,5
	// B: 700/1000 = 70 % → 7,5; 36/300 = 12 % → 5,625 → 13,125
	// C: 40/1000 = 4 % → 7,5; 50/150 = 33 % → 10; growth of SHU missing; 5/40 = 12,5 % → 10 → 27,5 of 30
	// D: 40 % → 7,5; growth of equity missing → 7,5 of 7,5
	// assessed weight 100 − 10 − 7,5 = 82,5 (cakupan 0,825); skor = 100 × 73,625 / 82,5 = 89,24 → Sehat.
	k := got[nikKSP+"/2023/kkpkk-2021"]
	if !near(k.skor, 89.24) || !near(k.cakupan, 0.825) || k.kategori != "Sehat" || k.grade != "A" {
		t.Errorf("kkpkk-2021: %+v", k)
	}
	// umum-2026 for the KSP: RAT held 10 + on time 10 + report on time 0 (loaded in 2026) + NIK 5 = 25;
	// modal luar/modal sendiri 150 % → 10; SHU/aset 4 % → 7,5; volume/aset 80 % → 11,25; modal/aset 40 % → 15.
	if u := got[nikKSP+"/2023/umum-2026"]; !near(u.skor, 68.75) || u.kategori != "Cukup Sehat" || u.cakupan != 1 {
		t.Errorf("umum-2026 KSP: %+v", u)
	}
	// The konsumen cooperative: 2021 25+15+11,25+15+15 = 81,25 Sehat; 2022 SHU 1 % → 3,75 and volume 40 %
	// → 7,5: 66,25 Cukup Sehat (turun); 2023 back to 81,25 Sehat (naik). No KSP rubric applies to it.
	for _, c := range []struct {
		tahun              string
		skor               float64
		kat, sebelum, ubah string
	}{{"2021", 81.25, "Sehat", "", ""}, {"2022", 66.25, "Cukup Sehat", "Sehat", "turun"}, {"2023", 81.25, "Sehat", "Cukup Sehat", "naik"}} {
		r := got[nikKonsumen+"/"+c.tahun+"/umum-2026"]
		if !near(r.skor, c.skor) || r.kategori != c.kat || r.sebelumnya != c.sebelum || r.berubah != c.ubah {
			t.Errorf("konsumen %s: %+v, want %v %s %s %s", c.tahun, r, c.skor, c.kat, c.sebelum, c.ubah)
		}
		if _, ok := got[nikKonsumen+"/"+c.tahun+"/ksp-2016"]; ok {
			t.Errorf("ksp-2016 applied to a konsumen cooperative")
		}
	}
	// A KSP without finance fields: no ksp-2016 (it needs them); umum-2026 misses modal_luar and shu:
	// assessed 100 − 20 − 15 = 65 → cakupan 0,65 < 0,8 → Tidak Dapat Dinilai; skor 100 × (25 + 11,25 + 10) / 65 = 71,15.
	if _, ok := got[nikKosong+"/2023/ksp-2016"]; ok {
		t.Error("ksp-2016 scored a report without finance fields")
	}
	e := got[nikKosong+"/2023/umum-2026"]
	if e.kategori != kesehatan.TidakDapatDinilai || e.grade != "" || !near(e.cakupan, 0.65) || !near(e.skor, 71.15) {
		t.Errorf("no finance fields: %+v", e)
	}
	var hilang string
	if err := ws.WH.DB().QueryRow(`SELECT string_agg(indikator || ':' || input_hilang, ' ' ORDER BY urutan) FROM mart.kesehatan_indikator
		WHERE nik = ? AND rubrik = 'umum-2026' AND NOT dinilai`, nikKosong).Scan(&hilang); err != nil {
		t.Fatal(err)
	}
	if hilang != "PR.1:modal_luar KK.1:shu" {
		t.Errorf("missing inputs %q", hilang)
	}
	// Scoring twice gives the same results (the marts are rewritten, not appended to).
	if _, err := scoring.Run(context.Background(), ws, asOf, app.ScoringStages()...); err != nil {
		t.Fatal(err)
	}
	if again := results(t, ws); len(again) != len(got) || again[nikKSP+"/2023/ksp-2016"] != got[nikKSP+"/2023/ksp-2016"] {
		t.Errorf("second run: %d results, was %d: %+v vs %+v", len(again), len(got), again[nikKSP+"/2023/ksp-2016"], got[nikKSP+"/2023/ksp-2016"])
	}
}
