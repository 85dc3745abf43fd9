package kesehatan_test

import (
	"context"
	"io"
	"math"
	"testing"

	"github.com/pantau-koperasi/pantau/app/demo"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// Properties of every result on the demo province, computed by the whole pipeline: the three rubrics
// score it, skor is within 0–100, cakupan within 0–1 and equal to the assessed share of the weight,
// the category follows skor and cakupan, the parts add up to the whole, and naik/turun follows the
// categories of consecutive scored years.
func TestDemoProperties(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo pipeline")
	}
	t.Setenv("PANTAU_AS_OF", "2026-11-22")
	ctx := context.Background()
	ws, _, err := workspace.Init(ctx, t.TempDir(), "32", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, err := demo.Run(ctx, ws, demo.Options{Seed: 3, Koperasi: 400, AsOf: asOf}, io.Discard); err != nil {
		t.Fatal(err)
	}
	db := ws.WH.DB()
	rows, err := db.Query(`SELECT k.rubrik, k.skor, k.cakupan, k.kategori, coalesce(k.grade, ''), k.bobot_dinilai, k.bobot_total, k.skor_mentah,
			coalesce(k.kategori_sebelumnya, ''), coalesce(k.perubahan, ''),
			(SELECT coalesce(sum(i.skor) FILTER (WHERE i.dinilai), 0) FROM mart.kesehatan_indikator i WHERE i.nik = k.nik AND i.tahun_buku = k.tahun_buku AND i.rubrik = k.rubrik),
			(SELECT coalesce(sum(i.bobot) FILTER (WHERE i.dinilai), 0) FROM mart.kesehatan_indikator i WHERE i.nik = k.nik AND i.tahun_buku = k.tahun_buku AND i.rubrik = k.rubrik)
		FROM mart.kesehatan k`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	rank := map[string]int{"Sehat": 1, "Cukup Sehat": 2, "Dalam Pengawasan": 3, "Dalam Pengawasan Khusus": 4}
	grade := map[string]string{"Sehat": "A", "Cukup Sehat": "B", "Dalam Pengawasan": "C", "Dalam Pengawasan Khusus": "D"}
	cats := map[string]map[string]int{}
	n := 0
	for rows.Next() {
		var rub, kat, gr, prev, ubah string
		var skor *float64
		var cak, bd, bt, sm, sumSkor, sumBobot float64
		if err := rows.Scan(&rub, &skor, &cak, &kat, &gr, &bd, &bt, &sm, &prev, &ubah, &sumSkor, &sumBobot); err != nil {
			t.Fatal(err)
		}
		n++
		if cats[rub] == nil {
			cats[rub] = map[string]int{}
		}
		cats[rub][kat]++
		if cak < 0 || cak > 1 || math.Abs(cak-bd/bt) > 1e-9 || bt != 100 {
			t.Fatalf("%s: cakupan %v, bobot %v/%v", rub, cak, bd, bt)
		}
		if math.Abs(sm-sumSkor) > 1e-6 || math.Abs(bd-sumBobot) > 1e-6 {
			t.Fatalf("%s: skor_mentah %v vs indicators %v; bobot %v vs %v", rub, sm, sumSkor, bd, sumBobot)
		}
		if bd == 0 {
			if skor != nil || kat != "Tidak Dapat Dinilai" {
				t.Fatalf("%s: nothing assessed but %v %s", rub, skor, kat)
			}
			continue
		}
		if skor == nil || *skor < 0 || *skor > 100 || math.Abs(*skor-100*sm/bd) > 1e-6 {
			t.Fatalf("%s: skor %v for %v/%v", rub, skor, sm, bd)
		}
		want := "Tidak Dapat Dinilai"
		switch s := *skor; {
		case cak < 0.8:
		case s >= 80:
			want = "Sehat"
		case s >= 66:
			want = "Cukup Sehat"
		case s >= 51:
			want = "Dalam Pengawasan"
		default:
			want = "Dalam Pengawasan Khusus"
		}
		if kat != want || gr != grade[kat] {
			t.Fatalf("%s: skor %.2f cakupan %.2f → %s/%s, want %s", rub, *skor, cak, kat, gr, want)
		}
		var wantUbah string
		if rank[prev] > 0 && rank[kat] > 0 {
			wantUbah = map[int]string{-1: "naik", 0: "tetap", 1: "turun"}[sign(rank[kat]-rank[prev])]
		}
		if ubah != wantUbah {
			t.Fatalf("%s: %s → %s marked %q", rub, prev, kat, ubah)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var dup int
	if err := db.QueryRow(`SELECT count(*) FROM (SELECT 1 FROM mart.kesehatan GROUP BY nik, tahun_buku, rubrik HAVING count(*) > 1)`).Scan(&dup); err != nil || dup != 0 {
		t.Fatalf("duplicate results: %d %v", dup, err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM mart.kesehatan_indikator WHERE dinilai AND (skor < 0 OR skor > bobot OR skor IS NULL OR band IS NULL)`).Scan(&dup); err != nil || dup != 0 {
		t.Fatalf("indicator points outside 0..bobot: %d %v", dup, err)
	}
	for _, id := range []string{"ksp-2016", "kkpkk-2021", "umum-2026"} {
		if len(cats[id]) < 3 {
			t.Errorf("%s scores the demo into %v; want a spread over at least three categories", id, cats[id])
		}
	}
	t.Logf("%d results: %v", n, cats)
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}
