package transform

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The gate stands between staging.laporan_kandidat and staging.laporan_terbit. Each transform run:
//
//  1. holds for review every new load whose accepted row count fell below hold_below_ratio of the
//     previous good load of the same source (ops.load_reviews, status ditahan);
//  2. evaluates every check on every candidate load and appends the results to ops.check_results;
//  3. records, in ops.check_blocks, the loads an error-severity check failed beyond its threshold.
//
// staging.laporan_terbit then leaves out held, rejected and blocked loads, so the marts keep the last
// good state. Everything the gate writes is one transaction: a failing check query leaves no half run.

// maxRowResults caps the per-row results a single check appends in one run. The load and check
// summary rows always carry the full failing count; the cap only keeps a systematically failing
// warn check from adding millions of rows to the forever-kept history every night.
const maxRowResults = 10000

// minPreviousRows: a source whose previous load had fewer rows than this is not judged by the
// row-count guard (a drop from 3 rows to 1 says nothing).
const minPreviousRows = 10

// settingHoldWatermark in ops.transform_settings: the highest submission id the row-count guard has
// judged. A load is judged once, when it first arrives, so a later decision on an older load never
// retroactively holds a load already published.
const settingHoldWatermark = "tahan_diperiksa_sampai"

// Block is a load kept out of the marts by an error-severity check.
type Block struct {
	SubmissionID int64
	Filename     string
	Check        string
	Failing      int64
	Rows         int64
	Message      string
	// Accepted: a reviewer accepted the load (pantau review accept), so it is published anyway.
	Accepted bool
}

// CheckSummary is one check's outcome in a run.
type CheckSummary struct {
	Name     string
	Type     string
	Severity Severity
	Status   string // pass, warn, error
	Failing  int64
}

// GateReport is what the gate decided in one run.
type GateReport struct {
	RunID   int64
	Checks  []CheckSummary
	Held    []Review // loads newly held for review in this run
	Blocked []Block
}

// Failed counts the checks that did not pass.
func (g *GateReport) Failed() int {
	n := 0
	for _, c := range g.Checks {
		if c.Status != "pass" {
			n++
		}
	}
	return n
}

// runGate holds suspicious loads and evaluates the checks, in one transaction.
func runGate(ctx context.Context, tx *sql.Tx, checks []Check, holdRatio float64, now time.Time) (*GateReport, error) {
	rep := &GateReport{}
	held, err := holdLoads(ctx, tx, holdRatio, now)
	if err != nil {
		return nil, fmt.Errorf("memeriksa jumlah baris kiriman: %w", err)
	}
	rep.Held = held
	if err := runChecks(ctx, tx, checks, now, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

// nonLettersRe folds digits, punctuation and copy marks: "Laporan_2024 (1).xlsx" ~ "laporan-2025.csv".
var nonLettersRe = regexp.MustCompile(`[^a-z]+`)

// SourceKey is what "the same source" means for the row-count guard: an API source is itself; a file
// is its channel plus the letters of its name, without extension (laporan_2024.xlsx, "Laporan 2025
// (1).csv" are the same source, a year apart), so the kecamatan files of one office are not compared with the
// provincial file of another. The kind (laporan, registrasi) is part of the key.
func SourceKey(kind, source, filename string) string {
	if strings.HasPrefix(source, "api:") || strings.HasPrefix(source, "push") {
		return kind + "|" + source
	}
	name := strings.TrimSuffix(filename, filepath.Ext(filename))
	return kind + "|" + source + "|" + strings.TrimSpace(nonLettersRe.ReplaceAllString(strings.ToLower(name), " "))
}

// Guarded reports whether the row-count guard judges a source's loads. It judges files (upload,
// inbox, CLI), whose every load is a whole report set. An API page or a pushed request is a fragment
// whose size the paging or the client decides (the last page of a pull is short by nature), so those
// sources are not compared load by load; a pull's completeness is its cursor's job instead.
func Guarded(source string) bool {
	return !strings.HasPrefix(source, "api:") && !strings.HasPrefix(source, "push")
}

// ShouldHold is the row-count guard: a load is held when its accepted rows fall below ratio × the
// rows of the previous good load of the same source. A previous load smaller than minPreviousRows
// is not a basis for judgement.
func ShouldHold(rows, previousRows int64, ratio float64) bool {
	if previousRows < minPreviousRows || ratio <= 0 {
		return false
	}
	return float64(rows) < ratio*float64(previousRows)
}

type subRow struct {
	id       int64
	key      string
	filename string
	rows     int64
	review   string // '' or the load_reviews status
}

func holdLoads(ctx context.Context, tx *sql.Tx, ratio float64, now time.Time) ([]Review, error) {
	var mark int64
	var v sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT max(value) FROM ops.transform_settings WHERE name = ?`, settingHoldWatermark).Scan(&v); err != nil {
		return nil, err
	}
	if v.Valid {
		mark, _ = strconv.ParseInt(v.String, 10, 64)
	}
	rows, err := tx.QueryContext(ctx, `SELECT s.id, s.kind, s.source, coalesce(s.filename, ''), s.rows_accepted, coalesce(r.status, '')
		FROM ops.submissions s LEFT JOIN ops.load_reviews r ON r.submission_id = s.id
		WHERE s.status = 'diterima' ORDER BY s.id`)
	if err != nil {
		return nil, err
	}
	var subs []subRow
	for rows.Next() {
		var s subRow
		var kind, source string
		if err := rows.Scan(&s.id, &kind, &source, &s.filename, &s.rows, &s.review); err != nil {
			rows.Close()
			return nil, err
		}
		if !Guarded(source) {
			continue
		}
		s.key = SourceKey(kind, source, s.filename)
		subs = append(subs, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	type prev struct{ id, rows int64 }
	last := map[string]prev{}
	var held []Review
	maxID := mark
	for _, s := range subs {
		maxID = max(maxID, s.id)
		if s.id > mark && s.review == "" {
			if p, ok := last[s.key]; ok && ShouldHold(s.rows, p.rows, ratio) {
				r := Review{SubmissionID: s.id, Filename: s.filename, SourceKey: s.key, Rows: s.rows, PreviousID: p.id,
					PreviousRows: p.rows, Reason: "jumlah_baris_turun", Status: StatusDitahan, CreatedAt: now}
				r.Message = fmt.Sprintf("Kiriman #%d (%s) ditahan untuk ditinjau: hanya %d baris diterima, kurang dari %.0f%% dari kiriman sebelumnya "+
					"dari sumber yang sama (#%d, %d baris). Periksa apakah berkasnya terpotong, lalu `pantau review accept %d` atau `pantau review reject %d`.",
					s.id, s.filename, s.rows, ratio*100, p.id, p.rows, s.id, s.id)
				if _, err := tx.ExecContext(ctx, `INSERT INTO ops.load_reviews (submission_id, source_key, rows_load, previous_id, rows_previous, reason, message, status, created_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.SubmissionID, r.SourceKey, r.Rows, r.PreviousID, r.PreviousRows, r.Reason, r.Message, r.Status.String(), now); err != nil {
					return nil, err
				}
				held = append(held, r)
				continue
			}
		}
		if s.review == StatusDitahan.String() || s.review == StatusDitolak.String() {
			continue // not a good load: the next one is compared with the last good one
		}
		last[s.key] = prev{s.id, s.rows}
	}
	if maxID != mark {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO ops.transform_settings (name, value) VALUES (?, ?)`, settingHoldWatermark, strconv.FormatInt(maxID, 10)); err != nil {
			return nil, err
		}
	}
	return held, nil
}

func runChecks(ctx context.Context, tx *sql.Tx, checks []Check, now time.Time, rep *GateReport) error {
	exec := func(q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	if err := exec(`CREATE OR REPLACE TEMP TABLE cek_def (check_name VARCHAR, check_type VARCHAR, severity VARCHAR, threshold DOUBLE, message VARCHAR, urut INTEGER)`); err != nil {
		return err
	}
	if err := exec(`CREATE OR REPLACE TEMP TABLE cek_gagal (check_name VARCHAR, submission_id BIGINT, nik VARCHAR, tahun_buku INTEGER, sample VARCHAR)`); err != nil {
		return err
	}
	defer func() {
		// temp tables live on the connection; drop them so the next run starts clean
		_, _ = tx.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS cek_def; DROP TABLE IF EXISTS cek_gagal; DROP TABLE IF EXISTS cek_muatan`)
	}()
	var rowChecks []Check
	for i, c := range checks {
		if err := exec(`INSERT INTO cek_def VALUES (?, ?, ?, ?, ?, ?)`, c.Name, c.Type, c.Severity.String(), c.Threshold, c.Message, i); err != nil {
			return err
		}
		q, args := c.compile()
		if c.rowLevel() {
			// planned alone first, so a check that cannot run is named; evaluated below with the others
			if err := exec(`EXPLAIN `+q, args...); err != nil {
				return fmt.Errorf("cek %s (%s) tidak dapat dijalankan: %w", c.Name, c.File, err)
			}
			rowChecks = append(rowChecks, c)
			continue
		}
		if err := exec(`INSERT INTO cek_gagal SELECT ?, * FROM (`+q+`)`, append([]any{c.Name}, args...)...); err != nil {
			return fmt.Errorf("cek %s (%s) tidak dapat dijalankan: %w", c.Name, c.File, err)
		}
	}
	if len(rowChecks) > 0 {
		q, args := compileRowBatch(rowChecks)
		if err := exec(`INSERT INTO cek_gagal `+q, args...); err != nil {
			return fmt.Errorf("cek per baris tidak dapat dijalankan: %w", err)
		}
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO ops.check_runs (started_at, max_submission_id)
		SELECT ?, coalesce(max(id), 0) FROM ops.submissions RETURNING id`, now).Scan(&rep.RunID); err != nil {
		return err
	}
	// One row per check × load with failing rows: does it exceed the threshold?
	if err := exec(`CREATE OR REPLACE TEMP TABLE cek_muatan AS
		WITH n AS (SELECT submission_id, count(*) AS baris FROM staging.laporan_kandidat GROUP BY 1),
		f AS (SELECT check_name, submission_id, count(*) AS gagal,
				to_json(list({'nik': nik, 'tahun_buku': tahun_buku, 'nilai': sample::JSON} ORDER BY nik, tahun_buku)[1:5])::VARCHAR AS sample
			FROM cek_gagal GROUP BY 1, 2)
		SELECT f.check_name, f.submission_id, f.gagal, n.baris, f.sample,
			CASE WHEN f.gagal > d.threshold * n.baris AND d.severity = 'error' THEN 'error' ELSE 'warn' END AS status
		FROM f JOIN n USING (submission_id) JOIN cek_def d USING (check_name)`); err != nil {
		return err
	}
	if err := exec(`INSERT INTO ops.check_results (run_id, check_name, check_type, severity, nik, tahun_buku, submission_id, level, status, failing_count, sample, checked_at)
		SELECT ?, m.check_name, d.check_type, d.severity, NULL, NULL, m.submission_id, 'load', m.status, m.gagal, m.sample, ?
		FROM cek_muatan m JOIN cek_def d USING (check_name) ORDER BY d.urut, m.submission_id`, rep.RunID, now); err != nil {
		return err
	}
	if err := exec(`INSERT INTO ops.check_results (run_id, check_name, check_type, severity, nik, tahun_buku, submission_id, level, status, failing_count, sample, checked_at)
		SELECT ?, g.check_name, d.check_type, d.severity, g.nik, g.tahun_buku, g.submission_id, 'row', m.status, 1, g.sample, ?
		FROM cek_gagal g JOIN cek_muatan m USING (check_name, submission_id) JOIN cek_def d USING (check_name)
		QUALIFY row_number() OVER (PARTITION BY g.check_name ORDER BY g.submission_id, g.nik, g.tahun_buku) <= ?
		ORDER BY d.urut, g.submission_id, g.nik, g.tahun_buku`, rep.RunID, now, maxRowResults); err != nil {
		return err
	}
	if err := exec(`INSERT INTO ops.check_results (run_id, check_name, check_type, severity, nik, tahun_buku, submission_id, level, status, failing_count, sample, checked_at)
		SELECT ?, d.check_name, d.check_type, d.severity, NULL, NULL, NULL, 'check',
			CASE WHEN bool_or(m.status = 'error') THEN 'error' WHEN count(m.check_name) > 0 THEN 'warn' ELSE 'pass' END,
			coalesce(sum(m.gagal), 0), any_value(m.sample), ?
		FROM cek_def d LEFT JOIN cek_muatan m USING (check_name) GROUP BY d.check_name, d.check_type, d.severity, d.urut ORDER BY d.urut`, rep.RunID, now); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT check_name, check_type, severity, status, failing_count FROM ops.check_results
		WHERE run_id = ? AND level = 'check' ORDER BY rowid`, rep.RunID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var s CheckSummary
		var sev string
		if err := rows.Scan(&s.Name, &s.Type, &sev, &s.Status, &s.Failing); err != nil {
			rows.Close()
			return err
		}
		if sev == "error" {
			s.Severity = Error
		}
		rep.Checks = append(rep.Checks, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// The loads an error-severity check keeps out, with a message for the staff.
	rows, err = tx.QueryContext(ctx, `SELECT m.submission_id, coalesce(s.filename, ''), m.check_name, m.gagal, m.baris, m.sample, d.message, d.threshold,
			coalesce(r.status = 'diterima', false)
		FROM cek_muatan m JOIN cek_def d USING (check_name)
		LEFT JOIN ops.submissions s ON s.id = m.submission_id
		LEFT JOIN ops.load_reviews r ON r.submission_id = m.submission_id
		WHERE m.status = 'error' ORDER BY m.submission_id, d.urut`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var b Block
		var sample, msg string
		var threshold float64
		if err := rows.Scan(&b.SubmissionID, &b.Filename, &b.Check, &b.Failing, &b.Rows, &sample, &msg, &threshold, &b.Accepted); err != nil {
			rows.Close()
			return err
		}
		b.Message = blockMessage(b, msg, threshold, sample)
		rep.Blocked = append(rep.Blocked, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, b := range rep.Blocked {
		if err := exec(`INSERT INTO ops.check_blocks (run_id, submission_id, check_name, failing_count, message) VALUES (?, ?, ?, ?, ?)`,
			rep.RunID, b.SubmissionID, b.Check, b.Failing, b.Message); err != nil {
			return err
		}
	}
	loads := map[int64]bool{}
	for _, b := range rep.Blocked {
		if !b.Accepted {
			loads[b.SubmissionID] = true
		}
	}
	return exec(`UPDATE ops.check_runs SET finished_at = ?, checks = ?, checks_failed = ?, loads_blocked = ? WHERE id = ?`,
		time.Now().UTC(), len(rep.Checks), rep.Failed(), len(loads), rep.RunID)
}

// blockMessage tells the staff why a load is not published, with up to three failing examples.
func blockMessage(b Block, msg string, threshold float64, sample string) string {
	var ex []struct {
		NIK   *string `json:"nik"`
		Tahun *int    `json:"tahun_buku"`
	}
	_ = json.Unmarshal([]byte(sample), &ex)
	var eg []string
	for i, e := range ex {
		if i == 3 {
			break
		}
		s := "NIK "
		if e.NIK != nil {
			s += *e.NIK
		} else {
			s += "(kosong)"
		}
		if e.Tahun != nil {
			s += fmt.Sprintf(" tahun buku %d", *e.Tahun)
		}
		eg = append(eg, s)
	}
	tol := "tanpa toleransi"
	if threshold > 0 {
		tol = fmt.Sprintf("toleransi %s%% baris", strconv.FormatFloat(threshold*100, 'f', -1, 64))
	}
	name := b.Filename
	if name == "" {
		name = "tanpa nama berkas"
	}
	out := fmt.Sprintf("Kiriman #%d (%s) tidak diterbitkan: %s — %d dari %d baris gagal cek %s (%s).",
		b.SubmissionID, name, msg, b.Failing, b.Rows, b.Check, tol)
	if len(eg) > 0 {
		out += " Contoh: " + strings.Join(eg, "; ") + "."
	}
	return out + fmt.Sprintf(" Perbaiki berkasnya lalu unggah ulang, atau terbitkan apa adanya dengan `pantau review accept %d`.", b.SubmissionID)
}

// errGate marks a failure of the gate itself (as opposed to checks that found problems).
var errGate = errors.New("cek kualitas data gagal dijalankan")
