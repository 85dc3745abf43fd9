package pull

import (
	"strings"
	"testing"

	"github.com/pantau-koperasi/pantau/ingest/apisim"
	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/fields"
)

func appMapping(t testing.TB) *Mapping {
	s := config.DefaultSumber()
	s.Nama, s.Peta, s.Kali, s.Nilai = "app", apisim.Peta(), apisim.Kali(), apisim.Nilai()
	s.Kali["jumlah_karyawan"] = 1
	m, err := NewMapping(&s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The mapping by hand: dotted paths, exact unit multipliers, value maps, text kept as written for
// the shared parser, numbers marked as machine values.
func TestMapping(t *testing.T) {
	m := appMapping(t)
	rec, err := Decode([]byte(`{"koperasi": {"nik": "3276010000000001", "nama": "KSP Maju", "jenis_kode": " 01 "},
		"periode": {"tahun_buku": 2024, "tanggal_rat": null},
		"keuangan": {"aset_ribu": 1250.5, "simpanan_wajib": "Rp 2.500.000", "shu": -1500000.25},
		"anggota": {"karyawan": "3"}, "nik": "ignored: peta names koperasi.nik", "lain": {"x": 1}}`))
	if err != nil {
		t.Fatal(err)
	}
	in := m.Map(rec, "halaman 2", 7)
	want := map[string]string{
		"nik": "3276010000000001", "nama_koperasi": "KSP Maju", "jenis": "simpan_pinjam", "tahun_buku": "2024",
		"total_aset": "1250500.00", "simpanan_wajib": "Rp 2.500.000", "shu": "-1500000.25", "jumlah_karyawan": "3.00",
	}
	if len(in.Text) != len(want) {
		t.Fatalf("mapped %v", in.Text)
	}
	for k, v := range want {
		if in.Text[k] != v {
			t.Errorf("%s = %q, want %q", k, in.Text[k], v)
		}
	}
	if !in.Machine["tahun_buku"] || !in.Machine["total_aset"] || in.Machine["simpanan_wajib"] || in.Machine["jenis"] {
		t.Errorf("machine flags %v", in.Machine)
	}
	if in.Sheet != "halaman 2" || in.Row != 7 || in.Cells["lain.x"] != "1" || in.Cells["koperasi.nama"] != "KSP Maju" {
		t.Errorf("provenance %q %d cells %v", in.Sheet, in.Row, in.Cells)
	}
	if u := m.Unmapped([]any{rec}); strings.Join(u, ",") != "lain.x,nik" {
		t.Errorf("unmapped %v", u)
	}
}

func TestMappingRefusesUnknownFields(t *testing.T) {
	for _, tweak := range []func(s *config.Sumber){
		func(s *config.Sumber) { s.Peta["simpanan_wajb"] = "x" },
		func(s *config.Sumber) { s.Kali["nama_koperasi"] = 10 },
		func(s *config.Sumber) { s.Nilai["jenjs"] = map[string]string{"a": "b"} },
	} {
		s := config.DefaultSumber()
		s.Nama = "app"
		tweak(&s)
		if _, err := NewMapping(&s); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
}

// FuzzMap: any JSON a source sends maps without panicking; only canonical fields come out, and a
// value either maps to text or becomes a problem of the row, never both.
func FuzzMap(f *testing.F) {
	for _, s := range []string{
		`{"koperasi": {"nik": "3276010000000001"}, "keuangan": {"aset_ribu": 1e308}}`,
		`{"periode": {"tahun_buku": [1, 2]}, "keuangan": {"shu": "(1.500.000)"}}`,
		`[1, "a", null, {"nik": {"x": true}}]`,
		`{"keuangan": {"aset_ribu": "Rp 1,25 M"}, "koperasi": {"jenis_kode": "01"}}`,
		`{"keuangan": {"aset_ribu": -0.000000001}}`,
		`"text"`,
	} {
		f.Add([]byte(s))
	}
	m := appMapping(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := Decode(b)
		if err != nil {
			return
		}
		recs := []any{v}
		if arr, ok := v.([]any); ok {
			recs = arr
		}
		for i, r := range recs {
			in := m.Map(r, "halaman 1", i+1)
			for k := range in.Text {
				if _, ok := fields.Lookup(k); !ok {
					t.Fatalf("non-canonical field %q", k)
				}
			}
			for _, p := range in.Problems {
				if _, ok := in.Text[p.Column]; ok && p.Column != "" {
					t.Fatalf("field %s both mapped and a problem", p.Column)
				}
				if p.Reason == "" || p.Code == "" {
					t.Fatalf("problem without reason: %+v", p)
				}
			}
		}
		_ = m.Unmapped(recs)
	})
}
