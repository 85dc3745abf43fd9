package demo

import (
	"fmt"
	"os"
	"time"

	"github.com/pantau-koperasi/pantau/ingest/apisim"
	"github.com/pantau-koperasi/pantau/internal/config"
)

// The demo's cooperative app: the savings-and-loan cooperatives (KSP/KSPPS) keep their books in an
// app, which reports the last closed tahun buku over HTTP. The demo serves those reports from a
// simulated app on a loopback port (one page answers 500 once, another is slow, both as real apps
// do) and pulls them through the same stage `pantau run` and the server use.

// appTokenEnv holds the demo app's bearer token, as a real source's secret would be held.
const appTokenEnv = "PANTAU_DEMO_APP_TOKEN"

// appReports are the app's reports: every KSP/KSPPS report of the last closed year, with the same
// figures as the files (an app and a spreadsheet of one cooperative agree), in the app's own shape.
func appReports(d *Dataset) []apisim.Laporan {
	var out []apisim.Laporan
	base := time.Date(d.LastYear+1, 2, 1, 8, 0, 0, 0, time.UTC)
	for _, k := range d.Koperasi {
		if k.Jenis != "simpan_pinjam" && k.Jenis != "simpan_pinjam_syariah" {
			continue
		}
		for _, rep := range k.Reports {
			if rep.Tahun != d.LastYear {
				continue
			}
			l := apisim.Laporan{
				ID: len(out) + 1, UpdatedAt: base.Add(time.Duration(len(out)) * 17 * time.Minute).Format(time.RFC3339),
				NIK: k.NIK, Nama: k.Nama, BadanHukum: k.NomorBH, JenisKode: apisim.JenisKode(k.Jenis), KodeWilayah: k.KodeDesa,
				Kelompok: k.Kelompok, Bentuk: k.Bentuk, Tahun: rep.Tahun,
				Pria: rep.Pria, Wanita: rep.Wanita, Manajer: rep.Manajer, Karyawan: rep.Karyawan,
				Pokok: rep.Pokok, Wajib: rep.Wajib, Cadangan: rep.Cadangan, Hibah: rep.Hibah, ModalLuar: rep.ModalLuar,
				AsetRibu: float64(rep.Aset) / 1000, Volume: rep.Volume, SHU: rep.SHU, KSP: map[string]int64{},
			}
			if rep.TanggalRAT != nil {
				l.TanggalRAT = rep.TanggalRAT.Format("2006-01-02")
			}
			for n, v := range rep.KSP {
				l.KSP[n] = v
			}
			for n, v := range rep.Checklist {
				l.KSP[n] = v
			}
			out = append(out, l)
		}
	}
	return out
}

// AppToken is the bearer token of the demo app of d (a demo secret, not a real one).
func AppToken(d *Dataset) string { return fmt.Sprintf("demo-%d-%d", d.FirstYear, len(appReports(d))) }

// AppTokenEnv is the environment variable the demo's [[sumber]] reads the token from.
const AppTokenEnv = appTokenEnv

// startApp serves the app's reports and returns the [[sumber]] that pulls them. The source lives in
// memory only: written to pantau.toml it would point at a port that is gone once the demo ends.
func startApp(d *Dataset) (*apisim.Server, config.Sumber, int, error) {
	return StartApp(d, "127.0.0.1:0")
}

// StartApp serves the demo app of dataset d on addr (`pantau sources sim` runs it by hand) and
// returns the [[sumber]] that pulls it and the number of reports it serves; it sets the token's
// environment variable for this process.
func StartApp(d *Dataset, addr string) (*apisim.Server, config.Sumber, int, error) {
	recs := appReports(d)
	// At least four pages, so the retried and the slow page happen in every demo size.
	size := min(max((len(recs)+3)/4, 5), 50)
	token := AppToken(d)
	srv, err := apisim.StartOn(addr, recs, apisim.Options{
		BearerToken: token, MaxPerPage: size,
		Fail500:  map[int]int{2: 1}, // page 2 fails once: the pull retries it
		SlowPage: 3, SlowBy: 300 * time.Millisecond,
	})
	if err != nil {
		return nil, config.Sumber{}, 0, err
	}
	os.Setenv(appTokenEnv, token) // this process's source reads it like a real secret
	s := config.DefaultSumber()
	s.Nama, s.URL = "aplikasi-ksp", srv.URL+apisim.PathPage
	s.Auth, s.TokenEnv = "bearer", appTokenEnv
	s.Paginasi, s.UkuranHalaman = "page", size
	s.SinceParam, s.SinceField = "updated_since", "updated_at"
	s.TimeoutDetik, s.BackoffAwalMS, s.PermintaanPerMenit = 10, 200, 1200
	s.Peta, s.Kali, s.Nilai = apisim.Peta(), apisim.Kali(), apisim.Nilai()
	if err := s.Check(); err != nil {
		srv.Close()
		return nil, config.Sumber{}, 0, err
	}
	return srv, s, len(recs), nil
}
