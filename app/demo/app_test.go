package demo

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	gen "github.com/pantau-koperasi/pantau/internal/demo"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// The demo pulls the KSP app's reports from the simulated app through the pull stage: one page
// fails once and is retried, and every report arrives with the generator's figures.
func TestDemoPullsFromTheApp(t *testing.T) {
	asOf := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	ws, _, err := workspace.Init(context.Background(), t.TempDir(), "32", "Demo", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	opt := Options{Seed: 3, Koperasi: 200, AsOf: asOf}
	var out bytes.Buffer
	if _, err := Run(context.Background(), ws, opt, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	// Ground truth: the generator's KSP/KSPPS reports of the last closed year.
	d, err := gen.Generate(opt)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		aset, wajib, modal, shu int64
		anggota                 int64
		atmr                    int64
		hasATMR                 bool
	}
	byNIK := map[string]want{}
	for _, k := range d.Koperasi {
		if k.Jenis != "simpan_pinjam" && k.Jenis != "simpan_pinjam_syariah" {
			continue
		}
		for _, r := range k.Reports {
			if r.Tahun == d.LastYear {
				a, ok := r.KSP["atmr"]
				byNIK[k.NIK] = want{r.Aset, r.Wajib, r.ModalSendiri(), r.SHU, r.Pria + r.Wanita, a, ok}
			}
		}
	}
	if len(byNIK) < 8 {
		t.Fatalf("only %d app reports; the demo needs several pages", len(byNIK))
	}
	if !strings.Contains(out.String(), "(1 dicoba ulang)") || !strings.Contains(out.String(), "0 karantina") {
		t.Fatalf("demo output:\n%s", out.String())
	}
	rows, err := ws.WH.DB().Query(`SELECT l.nik, l.tahun_buku, (l.total_aset*100)::BIGINT, (l.simpanan_wajib*100)::BIGINT, (l.modal_sendiri*100)::BIGINT,
		(l.shu*100)::BIGINT, l.jumlah_anggota, (l.atmr*100)::BIGINT
		FROM raw.laporan l JOIN ops.submissions s ON s.id = l.submission_id WHERE s.source = 'api:aplikasi-ksp'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var nik string
		var tahun int
		var aset, wajib, modal, shu, anggota int64
		var atmr *int64
		if err := rows.Scan(&nik, &tahun, &aset, &wajib, &modal, &shu, &anggota, &atmr); err != nil {
			t.Fatal(err)
		}
		w, ok := byNIK[nik]
		if !ok || tahun != d.LastYear || seen[nik] {
			t.Fatalf("unexpected or repeated app row %s %d", nik, tahun)
		}
		seen[nik] = true
		if aset != w.aset*100 || wajib != w.wajib*100 || modal != w.modal*100 || shu != w.shu*100 || anggota != w.anggota {
			t.Fatalf("%s: got aset %d wajib %d modal %d shu %d anggota %d, want %+v (rupiah ×100)", nik, aset, wajib, modal, shu, anggota, w)
		}
		if w.hasATMR && (atmr == nil || *atmr != w.atmr*100) {
			t.Fatalf("%s: atmr %v, want %d", nik, atmr, w.atmr)
		}
	}
	if len(seen) != len(byNIK) {
		t.Fatalf("%d of %d app reports loaded", len(seen), len(byNIK))
	}
	var status string
	var n int
	ws.WH.DB().QueryRow(`SELECT status, rows FROM ops.runs WHERE job = 'demo' AND stage = 'pull'`).Scan(&status, &n)
	if status != "succeeded" || n != len(byNIK) {
		t.Fatalf("ops.runs pull: %s %d", status, n)
	}
}
