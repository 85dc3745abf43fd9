package transform

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestEmbeddedChecksParse(t *testing.T) {
	cs, err := Checks()
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, c := range cs {
		types[c.Type] = true
	}
	for _, ty := range checkTypes {
		if !types[string(ty)] {
			t.Errorf("no embedded check of type %s", ty)
		}
	}
}

func TestParseChecksRejectsBadDefinitions(t *testing.T) {
	cases := map[string]string{
		"unknown type":      `[[check]]` + "\n" + `name="a"` + "\n" + `type="sum"` + "\n" + `severity="warn"` + "\n" + `message="m"`,
		"unknown column":    `[[check]]` + "\n" + `name="a"` + "\n" + `type="not_null"` + "\n" + `column="aset_x"` + "\n" + `severity="warn"` + "\n" + `message="m"`,
		"bad severity":      `[[check]]` + "\n" + `name="a"` + "\n" + `type="not_null"` + "\n" + `column="nik"` + "\n" + `severity="fatal"` + "\n" + `message="m"`,
		"threshold 1":       `[[check]]` + "\n" + `name="a"` + "\n" + `type="not_null"` + "\n" + `column="nik"` + "\n" + `severity="warn"` + "\n" + `threshold=1.0` + "\n" + `message="m"`,
		"no message":        `[[check]]` + "\n" + `name="a"` + "\n" + `type="not_null"` + "\n" + `column="nik"` + "\n" + `severity="warn"`,
		"unknown key":       `[[check]]` + "\n" + `name="a"` + "\n" + `type="not_null"` + "\n" + `column="nik"` + "\n" + `severity="warn"` + "\n" + `message="m"` + "\n" + `colour="red"`,
		"expr with ;":       `[[check]]` + "\n" + `name="a"` + "\n" + `type="expression"` + "\n" + `expr="1=1; DROP TABLE x"` + "\n" + `severity="warn"` + "\n" + `message="m"`,
		"range without min": `[[check]]` + "\n" + `name="a"` + "\n" + `type="range"` + "\n" + `column="shu"` + "\n" + `severity="warn"` + "\n" + `message="m"`,
		"bad relationship":  `[[check]]` + "\n" + `name="a"` + "\n" + `type="relationships"` + "\n" + `column="kode_wilayah"` + "\n" + `to="core.wilayah"` + "\n" + `severity="warn"` + "\n" + `message="m"`,
	}
	for name, text := range cases {
		if _, err := ParseChecks("uji.toml", []byte(text)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.Contains(err.Error(), "uji.toml") {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
	}
}

// Every embedded check, on a real DuckDB file: one load per case, each with one kind of bad data.
// The expected failing checks are listed by hand.
func TestEveryCheckOnBadLoads(t *testing.T) {
	ws := newWS(t)
	at := day("2024-04-01")
	type tc struct {
		name    string
		rows    []rec
		fails   []string
		blocked bool
	}
	n := 0
	nik := func() string { n++; return fmt.Sprintf("32760100000%05d", n) }
	cases := []tc{
		{"clean", []rec{good(nik(), 2023)}, nil, false},
		{"not_null nama", []rec{with(good(nik(), 2023), "nama_koperasi", nil)}, []string{"nama_koperasi_terisi"}, true},
		{"not_null kode_wilayah (warn)", []rec{with(good(nik(), 2023), "kode_wilayah", nil)}, []string{"kode_wilayah_terisi"}, false},
		{"accepted_values jenis", []rec{with(good(nik(), 2023), "jenis", "bank")}, []string{"jenis_dikenal"}, true},
		{"accepted_values bentuk", []rec{with(good(nik(), 2023), "bentuk", "tersier")}, []string{"bentuk_dikenal"}, true},
		{"accepted_values kelompok (warn)", []rec{with(good(nik(), 2023), "kelompok", "arisan")}, []string{"kelompok_dikenal"}, false},
		{"relationships kode_wilayah", []rec{with(good(nik(), 2023), "kode_wilayah", "99.99")}, []string{"kode_wilayah_ada"}, true},
		{"range checklist", []rec{with(good(nik(), 2023), "manajemen_umum_ya", 13)}, []string{"ceklis_manajemen_umum"}, true},
		{"range tahun_buku", []rec{with(good(nik(), 2023), "tahun_buku", 1900)}, []string{"tahun_buku_wajar"}, true},
		{"range anggota (warn)", []rec{with(good(nik(), 2023), "jumlah_anggota", 6_000_000, "anggota_pria", nil, "anggota_wanita", nil)}, []string{"jumlah_anggota_wajar"}, false},
		{"expression future year", []rec{with(good(nik(), 2023), "tahun_buku", 2099, "tanggal_rat", nil)}, []string{"tahun_buku_tidak_di_masa_depan"}, true},
		{"expression aset < modal", []rec{with(good(nik(), 2023), "total_aset", 400_000_000)}, []string{"aset_tidak_kurang_dari_modal_sendiri"}, true},
		{"expression macet > pinjaman", []rec{with(good(nik(), 2023), "pinjaman_macet", 700_000_000)},
			[]string{"pinjaman_bermasalah_tidak_melebihi_pinjaman", "pinjaman_macet_tidak_melebihi_pinjaman"}, true},
		{"expression anggota pria+wanita (warn)", []rec{with(good(nik(), 2023), "jumlah_anggota", 90)}, []string{"jumlah_anggota_sama_dengan_pria_wanita"}, false},
		{"expression rat before year (warn)", []rec{with(good(nik(), 2023), "tanggal_rat", "2022-12-01")}, []string{"rat_setelah_awal_tahun_buku"}, false},
	}
	dup := nik()
	cases = append(cases, tc{"unique within a load", []rec{good(dup, 2023), with(good(dup, 2023), "shu", 5)}, []string{"laporan_unik_per_kiriman"}, true})
	a, b := nik(), nik()
	cases = append(cases, tc{"unique badan hukum per nik (warn)", []rec{good(a, 2023), with(good(b, 2023), "nomor_badan_hukum", "BH-"+a)},
		[]string{"badan_hukum_satu_koperasi"}, false})
	m := nik()
	cases = append(cases, tc{"anomaly members ×15 (warn)", []rec{good(m, 2022), with(good(m, 2023), "anggota_pria", 600, "anggota_wanita", 900, "jumlah_anggota", 1500)},
		[]string{"anggota_melonjak_atau_anjlok"}, false})
	d := nik()
	cases = append(cases, tc{"anomaly assets −95 %", []rec{good(d, 2022), with(good(d, 2023), "total_aset", 50_000_000, "modal_sendiri", nil, "pinjaman_diberikan", nil, "pinjaman_macet", nil)},
		[]string{"aset_anjlok"}, true})

	ids := make([]int64, len(cases))
	for i, c := range cases {
		ids[i] = addLoad(t, ws, "laporan", fmt.Sprintf("kasus_%c.xlsx", 'a'+i), at, c.rows...)
	}
	g := gateOf(t, run(t, ws))
	blocked := map[int64]bool{}
	for _, b := range g.Blocked {
		blocked[b.SubmissionID] = true
		if !strings.Contains(b.Message, fmt.Sprintf("Kiriman #%d", b.SubmissionID)) || !strings.Contains(b.Message, "pantau review accept") {
			t.Errorf("block message does not tell the staff what to do: %s", b.Message)
		}
	}
	for i, c := range cases {
		rows, err := ws.WH.DB().Query(`SELECT DISTINCT check_name FROM ops.check_results WHERE run_id = ? AND level = 'row' AND submission_id = ? ORDER BY 1`, g.RunID, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			got = append(got, s)
		}
		rows.Close()
		want := append([]string(nil), c.fails...)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: failing checks %v, want %v", c.name, got, want)
		}
		if blocked[ids[i]] != c.blocked {
			t.Errorf("%s: blocked = %v, want %v", c.name, blocked[ids[i]], c.blocked)
		}
		inMart := queryInt(t, ws, `SELECT count(*) FROM mart.laporan WHERE submission_id = ?`, ids[i])
		if c.blocked && inMart != 0 {
			t.Errorf("%s: a blocked load reached mart.laporan", c.name)
		}
		if !c.blocked && inMart == 0 {
			t.Errorf("%s: a load that passed (or only warned) is missing from mart.laporan", c.name)
		}
	}
	// the row result carries the failing values
	sample := queryStr(t, ws, `SELECT sample FROM ops.check_results WHERE run_id = ? AND level = 'row' AND check_name = 'pinjaman_macet_tidak_melebihi_pinjaman'`, g.RunID)
	if !strings.Contains(sample, `"pinjaman_macet":700000000`) || !strings.Contains(sample, `"pinjaman_diberikan":600000000`) {
		t.Errorf("sample %s does not show the failing values", sample)
	}
}

// The threshold is a share of the load's rows: 1 failing row of 11 is within 10 %, 1 of 5 is not.
func TestThresholdIsShareOfLoad(t *testing.T) {
	ws := newWS(t)
	var big, small []rec
	for i := 0; i < 11; i++ {
		big = append(big, good(fmt.Sprintf("3276010000100%03d", i), 2023))
	}
	big[0] = with(big[0], "total_aset", 100_000_000)
	for i := 0; i < 5; i++ {
		small = append(small, good(fmt.Sprintf("3276010000200%03d", i), 2023))
	}
	small[0] = with(small[0], "total_aset", 100_000_000)
	idBig := addLoad(t, ws, "laporan", "besar.xlsx", day("2024-04-01"), big...)
	idSmall := addLoad(t, ws, "laporan", "kecil.xlsx", day("2024-04-01"), small...)
	g := gateOf(t, run(t, ws))
	st := func(id int64) string {
		return queryStr(t, ws, `SELECT status FROM ops.check_results WHERE run_id = ? AND level = 'load' AND submission_id = ? AND check_name = 'aset_tidak_kurang_dari_modal_sendiri'`, g.RunID, id)
	}
	if s := st(idBig); s != "warn" {
		t.Errorf("1 of 11 rows (9 %%) under a 10 %% threshold: status %q, want warn", s)
	}
	if s := st(idSmall); s != "error" {
		t.Errorf("1 of 5 rows (20 %%) over a 10 %% threshold: status %q, want error", s)
	}
	if got := queryInt(t, ws, `SELECT count(*) FROM mart.laporan`); got != 11 {
		t.Errorf("mart.laporan has %d rows, want the 11 of the load within threshold", got)
	}
}

// Results are appended on every run and never dropped.
func TestCheckResultsAppendEveryRun(t *testing.T) {
	ws := newWS(t)
	addLoad(t, ws, "laporan", "a.xlsx", day("2024-04-01"), with(good("3276010000000001", 2023), "jumlah_anggota", 90))
	cs, _ := Checks()
	run(t, ws)
	run(t, ws)
	run(t, ws)
	if got := queryInt(t, ws, `SELECT count(*) FROM ops.check_results WHERE level = 'check'`); got != int64(3*len(cs)) {
		t.Errorf("%d check summary rows after 3 runs, want %d", got, 3*len(cs))
	}
	if got := queryInt(t, ws, `SELECT count(DISTINCT run_id) FROM ops.check_results WHERE level = 'row' AND check_name = 'jumlah_anggota_sama_dengan_pria_wanita'`); got != 3 {
		t.Errorf("the warn row appears in %d runs, want 3", got)
	}
	if got := queryInt(t, ws, `SELECT count(*) FROM ops.check_runs WHERE finished_at IS NOT NULL AND checks = ?`, len(cs)); got != 3 {
		t.Errorf("%d finished check runs, want 3", got)
	}
}

// A check that cannot run fails the gate: nothing is half-written and the guarded model keeps its
// previous decisions.
func TestBrokenCheckFailsGateAtomically(t *testing.T) {
	ws := newWS(t)
	addLoad(t, ws, "laporan", "a.xlsx", day("2024-04-01"), good("3276010000000001", 2023))
	bad, err := ParseChecks("rusak.toml", []byte("[[check]]\nname = \"rusak\"\ntype = \"expression\"\nexpr = \"kolom_tidak_ada > 0\"\nseverity = \"error\"\nmessage = \"m\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	before := queryInt(t, ws, `SELECT count(*) FROM ops.check_results`)
	err = ws.WH.Write(ctx, func(tx *sql.Tx) error {
		_, err := runGate(ctx, tx, bad, 0.5, day("2024-05-01"))
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "rusak") {
		t.Fatalf("broken check: err = %v, want one naming the check", err)
	}
	if after := queryInt(t, ws, `SELECT count(*) FROM ops.check_results`); after != before {
		t.Errorf("a failed gate wrote %d result rows", after-before)
	}
}

// ParseChecks never panics, whatever the file holds, and what it accepts compiles.
func FuzzParseChecks(f *testing.F) {
	b, _ := checkFS.ReadFile("checks/laporan.toml")
	f.Add(string(b))
	f.Add("[[check]]\nname = \"a\"\ntype = \"range\"\ncolumn = \"shu\"\nmin = 0\nseverity = \"warn\"\nmessage = \"m\"\n")
	f.Add("[[check]]\nname = \"a\"\ntype = \"unique\"\ncolumns = [\"nik\"]\nper = \"nik\"\nseverity = \"error\"\nmessage = \"m\"\n")
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := ParseChecks("fuzz.toml", []byte(s))
		if err != nil {
			return
		}
		for _, c := range cs {
			if q, _ := c.compile(); !strings.Contains(q, "staging.laporan_kandidat") {
				t.Fatalf("check %+v compiled to %q", c, q)
			}
		}
		compileRowBatch(cs)
	})
}
