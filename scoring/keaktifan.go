package scoring

import (
	"context"
	"database/sql"
	"database/sql/driver"
	_ "embed"
	"fmt"
	"strings"
	"time"

	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/warehouse"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

//go:embed keaktifan.sql
var keaktifanSQL string

// Status is a cooperative's activity status (SPEC §4).
type Status int

const (
	Aktif Status = iota
	TidakAktif
	Baru
	Dibubarkan
)

// Statuses lists every activity status.
var Statuses = []Status{Aktif, TidakAktif, Baru, Dibubarkan}

// String is the word stored in mart.keaktifan.status.
func (s Status) String() string {
	return [...]string{"aktif", "tidak_aktif", "baru", "dibubarkan"}[s]
}

// Label is the status as people read it.
func (s Status) Label() string {
	return [...]string{"Aktif", "Tidak aktif", "Baru", "Dibubarkan"}[s]
}

// ParseStatus reads a status as stored in mart.keaktifan.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if s == st.String() {
			return st, nil
		}
	}
	return 0, fmt.Errorf("status keaktifan %q tidak dikenal", s)
}

// Warning beside the status.
type Warning string

const (
	RATTerlambat Warning = "rat_terlambat"
	BelumLapor   Warning = "belum_lapor"
)

// Facts are what the status of one cooperative is decided from.
type Facts struct {
	NIK                string
	TanggalBadanHukum  *time.Time
	TanggalPembubaran  *time.Time
	TahunRATTerakhir   *int
	TanggalRATTerakhir *time.Time
	RATDalamJendela    bool // a RAT held for one of the last N closed tahun buku
	RATTahunTerakhir   bool // a RAT held for the last closed tahun buku
	LaporTahunTerakhir bool // a report for the last closed tahun buku
}

// Rules are the configurable thresholds.
type Rules struct {
	TahunTanpaRAT int // N: tidak_aktif after N closed years without RAT
	BatasRATBulan int // RAT deadline, months after the end of the tahun buku
}

// RulesFrom reads the rules from the configuration.
func RulesFrom(c *config.Config) Rules {
	return Rules{TahunTanpaRAT: c.Status.TahunTanpaRAT, BatasRATBulan: c.Status.BatasRATBulan}
}

// LastClosedYear is the latest tahun buku that has ended before asOf.
func LastClosedYear(asOf time.Time) int { return asOf.Year() - 1 }

// RATDeadline is the last day the RAT for tahun buku y may be held.
func (r Rules) RATDeadline(y int) time.Time {
	return time.Date(y+1, time.January, 1, 0, 0, 0, 0, time.UTC).AddDate(0, r.BatasRATBulan, -1)
}

// Decision is the status of one cooperative with its warnings and reasons.
type Decision struct {
	Status     Status
	Peringatan []Warning
	Alasan     []string
}

// Decide is the pure status rule of SPEC §4; Facts must be as of asOf.
func Decide(f Facts, asOf time.Time, r Rules) Decision {
	asOf = time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	last := LastClosedYear(asOf)
	var d Decision
	switch {
	case f.TanggalPembubaran != nil && !f.TanggalPembubaran.After(asOf):
		d.Status = Dibubarkan
		d.Alasan = append(d.Alasan, "Dibubarkan pada "+Tanggal(*f.TanggalPembubaran))
		return d // warnings concern cooperatives that still exist
	case f.RATDalamJendela:
		d.Status = Aktif
		d.Alasan = append(d.Alasan, ratTerakhir(f))
	case f.TanggalBadanHukum != nil && asOf.Before(r.RATDeadline(f.TanggalBadanHukum.Year())):
		d.Status = Baru
		d.Alasan = append(d.Alasan, fmt.Sprintf("Berbadan hukum sejak %s; RAT pertama paling lambat %s",
			Tanggal(*f.TanggalBadanHukum), Tanggal(r.RATDeadline(f.TanggalBadanHukum.Year()))))
	default:
		d.Status = TidakAktif
		from := last - r.TahunTanpaRAT + 1
		d.Alasan = append(d.Alasan, fmt.Sprintf("Tidak ada RAT untuk tahun buku %d–%d. %s", from, last, ratTerakhir(f)))
	}
	// Warnings only concern a year in which the cooperative existed.
	existed := f.TanggalBadanHukum == nil || f.TanggalBadanHukum.Year() <= last
	if existed {
		if !f.RATTahunTerakhir && asOf.After(r.RATDeadline(last)) {
			d.Peringatan = append(d.Peringatan, RATTerlambat)
			d.Alasan = append(d.Alasan, fmt.Sprintf("RAT tahun buku %d belum dilaksanakan (batas %s)", last, Tanggal(r.RATDeadline(last))))
		}
		if !f.LaporTahunTerakhir {
			d.Peringatan = append(d.Peringatan, BelumLapor)
			d.Alasan = append(d.Alasan, fmt.Sprintf("Laporan tahun buku %d belum masuk", last))
		}
	}
	return d
}

func ratTerakhir(f Facts) string {
	if f.TahunRATTerakhir == nil {
		return "Belum pernah ada RAT tercatat"
	}
	s := fmt.Sprintf("RAT terakhir: tahun buku %d", *f.TahunRATTerakhir)
	if f.TanggalRATTerakhir != nil {
		s += " (dilaksanakan " + Tanggal(*f.TanggalRATTerakhir) + ")"
	}
	return s
}

var bulan = [...]string{"", "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// Tanggal formats a date the Indonesian way: 30 Juni 2026.
func Tanggal(t time.Time) string { return fmt.Sprintf("%d %s %d", t.Day(), bulan[t.Month()], t.Year()) }

type keaktifanStage struct{}

// Keaktifan is the activity-status stage (mart.keaktifan); it runs first, the others read it.
func Keaktifan() Stage { return keaktifanStage{} }

func (keaktifanStage) Name() string { return "keaktifan" }

// Run recomputes mart.keaktifan for every cooperative as of asOf, in one transaction.
func (keaktifanStage) Run(ctx context.Context, ws *workspace.Workspace, asOf time.Time) (int64, error) {
	rules := RulesFrom(ws.Config)
	asOf = time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	last := LastClosedYear(asOf)
	facts, err := loadFacts(ctx, ws, asOf, last, rules.TahunTanpaRAT)
	if err != nil {
		return 0, err
	}
	err = ws.WH.WriteConn(ctx, func(conn *sql.Conn) error {
		return warehouse.InTx(ctx, conn, func() error {
			if _, err := conn.ExecContext(ctx, `DELETE FROM mart.keaktifan`); err != nil {
				return err
			}
			now := time.Now().UTC()
			return warehouse.Append(conn, "mart", "keaktifan", func(add func(vals ...driver.Value) error) error {
				for _, f := range facts {
					d := Decide(f, asOf, rules)
					warn := make([]string, len(d.Peringatan))
					for i, w := range d.Peringatan {
						warn[i] = string(w)
					}
					var tahun driver.Value
					if f.TahunRATTerakhir != nil {
						tahun = int32(*f.TahunRATTerakhir)
					}
					var tgl driver.Value
					if f.TanggalRATTerakhir != nil {
						tgl = *f.TanggalRATTerakhir
					}
					if err := add(f.NIK, d.Status.String(), strings.Join(warn, ","), strings.Join(d.Alasan, ". "), asOf,
						int32(last), tahun, tgl, now); err != nil {
						return err
					}
				}
				return nil
			})
		})
	})
	return int64(len(facts)), err
}

func loadFacts(ctx context.Context, ws *workspace.Workspace, asOf time.Time, last, n int) ([]Facts, error) {
	rows, err := ws.WH.DB().QueryContext(ctx, keaktifanSQL, asOf, last, n)
	if err != nil {
		return nil, fmt.Errorf("keaktifan: %w", err)
	}
	defer rows.Close()
	var out []Facts
	for rows.Next() {
		var f Facts
		var bh, bubar, tgl sql.NullTime
		var tahun sql.NullInt64
		if err := rows.Scan(&f.NIK, &bh, &bubar, &tahun, &tgl, &f.RATDalamJendela, &f.RATTahunTerakhir, &f.LaporTahunTerakhir); err != nil {
			return nil, err
		}
		if bh.Valid {
			f.TanggalBadanHukum = &bh.Time
		}
		if bubar.Valid {
			f.TanggalPembubaran = &bubar.Time
		}
		if tahun.Valid {
			y := int(tahun.Int64)
			f.TahunRATTerakhir = &y
		}
		if tgl.Valid {
			f.TanggalRATTerakhir = &tgl.Time
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
