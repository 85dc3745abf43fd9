// Package tindaklanjut is follow-up: the cases officials open on a cooperative (pembinaan, teguran,
// usulan pembubaran) and track to their end (SPEC §4).
//
// A case has a reason (alasan), priority, assignee, due date, status, notes, and an audit trail: every
// change — creation, assignment, note, status — is a row in ops.audit with who, when, the field, and
// the value before and after. Cases are raised by hand (New) and automatically after each scoring run
// (Raise). A case is never opened twice for the same cooperative and reason while one is open; the
// check runs under the warehouse's writer lock, so two writers cannot race past it.
package tindaklanjut

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pantau-koperasi/pantau/internal/warehouse"
)

// Status of a case.
type Status string

const (
	Baru       Status = "baru"
	Diproses   Status = "diproses"
	Selesai    Status = "selesai"
	Dibatalkan Status = "dibatalkan"
)

func (s Status) String() string { return string(s) }

// Label is the status as people read it (pages, dashboards, exports).
func (s Status) Label() string {
	switch s {
	case Baru:
		return "Baru"
	case Diproses:
		return "Diproses"
	case Selesai:
		return "Selesai"
	case Dibatalkan:
		return "Dibatalkan"
	}
	return string(s)
}

// Open reports whether a case in this status still needs work.
func (s Status) Open() bool { return s == Baru || s == Diproses }

// Statuses lists every status in workflow order.
var Statuses = []Status{Baru, Diproses, Selesai, Dibatalkan}

// ParseStatus accepts a status code in any case.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if strings.EqualFold(strings.TrimSpace(s), string(st)) {
			return st, nil
		}
	}
	return "", fmt.Errorf("status %q tidak dikenal; pilih salah satu: baru, diproses, selesai, dibatalkan", s)
}

// Alasan (reason) codes. Officials may use any of them by hand; Lainnya is for everything else.
const (
	AlasanTidakAktif    = "tidak_aktif"
	AlasanRATTerlambat  = "rat_terlambat"
	AlasanBelumLapor    = "belum_lapor"
	AlasanKesehatan     = "kesehatan"      // Dalam Pengawasan or worse
	AlasanKategoriTurun = "kategori_turun" // a drop in health category
	AlasanKualitasData  = "kualitas_data"  // data-quality violations (ops.check_results)
	AlasanLainnya       = "lainnya"
)

// AlasanLabel is the Indonesian label of each reason.
var AlasanLabel = map[string]string{
	AlasanTidakAktif:    "Tidak aktif (tanpa RAT)",
	AlasanRATTerlambat:  "RAT terlambat",
	AlasanBelumLapor:    "Belum menyampaikan laporan",
	AlasanKesehatan:     "Kesehatan: Dalam Pengawasan atau lebih buruk",
	AlasanKategoriTurun: "Kategori kesehatan turun",
	AlasanKualitasData:  "Masalah kualitas data",
	AlasanLainnya:       "Lainnya",
}

// Prioritas values.
var Prioritas = []string{"tinggi", "sedang", "rendah"}

// Case is one follow-up case (the API the web pages and dashboards call).
type Case struct {
	ID           int64
	NIK          string
	NamaKoperasi string
	Alasan       string
	Keterangan   string
	TahunBuku    *int
	Status       Status
	Prioritas    string
	Petugas      string
	Sumber       string // otomatis, manual
	JatuhTempo   *time.Time
	DibuatOleh   string
	DibuatPada   time.Time
	DiubahPada   time.Time
	DitutupPada  *time.Time
	Catatan      []Note
	// Region of the cooperative (from mart.koperasi when it exists).
	KodeWilayah, Kecamatan, KabupatenKota string
}

// Note is a note on a case.
type Note struct {
	Oleh, Teks string
	Pada       time.Time
}

// AuditEntry is one recorded change of a case.
type AuditEntry struct {
	Oleh, Kolom, Sebelum, Sesudah string
	Pada                          time.Time
}

// Filter selects cases for List. Empty fields do not filter; Status "terbuka" means baru or diproses.
type Filter struct {
	Status, Alasan, Petugas, NIK, KodeWilayah string
	Limit                                     int
}

// NewCase is what an official fills in to open a case by hand.
type NewCase struct {
	NIK, Alasan, Prioritas, Petugas string
	JatuhTempo                      *time.Time
	Catatan                         string
	// Keterangan and TahunBuku are set by automatic raising; optional by hand.
	Keterangan string
	TahunBuku  *int
}

// ErrNotFound is returned for an unknown case id.
var ErrNotFound = errors.New("kasus tidak ditemukan")

// OpenCaseError is returned by New when an open case already exists for the cooperative and reason.
type OpenCaseError struct {
	ID          int64
	NIK, Alasan string
}

func (e *OpenCaseError) Error() string {
	return fmt.Sprintf("kasus #%d untuk koperasi %s dengan alasan %s masih terbuka; tambahkan catatan di kasus itu", e.ID, e.NIK, e.Alasan)
}

// now is the clock; tests replace it.
var now = func() time.Time { return time.Now().UTC() }

const entity = "tindak_lanjut"

func audit(ctx context.Context, tx *sql.Tx, at time.Time, who string, id int64, field string, before, after *string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO ops.audit ("at", who, entity, entity_id, field, "before", "after") VALUES (?, ?, ?, ?, ?, ?, ?)`,
		at, who, entity, id, field, nullable(before), nullable(after))
	return err
}

func nullable(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func ptr(s string) *string { return &s }

func checkActor(actor string) error {
	if strings.TrimSpace(actor) == "" {
		return errors.New("nama petugas yang melakukan perubahan (oleh) wajib diisi")
	}
	return nil
}

func tableExists(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, schema, table string) bool {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?`, schema, table).Scan(&n)
	return err == nil && n > 0
}

// New opens a case by hand (or for Raise) and records it in ops.audit. The cooperative must be known
// to the warehouse. When a case for the same NIK and reason is open, New returns *OpenCaseError.
func New(ctx context.Context, wh *warehouse.Warehouse, actor string, c NewCase) (int64, error) {
	return newCase(ctx, wh, actor, c, "manual")
}

func newCase(ctx context.Context, wh *warehouse.Warehouse, actor string, c NewCase, sumber string) (int64, error) {
	if err := checkActor(actor); err != nil {
		return 0, err
	}
	c.NIK = strings.TrimSpace(c.NIK)
	c.Alasan = strings.TrimSpace(strings.ToLower(c.Alasan))
	if c.NIK == "" {
		return 0, errors.New("NIK koperasi wajib diisi")
	}
	if _, ok := AlasanLabel[c.Alasan]; !ok {
		return 0, fmt.Errorf("alasan %q tidak dikenal; pilih salah satu: %s", c.Alasan, strings.Join(alasanCodes(), ", "))
	}
	if c.Prioritas == "" {
		c.Prioritas = "sedang"
	}
	c.Prioritas = strings.ToLower(strings.TrimSpace(c.Prioritas))
	if !contains(Prioritas, c.Prioritas) {
		return 0, fmt.Errorf("prioritas %q tidak dikenal; pilih tinggi, sedang atau rendah", c.Prioritas)
	}
	var id int64
	err := wh.Write(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = insertCase(ctx, tx, actor, c, sumber)
		return err
	})
	return id, err
}

// insertCase opens a case inside tx; c must be validated.
func insertCase(ctx context.Context, tx *sql.Tx, actor string, c NewCase, sumber string) (int64, error) {
	var id int64
	nama, err := namaKoperasi(ctx, tx, c.NIK)
	if err != nil {
		return 0, err
	}
	var open int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM ops.tindak_lanjut WHERE nik = ? AND alasan = ? AND status IN ('baru', 'diproses') ORDER BY id LIMIT 1`,
		c.NIK, c.Alasan).Scan(&open)
	if err == nil {
		return 0, &OpenCaseError{ID: open, NIK: c.NIK, Alasan: c.Alasan}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	t := now()
	var due any
	if c.JatuhTempo != nil {
		due = *c.JatuhTempo
	}
	var tahun any
	if c.TahunBuku != nil {
		tahun = int32(*c.TahunBuku)
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO ops.tindak_lanjut (nik, nama_koperasi, alasan, keterangan, tahun_buku, status, prioritas,
			petugas, sumber, jatuh_tempo, dibuat_oleh, dibuat_pada, diubah_pada)
		VALUES (?, ?, ?, ?, ?, 'baru', ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.NIK, nama, c.Alasan, c.Keterangan, tahun, c.Prioritas, strings.TrimSpace(c.Petugas), sumber, due, actor, t, t).Scan(&id); err != nil {
		return 0, err
	}
	if err := audit(ctx, tx, t, actor, id, "dibuat", nil, ptr(fmt.Sprintf("%s; alasan %s; prioritas %s", sumber, c.Alasan, c.Prioritas))); err != nil {
		return 0, err
	}
	if p := strings.TrimSpace(c.Petugas); p != "" {
		if err := audit(ctx, tx, t, actor, id, "petugas", ptr(""), ptr(p)); err != nil {
			return 0, err
		}
	}
	if c.JatuhTempo != nil {
		if err := audit(ctx, tx, t, actor, id, "jatuh_tempo", nil, ptr(c.JatuhTempo.Format("2006-01-02"))); err != nil {
			return 0, err
		}
	}
	if s := strings.TrimSpace(c.Catatan); s != "" {
		if err := addNote(ctx, tx, t, actor, id, s); err != nil {
			return 0, err
		}
	}
	return id, nil
}

func namaKoperasi(ctx context.Context, tx *sql.Tx, nik string) (string, error) {
	for _, src := range []struct{ schema, table string }{{"core", "koperasi"}, {"mart", "laporan"}} {
		if !tableExists(ctx, tx, src.schema, src.table) {
			continue
		}
		var nama sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT any_value(nama_koperasi) FROM `+warehouse.QuoteTable(src.schema+"."+src.table)+` WHERE nik = ?`, nik).Scan(&nama)
		if err != nil {
			return "", err
		}
		if nama.Valid {
			return nama.String, nil
		}
	}
	return "", fmt.Errorf("koperasi dengan NIK %s tidak dikenal di gudang data (jalankan `pantau transform` setelah mengunggah laporannya)", nik)
}

func alasanCodes() []string {
	return []string{AlasanTidakAktif, AlasanRATTerlambat, AlasanBelumLapor, AlasanKesehatan, AlasanKategoriTurun, AlasanKualitasData, AlasanLainnya}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// update changes one column of a case, records it in ops.audit and touches diubah_pada.
func update(ctx context.Context, wh *warehouse.Warehouse, actor string, id int64, field string, fn func(tx *sql.Tx, c *Case) (after string, changed bool, err error)) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	return wh.Write(ctx, func(tx *sql.Tx) error {
		c, err := getTx(ctx, tx, id)
		if err != nil {
			return err
		}
		due := ""
		if c.JatuhTempo != nil {
			due = c.JatuhTempo.Format("2006-01-02")
		}
		before := map[string]string{"petugas": c.Petugas, "status": c.Status.String(), "prioritas": c.Prioritas, "jatuh_tempo": due}[field]
		after, changed, err := fn(tx, &c)
		if err != nil || !changed {
			return err
		}
		t := now()
		var val any = after
		if field == "jatuh_tempo" && after == "" {
			val = nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ops.tindak_lanjut SET `+warehouse.QuoteIdent(field)+` = ?, diubah_pada = ? WHERE id = ?`, val, t, id); err != nil {
			return err
		}
		if field == "status" {
			var closed any
			if !Status(after).Open() {
				closed = t
			}
			if _, err := tx.ExecContext(ctx, `UPDATE ops.tindak_lanjut SET ditutup_pada = ? WHERE id = ?`, closed, id); err != nil {
				return err
			}
		}
		return audit(ctx, tx, t, actor, id, field, ptr(before), ptr(after))
	})
}

// Assign gives the case to an officer (petugas); an empty name unassigns it.
func Assign(ctx context.Context, wh *warehouse.Warehouse, actor string, id int64, petugas string) error {
	petugas = strings.TrimSpace(petugas)
	return update(ctx, wh, actor, id, "petugas", func(_ *sql.Tx, c *Case) (string, bool, error) {
		return petugas, c.Petugas != petugas, nil
	})
}

// SetPriority changes the priority (tinggi, sedang, rendah).
func SetPriority(ctx context.Context, wh *warehouse.Warehouse, actor string, id int64, prioritas string) error {
	prioritas = strings.ToLower(strings.TrimSpace(prioritas))
	if !contains(Prioritas, prioritas) {
		return fmt.Errorf("prioritas %q tidak dikenal; pilih tinggi, sedang atau rendah", prioritas)
	}
	return update(ctx, wh, actor, id, "prioritas", func(_ *sql.Tx, c *Case) (string, bool, error) {
		return prioritas, c.Prioritas != prioritas, nil
	})
}

// SetDue changes the due date; nil removes it.
func SetDue(ctx context.Context, wh *warehouse.Warehouse, actor string, id int64, due *time.Time) error {
	after := ""
	if due != nil {
		after = due.Format("2006-01-02")
	}
	return update(ctx, wh, actor, id, "jatuh_tempo", func(_ *sql.Tx, c *Case) (string, bool, error) {
		before := ""
		if c.JatuhTempo != nil {
			before = c.JatuhTempo.Format("2006-01-02")
		}
		return after, before != after, nil
	})
}

// SetStatus moves the case through baru → diproses → selesai (or dibatalkan). A closed case may be
// reopened (to baru or diproses) only when no other case for the same cooperative and reason is open.
func SetStatus(ctx context.Context, wh *warehouse.Warehouse, actor string, id int64, status string) error {
	st, err := ParseStatus(status)
	if err != nil {
		return err
	}
	return update(ctx, wh, actor, id, "status", func(tx *sql.Tx, c *Case) (string, bool, error) {
		if c.Status == st {
			return "", false, nil
		}
		if st.Open() && !c.Status.Open() {
			var other int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM ops.tindak_lanjut WHERE nik = ? AND alasan = ? AND status IN ('baru', 'diproses') AND id <> ? LIMIT 1`,
				c.NIK, c.Alasan, c.ID).Scan(&other)
			if err == nil {
				return "", false, &OpenCaseError{ID: other, NIK: c.NIK, Alasan: c.Alasan}
			} else if !errors.Is(err, sql.ErrNoRows) {
				return "", false, err
			}
		}
		return st.String(), true, nil
	})
}

// AddNote adds a note to the case.
func AddNote(ctx context.Context, wh *warehouse.Warehouse, actor string, id int64, text string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return errors.New("catatan kosong")
	}
	return wh.Write(ctx, func(tx *sql.Tx) error {
		if _, err := getTx(ctx, tx, id); err != nil {
			return err
		}
		t := now()
		if err := addNote(ctx, tx, t, actor, id, text); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE ops.tindak_lanjut SET diubah_pada = ? WHERE id = ?`, t, id)
		return err
	})
}

func addNote(ctx context.Context, tx *sql.Tx, t time.Time, actor string, id int64, text string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO ops.tindak_lanjut_catatan (kasus_id, oleh, teks, pada) VALUES (?, ?, ?, ?)`, id, actor, text, t); err != nil {
		return err
	}
	return audit(ctx, tx, t, actor, id, "catatan", nil, ptr(text))
}

const caseCols = `t.id, t.nik, t.nama_koperasi, t.alasan, t.keterangan, t.tahun_buku, t.status, t.prioritas, t.petugas, t.sumber,
	t.jatuh_tempo, t.dibuat_oleh, t.dibuat_pada, t.diubah_pada, t.ditutup_pada`

type scanner interface{ Scan(...any) error }

func scanCase(r scanner, extra ...any) (Case, error) {
	var c Case
	var tahun sql.NullInt64
	var due, closed sql.NullTime
	dst := append([]any{&c.ID, &c.NIK, &c.NamaKoperasi, &c.Alasan, &c.Keterangan, &tahun, &c.Status, &c.Prioritas, &c.Petugas, &c.Sumber,
		&due, &c.DibuatOleh, &c.DibuatPada, &c.DiubahPada, &closed}, extra...)
	if err := r.Scan(dst...); err != nil {
		return c, err
	}
	if tahun.Valid {
		y := int(tahun.Int64)
		c.TahunBuku = &y
	}
	if due.Valid {
		c.JatuhTempo = &due.Time
	}
	if closed.Valid {
		c.DitutupPada = &closed.Time
	}
	return c, nil
}

func getTx(ctx context.Context, tx *sql.Tx, id int64) (Case, error) {
	c, err := scanCase(tx.QueryRowContext(ctx, `SELECT `+caseCols+` FROM ops.tindak_lanjut t WHERE t.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("%w: #%d", ErrNotFound, id)
	}
	return c, err
}

// regionJoin is the join to the cooperative's current region, when the transform has built it.
func regionJoin(ctx context.Context, db *sql.DB) (cols, join string) {
	if tableExists(ctx, db, "mart", "koperasi") {
		return `, coalesce(k.kode_wilayah, ''), coalesce(k.kecamatan, ''), coalesce(k.kabupaten_kota, '')`, ` LEFT JOIN mart.koperasi k ON k.nik = t.nik`
	}
	return `, '', '', ''`, ``
}

// List returns the cases matching f, newest first, each with its notes.
func List(ctx context.Context, wh *warehouse.Warehouse, f Filter) ([]Case, error) {
	db := wh.DB()
	cols, join := regionJoin(ctx, db)
	q := `SELECT ` + caseCols + cols + ` FROM ops.tindak_lanjut t` + join + ` WHERE true`
	var args []any
	switch st := strings.ToLower(strings.TrimSpace(f.Status)); st {
	case "":
	case "terbuka":
		q += ` AND t.status IN ('baru', 'diproses')`
	default:
		s, err := ParseStatus(st)
		if err != nil {
			return nil, err
		}
		q += ` AND t.status = ?`
		args = append(args, s.String())
	}
	if f.Alasan != "" {
		q += ` AND t.alasan = ?`
		args = append(args, f.Alasan)
	}
	if f.Petugas != "" {
		q += ` AND t.petugas = ?`
		args = append(args, f.Petugas)
	}
	if f.NIK != "" {
		q += ` AND t.nik = ?`
		args = append(args, f.NIK)
	}
	if f.KodeWilayah != "" {
		if join == "" {
			return nil, errors.New("saring per wilayah memerlukan mart.koperasi: jalankan `pantau transform` dulu")
		}
		q += ` AND (k.kode_wilayah = ? OR starts_with(k.kode_wilayah, ? || '.'))`
		args = append(args, f.KodeWilayah, f.KodeWilayah)
	}
	q += ` ORDER BY t.id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Case
	byID := map[int64]int{}
	for rows.Next() {
		var kw, kec, kab string
		c, err := scanCase(rows, &kw, &kec, &kab)
		if err != nil {
			return nil, err
		}
		c.KodeWilayah, c.Kecamatan, c.KabupatenKota = kw, kec, kab
		byID[c.ID] = len(out)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	nrows, err := db.QueryContext(ctx, `SELECT kasus_id, oleh, teks, pada FROM ops.tindak_lanjut_catatan ORDER BY pada, id`)
	if err != nil {
		return nil, err
	}
	defer nrows.Close()
	for nrows.Next() {
		var id int64
		var n Note
		if err := nrows.Scan(&id, &n.Oleh, &n.Teks, &n.Pada); err != nil {
			return nil, err
		}
		if i, ok := byID[id]; ok {
			out[i].Catatan = append(out[i].Catatan, n)
		}
	}
	return out, nrows.Err()
}

// Get returns one case with its notes and its full audit trail, oldest first.
func Get(ctx context.Context, wh *warehouse.Warehouse, id int64) (Case, []AuditEntry, error) {
	db := wh.DB()
	cols, join := regionJoin(ctx, db)
	var kw, kec, kab string
	c, err := scanCase(db.QueryRowContext(ctx, `SELECT `+caseCols+cols+` FROM ops.tindak_lanjut t`+join+` WHERE t.id = ?`, id), &kw, &kec, &kab)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil, fmt.Errorf("%w: #%d", ErrNotFound, id)
	}
	if err != nil {
		return c, nil, err
	}
	c.KodeWilayah, c.Kecamatan, c.KabupatenKota = kw, kec, kab
	rows, err := db.QueryContext(ctx, `SELECT oleh, teks, pada FROM ops.tindak_lanjut_catatan WHERE kasus_id = ? ORDER BY pada, id`, id)
	if err != nil {
		return c, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n Note
		if err := rows.Scan(&n.Oleh, &n.Teks, &n.Pada); err != nil {
			return c, nil, err
		}
		c.Catatan = append(c.Catatan, n)
	}
	if err := rows.Err(); err != nil {
		return c, nil, err
	}
	arows, err := db.QueryContext(ctx, `SELECT who, field, coalesce("before", ''), coalesce("after", ''), "at" FROM ops.audit
		WHERE entity = ? AND entity_id = ? ORDER BY "at", id`, entity, id)
	if err != nil {
		return c, nil, err
	}
	defer arows.Close()
	var trail []AuditEntry
	for arows.Next() {
		var a AuditEntry
		if err := arows.Scan(&a.Oleh, &a.Kolom, &a.Sebelum, &a.Sesudah, &a.Pada); err != nil {
			return c, nil, err
		}
		trail = append(trail, a)
	}
	return c, trail, arows.Err()
}
