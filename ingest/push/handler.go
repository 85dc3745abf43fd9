// Package push is the push API: cooperatives' apps and other offices POST annual reports to
// /api/v1/laporan with a token from `pantau token create`. A request is one report or an array of
// them in canonical fields; it becomes one submission and goes through ingest.Process — the same
// validation, provenance and quarantine as a spreadsheet — and the answer says, per report, whether
// it was accepted or quarantined and why. The contract is openapi.json, served at
// /api/v1/openapi.json and checked against the handler by a test.
package push

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pantau-koperasi/pantau/ingest"
	"github.com/pantau-koperasi/pantau/internal/fields"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

//go:embed openapi.json
var openAPI []byte

// OpenAPI is the API's OpenAPI 3 document.
func OpenAPI() []byte { return openAPI }

// Paths served.
const (
	PathLaporan = "/api/v1/laporan"
	PathOpenAPI = "/api/v1/openapi.json"
)

// MaxIdempotencyKey is the longest Idempotency-Key accepted, in characters. It is the one limit:
// openapi.json's maxLength is generated from it (TestOpenAPIFields), and TestIdempotencyKeyLimit
// holds the handler to both.
const MaxIdempotencyKey = 200

// Options of the handler; zero values fall back to pantau.toml.
type Options struct {
	MaxBodyBytes int64 // default serve.max_upload_mb
	MaxRows      int   // default api.max_rows_per_request
	Log          *slog.Logger
	// WriterLock, when set, is the server's global writer lock (the one its jobs hold: a transform
	// must not see a load appear half-way). A request waits for it up to LockWait, then is answered
	// 503 with Retry-After, so the client retries later with the same Idempotency-Key.
	WriterLock func(ctx context.Context) (release func(), err error)
	LockWait   time.Duration // default 3 s
}

type handler struct {
	ws  *workspace.Workspace
	opt Options
	// mu serialises the token lookup, and each request from the reading of its body to the answer
	// (the body is read outside it). Reports arrive a few a day per cooperative, so this costs
	// nothing, and it keeps a request's reads (token, idempotency key, earlier submissions) from
	// overlapping another request's load: DuckDB 1.1 (go-duckdb 1.8.2)
	// has a race between an append on one connection and a scan on another (duckdb/duckdb#19570),
	// which TestIdempotencyConcurrent hit as NULLs through a WHERE … IS NOT NULL and as an Arrow
	// insert that read nothing.
	mu sync.Mutex
}

// NewHandler serves POST /api/v1/laporan and GET /api/v1/openapi.json (mount it at /api/v1/).
func NewHandler(ws *workspace.Workspace, opt Options) http.Handler {
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = int64(ws.Config.Serve.MaxUploadMB) << 20
	}
	if opt.MaxRows <= 0 {
		opt.MaxRows = ws.Config.API.MaxRowsPerRequest
	}
	if opt.LockWait <= 0 {
		opt.LockWait = 3 * time.Second
	}
	if opt.Log == nil {
		opt.Log = ws.Log
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if n := ws.Config.API.MaxKeyLength; n != 0 && n != MaxIdempotencyKey {
		// The published contract (openapi.json) says MaxIdempotencyKey; a server that took more or
		// less would refuse keys the document allows, or take keys it forbids.
		opt.Log.Warn("push: api.max_idempotency_key is ignored; the API takes keys up to the length its OpenAPI document states",
			"configured", n, "limit", MaxIdempotencyKey)
	}
	h := &handler{ws: ws, opt: opt}
	mux := http.NewServeMux()
	mux.HandleFunc(PathLaporan, h.laporan)
	mux.HandleFunc(PathOpenAPI, h.openapi)
	mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "tidak_ditemukan", "alamat API tidak dikenal; lihat "+PathOpenAPI, nil)
	})
	return mux
}

func (h *handler) openapi(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "metode_tidak_diizinkan", "gunakan GET", nil)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(openAPI)
}

// Detail points at one report and field of a refused request.
type Detail struct {
	Index   int    `json:"index"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// ErrorBody is every error answer.
type ErrorBody struct {
	Error struct {
		Code    string   `json:"code"`
		Message string   `json:"message"`
		Details []Detail `json:"details,omitempty"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, status int, code, msg string, details []Detail) {
	var b ErrorBody
	b.Error.Code, b.Error.Message, b.Error.Details = code, msg, details
	writeJSON(w, status, b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// RowResult is the outcome of one report of a request.
type RowResult struct {
	Index     int       `json:"index"`
	Status    string    `json:"status"` // accepted, quarantined, duplicate
	NIK       *string   `json:"nik"`
	TahunBuku *int64    `json:"tahun_buku"`
	Problems  []Problem `json:"problems"`
}

// Problem is why a report was quarantined, in Bahasa Indonesia.
type Problem struct {
	Field  string `json:"field"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
	Code   string `json:"code"`
}

// Result is the answer to an accepted request.
type Result struct {
	SubmissionID    int64       `json:"submission_id"`
	Status          string      `json:"status"` // diterima, duplikat
	Message         string      `json:"message,omitempty"`
	RowsTotal       int         `json:"rows_total"`
	RowsAccepted    int         `json:"rows_accepted"`
	RowsQuarantined int         `json:"rows_quarantined"`
	RowsDuplicate   int         `json:"rows_duplicate"`
	Rows            []RowResult `json:"rows"`
	Warnings        []string    `json:"warnings"`
}

var fieldByName = func() map[string]fields.Field {
	m := map[string]fields.Field{}
	for _, f := range fields.All() {
		m[f.Name] = f
	}
	return m
}()

func (h *handler) laporan(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeError(w, http.StatusMethodNotAllowed, "metode_tidak_diizinkan", "gunakan POST untuk mengirim laporan", nil)
		return
	}
	ctx := r.Context()
	// Who is asking comes first, and nothing of the body is read until the token is known to be
	// live: a client without one costs the server no memory (net/http closes the connection after
	// the answer instead of draining a large body).
	bearer, ok := bearerToken(w, r)
	if !ok {
		return
	}
	tok, ok := h.auth(w, r, bearer)
	if !ok {
		return
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "jenis_isi_salah", "isi permintaan harus JSON (Content-Type: application/json)", nil)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if key != "" && (len(key) > MaxIdempotencyKey || !printable(key)) {
		writeError(w, http.StatusBadRequest, "kunci_idempotensi_salah",
			fmt.Sprintf("Idempotency-Key harus teks ASCII tanpa spasi kendali, paling panjang %d karakter", MaxIdempotencyKey), nil)
		return
	}
	// The body is read before taking the lock, so a slow client holds up no one else.
	body, ok := h.readBody(w, r)
	if !ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.opt.WriterLock != nil {
		lctx, cancel := context.WithTimeout(ctx, h.opt.LockWait)
		release, err := h.opt.WriterLock(lctx)
		cancel()
		if err != nil {
			w.Header().Set("Retry-After", "30")
			writeError(w, http.StatusServiceUnavailable, "sibuk",
				"gudang data sedang dipakai tugas terjadwal; kirim ulang dalam 30 detik dengan Idempotency-Key yang sama", nil)
			return
		}
		defer release()
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	if key != "" {
		if done := h.replay(ctx, w, tok, key, hash); done {
			return
		}
	}
	items, status, code, msg, details := parseBody(body, h.opt.MaxRows)
	if status != 0 {
		writeError(w, status, code, msg, details)
		return
	}
	if details := scope(tok, items); len(details) > 0 {
		writeError(w, http.StatusForbidden, "di_luar_cakupan",
			fmt.Sprintf("token %q hanya boleh melapor untuk NIK %s; tidak ada yang disimpan", tok.Name, tok.NIK), details)
		return
	}
	// The same bytes again from the same token (without a key, or under a new one) change nothing.
	// Per token: two cooperatives may send identical bodies that leave nik to their tokens.
	by := fmt.Sprintf("token #%d %s", tok.ID, tok.Name)
	prev, err := findSubmission(ctx, h.ws, hash, by)
	if err != nil {
		h.fail(w, err)
		return
	}
	if prev > 0 {
		// A concurrent retry with this key may have committed since the check above: its answer wins.
		if key != "" && h.replay(ctx, w, tok, key, hash) {
			return
		}
		writeJSON(w, http.StatusOK, Result{SubmissionID: prev, Status: ingest.StatusDuplikat.String(), Rows: []RowResult{}, Warnings: []string{},
			Message: fmt.Sprintf("isi yang sama persis sudah diterima sebagai kiriman #%d; tidak ada yang berubah", prev)})
		return
	}
	name := "push:" + hash[:12]
	if key != "" {
		name = "push:" + key
	}
	b := &ingest.Batch{Source: "push", Filename: name, SHA256: hash, Size: int64(len(body)), Kind: ingest.KindLaporan,
		RawJSON: string(body), Labels: map[string]string{}}
	for _, f := range fields.All() {
		b.Labels[f.Name] = f.Name
	}
	for i, it := range items {
		b.Inputs = append(b.Inputs, toInput(it, i))
	}
	res := &ingest.Summary{File: name, SHA256: hash, Kind: b.Kind.String()}
	var out Result
	var outJSON []byte
	err = ingest.Process(ctx, h.ws, b, ingest.Options{Source: "push", ReceivedBy: by,
		InTx: func(ctx context.Context, conn *sql.Conn, id int64) error {
			out = result(id, res, items)
			var err error
			if outJSON, err = json.Marshal(out); err != nil {
				return err
			}
			if key != "" {
				if _, err := conn.ExecContext(ctx, `INSERT INTO ops.api_idempotency (token_id, key, request_sha256, submission_id, status_code, response)
					VALUES (?, ?, ?, ?, ?, ?)`, tok.ID, key, hash, id, http.StatusOK, string(outJSON)); err != nil {
					return fmt.Errorf("%w: %v", errKeyTaken, err)
				}
			}
			_, err = conn.ExecContext(ctx, `UPDATE ops.api_tokens SET last_used_at = ? WHERE id = ?`, time.Now().UTC(), tok.ID)
			return err
		}}, res)
	if err != nil {
		// A concurrent request with the same key committed first: answer as it was answered.
		if key != "" && errors.Is(err, errKeyTaken) && h.replay(ctx, w, tok, key, hash) {
			return
		}
		h.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(append(outJSON, '\n'))
}

var errKeyTaken = errors.New("Idempotency-Key sudah dipakai")

func (h *handler) fail(w http.ResponseWriter, err error) {
	h.opt.Log.Error("push: request failed", "err", err)
	writeError(w, http.StatusInternalServerError, "galat_server", "laporan tidak dapat disimpan karena galat di server; tidak ada yang disimpan, kirim ulang nanti", nil)
}

// bearerToken reads "Authorization: Bearer <token>"; it answers 401 itself when there is none.
func bearerToken(w http.ResponseWriter, r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="pantau"`)
		writeError(w, http.StatusUnauthorized, "tanpa_token", "sertakan token API: Authorization: Bearer <token> (dibuat dengan `pantau token create`)", nil)
		return "", false
	}
	return strings.TrimSpace(tok), true
}

// auth finds the live token; it answers 401 itself when the token is unknown or revoked. The lookup
// is a scan, so it runs under mu, away from another request's load (see handler.mu); it does not wait
// for the writer lock, so a client without a live token is answered 401 at once even while a job runs.
func (h *handler) auth(w http.ResponseWriter, r *http.Request, bearer string) (*Token, bool) {
	h.mu.Lock()
	t, err := authenticate(r.Context(), h.ws.WH, bearer)
	h.mu.Unlock()
	if err != nil {
		h.fail(w, err)
		return nil, false
	}
	if t == nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="pantau", error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, "token_tidak_sah", "token tidak dikenal atau sudah dicabut", nil)
		return nil, false
	}
	// The server's access log names the token behind the request by its id (never the secret); it
	// takes this header out before the answer leaves (app/web.HeaderTokenID).
	w.Header().Set(HeaderTokenID, strconv.FormatInt(t.ID, 10))
	return t, true
}

// HeaderTokenID carries the resolved token's id to the server's access log; the same name as
// app/web.HeaderTokenID (cmd/pantau checks the two agree).
const HeaderTokenID = "X-Pantau-Token-Id"

// readBody reads the request body through the limit (serve.max_upload_mb): a Content-Length over
// it is refused before a byte is read, and a body that turns out longer (chunked, or a short
// Content-Length) is cut off one byte past it. Either way the answer is 413 in the error shape of
// openapi.json, and nothing is stored. It answers itself when it returns false.
func (h *handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	limit := h.opt.MaxBodyBytes
	if r.ContentLength > limit {
		tooLarge(w, limit)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			tooLarge(w, limit)
			return nil, false
		}
		writeError(w, http.StatusBadRequest, "isi_tidak_terbaca", "isi permintaan tidak dapat dibaca: "+err.Error(), nil)
		return nil, false
	}
	return body, true
}

func tooLarge(w http.ResponseWriter, limit int64) {
	size := fmt.Sprintf("%d byte", limit)
	if limit >= 1<<20 && limit%(1<<20) == 0 {
		size = fmt.Sprintf("%d MB", limit>>20)
	}
	writeError(w, http.StatusRequestEntityTooLarge, "terlalu_besar",
		fmt.Sprintf("isi permintaan melebihi batas %s (serve.max_upload_mb); kirim laporan dalam beberapa permintaan", size), nil)
}

// replay answers a retried request from the first answer to its Idempotency-Key; the same key with
// another body is refused. It reports whether it answered.
func (h *handler) replay(ctx context.Context, w http.ResponseWriter, tok *Token, key, hash string) bool {
	var sha, resp string
	var code int
	err := h.ws.WH.DB().QueryRowContext(ctx, `SELECT request_sha256, status_code, response FROM ops.api_idempotency WHERE token_id = ? AND key = ?`,
		tok.ID, key).Scan(&sha, &code, &resp)
	if errors.Is(err, sql.ErrNoRows) {
		return false
	}
	if err != nil {
		h.fail(w, err)
		return true
	}
	if sha != hash {
		writeError(w, http.StatusConflict, "kunci_idempotensi_bentrok",
			"Idempotency-Key ini sudah dipakai untuk isi permintaan yang berbeda; pakai kunci baru untuk laporan baru", nil)
		return true
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Idempotent-Replayed", "true")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, resp+"\n")
	return true
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// maxDetails: a refusal details at most this many problems, the first by report and field (the
// message gives the total). A body of a million wrong fields is not answered with a larger one.
const maxDetails = 100

// parseBody reads one report or an array and checks the JSON types against the schema. A request
// that breaks the schema is refused whole (status != 0) with every problem listed: the client must
// fix it, and nothing is stored. Values of the right type that do not read (a date that is not a
// date) are for the validator: those reports are quarantined with reasons, the others accepted.
func parseBody(body []byte, maxRows int) ([]map[string]any, int, string, string, []Detail) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, http.StatusBadRequest, "json_rusak", "isi permintaan bukan JSON yang sah: " + err.Error(), nil
	}
	if dec.More() {
		return nil, http.StatusBadRequest, "json_rusak", "isi permintaan bukan JSON yang sah: ada data setelah nilai pertama", nil
	}
	var list []any
	switch x := v.(type) {
	case map[string]any:
		list = []any{x}
	case []any:
		list = x
	default:
		return nil, http.StatusBadRequest, "bentuk_salah", "isi permintaan harus satu objek laporan atau larik (array) laporan", nil
	}
	if len(list) == 0 {
		return nil, http.StatusBadRequest, "kosong", "larik laporan kosong", nil
	}
	if len(list) > maxRows {
		return nil, http.StatusRequestEntityTooLarge, "terlalu_banyak",
			fmt.Sprintf("%d laporan dalam satu permintaan melebihi batas %d (api.max_rows_per_request)", len(list), maxRows), nil
	}
	var details []Detail
	items := make([]map[string]any, len(list))
	for i, it := range list {
		obj, ok := it.(map[string]any)
		if !ok {
			details = append(details, Detail{Index: i, Message: "setiap laporan harus objek JSON"})
			continue
		}
		items[i] = obj
		for k, val := range obj {
			f, ok := fieldByName[k]
			if !ok {
				details = append(details, Detail{Index: i, Field: k, Message: fmt.Sprintf("kolom %q tidak dikenal; nama kolom kanonik ada di %s", k, PathOpenAPI)})
				continue
			}
			if msg := typeProblem(f, val); msg != "" {
				details = append(details, Detail{Index: i, Field: k, Message: msg})
			}
		}
	}
	if len(details) > 0 {
		sortDetails(details)
		msg := "sebagian kolom bertipe salah; tidak ada yang disimpan"
		if len(details) > maxDetails {
			msg = fmt.Sprintf("%d kolom bertipe salah atau tidak dikenal, %d yang pertama dirinci; tidak ada yang disimpan", len(details), maxDetails)
			details = slices.Clone(details[:maxDetails])
		}
		return nil, http.StatusBadRequest, "tipe_salah", msg, details
	}
	return items, 0, "", "", nil
}

// typeProblem checks a value's JSON type against its field: text fields take strings; numbers take
// a JSON number or a string as people write it ("Rp 1.250.000"); counts and years whole numbers.
func typeProblem(f fields.Field, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return ""
	case json.Number:
		switch f.Kind {
		case fields.Money, fields.Ratio:
			return ""
		case fields.Count, fields.Year:
			if strings.ContainsAny(x.String(), ".eE") {
				return fmt.Sprintf("%s harus bilangan bulat, bukan %s", f.Name, x)
			}
			return ""
		}
		return fmt.Sprintf("%s harus teks (dalam tanda kutip), bukan angka", f.Name)
	case bool:
		return fmt.Sprintf("%s berisi true/false; yang diharapkan %s", f.Name, want(f))
	case map[string]any:
		return fmt.Sprintf("%s berisi objek JSON; yang diharapkan %s", f.Name, want(f))
	case []any:
		return fmt.Sprintf("%s berisi larik JSON; yang diharapkan %s", f.Name, want(f))
	}
	return fmt.Sprintf("%s bertipe tidak dikenal", f.Name)
}

func want(f fields.Field) string {
	switch f.Kind {
	case fields.Money, fields.Ratio:
		return "angka atau teks angka"
	case fields.Count, fields.Year:
		return "bilangan bulat"
	case fields.Date:
		return "tanggal sebagai teks (2025-03-15)"
	}
	return "teks"
}

// sortDetails orders problems by report, then field. (It was an insertion sort: one object of 50,000
// unknown fields, half a megabyte, took 22 s under the writer lock.)
func sortDetails(d []Detail) {
	slices.SortStableFunc(d, func(a, b Detail) int {
		return cmp.Or(cmp.Compare(a.Index, b.Index), strings.Compare(a.Field, b.Field))
	})
}

// scope: a cooperative's token reports only for its own NIK; a report without a NIK gets the
// token's. Any report for another cooperative refuses the whole request.
func scope(tok *Token, items []map[string]any) []Detail {
	if tok.Scope != ScopeKoperasi {
		return nil
	}
	var details []Detail
	for i, it := range items {
		s, _ := it["nik"].(string)
		if strings.TrimSpace(s) == "" {
			it["nik"] = tok.NIK
			continue
		}
		if normNIK(s) != tok.NIK {
			details = append(details, Detail{Index: i, Field: "nik", Message: fmt.Sprintf("NIK %s bukan NIK pemilik token (%s)", s, tok.NIK)})
		}
	}
	return details
}

// toInput: the same Input a spreadsheet row becomes; Row is the 1-based position in the request.
func toInput(it map[string]any, i int) ingest.Input {
	in := ingest.Input{Row: i + 1, Text: map[string]string{}, Machine: map[string]bool{}, Cells: map[string]string{}}
	for k, v := range it {
		switch x := v.(type) {
		case string:
			in.Text[k], in.Cells[k] = x, x
		case json.Number:
			in.Text[k], in.Cells[k], in.Machine[k] = x.String(), x.String(), true
		case nil:
			in.Cells[k] = ""
		}
	}
	return in
}

// result turns the load's summary into the per-report answer.
func result(id int64, s *ingest.Summary, items []map[string]any) Result {
	out := Result{SubmissionID: id, Status: ingest.StatusDiterima.String(), RowsTotal: s.RowsRead, RowsAccepted: s.Accepted,
		RowsQuarantined: s.Quarantined, RowsDuplicate: s.Duplicate, Rows: make([]RowResult, len(items)), Warnings: s.Warnings}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	for i, it := range items {
		rr := RowResult{Index: i, Status: "accepted", Problems: []Problem{}}
		if i < len(s.RowStatus) {
			rr.Status = s.RowStatus[i]
		}
		if n, ok := it["nik"].(string); ok && n != "" {
			n = normNIK(n)
			rr.NIK = &n
		}
		switch y := it["tahun_buku"].(type) {
		case json.Number:
			if v, err := y.Int64(); err == nil {
				rr.TahunBuku = &v
			}
		case string:
			var v int64
			if _, err := fmt.Sscan(strings.TrimSpace(y), &v); err == nil {
				rr.TahunBuku = &v
			}
		}
		out.Rows[i] = rr
	}
	for _, p := range s.Problems {
		i := p.Row - 1
		if i >= 0 && i < len(out.Rows) {
			out.Rows[i].Problems = append(out.Rows[i].Problems, Problem{Field: p.Column, Value: p.Value, Reason: p.Reason, Code: p.Code})
		}
	}
	return out
}

func findSubmission(ctx context.Context, ws *workspace.Workspace, hash, by string) (int64, error) {
	var id int64
	err := ws.WH.DB().QueryRowContext(ctx, `SELECT id FROM ops.submissions WHERE sha256 = ? AND source = 'push' AND received_by = ? AND status <> 'uji' ORDER BY id LIMIT 1`, hash, by).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}
