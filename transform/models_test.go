package transform

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestModelsOrderAndSelect(t *testing.T) {
	ms, err := Models()
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, m := range ms {
		pos[m.Name] = i
	}
	for _, m := range ms {
		for _, d := range m.Deps {
			if pos[d] >= pos[m.Name] {
				t.Errorf("%s runs before its dependency %s", m.Name, d)
			}
		}
	}
	sel, err := Select(ms, []string{"core.laporan+"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range sel {
		names = append(names, m.Name)
	}
	want := []string{"core.laporan", "core.laporan_versi", "mart.kelengkapan_laporan", "mart.laporan"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("core.laporan+ selects %v, want %v", names, want)
	}
	if _, err := Select(ms, []string{"core.tidak_ada"}); err == nil {
		t.Error("an unknown model was accepted")
	}
}

// The completeness mart against a hand-counted fixture (DHIS2's five measures, deadline 6 months).
//
//	A 32.76.01 BH 2015: 2022 sent 2023-03-01 (on time; corrected 2024-01-01), 2023 sent 2024-09-01 (late)
//	B 32.76.02 BH 2010: 2022 sent 2023-05-01 (on time); 2023 missing
//	C 32.76.01 BH 2023: 2023 sent 2024-02-01 (on time) — not expected in 2022
//	D 32.73.01 BH 2000, dissolved 2023-06-30: 2022 sent 2023-06-30 (on time) — not expected in 2023
//	E 32.76.01 BH unknown: first report 2023 sent 2024-01-15 (on time) — not expected in 2022
func TestKelengkapanLaporanHandCounted(t *testing.T) {
	ws := newWS(t)
	A, B, C, D, E := "3276010000000001", "3276020000000002", "3276010000000003", "3273010000000004", "3276010000000005"
	r := func(nik, kode, bh string, tahun int) rec {
		x := with(good(nik, tahun), "kode_wilayah", kode, "tanggal_badan_hukum", nil)
		if bh != "" {
			x["tanggal_badan_hukum"] = bh
		}
		return x
	}
	addLoad(t, ws, "laporan", "a2022.xlsx", day("2023-03-01"), r(A, "32.76.01", "2015-01-01", 2022))
	addLoad(t, ws, "laporan", "b2022.xlsx", day("2023-05-01"), r(B, "32.76.02", "2010-01-01", 2022))
	addLoad(t, ws, "laporan", "d2022.xlsx", day("2023-06-30"), with(r(D, "32.73.01", "2000-01-01", 2022), "tanggal_pembubaran", "2023-06-30"))
	addLoad(t, ws, "laporan", "a2022-koreksi.xlsx", day("2024-01-01"), with(r(A, "32.76.01", "2015-01-01", 2022), "shu", 123))
	addLoad(t, ws, "laporan", "e2023.xlsx", day("2024-01-15"), r(E, "32.76.01", "", 2023))
	addLoad(t, ws, "laporan", "c2023.xlsx", day("2024-02-01"), r(C, "32.76.01", "2023-02-01", 2023))
	addLoad(t, ws, "laporan", "a2023.xlsx", day("2024-09-01"), r(A, "32.76.01", "2015-01-01", 2023))
	run(t, ws)

	type row struct {
		kode               string
		tahun              int
		exp, act, onTime   int64
		rate, rateOnTime   float64
		level, nama, induk string
	}
	want := []row{
		{"32", 2022, 3, 3, 3, 100, 100, "provinsi", "Jawa Barat", ""},
		{"32", 2023, 4, 3, 2, 75, 50, "provinsi", "Jawa Barat", ""},
		{"32.73", 2022, 1, 1, 1, 100, 100, "kabupaten_kota", "Kota Bandung", "32"},
		{"32.76", 2022, 2, 2, 2, 100, 100, "kabupaten_kota", "Kota Depok", "32"},
		{"32.76", 2023, 4, 3, 2, 75, 50, "kabupaten_kota", "Kota Depok", "32"},
		{"32.73.01", 2022, 1, 1, 1, 100, 100, "kecamatan", "Sukasari", "32.73"},
		{"32.76.01", 2022, 1, 1, 1, 100, 100, "kecamatan", "Pancoran Mas", "32.76"},
		{"32.76.01", 2023, 3, 3, 2, 100, 66.67, "kecamatan", "Pancoran Mas", "32.76"},
		{"32.76.02", 2022, 1, 1, 1, 100, 100, "kecamatan", "Cimanggis", "32.76"},
		{"32.76.02", 2023, 1, 0, 0, 0, 0, "kecamatan", "Cimanggis", "32.76"},
	}
	rows, err := ws.WH.DB().Query(`SELECT kode_wilayah, tahun_buku, expected_reports, actual_reports, actual_reports_on_time,
		reporting_rate::DOUBLE, reporting_rate_on_time::DOUBLE, level, nama_wilayah, coalesce(kode_induk, '')
		FROM mart.kelengkapan_laporan ORDER BY CASE level WHEN 'provinsi' THEN 1 WHEN 'kabupaten_kota' THEN 2 ELSE 3 END, kode_wilayah, tahun_buku`)
	if err != nil {
		t.Fatal(err)
	}
	var got []row
	for rows.Next() {
		var x row
		if err := rows.Scan(&x.kode, &x.tahun, &x.exp, &x.act, &x.onTime, &x.rate, &x.rateOnTime, &x.level, &x.nama, &x.induk); err != nil {
			t.Fatal(err)
		}
		got = append(got, x)
	}
	rows.Close()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("mart.kelengkapan_laporan:\n got %v\nwant %v", got, want)
	}

	// The deadline is configuration: at 12 months A's 2023 report (2024-09-01) is on time.
	ws.Config.Status.BatasLaporBulan = 12
	run(t, ws)
	if n := queryInt(t, ws, `SELECT actual_reports_on_time FROM mart.kelengkapan_laporan WHERE kode_wilayah = '32' AND tahun_buku = 2023`); n != 3 {
		t.Errorf("with a 12-month deadline 2023 on-time reports = %d, want 3", n)
	}
}

// core.laporan takes the latest version, fills derived measures and growth; core.laporan_versi keeps
// every version; core.koperasi_riwayat keeps the old name with valid_from / valid_to.
func TestCoreLaporanVersionsHistoryAndGrowth(t *testing.T) {
	ws := newWS(t)
	nik := "3276010000000001"
	first := with(good(nik, 2022), "modal_sendiri", nil, "simpanan_pokok", 10_000_000, "simpanan_wajib", 20_000_000, "dana_cadangan", 5_000_000,
		"hibah", nil, "jumlah_anggota", nil, "anggota_pria", 30, "anggota_wanita", 50, "total_aset", 800_000_000)
	s1 := addLoad(t, ws, "laporan", "lap2022.xlsx", day("2023-03-01"), first)
	s2 := addLoad(t, ws, "laporan", "lap2022-koreksi.xlsx", day("2023-04-01"), with(first, "simpanan_pokok", 12_000_000))
	s3 := addLoad(t, ws, "laporan", "lap2023.xlsx", day("2024-03-01"), with(good(nik, 2023), "nama_koperasi", "KSP Maju Bersama", "total_aset", 1_000_000_000, "jumlah_anggota", 100))
	run(t, ws)

	var sub int64
	var modal float64
	var anggota, versi int64
	if err := ws.WH.DB().QueryRow(`SELECT submission_id, modal_sendiri::DOUBLE, jumlah_anggota, jumlah_versi FROM core.laporan WHERE nik = ? AND tahun_buku = 2022`, nik).
		Scan(&sub, &modal, &anggota, &versi); err != nil {
		t.Fatal(err)
	}
	if sub != s2 || modal != 37_000_000 || anggota != 80 || versi != 2 {
		t.Errorf("2022: submission %d modal %v anggota %d versions %d; want %d, 37000000 (12+20+5 juta), 80 (30+50), 2", sub, modal, anggota, versi, s2)
	}
	var gAset, gAnggota float64
	if err := ws.WH.DB().QueryRow(`SELECT pertumbuhan_aset, pertumbuhan_anggota FROM core.laporan WHERE nik = ? AND tahun_buku = 2023`, nik).Scan(&gAset, &gAnggota); err != nil {
		t.Fatal(err)
	}
	if gAset != 0.25 || gAnggota != 0.25 { // 800 jt → 1 M; 80 → 100
		t.Errorf("growth 2023: aset %v anggota %v, want 0.25 and 0.25", gAset, gAnggota)
	}
	vs, err := ws.WH.DB().Query(`SELECT submission_id, versi, status_versi, coalesce(digantikan_oleh, 0) FROM core.laporan_versi WHERE nik = ? ORDER BY tahun_buku, versi`, nik)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for vs.Next() {
		var id, v, by int64
		var st string
		vs.Scan(&id, &v, &st, &by)
		got = append(got, fmt.Sprintf("%d/%d/%s/%d", id, v, st, by))
	}
	vs.Close()
	want := []string{fmt.Sprintf("%d/1/digantikan/%d", s1, s2), fmt.Sprintf("%d/2/berlaku/0", s2), fmt.Sprintf("%d/1/berlaku/0", s3)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("core.laporan_versi %v, want %v", got, want)
	}
	// SCD2: the name changed in 2024 (lap2023), so two versions.
	hs, err := ws.WH.DB().Query(`SELECT versi, nama_koperasi, valid_from, valid_to, is_current FROM core.koperasi_riwayat WHERE nik = ? ORDER BY versi`, nik)
	if err != nil {
		t.Fatal(err)
	}
	type h struct {
		v       int64
		nama    string
		from    time.Time
		to      *time.Time
		current bool
	}
	var hist []h
	for hs.Next() {
		var x h
		hs.Scan(&x.v, &x.nama, &x.from, &x.to, &x.current)
		hist = append(hist, x)
	}
	hs.Close()
	if len(hist) != 2 || hist[0].nama != "KSP Maju 001" || !hist[0].from.Equal(day("2023-03-01")) || hist[0].to == nil || !hist[0].to.Equal(day("2024-03-01")) || hist[0].current ||
		hist[1].nama != "KSP Maju Bersama" || hist[1].to != nil || !hist[1].current {
		t.Errorf("core.koperasi_riwayat %+v, want the old name valid 2023-03-01..2024-03-01 and the new one current", hist)
	}
	if n := queryStr(t, ws, `SELECT nama_koperasi FROM mart.koperasi WHERE nik = ?`, nik); n != "KSP Maju Bersama" {
		t.Errorf("mart.koperasi name %q, want the latest", n)
	}
	if p := queryStr(t, ws, `SELECT provinsi || ' / ' || kabupaten_kota || ' / ' || kecamatan FROM mart.laporan WHERE nik = ? AND tahun_buku = 2023`, nik); p != "Jawa Barat / Kota Depok / Pancoran Mas" {
		t.Errorf("mart.laporan region %q", p)
	}
}

func TestWilayahHierarki(t *testing.T) {
	ws := newWS(t)
	run(t, ws, "core.wilayah_hierarki")
	got := queryStr(t, ws, `SELECT concat_ws('|', kode_provinsi, provinsi, kode_kabupaten_kota, kabupaten_kota, kode_kecamatan, kecamatan, kode_desa_kelurahan, desa_kelurahan)
		FROM core.wilayah_hierarki WHERE kode = '32.76.01.1006'`)
	if got != "32|Jawa Barat|32.76|Kota Depok|32.76.01|Pancoran Mas|32.76.01.1006|Depok" {
		t.Errorf("hierarchy of 32.76.01.1006: %s", got)
	}
	if n := queryInt(t, ws, `SELECT count(*) FROM core.wilayah_hierarki WHERE level = 1`); n != 38 {
		t.Errorf("%d provinces, want 38", n)
	}
}

// A model that fails names itself and why; its dependants are skipped with its name; other models run.
func TestModelFailureStopsDependants(t *testing.T) {
	ws := newWS(t)
	addLoad(t, ws, "laporan", "a.xlsx", day("2024-03-01"), good("3276010000000001", 2023))
	if _, err := ws.WH.DB().Exec(`ALTER TABLE core.wilayah RENAME COLUMN nama TO nama_lama`); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), ws, nil)
	if err == nil || !strings.Contains(err.Error(), "core.wilayah_hierarki") {
		t.Fatalf("err = %v, want one naming core.wilayah_hierarki", err)
	}
	by := map[string]Result{}
	for _, r := range res {
		by[r.Model] = r
	}
	if r := by["core.wilayah_hierarki"]; r.Err == nil || r.Skipped || !strings.Contains(r.Err.Error(), "nama") {
		t.Errorf("core.wilayah_hierarki: %+v, want its own failure with the cause", r)
	}
	for _, m := range []string{"mart.kelengkapan_laporan", "mart.koperasi", "mart.laporan"} {
		if r := by[m]; !r.Skipped || !strings.Contains(r.Err.Error(), "core.wilayah_hierarki") {
			t.Errorf("%s: %+v, want skipped naming core.wilayah_hierarki", m, r)
		}
	}
	for _, m := range []string{"core.laporan", "core.koperasi", "core.laporan_versi"} {
		if r := by[m]; r.Err != nil {
			t.Errorf("%s does not depend on the failed model but failed: %v", m, r.Err)
		}
	}
	if n := queryInt(t, ws, `SELECT count(*) FROM core.laporan`); n != 1 {
		t.Errorf("core.laporan has %d rows, want 1", n)
	}
}

// --select core.laporan+ rebuilds core.laporan and what depends on it, and nothing else; it does not
// run the checks, so a load that arrived since the last check run waits.
func TestSelectDownstream(t *testing.T) {
	ws := newWS(t)
	addLoad(t, ws, "laporan", "a.xlsx", day("2024-03-01"), good("3276010000000001", 2023))
	run(t, ws)
	addLoad(t, ws, "laporan", "b.xlsx", day("2024-03-02"), good("3276010000000002", 2023))
	res := run(t, ws, "core.laporan+")
	var names []string
	for _, r := range res {
		names = append(names, r.Model)
	}
	if want := []string{"core.laporan", "core.laporan_versi", "mart.kelengkapan_laporan", "mart.laporan"}; !reflect.DeepEqual(names, want) {
		t.Errorf("ran %v, want %v", names, want)
	}
	if n := queryInt(t, ws, `SELECT count(*) FROM mart.laporan`); n != 1 {
		t.Errorf("an unchecked load reached mart.laporan (%d rows, want 1)", n)
	}
	run(t, ws, "staging.laporan_terbit+")
	if n := queryInt(t, ws, `SELECT count(*) FROM mart.laporan`); n != 2 {
		t.Errorf("after the checks ran mart.laporan has %d rows, want 2", n)
	}
	if n := queryInt(t, ws, `SELECT count(*) FROM core.koperasi`); n != 2 {
		t.Errorf("core.koperasi has %d rows, want 2", n)
	}
}

// When the gate itself cannot run, nothing downstream of it is rebuilt: the marts keep the last good
// state and the error names the check.
func TestGateFailureKeepsLastGoodMarts(t *testing.T) {
	ws := newWS(t)
	addLoad(t, ws, "laporan", "a.xlsx", day("2024-03-01"), good("3276010000000001", 2023))
	run(t, ws)
	addLoad(t, ws, "laporan", "b.xlsx", day("2024-03-02"), good("3276010000000002", 2023))
	if _, err := ws.WH.DB().Exec(`ALTER TABLE core.wilayah RENAME COLUMN kode TO kode_lama`); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), ws, nil)
	if err == nil || !strings.Contains(err.Error(), "kode_wilayah_ada") {
		t.Fatalf("err = %v, want one naming the check that could not run", err)
	}
	by := map[string]Result{}
	for _, r := range res {
		by[r.Model] = r
	}
	for _, m := range []string{GateModel, "core.laporan", "core.koperasi"} {
		if r := by[m]; !r.Skipped || !strings.Contains(r.Err.Error(), GateName) {
			t.Errorf("%s: %+v, want skipped naming %s", m, r, GateName)
		}
	}
	if r := by["mart.laporan"]; !r.Skipped { // its other upstream, core.wilayah_hierarki, failed too
		t.Errorf("mart.laporan: %+v, want skipped", r)
	}
	if n := queryInt(t, ws, `SELECT count(*) FROM core.laporan`); n != 1 {
		t.Errorf("core.laporan has %d rows, want the last good 1", n)
	}
	if n := queryInt(t, ws, `SELECT count(*) FROM ops.check_runs WHERE finished_at IS NOT NULL`); n != 1 {
		t.Errorf("%d finished check runs, want only the first", n)
	}
}
