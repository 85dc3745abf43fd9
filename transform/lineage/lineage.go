// Package lineage traces each figure of a published report back to where it came from: the submission,
// the file, the sheet, the row, the column as labelled in the file, and the cell as written.
//
// raw.rows keeps every row as written (header label → cell text); raw.laporan keeps the same row typed;
// core.laporan holds the version in force with derived measures. The column of a figure is found the way
// ingest found it: by matching the header labels of the row with the canonical fields (internal/fields,
// plus the office's [header_map]). A figure with no column of its own was derived — modal_sendiri from
// its four parts, jumlah_anggota from pria + wanita, tahun_buku from the sheet's name or title, the
// region code from region names — and says so.
package lineage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/marcboeker/go-duckdb"

	"github.com/pantau-koperasi/pantau/internal/fields"
)

// ErrNotFound: no version of that report was ever loaded.
var ErrNotFound = errors.New("laporan tidak ditemukan")

// Figure is one field of the report and its origin.
type Figure struct {
	Field       string `json:"field"`
	Label       string `json:"label"`        // the field's Indonesian label
	Value       string `json:"value"`        // as it stands in core.laporan
	ColumnLabel string `json:"column_label"` // the header as written in the file ("" when derived)
	Raw         string `json:"raw"`          // the cell as written
	Derived     string `json:"derived,omitempty"`
}

// Version is one loaded version of the report.
type Version struct {
	SubmissionID int64     `json:"submission_id"`
	Filename     string    `json:"filename"`
	ReceivedAt   time.Time `json:"received_at"`
	Status       string    `json:"status"` // berlaku, digantikan, ditahan
}

// Trace is the lineage of one report (nik × tahun buku).
type Trace struct {
	NIK       string `json:"nik"`
	TahunBuku int    `json:"tahun_buku"`
	Published bool   `json:"published"` // false: no version is in force (held, blocked or rejected)
	// AwaitingTransform: not published because no check run has judged the load yet (`pantau transform`).
	AwaitingTransform bool      `json:"awaiting_transform"`
	SubmissionID      int64     `json:"submission_id"`
	Source            string    `json:"source"`
	Filename          string    `json:"filename"`
	SHA256            string    `json:"sha256"`
	ReceivedAt        time.Time `json:"received_at"`
	Sheet             string    `json:"sheet"`
	Row               int       `json:"row"`
	Figures           []Figure  `json:"figures"`
	Versions          []Version `json:"versions"`
}

// Get traces the report of nik for tahun buku. overrides is the office's [header_map].
func Get(ctx context.Context, db *sql.DB, overrides map[string]string, nik string, tahun int) (*Trace, error) {
	t := &Trace{NIK: nik, TahunBuku: tahun}
	rows, err := db.QueryContext(ctx, `SELECT submission_id, coalesce(filename, ''), received_at, status_versi FROM core.laporan_versi
		WHERE nik = ? AND tahun_buku = ? ORDER BY versi`, nik, tahun)
	if err != nil {
		return nil, fmt.Errorf("membaca core.laporan_versi (sudah `pantau transform`?): %w", err)
	}
	for rows.Next() {
		var v Version
		if err := rows.Scan(&v.SubmissionID, &v.Filename, &v.ReceivedAt, &v.Status); err != nil {
			rows.Close()
			return nil, err
		}
		t.Versions = append(t.Versions, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(t.Versions) == 0 {
		return nil, fmt.Errorf("%w: NIK %s tahun buku %d belum pernah dimuat", ErrNotFound, nik, tahun)
	}
	// the version in force; when none is (all held), the latest loaded one
	var sheet sql.NullString
	err = db.QueryRowContext(ctx, `SELECT submission_id, sheet, row_number FROM core.laporan WHERE nik = ? AND tahun_buku = ?`, nik, tahun).
		Scan(&t.SubmissionID, &sheet, &t.Row)
	switch {
	case err == nil:
		t.Published = true
	case errors.Is(err, sql.ErrNoRows):
		err = db.QueryRowContext(ctx, `SELECT submission_id, sheet, row_number FROM core.laporan_versi WHERE nik = ? AND tahun_buku = ?
			ORDER BY versi DESC LIMIT 1`, nik, tahun).Scan(&t.SubmissionID, &sheet, &t.Row)
		if err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	t.Sheet = sheet.String
	if !t.Published {
		// Not yet judged (loaded after the latest finished check run) differs from held back: the first
		// needs `pantau transform`, the second a reviewer.
		var maxJudged sql.NullInt64
		if err := db.QueryRowContext(ctx, `SELECT max_submission_id FROM ops.check_runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1`).
			Scan(&maxJudged); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		t.AwaitingTransform = !maxJudged.Valid || t.SubmissionID > maxJudged.Int64
	}
	if err := db.QueryRowContext(ctx, `SELECT source, coalesce(filename, ''), sha256, received_at FROM ops.submissions WHERE id = ?`, t.SubmissionID).
		Scan(&t.Source, &t.Filename, &t.SHA256, &t.ReceivedAt); err != nil {
		return nil, err
	}
	var cellsJSON sql.NullString
	err = db.QueryRowContext(ctx, `SELECT cells::VARCHAR FROM raw.rows WHERE submission_id = ? AND sheet IS NOT DISTINCT FROM ? AND row_number = ?`,
		t.SubmissionID, sheet, t.Row).Scan(&cellsJSON)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	cells := map[string]string{}
	if cellsJSON.Valid {
		if err := json.Unmarshal([]byte(cellsJSON.String), &cells); err != nil {
			return nil, fmt.Errorf("raw.rows: sel tidak terbaca: %w", err)
		}
	}
	byField := matchLabels(cells, overrides)

	// the typed values: in force (core.laporan) or, when nothing is in force, as loaded (raw.laporan)
	current, err := oneRow(ctx, db, `SELECT * FROM core.laporan WHERE nik = ? AND tahun_buku = ?`, nik, tahun)
	if err != nil {
		return nil, err
	}
	raw, err := oneRow(ctx, db, `SELECT * FROM raw.laporan WHERE submission_id = ? AND sheet IS NOT DISTINCT FROM ? AND row_number = ?`, t.SubmissionID, sheet, t.Row)
	if err != nil {
		return nil, err
	}
	if current == nil {
		current = raw
	}
	for _, f := range fields.All() {
		v, ok := current[f.Name]
		if !ok || v == "" {
			continue
		}
		fig := Figure{Field: f.Name, Label: f.Label, Value: v}
		if c, ok := byField[f.Name]; ok {
			fig.ColumnLabel, fig.Raw = c, cells[c]
		} else if d := derivation(f.Name); d != "" {
			fig.Derived = d
		} else if strings.HasPrefix(t.Source, "api:") || strings.HasPrefix(t.Source, "push") {
			fig.Derived = "dari rekaman API lewat peta [[sumber]] (nama lain atau pengali satuan)"
		} else {
			fig.Derived = "tidak ada kolom sendiri di berkas; diturunkan saat dimuat"
		}
		t.Figures = append(t.Figures, fig)
	}
	return t, nil
}

// matchLabels maps canonical fields to the header labels of the row, as ingest matched them. Labels of
// a two-row header are "Group / Sub"; a supplement sheet's are "Sheet / Label".
func matchLabels(cells map[string]string, overrides map[string]string) map[string]string {
	over := make(map[string]string, len(overrides))
	for k, v := range overrides {
		over[fields.NormaliseLabel(k)] = v
	}
	out := map[string]string{}
	try := func(field, label string) {
		if _, done := out[field]; !done {
			out[field] = label
		}
	}
	// whole labels first, so "Jumlah Anggota / Pria" (anggota_pria) is not taken by its group's words
	for label := range cells {
		if f, ok := fields.Match(strings.ReplaceAll(label, " / ", " "), over); ok {
			try(f.Name, label)
		}
	}
	for label := range cells {
		parts := strings.Split(label, " / ")
		for i := 1; i < len(parts); i++ {
			if f, ok := fields.Match(strings.Join(parts[i:], " "), over); ok {
				try(f.Name, label)
				break
			}
		}
	}
	// An API record's keys are dotted JSON paths ("keuangan.simpanan_pokok", "anggota.pria"): the last
	// segment alone, then the whole path read as words, as a source's mapping usually names them.
	for label := range cells {
		if !strings.Contains(label, ".") || strings.Contains(label, " ") {
			continue
		}
		segs := strings.Split(label, ".")
		if f, ok := fields.Match(segs[len(segs)-1], over); ok {
			try(f.Name, label)
		} else if f, ok := fields.Match(strings.Join(segs, " "), over); ok {
			try(f.Name, label)
		}
	}
	return out
}

func derivation(field string) string {
	switch field {
	case "modal_sendiri":
		return "dihitung: simpanan pokok + simpanan wajib + dana cadangan + hibah"
	case "jumlah_anggota":
		return "dihitung: anggota pria + anggota wanita"
	case "tahun_buku":
		return "dari nama lembar atau judul di atas tabel"
	case "kode_wilayah":
		return "dicocokkan dari nama provinsi/kabupaten/kecamatan/desa"
	case "nik":
		return "dicocokkan dari nomor badan hukum"
	}
	return ""
}

// oneRow reads one row as column → text ("" for NULL); nil when there is none.
func oneRow(ctx context.Context, db *sql.DB, q string, args ...any) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	if !rows.Next() {
		return nil, rows.Err()
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(cols))
	for i, c := range cols {
		out[c] = text(vals[i])
	}
	return out, nil
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case duckdb.Decimal:
		if x.Value == nil {
			return ""
		}
		r := new(big.Rat).SetFrac(x.Value, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(x.Scale)), nil))
		return r.FloatString(int(x.Scale))
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 {
			return x.Format("2006-01-02")
		}
		return x.UTC().Format(time.RFC3339)
	case string:
		return x
	}
	return fmt.Sprint(v)
}
