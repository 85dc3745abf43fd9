package kesehatan

import (
	"context"
	"database/sql"
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

// Stage is the health-grade stage (mart.kesehatan, mart.kesehatan_indikator); it runs after
// keaktifan.
func Stage() scoring.Stage { return stage{} }

func (stage) Name() string { return "kesehatan" }

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
			for _, a := range asg {
				r := rs[a.Rubrik]
				if err := writeDefinition(ctx, conn, r); err != nil {
					return fmt.Errorf("rubrik %s: %w", r.ID, err)
				}
				q, args := indicatorSQL(r, a.Jenis, asOf, cfg.Status)
				if _, err := conn.ExecContext(ctx, q, args...); err != nil {
					return fmt.Errorf("rubrik %s: menghitung indikator: %w", r.ID, err)
				}
				q, args = resultSQL(r, cfg.Kesehatan.CakupanMinimum, grades, time.Now().UTC())
				res, err := conn.ExecContext(ctx, q, args...)
				if err != nil {
					return fmt.Errorf("rubrik %s: menjumlahkan skor: %w", r.ID, err)
				}
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				written += n
			}
			return nil
		})
	})
	return written, err
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
	tail, args := scoreTail(r, args, "$4", "$5")
	b.WriteString(tail)
	return b.String(), args
}

// scoreTail turns the indicator values v(nik, tahun_buku, urutan, nilai, input_hilang) into worksheet
// rows: band or linear points, and why an indicator was not assessed. rid and ver are the placeholders
// of the rubric id and version; the band thresholds are appended to args.
//
// The band is picked by a CASE (bandCase) and joined to mart.rubrik_band on its number: an equi-join
// on a table of a few hundred rows that streams. The first version joined every band whose range held
// the value and kept the first with row_number(), a window that materialised every indicator row of
// the rubric (10 million wide rows at the national scale): most of the stage's time and memory.
func scoreTail(r *Rubric, args []any, rid, ver string) (string, []any) {
	band, args := bandCase(r, args)
	q := `vb AS (SELECT v.*, ` + band + ` AS band FROM v),
d AS (SELECT * FROM mart.rubrik_indikator WHERE rubrik = $R),
m AS (
    SELECT vb.*, d.aspek, d.nama_aspek, d.indikator, d.nama, d.rumus, d.bobot, d.skor_per_nilai,
        vb.input_hilang = '' AND vb.nilai IS NOT NULL AS dinilai, b.skor AS band_skor, b.label AS band_label
    FROM vb JOIN d ON d.urutan = vb.urutan
    LEFT JOIN mart.rubrik_band b ON b.rubrik = $R AND b.indikator = d.indikator AND b.urutan = vb.band
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
	return strings.NewReplacer("$R", rid, "$V", ver).Replace(q), args
}

// bandCase is the SQL twin of Indikator.Score's choice of band: per indicator (by urutan), the number
// (mart.rubrik_band.urutan) of the first point band within 1e-9 of nilai, else of the first interval
// holding it; NULL for a NULL value or a linearly scored indicator. Thresholds are bound.
func bandCase(r *Rubric, args []any) (string, []any) {
	bind := func(f float64) string {
		args = append(args, f)
		return fmt.Sprintf("$%d::DOUBLE", len(args))
	}
	var b strings.Builder
	b.WriteString("CASE v.urutan")
	for i, x := range r.Indicators() {
		in := x.Indikator
		if in.SkorPerNilai != nil || len(in.Band) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n    WHEN %d THEN CASE", i+1)
		for j, bd := range in.Band {
			if bd.SamaDengan != nil {
				fmt.Fprintf(&b, " WHEN abs(v.nilai - %s) < 1e-9 THEN %d", bind(*bd.SamaDengan), j+1)
			}
		}
		for j, bd := range in.Band {
			if bd.SamaDengan != nil {
				continue
			}
			conds := []string{"v.nilai IS NOT NULL"}
			if bd.Dari != nil {
				op := ">="
				if in.TepiKiriTerbuka {
					op = ">"
				}
				conds = append(conds, "v.nilai "+op+" "+bind(*bd.Dari))
			}
			if bd.Sampai != nil {
				op := "<"
				if in.TepiKiriTerbuka {
					op = "<="
				}
				conds = append(conds, "v.nilai "+op+" "+bind(*bd.Sampai))
			}
			fmt.Fprintf(&b, " WHEN %s THEN %d", strings.Join(conds, " AND "), j+1)
		}
		b.WriteString(" END")
	}
	b.WriteString("\nEND")
	return b.String(), args
}

// resultSQL sums one rubric's indicator rows into mart.kesehatan: the rescaled score, cakupan,
// category and grade (Classify in SQL) and the change on the previous scored tahun buku (History in
// SQL). It runs in DuckDB so that two million results at the national scale never pass through Go.
// Thresholds are computed in Go exactly as Classify computes them, then bound.
func resultSQL(r *Rubric, minCakupan float64, grades map[string]string, now time.Time) (string, []any) {
	args := []any{r.ID, r.Versi, r.TotalBobot(), minCakupan - eps, r.Provisional, now, TidakDapatDinilai}
	bind := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	var rank, kat, grade strings.Builder
	rank.WriteString("CASE")
	kat.WriteString("CASE peringkat")
	grade.WriteString("CASE peringkat")
	for i, k := range r.Kategori {
		if k.Min == nil || i == len(r.Kategori)-1 {
			fmt.Fprintf(&rank, " ELSE %d", i+1)
		} else {
			fmt.Fprintf(&rank, " WHEN skor >= %s::DOUBLE THEN %d", bind(*k.Min-eps), i+1)
		}
		fmt.Fprintf(&kat, " WHEN %d THEN %s", i+1, bind(k.Nama))
		var g any
		if s := grades[k.Nama]; s != "" {
			g = s
		}
		fmt.Fprintf(&grade, " WHEN %d THEN %s::VARCHAR", i+1, bind(g))
		if k.Min == nil {
			break
		}
	}
	rank.WriteString(" END")
	kat.WriteString(" ELSE $7 END")
	grade.WriteString(" END")
	// Sums in DECIMAL: a parallel DOUBLE sum depends on the order rows arrive in, and the same data must
	// give the same score to the last bit on every run.
	q := `INSERT INTO mart.kesehatan (nik, tahun_buku, rubrik, versi_rubrik, skor, kategori, grade, peringkat, cakupan,
    bobot_dinilai, bobot_total, skor_mentah, indikator_dinilai, indikator_total, tahun_buku_sebelumnya, skor_sebelumnya,
    kategori_sebelumnya, perubahan, provisional, dihitung_pada)
WITH a AS (
    SELECT nik, tahun_buku,
        coalesce(sum(skor::DECIMAL(18,9)) FILTER (WHERE dinilai), 0)::DOUBLE AS skor_mentah,
        coalesce(sum(bobot::DECIMAL(18,9)) FILTER (WHERE dinilai), 0)::DOUBLE AS bobot_dinilai,
        count(*) FILTER (WHERE dinilai) AS dinilai, count(*) AS total
    FROM mart.kesehatan_indikator WHERE rubrik = $1 GROUP BY nik, tahun_buku
), s AS (
    SELECT *,
        CASE WHEN bobot_dinilai > 0 THEN least(greatest(100 * skor_mentah / bobot_dinilai, 0), 100) END AS skor,
        least(bobot_dinilai / $3::DOUBLE, 1) AS cakupan
    FROM a
), c AS (
    SELECT *, CASE WHEN skor IS NULL OR cakupan < $4::DOUBLE THEN NULL ELSE ` + rank.String() + ` END AS peringkat FROM s
), k AS (
    SELECT *, ` + kat.String() + ` AS kategori, ` + grade.String() + ` AS grade FROM c
)
SELECT nik, tahun_buku, $1, $2, skor, kategori, grade, peringkat, cakupan, bobot_dinilai, $3::DOUBLE, skor_mentah, dinilai, total,
    lag(tahun_buku) OVER w, lag(skor) OVER w, lag(kategori) OVER w,
    CASE WHEN peringkat IS NULL OR lag(peringkat) OVER w IS NULL THEN NULL
         WHEN peringkat < lag(peringkat) OVER w THEN 'naik'
         WHEN peringkat > lag(peringkat) OVER w THEN 'turun'
         ELSE 'tetap' END,
    $5::BOOLEAN, $6::TIMESTAMPTZ
FROM k
WINDOW w AS (PARTITION BY nik ORDER BY tahun_buku)
ORDER BY nik, tahun_buku`
	return q, args
}
