package kesehatan

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/warehouse"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/scoring"
)

type stage struct{}

func init() { scoring.Register(stage{}) }

func (stage) Name() string { return "kesehatan" }
func (stage) Order() int   { return 20 }

// Run scores every report with the rubrics assigned to it and rewrites the health marts.
func (stage) Run(ctx context.Context, ws *workspace.Workspace, asOf time.Time) (int64, error) {
	return Compute(ctx, ws.WH, ws.Config, asOf)
}

// Assignment is one line of [kesehatan] penerapan: a rubric and the jenis it applies to (nil = all).
type Assignment struct {
	Rubrik string
	Jenis  []string
}

// jenisCodes are the jenis codes of SPEC §3.
var jenisCodes = map[string]bool{"simpan_pinjam": true, "simpan_pinjam_syariah": true, "konsumen": true, "produsen": true,
	"pemasaran": true, "jasa": true, "serba_usaha": true}

// ParseAssignments reads "ksp-2016:simpan_pinjam,simpan_pinjam_syariah" and "umum-2026:*" lines; lines
// for the same rubric merge.
func ParseAssignments(lines []string, rs map[string]*Rubric) ([]Assignment, error) {
	byID := map[string]*Assignment{}
	var order []string
	for _, l := range lines {
		id, js, ok := strings.Cut(l, ":")
		id = strings.TrimSpace(id)
		if !ok || id == "" {
			return nil, fmt.Errorf("kesehatan.penerapan: %q bukan bentuk \"rubrik:jenis,jenis\" atau \"rubrik:*\"", l)
		}
		if _, ok := rs[id]; !ok {
			return nil, fmt.Errorf("kesehatan.penerapan: rubrik %q tidak dikenal", id)
		}
		a, seen := byID[id]
		if !seen {
			a = &Assignment{Rubrik: id, Jenis: []string{}}
			byID[id] = a
			order = append(order, id)
		}
		for _, j := range strings.Split(js, ",") {
			j = strings.TrimSpace(j)
			switch {
			case j == "*":
				a.Jenis = nil
			case j != "" && !jenisCodes[j]:
				return nil, fmt.Errorf("kesehatan.penerapan: jenis %q tidak dikenal (pakai kode: simpan_pinjam, simpan_pinjam_syariah, konsumen, produsen, pemasaran, jasa, serba_usaha, atau *)", j)
			case j != "" && a.Jenis != nil:
				a.Jenis = append(a.Jenis, j)
			}
		}
		if a.Jenis != nil && len(a.Jenis) == 0 {
			return nil, fmt.Errorf("kesehatan.penerapan: %q tanpa jenis (pakai * untuk semua)", l)
		}
	}
	out := make([]Assignment, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	return out, nil
}

// Grades maps category names to grade letters from the configuration.
func Grades(c config.Kesehatan) map[string]string {
	return map[string]string{"Sehat": c.GradeSehat, "Cukup Sehat": c.GradeCukupSehat,
		"Dalam Pengawasan": c.GradePengawasan, "Dalam Pengawasan Khusus": c.GradePengawasanK}
}

// Result is one row of mart.kesehatan.
type Result struct {
	NIK                               string
	TahunBuku                         int
	Rubrik, Versi                     string
	Skor                              *float64
	Kategori, Grade                   string
	Peringkat                         int // 0 for Tidak Dapat Dinilai
	Cakupan, BobotDinilai, BobotTotal float64
	SkorMentah                        float64
	Dinilai, Total                    int
	TahunSebelumnya                   *int
	SkorSebelumnya                    *float64
	KategoriSebelumnya, Perubahan     string
	Provisional                       bool
}

// Classify turns the assessed points into a result: rescaled score, cakupan, category and grade.
func Classify(r *Rubric, skorMentah, bobotDinilai, minCakupan float64, grades map[string]string) (skor *float64, cakupan float64, kategori, grade string, peringkat int) {
	total := r.TotalBobot()
	cakupan = bobotDinilai / total
	if cakupan > 1 {
		cakupan = 1
	}
	if bobotDinilai > 0 {
		s := 100 * skorMentah / bobotDinilai
		if s > 100 {
			s = 100
		}
		if s < 0 {
			s = 0
		}
		skor = &s
	}
	if skor == nil || cakupan < minCakupan-eps {
		return skor, cakupan, TidakDapatDinilai, "", 0
	}
	kategori, peringkat = r.Category(*skor)
	return skor, cakupan, kategori, grades[kategori], peringkat
}

// Compute scores mart.laporan with the configured rubrics in one transaction and returns the number
// of results written. Before the transform has built mart.laporan there is nothing to score.
func Compute(ctx context.Context, wh *warehouse.Warehouse, cfg *config.Config, asOf time.Time) (int64, error) {
	rs, err := Load(cfg.Kesehatan.BobotAspek)
	if err != nil {
		return 0, err
	}
	asg, err := ParseAssignments(cfg.Kesehatan.Penerapan, rs)
	if err != nil {
		return 0, err
	}
	var n int
	if err := wh.DB().QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'mart' AND table_name = 'laporan'`).Scan(&n); err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, nil
	}
	asOf = time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	grades := Grades(cfg.Kesehatan)
	var written int64
	err = wh.WriteConn(ctx, func(conn *sql.Conn) error {
		return warehouse.InTx(ctx, conn, func() error {
			for _, t := range []string{"kesehatan", "kesehatan_indikator", "rubrik", "rubrik_indikator", "rubrik_band"} {
				if _, err := conn.ExecContext(ctx, `DELETE FROM mart.`+warehouse.QuoteIdent(t)); err != nil {
					return err
				}
			}
			var all []Result
			for _, a := range asg {
				r := rs[a.Rubrik]
				if err := writeDefinition(ctx, conn, r); err != nil {
					return fmt.Errorf("rubrik %s: %w", r.ID, err)
				}
				q, args := indicatorSQL(r, a.Jenis, asOf, cfg.Status)
				if _, err := conn.ExecContext(ctx, q, args...); err != nil {
					return fmt.Errorf("rubrik %s: menghitung indikator: %w", r.ID, err)
				}
				res, err := aggregate(ctx, conn, r, cfg.Kesehatan.CakupanMinimum, grades)
				if err != nil {
					return fmt.Errorf("rubrik %s: %w", r.ID, err)
				}
				all = append(all, res...)
			}
			History(all)
			written = int64(len(all))
			now := time.Now().UTC()
			return warehouse.Append(conn, "mart", "kesehatan", func(add func(vals ...driver.Value) error) error {
				for _, x := range all {
					if err := add(x.NIK, int32(x.TahunBuku), x.Rubrik, x.Versi, f64p(x.Skor), x.Kategori, str0(x.Grade), i32p(x.Peringkat),
						x.Cakupan, x.BobotDinilai, x.BobotTotal, x.SkorMentah, int32(x.Dinilai), int32(x.Total),
						intp(x.TahunSebelumnya), f64p(x.SkorSebelumnya), str0(x.KategoriSebelumnya), str0(x.Perubahan), x.Provisional, now); err != nil {
						return err
					}
				}
				return nil
			})
		})
	})
	return written, err
}

func f64p(p *float64) driver.Value {
	if p == nil {
		return nil
	}
	return *p
}

func intp(p *int) driver.Value {
	if p == nil {
		return nil
	}
	return int32(*p)
}

func i32p(v int) driver.Value {
	if v == 0 {
		return nil
	}
	return int32(v)
}

func str0(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

// History fills, per cooperative and rubric, the previous tahun buku's score and category and the
// change: naik (a better category), turun (worse), tetap; none when either year has no category.
func History(all []Result) {
	idx := make([]int, len(all))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		x, y := all[idx[a]], all[idx[b]]
		if x.NIK != y.NIK {
			return x.NIK < y.NIK
		}
		if x.Rubrik != y.Rubrik {
			return x.Rubrik < y.Rubrik
		}
		return x.TahunBuku < y.TahunBuku
	})
	for k := 1; k < len(idx); k++ {
		p, c := &all[idx[k-1]], &all[idx[k]]
		if p.NIK != c.NIK || p.Rubrik != c.Rubrik {
			continue
		}
		y := p.TahunBuku
		c.TahunSebelumnya = &y
		c.SkorSebelumnya = p.Skor
		c.KategoriSebelumnya = p.Kategori
		switch {
		case p.Peringkat == 0 || c.Peringkat == 0:
		case c.Peringkat < p.Peringkat:
			c.Perubahan = "naik"
		case c.Peringkat > p.Peringkat:
			c.Perubahan = "turun"
		default:
			c.Perubahan = "tetap"
		}
	}
}

func writeDefinition(ctx context.Context, conn *sql.Conn, r *Rubric) error {
	if _, err := conn.ExecContext(ctx, `INSERT INTO mart.rubrik VALUES (?, ?, ?, ?, ?, ?)`, r.ID, r.Versi, r.Nama, r.Dasar, r.Provisional, r.Catatan); err != nil {
		return err
	}
	for i, x := range r.Indicators() {
		a, in := x.Aspek, x.Indikator
		var spn any
		if in.SkorPerNilai != nil {
			spn = *in.SkorPerNilai
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO mart.rubrik_indikator VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, i+1, a.Kode, a.Nama, a.Bobot, in.Kode, in.Nama, in.Rumus, in.Nilai, in.Bobot, spn, in.TepiKiriTerbuka, in.Sumber, in.Catatan); err != nil {
			return err
		}
		if in.SkorPerNilai != nil {
			continue
		}
		for j, b := range in.Band {
			if _, err := conn.ExecContext(ctx, `INSERT INTO mart.rubrik_band VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				r.ID, in.Kode, j+1, ptrVal(b.Dari), ptrVal(b.Sampai), ptrVal(b.SamaDengan), b.Skor, in.BandLabel(b)); err != nil {
				return err
			}
		}
	}
	return nil
}

func ptrVal(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// inputSQL is the relation every expression is evaluated over: mart.laporan plus the derived inputs.
// $1 = as-of date, $2 = RAT deadline months, $3 = reporting deadline months.
const inputSQL = `SELECT l.*,
    CASE WHEN l.tanggal_rat IS NOT NULL THEN 1
         WHEN (make_date(l.tahun_buku + 1, 1, 1) + to_months($2::INTEGER))::DATE <= $1::DATE THEN 0 END AS rat_diadakan,
    CASE WHEN l.tanggal_rat IS NOT NULL THEN (l.tanggal_rat < (make_date(l.tahun_buku + 1, 1, 1) + to_months($2::INTEGER))::DATE)::INTEGER
         WHEN (make_date(l.tahun_buku + 1, 1, 1) + to_months($2::INTEGER))::DATE <= $1::DATE THEN 0 END AS rat_tepat_waktu,
    CASE WHEN l.pertama_diterima IS NOT NULL THEN (l.pertama_diterima < (make_date(l.tahun_buku + 1, 1, 1) + to_months($3::INTEGER))::TIMESTAMP)::INTEGER END AS lapor_tepat_waktu,
    regexp_full_match(l.nik, '[0-9]{16}')::INTEGER AS nik_valid
FROM mart.laporan l`

// indicatorSQL builds the INSERT of one rubric's indicator rows. Expressions are formatted into the SQL
// (they were validated by CheckExpr against the input fields); everything else is bound.
func indicatorSQL(r *Rubric, jenis []string, asOf time.Time, st config.Status) (string, []any) {
	args := []any{asOf, st.BatasRATBulan, st.BatasLaporBulan, r.ID, r.Versi}
	var where []string
	if jenis != nil {
		ph := make([]string, len(jenis))
		for i, j := range jenis {
			args = append(args, j)
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		where = append(where, "jenis IN ("+strings.Join(ph, ", ")+")")
	}
	if len(r.BerlakuJikaAda) > 0 {
		var present []string
		for _, f := range r.BerlakuJikaAda {
			present = append(present, warehouse.QuoteIdent(f)+" IS NOT NULL")
		}
		where = append(where, "("+strings.Join(present, " OR ")+")")
	}
	var b strings.Builder
	b.WriteString("INSERT INTO mart.kesehatan_indikator\nWITH input AS (SELECT * FROM (" + inputSQL + ")")
	if len(where) > 0 {
		b.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	b.WriteString("),\nv AS (\n")
	for i, x := range r.Indicators() {
		in := x.Indikator
		if i > 0 {
			b.WriteString("    UNION ALL\n")
		}
		var miss []string
		for _, f := range in.Fields() {
			miss = append(miss, fmt.Sprintf("CASE WHEN %s IS NULL THEN %s END", warehouse.QuoteIdent(f), warehouse.QuoteLiteral(f)))
		}
		fmt.Fprintf(&b, "    SELECT nik, tahun_buku, %d AS urutan, round(CAST((%s) AS DOUBLE), 9) AS nilai, concat_ws(',', %s) AS input_hilang FROM input\n",
			i+1, in.Nilai, strings.Join(miss, ", "))
	}
	b.WriteString("),\n")
	b.WriteString(strings.NewReplacer("$R", "$4", "$V", "$5").Replace(scoreTail))
	return b.String(), args
}

// scoreTail turns the indicator values v(nik, tahun_buku, urutan, nilai, input_hilang) into worksheet
// rows: band or linear points, and why an indicator was not assessed. $R = rubric id, $V = version.
const scoreTail = `d AS (SELECT * FROM mart.rubrik_indikator WHERE rubrik = $R),
m AS (
    SELECT v.*, d.aspek, d.nama_aspek, d.indikator, d.nama, d.rumus, d.bobot, d.skor_per_nilai,
        v.input_hilang = '' AND v.nilai IS NOT NULL AS dinilai, b.skor AS band_skor, b.label AS band_label
    FROM v JOIN d ON d.urutan = v.urutan
    LEFT JOIN mart.rubrik_band b ON b.rubrik = $R AND b.indikator = d.indikator AND v.nilai IS NOT NULL AND (
        (b.sama_dengan IS NOT NULL AND abs(v.nilai - b.sama_dengan) < 1e-9)
        OR (b.sama_dengan IS NULL AND CASE WHEN d.tepi_kiri_terbuka
            THEN (b.dari IS NULL OR v.nilai > b.dari) AND (b.sampai IS NULL OR v.nilai <= b.sampai)
            ELSE (b.dari IS NULL OR v.nilai >= b.dari) AND (b.sampai IS NULL OR v.nilai < b.sampai) END))
    QUALIFY row_number() OVER (PARTITION BY v.nik, v.tahun_buku, v.urutan ORDER BY b.sama_dengan IS NULL, b.urutan) = 1
)
SELECT nik, tahun_buku, $R, $V, urutan, aspek, nama_aspek, indikator, nama, rumus, nilai,
    CASE WHEN NOT dinilai THEN NULL
         WHEN skor_per_nilai IS NOT NULL THEN format('{:g} × {:g} (maks {:g})', nilai, skor_per_nilai, bobot)
         ELSE band_label END,
    CASE WHEN NOT dinilai THEN NULL
         WHEN skor_per_nilai IS NOT NULL THEN least(greatest(nilai * skor_per_nilai, 0), bobot)
         ELSE band_skor END,
    bobot, dinilai, input_hilang,
    CASE WHEN input_hilang <> '' THEN 'Data tidak tersedia: ' || input_hilang
         WHEN nilai IS NULL THEN 'Tidak dapat dihitung: pembagi nol'
         ELSE '' END
FROM m`

// aggregate sums each report's indicators into a result.
func aggregate(ctx context.Context, conn *sql.Conn, r *Rubric, minCakupan float64, grades map[string]string) ([]Result, error) {
	// Sums in DECIMAL: a parallel DOUBLE sum depends on the order rows arrive in, and the same data must
	// give the same score to the last bit on every run.
	rows, err := conn.QueryContext(ctx, `SELECT nik, tahun_buku, coalesce(sum(skor::DECIMAL(18,9)) FILTER (WHERE dinilai), 0)::DOUBLE,
			coalesce(sum(bobot::DECIMAL(18,9)) FILTER (WHERE dinilai), 0)::DOUBLE,
			count(*) FILTER (WHERE dinilai), count(*)
		FROM mart.kesehatan_indikator WHERE rubrik = ? GROUP BY nik, tahun_buku ORDER BY nik, tahun_buku`, r.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Result
	for rows.Next() {
		x := Result{Rubrik: r.ID, Versi: r.Versi, BobotTotal: r.TotalBobot(), Provisional: r.Provisional}
		if err := rows.Scan(&x.NIK, &x.TahunBuku, &x.SkorMentah, &x.BobotDinilai, &x.Dinilai, &x.Total); err != nil {
			return nil, err
		}
		x.Skor, x.Cakupan, x.Kategori, x.Grade, x.Peringkat = Classify(r, x.SkorMentah, x.BobotDinilai, minCakupan, grades)
		out = append(out, x)
	}
	return out, rows.Err()
}
