package ingest_test

// The number property (issue: "no silent 1000× numbers"): a value with 0–4 decimals reaches the
// warehouse exactly, whichever way it came — a numeric XLSX cell, a JSON number pushed to /api/v1 or
// pulled from a cooperative app (with and without a unit scale), or Indonesian-formatted text. The
// expected cents are computed here with big.Int arithmetic from the value's digits, not by the reader.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pantau-koperasi/pantau/ingest"
	"github.com/pantau-koperasi/pantau/ingest/pull"
	"github.com/pantau-koperasi/pantau/ingest/push"
	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/testws"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// value is mant / 10^dec, written in every way a person or a program writes it.
type value struct {
	mant int64 // up to 13 digits, so a float64 holds it exactly as its shortest decimal text
	dec  int   // 0–4 decimals
}

func randomValues(r *rand.Rand, n int) []value {
	out := make([]value, 0, n+8)
	// The cases from the issue and the edges first, then random ones.
	out = append(out, value{1100000000125, 3}, value{1250125, 3}, value{2655640178, 3}, value{125, 3},
		value{1250, 3}, value{0, 0}, value{5, 1}, value{99995, 4})
	for len(out) < n {
		digits := 1 + r.IntN(13)
		mant := r.Int64N(pow10(digits))
		out = append(out, value{mant, r.IntN(5)})
	}
	return out
}

func pow10(n int) int64 {
	v := int64(1)
	for range n {
		v *= 10
	}
	return v
}

// machine is the value as a program writes a number: "1250.125", "0.5", "12".
func (v value) machine() string {
	s := fmt.Sprintf("%0*d", v.dec+1, v.mant)
	if v.dec == 0 {
		return s
	}
	return s[:len(s)-v.dec] + "." + s[len(s)-v.dec:]
}

// exponent is the same number in scientific notation ("1.250125e3"), as some JSON encoders write.
func (v value) exponent() string {
	r, _ := new(big.Float).SetPrec(200).SetString(v.machine())
	return r.Text('e', -1)
}

// indonesian is the value as an office writes it: "1.250.000,125", "0,5", "12".
func (v value) indonesian() string {
	s := v.machine()
	ip, fp, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i := 0; i < len(ip); i++ {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(ip[i])
	}
	if fp != "" {
		b.WriteString("," + fp)
	}
	return b.String()
}

// ambiguousAsText: "125,125" (a lone comma before three digits, under 1.000) reads as 125,125 or as
// 125.125; the reader must refuse it instead of choosing.
func (v value) ambiguousAsText() bool {
	ip := v.mant / pow10(v.dec)
	return v.dec == 3 && ip > 0 && ip < 1000
}

// cents is round-half-away-from-zero(mant × unit × 100 / 10^dec), in integers.
func (v value) cents(unit int64) string {
	num := new(big.Int).Mul(big.NewInt(v.mant), big.NewInt(unit*100))
	den := big.NewInt(pow10(v.dec))
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(rem, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.String()
}

func nikOf(i int) string { return fmt.Sprintf("3276010000%06d", i+1) }

// stored reads raw.laporan's figures of one submission as cents, by NIK.
func stored(t *testing.T, ws *workspace.Workspace, source string) map[string][2]string {
	t.Helper()
	rows, err := ws.WH.DB().Query(`SELECT l.nik, coalesce((l.total_aset::DECIMAL(38,2) * 100)::HUGEINT::VARCHAR, '∅'), coalesce((l.volume_usaha::DECIMAL(38,2) * 100)::HUGEINT::VARCHAR, '∅')
		FROM raw.laporan l JOIN ops.submissions s ON s.id = l.submission_id WHERE s.source = ?`, source)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][2]string{}
	for rows.Next() {
		var nik, a, v string
		if err := rows.Scan(&nik, &a, &v); err != nil {
			t.Fatal(err)
		}
		out[nik] = [2]string{a, v}
	}
	return out
}

// quarantined lists the values refused as ambiguous, with their reasons.
func quarantined(t *testing.T, ws *workspace.Workspace) map[string]string {
	t.Helper()
	rows, err := ws.WH.DB().Query(`SELECT q.value, q.reason FROM ops.quarantine q WHERE q.reason_code = 'angka_ambigu'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var value, reason string
		if err := rows.Scan(&value, &reason); err != nil {
			t.Fatal(err)
		}
		out[value] = reason
	}
	return out
}

// check compares every value: total_aset came as a number, volume_usaha as Indonesian text.
func check(t *testing.T, path string, vals []value, got map[string][2]string, unitNum, unitText int64, ws *workspace.Workspace) {
	t.Helper()
	var amb []string
	for i, v := range vals {
		g, ok := got[nikOf(i)]
		if v.ambiguousAsText() {
			amb = append(amb, v.indonesian())
			// The report may be kept without the refused figure, or quarantined whole; never a guess.
			if ok && g[1] != "∅" {
				t.Errorf("%s: %q as text was read as %s cents; it is ambiguous and must be refused", path, v.indonesian(), g[1])
			}
			continue
		}
		if !ok {
			t.Errorf("%s: report %d (%s / %q) missing", path, i, v.machine(), v.indonesian())
			continue
		}
		if want := v.cents(unitNum); g[0] != want {
			t.Errorf("%s: number %s (×%d) stored as %s cents, want %s", path, v.machine(), unitNum, g[0], want)
		}
		if want := v.cents(unitText); g[1] != want {
			t.Errorf("%s: text %q (×%d) stored as %s cents, want %s", path, v.indonesian(), unitText, g[1], want)
		}
	}
	q := quarantined(t, ws)
	for _, text := range amb {
		if reason, ok := q[text]; !ok || !strings.Contains(reason, "ambigu") {
			t.Errorf("%s: ambiguous %q not quarantined as angka_ambigu with its reason (%q)", path, text, reason)
		}
	}
	if len(amb) == 0 {
		t.Errorf("%s: no ambiguous text among the values; the refusal went untested", path)
	}
}

func TestNumbersReadBackExactly(t *testing.T) {
	seed := uint64(20261204)
	vals := randomValues(rand.New(rand.NewPCG(seed, seed)), 120)
	t.Logf("seed %d, %d values", seed, len(vals))

	t.Run("xlsx", func(t *testing.T) {
		ws := testws.New(t, nil)
		path := filepath.Join(t.TempDir(), "angka.xlsx")
		f := excelize.NewFile()
		set := func(r int, cells ...any) {
			cell, _ := excelize.CoordinatesToCellName(1, r)
			if err := f.SetSheetRow("Sheet1", cell, &cells); err != nil {
				t.Fatal(err)
			}
		}
		set(1, "NIK", "Nama Koperasi", "Tahun Buku", "Total Aset", "Volume Usaha")
		for i, v := range vals {
			// A numeric cell: the file holds <v>1100000000.125</v> with no type, as Excel writes it.
			set(i+2, nikOf(i), fmt.Sprintf("Koperasi %d", i+1), 2024, 0, v.indonesian())
			cell, _ := excelize.CoordinatesToCellName(4, i+2)
			var fv float64
			fmt.Sscan(v.machine(), &fv)
			if err := f.SetCellFloat("Sheet1", cell, fv, -1, 64); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		if _, err := ingest.IngestFile(context.Background(), ws, path, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
		check(t, "xlsx", vals, stored(t, ws, "file"), 1, 1, ws)
	})

	t.Run("push", func(t *testing.T) {
		ws := testws.New(t, nil)
		mux := http.NewServeMux()
		mux.Handle("/api/v1/", push.NewHandler(ws, push.Options{}))
		srv := httptest.NewServer(mux)
		defer srv.Close()
		tok, _, err := push.CreateToken(context.Background(), ws.WH, "uji", push.ScopeKantor, "", "test")
		if err != nil {
			t.Fatal(err)
		}
		var items []string
		for i, v := range vals {
			num := v.machine()
			if i%2 == 1 {
				num = v.exponent() // JSON allows 1.250125e3 as well
			}
			items = append(items, fmt.Sprintf(`{"nik": %q, "nama_koperasi": "Koperasi %d", "tahun_buku": 2024, "total_aset": %s, "volume_usaha": %q}`,
				nikOf(i), i+1, num, v.indonesian()))
		}
		req, _ := http.NewRequest("POST", srv.URL+push.PathLaporan, strings.NewReader("["+strings.Join(items, ",")+"]"))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		body.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("push: %d %s", resp.StatusCode, body.String())
		}
		check(t, "push", vals, stored(t, ws, "push"), 1, 1, ws)
	})

	for _, unit := range []int64{1, 1000} {
		t.Run(fmt.Sprintf("pull_x%d", unit), func(t *testing.T) {
			ws := testws.New(t, nil)
			var recs []string
			for i, v := range vals {
				recs = append(recs, fmt.Sprintf(`{"nik": %q, "nama": "Koperasi %d", "tahun": 2024, "aset": %s, "volume": %q}`,
					nikOf(i), i+1, v.machine(), v.indonesian()))
			}
			page := []byte(`{"data": [` + strings.Join(recs, ",") + `]}`)
			app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if r.URL.Query().Get("page") == "1" {
					w.Write(page)
					return
				}
				w.Write([]byte(`{"data": []}`))
			}))
			defer app.Close()
			src := config.DefaultSumber()
			src.Nama, src.URL, src.UkuranHalaman = "app", app.URL, 1000
			src.Peta = map[string]string{"nik": "nik", "nama_koperasi": "nama", "tahun_buku": "tahun", "total_aset": "aset", "volume_usaha": "volume"}
			if unit != 1 {
				src.Kali = map[string]float64{"total_aset": float64(unit), "volume_usaha": float64(unit)}
			}
			src.PermintaanPerMenit = 6000
			if err := src.Check(); err != nil {
				t.Fatal(err)
			}
			if _, err := pull.Pull(context.Background(), ws, &src, pull.Options{}); err != nil {
				t.Fatal(err)
			}
			check(t, "pull", vals, stored(t, ws, pull.SourceKey("app")), unit, unit, ws)
		})
	}
}

// The cases an office would check by hand, through the same paths: the issue's examples.
func TestIssueExamples(t *testing.T) {
	v := value{1100000000125, 3}
	if got := v.cents(1); got != "110000000013" {
		t.Fatalf("hand arithmetic: %s", got)
	}
	if got := (value{2655640178, 3}).cents(1000); got != "265564017800" {
		t.Fatalf("hand arithmetic: 2655640.178 thousand = Rp 2.655.640.178: %s", got)
	}
	var n json.Number = "1250.125"
	c, err := ingest.ParseMoney(n.String(), true)
	if err != nil || c != 125013 {
		t.Fatalf("JSON 1250.125 → %d cents, %v; want 125013 (Rp 1.250,13)", c, err)
	}
}
