package kesehatan

import "testing"

func TestEmbeddedRubricsLoad(t *testing.T) {
	rs, err := Load([]string{"kkpkk-2021.kinerja_keuangan=40", "kkpkk-2021.permodalan=15"})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"ksp-2016", "kkpkk-2021", "umum-2026"} {
		if rs[id] == nil {
			t.Errorf("rubric %s missing", id)
		}
	}
}
