package dashboards

import (
	"encoding/json"
	"testing"

	"github.com/pantau-koperasi/pantau/internal/config"
)

// With the default [kesehatan] penerapan and the rubrics scoring writes, the ranks are the rule the
// pages have always used: ksp-2016 first for simpan pinjam, then umum-2026, then any other rubric,
// the provisional kkpkk-2021 last.
func TestUrutanRubrikDefault(t *testing.T) {
	rubrik := map[string]rubrikInfo{"ksp-2016": {}, "umum-2026": {}, "kkpkk-2021": {Sementara: true}, "lain-2030": {}}
	var rows []struct {
		Rubrik, Jenis string
		Urutan        int
	}
	pen := parsePenerapan(config.Default().Kesehatan.Penerapan)
	if err := json.Unmarshal([]byte(urutanRubrik(pen, rubrik)), &rows); err != nil {
		t.Fatal(err)
	}
	rank := func(r, jenis string) int { // the SQL: coalesce(u.urutan, ua.urutan, 2)
		for _, x := range rows {
			if x.Rubrik == r && x.Jenis == jenis {
				return x.Urutan
			}
		}
		for _, x := range rows {
			if x.Rubrik == r && x.Jenis == "*" {
				return x.Urutan
			}
		}
		return 2
	}
	old := func(r, jenis string) int {
		switch {
		case r == "ksp-2016" && (jenis == "simpan_pinjam" || jenis == "simpan_pinjam_syariah"):
			return 0
		case r == "umum-2026":
			return 1
		case r == "kkpkk-2021":
			return 3
		}
		return 2
	}
	for _, r := range []string{"ksp-2016", "umum-2026", "kkpkk-2021", "lain-2030", "tak-dikenal"} {
		for _, j := range []string{"simpan_pinjam", "simpan_pinjam_syariah", "konsumen", "jasa", ""} {
			if got, want := rank(r, j), old(r, j); got != want {
				t.Errorf("rank(%s, %q) = %d, want %d", r, j, got, want)
			}
		}
	}
	b := &builder{rubrik: rubrik, penerapan: pen}
	if got, want := b.ketAturan(true), "ksp-2016 untuk koperasi simpan pinjam dan simpan pinjam syariah (bila dinilai), selain itu umum-2026; kkpkk-2021 masih sementara dan hanya dipakai bila tidak ada rubrik lain"; got != want {
		t.Errorf("ketAturan = %q, want %q", got, want)
	}
	if got := b.lblRubrik("kkpkk-2021"); got != "kkpkk-2021 (sementara)" {
		t.Errorf("lblRubrik = %q", got)
	}
}
