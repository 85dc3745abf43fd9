package push

import (
	"net/http"
	"testing"

	"github.com/pantau-koperasi/pantau/internal/fields"
)

// FuzzParseBody: any request body is either refused with a status, code and message, or yields
// objects holding only canonical fields of the right JSON type.
func FuzzParseBody(f *testing.F) {
	for _, s := range []string{
		`{"nik": "3276010000000001", "nama_koperasi": "KSP", "tahun_buku": 2024}`,
		`[{"nik": 1}, {"simpanan_pokok": true}]`,
		`[]`, `null`, `{"anggota_pria": 1.5e3}`, `[{"x": 1}]`, `{"tahun_buku": "2024", "shu": -1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		items, status, code, msg, details := parseBody(b, 50)
		if status != 0 {
			if status < 400 || status > 499 || code == "" || msg == "" || items != nil {
				t.Fatalf("refusal %d %q %q", status, code, msg)
			}
			if len(details) > maxDetails {
				t.Fatalf("%d details, at most %d", len(details), maxDetails)
			}
			for i := 1; i < len(details); i++ {
				p, d := details[i-1], details[i]
				if p.Index > d.Index || p.Index == d.Index && p.Field >= d.Field {
					t.Fatalf("details out of order: %+v then %+v", p, d)
				}
			}
			return
		}
		if len(items) == 0 || len(items) > 50 {
			t.Fatalf("%d items accepted", len(items))
		}
		for _, it := range items {
			for k, v := range it {
				f, ok := fields.Lookup(k)
				if !ok || typeProblem(f, v) != "" {
					t.Fatalf("accepted %q = %v", k, v)
				}
			}
			_ = toInput(it, 0)
		}
		_ = http.StatusOK
	})
}
