package wilayah

import (
	"errors"
	"strings"
	"testing"
)

func TestNormaliseCode(t *testing.T) {
	cases := map[string]string{"32": "32", "3276": "32.76", "327601": "32.76.01", "3276011006": "32.76.01.1006",
		" 32.76.01 ": "32.76.01", "'3276": "32.76"}
	for in, want := range cases {
		if got, ok := NormaliseCode(in); !ok || got != want {
			t.Errorf("NormaliseCode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "327", "32.7", "32-76", "Depok", "32.76.01.10061"} {
		if got, ok := NormaliseCode(bad); ok {
			t.Errorf("NormaliseCode(%q) = %q; want not a code", bad, got)
		}
	}
}

func TestEmbeddedCounts(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	n := map[int]int{}
	for _, r := range all {
		n[r.Level]++
	}
	// Kemendagri 2025 as documented beside the data file.
	if n[1] != 38 || n[2] != 514 || n[3] != 7285 || n[4] != 83762 {
		t.Fatalf("counts per level: %v", n)
	}
}

func TestResolveInsideDepok(t *testing.T) {
	r, err := NewResolver("32.76")
	if err != nil {
		t.Fatal(err)
	}
	ok := []struct {
		in   Names
		want string
	}{
		{Names{Kode: "3276"}, "32.76"},
		{Names{Kecamatan: "Kec. Sukmajaya"}, "32.76.05"},
		{Names{Kecamatan: "SUKMAJAYA"}, "32.76.05"},
		{Names{KabupatenKota: "Kota Depok", Kecamatan: "Beji"}, "32.76.06"},
		{Names{KabupatenKota: "DEPOK"}, "32.76"},
	}
	for _, c := range ok {
		got, err := r.Resolve(c.in)
		if err != nil || got != c.want {
			t.Errorf("Resolve(%+v) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	// Outside the jurisdiction: a Bogor kecamatan, and a code of another province.
	for _, bad := range []Names{{Kecamatan: "Cibinong"}, {Kode: "31.71"}} {
		_, err := r.Resolve(bad)
		var re *ResolveError
		if !errors.As(err, &re) {
			t.Errorf("Resolve(%+v): want a ResolveError, got %v", bad, err)
		}
	}
}

// In a province, "Bogor" is both Kabupaten Bogor and Kota Bogor: the written prefix decides, and
// without one the row is refused as ambiguous rather than guessed.
func TestResolveKotaOrKabupaten(t *testing.T) {
	r, err := NewResolver("32")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := r.Resolve(Names{KabupatenKota: "Kota Bogor"}); err != nil || got != "32.71" {
		t.Errorf("Kota Bogor = %q %v", got, err)
	}
	if got, err := r.Resolve(Names{KabupatenKota: "Kab. Bogor"}); err != nil || got != "32.01" {
		t.Errorf("Kab. Bogor = %q %v", got, err)
	}
	if _, err := r.Resolve(Names{KabupatenKota: "Bogor"}); err == nil || !strings.Contains(err.Error(), "ambigu") {
		t.Errorf("Bogor alone should be ambiguous, got %v", err)
	}
}
