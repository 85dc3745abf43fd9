package push

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/pantau-koperasi/pantau/internal/testws"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

// router loads the repo's openapi.json (the embedded copy the handler serves) and checks the
// document itself is valid OpenAPI 3.
func router(t *testing.T) routers.Router {
	t.Helper()
	specOnce.Do(func() {
		doc, err := openapi3.NewLoader().LoadFromData(OpenAPI())
		if err != nil {
			specErr = err
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			specErr = fmt.Errorf("openapi.json is not valid OpenAPI 3: %w", err)
			return
		}
		doc.Servers = openapi3.Servers{{URL: "http://127.0.0.1"}}
		specRouter, specErr = legacy.NewRouter(doc)
	})
	if specErr != nil {
		t.Fatal(specErr)
	}
	return specRouter
}

type env struct {
	ws     *workspace.Workspace
	srv    *httptest.Server
	rt     routers.Router
	before map[string]int // tableCounts before the last send
}

func newEnv(t *testing.T, opt Options) *env {
	t.Helper()
	ws := testws.New(t, nil)
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", NewHandler(ws, opt)) // mounted as pantau serve mounts it
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{ws: ws, srv: srv, rt: router(t)}
}

// exchange is one real HTTP request and its answer, with the verdicts of the OpenAPI validator.
type exchange struct {
	status     int
	header     http.Header
	body       []byte
	requestErr error // the request against the document
}

func (e exchange) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(e.body, v); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, e.body)
	}
}

// do sends a request to the real server and validates the request and the response against
// openapi.json. A response that does not match the document fails the test, whatever the status.
func (e *env) do(t *testing.T, method, path string, hdr map[string]string, body []byte) exchange {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	ex := exchange{status: resp.StatusCode, header: resp.Header, body: rb}

	// Validate against the document, with a copy of the request addressed at the spec's server.
	vreq, _ := http.NewRequest(method, "http://127.0.0.1"+path, bytes.NewReader(body))
	vreq.Header = req.Header.Clone()
	route, params, err := e.rt.FindRoute(vreq)
	if err != nil {
		if resp.StatusCode == http.StatusMethodNotAllowed || resp.StatusCode == http.StatusNotFound {
			ex.requestErr = err
			checkErrorShape(t, ex)
			return ex
		}
		t.Fatalf("%s %s: no route in openapi.json: %v", method, path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: bearerPresent, MultiError: true}}
	ex.requestErr = openapi3filter.ValidateRequest(context.Background(), in)
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(rb)), Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Fatalf("%s %s → %d: response does not match openapi.json: %v\n%s", method, path, resp.StatusCode, err, rb)
	}
	return ex
}

// bearerPresent: the document's security is a bearer token; whether it is a live one is the
// handler's business (401), not the schema's.
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if !strings.HasPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ") {
		return fmt.Errorf("no bearer token")
	}
	return nil
}

func checkErrorShape(t *testing.T, ex exchange) {
	t.Helper()
	var b ErrorBody
	if err := json.Unmarshal(ex.body, &b); err != nil || b.Error.Code == "" || b.Error.Message == "" {
		t.Fatalf("error answer without code/message: %s", ex.body)
	}
}

func (e *env) token(t *testing.T, scope Scope, nik string) string {
	t.Helper()
	tok, _, err := CreateToken(context.Background(), e.ws.WH, "uji "+scope.String(), scope, nik, "test")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (e *env) count(t *testing.T, q string) int {
	t.Helper()
	var n int
	if err := e.ws.WH.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// nothingWritten: the warehouse holds no trace of a refused request.
func (e *env) nothingWritten(t *testing.T) {
	t.Helper()
	for _, tbl := range []string{"ops.submissions", "raw.rows", "raw.laporan", "raw.api_pages", "ops.quarantine", "ops.api_idempotency"} {
		if n := e.count(t, "SELECT count(*) FROM "+tbl); n != 0 {
			t.Fatalf("%s has %d rows after a refused request", tbl, n)
		}
	}
}

func auth(tok string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + tok, "Content-Type": "application/json"}
}

const nikA, nikB = "3276010000000001", "3276010000000002"

// Three reports from an office: two accepted, one quarantined with its reason; answers per report,
// provenance in the warehouse, and every exchange matches openapi.json.
func TestPushAccepted(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.token(t, ScopeKantor, "")
	body := `[
	 {"nik": "3276010000000001", "nama_koperasi": "KSP Maju", "tahun_buku": 2024, "jenis": "KSP",
	  "anggota_pria": 12, "anggota_wanita": 8, "simpanan_pokok": 1000000, "simpanan_wajib": "Rp 2.500.000",
	  "dana_cadangan": 500000.5, "hibah": null, "total_aset": "1,25 M", "shu": -150000, "tanggal_rat": "2025-03-15"},
	 {"nik": "3276010000000002", "nama_koperasi": "Kopwan Sejahtera", "tahun_buku": "2024", "simpanan_wajib": "dua juta"},
	 {"nik": "3276.0100.0000.0003", "nama_koperasi": "KUD Tani", "tahun_buku": 2023, "kelompok": "KUD"}
	]`
	ex := e.do(t, "POST", PathLaporan, auth(tok), []byte(body))
	if ex.status != 200 || ex.requestErr != nil {
		t.Fatalf("status %d request err %v: %s", ex.status, ex.requestErr, ex.body)
	}
	var res Result
	ex.json(t, &res)
	if res.Status != "diterima" || res.RowsTotal != 3 || res.RowsAccepted != 2 || res.RowsQuarantined != 1 {
		t.Fatalf("%+v", res)
	}
	if res.Rows[0].Status != "accepted" || res.Rows[1].Status != "quarantined" || res.Rows[2].Status != "accepted" {
		t.Fatalf("row statuses %+v", res.Rows)
	}
	p := res.Rows[1].Problems
	if len(p) != 1 || p[0].Field != "simpanan_wajib" || p[0].Value != "dua juta" || p[0].Code != "angka_tidak_terbaca" {
		t.Fatalf("problems of report 1: %+v", p)
	}
	if *res.Rows[2].NIK != "3276010000000003" || *res.Rows[1].TahunBuku != 2024 {
		t.Fatalf("row identity %+v", res.Rows)
	}
	// By hand: 12 + 8 members; modal sendiri 1,000,000 + 2,500,000 + 500,000.50 (+ hibah absent:
	// not derived); aset 1,25 miliar; jenis KSP → simpan_pinjam.
	var jumlah int
	var aset, shu float64
	var jenis, src, sheet string
	var row int
	err := e.ws.WH.DB().QueryRow(`SELECT l.jumlah_anggota, l.total_aset::DOUBLE, l.shu::DOUBLE, l.jenis, s.source, coalesce(l.sheet, ''), l.row_number
		FROM raw.laporan l JOIN ops.submissions s ON s.id = l.submission_id WHERE l.nik = ?`, nikA).Scan(&jumlah, &aset, &shu, &jenis, &src, &sheet, &row)
	if err != nil {
		t.Fatal(err)
	}
	if jumlah != 20 || aset != 1_250_000_000 || shu != -150_000 || jenis != "simpan_pinjam" || src != "push" || row != 1 {
		t.Fatalf("stored: jumlah %d aset %v shu %v jenis %s source %s row %d", jumlah, aset, shu, jenis, src, row)
	}
	var qrow int
	var qcol, reason string
	e.ws.WH.DB().QueryRow(`SELECT row_number, column_name, reason FROM ops.quarantine`).Scan(&qrow, &qcol, &reason)
	if qrow != 2 || qcol != "simpanan_wajib" || !strings.Contains(reason, "bukan angka rupiah") {
		t.Fatalf("quarantine row %d col %s reason %s", qrow, qcol, reason)
	}
	if n := e.count(t, `SELECT count(*) FROM raw.api_pages`); n != 1 {
		t.Fatalf("%d request bodies kept, want 1", n)
	}
	if n := e.count(t, `SELECT count(*) FROM ops.api_tokens WHERE last_used_at IS NOT NULL`); n != 1 {
		t.Fatalf("last_used_at not recorded")
	}
	// One report as a bare object works too.
	ex = e.do(t, "POST", PathLaporan, auth(tok), []byte(`{"nik": "3276010000000004", "nama_koperasi": "Koperasi Empat", "tahun_buku": 2024}`))
	if ex.status != 200 || ex.requestErr != nil {
		t.Fatalf("single object: %d %v %s", ex.status, ex.requestErr, ex.body)
	}
}

func TestIdempotency(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.token(t, ScopeKantor, "")
	body := []byte(`{"nik": "3276010000000001", "nama_koperasi": "KSP Maju", "tahun_buku": 2024}`)
	h := auth(tok)
	h["Idempotency-Key"] = "laporan-2024-maju-1"
	first := e.do(t, "POST", PathLaporan, h, body)
	again := e.do(t, "POST", PathLaporan, h, body)
	if first.status != 200 || again.status != 200 || !bytes.Equal(first.body, again.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %d replayed=%q\n%s\n%s", first.status, again.status, again.header.Get("Idempotent-Replayed"), first.body, again.body)
	}
	if n := e.count(t, `SELECT count(*) FROM ops.submissions`); n != 1 {
		t.Fatalf("%d submissions after a retry, want 1", n)
	}
	other := e.do(t, "POST", PathLaporan, h, []byte(`{"nik": "3276010000000001", "nama_koperasi": "KSP Maju", "tahun_buku": 2025}`))
	if other.status != 409 {
		t.Fatalf("same key, other body: %d %s", other.status, other.body)
	}
	checkErrorShape(t, other)
	// Without a key, the same bytes are recognised as a duplicate and change nothing.
	dup := e.do(t, "POST", PathLaporan, auth(tok), body)
	var res Result
	dup.json(t, &res)
	if dup.status != 200 || res.Status != "duplikat" || res.SubmissionID != 1 {
		t.Fatalf("duplicate body: %d %s", dup.status, dup.body)
	}
	if n := e.count(t, `SELECT count(*) FROM raw.laporan`); n != 1 {
		t.Fatalf("%d rows, want 1", n)
	}
}

// A cooperative's token reports for its own NIK only; without a NIK its own is used.
func TestScope(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.token(t, ScopeKoperasi, nikA)
	ex := e.do(t, "POST", PathLaporan, auth(tok), []byte(`[{"nik": "`+nikA+`", "nama_koperasi": "KSP Maju", "tahun_buku": 2024},
		{"nik": "`+nikB+`", "nama_koperasi": "Bukan Milik Saya", "tahun_buku": 2024}]`))
	if ex.status != 403 || ex.requestErr != nil {
		t.Fatalf("another cooperative's report: %d %v %s", ex.status, ex.requestErr, ex.body)
	}
	var eb ErrorBody
	ex.json(t, &eb)
	if eb.Error.Code != "di_luar_cakupan" || len(eb.Error.Details) != 1 || eb.Error.Details[0].Index != 1 || !strings.Contains(eb.Error.Details[0].Message, nikB) {
		t.Fatalf("%s", ex.body)
	}
	e.nothingWritten(t)
	ex = e.do(t, "POST", PathLaporan, auth(tok), []byte(`{"nama_koperasi": "KSP Maju", "tahun_buku": 2024}`))
	var res Result
	ex.json(t, &res)
	if ex.status != 200 || res.RowsAccepted != 1 || *res.Rows[0].NIK != nikA {
		t.Fatalf("report without nik: %d %s", ex.status, ex.body)
	}
}

// Every refusal: a clear error with a code and a message, matching the document, nothing written.
func TestRefusals(t *testing.T) {
	cases := []struct {
		name       string
		opt        Options
		method     string
		hdr        func(tok string) map[string]string
		body       string
		status     int
		code       string
		schemaFail bool // the request itself breaks openapi.json
	}{
		{"no token", Options{}, "POST", func(string) map[string]string { return map[string]string{"Content-Type": "application/json"} },
			`{"nik": "3276010000000001"}`, 401, "tanpa_token", true},
		{"unknown token", Options{}, "POST", func(string) map[string]string { return auth("pantau_bukan_token_yang_ada") },
			`{"nik": "3276010000000001"}`, 401, "token_tidak_sah", false},
		{"malformed json", Options{}, "POST", auth, `{"nik": "3276010000000001", "tahun_buku": 20`, 400, "json_rusak", true},
		{"wrong types", Options{}, "POST", auth, `[{"nik": 3276010000000001, "nama_koperasi": "A", "tahun_buku": {"y": 2024}},
			{"nik": "3276010000000002", "nama_koperasi": "B", "tahun_buku": 2024, "simpanan_pokok": true, "anggota_pria": 1.5}]`, 400, "tipe_salah", true},
		{"unknown field", Options{}, "POST", auth, `{"nik": "3276010000000001", "simpanan_wajb": 1000}`, 400, "tipe_salah", true},
		{"not a report", Options{}, "POST", auth, `"laporan"`, 400, "bentuk_salah", true},
		{"empty array", Options{}, "POST", auth, `[]`, 400, "kosong", true},
		{"oversized body", Options{MaxBodyBytes: 256}, "POST", auth, `{"nik": "3276010000000001", "nama_koperasi": "` + strings.Repeat("x", 400) + `"}`, 413, "terlalu_besar", false},
		{"too many reports", Options{MaxRows: 2}, "POST", auth, `[{"nik": "3276010000000001"}, {"nik": "3276010000000002"}, {"nik": "3276010000000003"}]`, 413, "terlalu_banyak", false},
		{"not json", Options{}, "POST", func(tok string) map[string]string {
			h := auth(tok)
			h["Content-Type"] = "text/csv"
			return h
		}, "nik;nama\n", 415, "jenis_isi_salah", true},
		{"bad idempotency key", Options{}, "POST", func(tok string) map[string]string {
			h := auth(tok)
			h["Idempotency-Key"] = strings.Repeat("k", MaxIdempotencyKey+1)
			return h
		}, `{"nik": "3276010000000001"}`, 400, "kunci_idempotensi_salah", true},
		{"GET on laporan", Options{}, "GET", auth, ``, 405, "metode_tidak_diizinkan", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, c.opt)
			tok := e.token(t, ScopeKantor, "")
			ex := e.do(t, c.method, PathLaporan, c.hdr(tok), []byte(c.body))
			if ex.status != c.status {
				t.Fatalf("status %d, want %d: %s", ex.status, c.status, ex.body)
			}
			checkErrorShape(t, ex)
			var eb ErrorBody
			ex.json(t, &eb)
			if eb.Error.Code != c.code {
				t.Fatalf("code %q, want %q: %s", eb.Error.Code, c.code, ex.body)
			}
			if (ex.requestErr != nil) != c.schemaFail {
				t.Fatalf("the document and the handler disagree about this request: validator says %v, handler %d", ex.requestErr, ex.status)
			}
			e.nothingWritten(t)
			if c.name == "wrong types" {
				want := []Detail{{0, "nik", ""}, {0, "tahun_buku", ""}, {1, "anggota_pria", ""}, {1, "simpanan_pokok", ""}}
				if len(eb.Error.Details) != len(want) {
					t.Fatalf("details %+v", eb.Error.Details)
				}
				for i, d := range eb.Error.Details {
					if d.Index != want[i].Index || d.Field != want[i].Field || d.Message == "" {
						t.Fatalf("detail %d: %+v, want %+v", i, d, want[i])
					}
				}
			}
		})
	}
}

func TestRevokedToken(t *testing.T) {
	e := newEnv(t, Options{})
	tok, tk, err := CreateToken(context.Background(), e.ws.WH, "aplikasi lama", ScopeKoperasi, nikA, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := RevokeToken(context.Background(), e.ws.WH, tk.ID); err != nil {
		t.Fatal(err)
	}
	ex := e.do(t, "POST", PathLaporan, auth(tok), []byte(`{"nik": "`+nikA+`", "nama_koperasi": "KSP", "tahun_buku": 2024}`))
	if ex.status != 401 {
		t.Fatalf("revoked token: %d", ex.status)
	}
	e.nothingWritten(t)
	if err := RevokeToken(context.Background(), e.ws.WH, 999); err == nil {
		t.Fatal("revoking an unknown token must fail")
	}
}

// Only the token's hash is stored; the listing shows a recognisable prefix, never the token.
func TestTokensStoredHashed(t *testing.T) {
	e := newEnv(t, Options{})
	tok, _, err := CreateToken(context.Background(), e.ws.WH, "KSP Maju app", ScopeKoperasi, "3276.0100.0000.0001", "admin")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, "pantau_") || len(tok) != len("pantau_")+52 {
		t.Fatalf("token %q", tok)
	}
	var dump string
	e.ws.WH.DB().QueryRow(`SELECT string_agg(name || prefix || token_sha256 || coalesce(nik, ''), ' ') FROM ops.api_tokens`).Scan(&dump)
	if strings.Contains(dump, tok) || strings.Contains(dump, tok[7:]) {
		t.Fatal("token stored in clear")
	}
	list, err := ListTokens(context.Background(), e.ws.WH)
	if err != nil || len(list) != 1 || list[0].NIK != nikA || list[0].Scope != ScopeKoperasi || !strings.HasPrefix(tok, list[0].Prefix) {
		t.Fatalf("%+v %v", list, err)
	}
	if _, _, err := CreateToken(context.Background(), e.ws.WH, "x", ScopeKoperasi, "123", "admin"); err == nil {
		t.Fatal("a cooperative token needs a 16-digit NIK")
	}
}

func TestOpenAPIServed(t *testing.T) {
	e := newEnv(t, Options{})
	ex := e.do(t, "GET", PathOpenAPI, nil, nil)
	if ex.status != 200 || !bytes.Equal(ex.body, OpenAPI()) || ex.requestErr != nil {
		t.Fatalf("%d %v", ex.status, ex.requestErr)
	}
}

// Two cooperatives sending the same bytes (nik left to their tokens) are two reports, not a duplicate.
func TestSameBodyTwoCooperatives(t *testing.T) {
	e := newEnv(t, Options{})
	a, b := e.token(t, ScopeKoperasi, nikA), e.token(t, ScopeKoperasi, nikB)
	body := []byte(`{"nama_koperasi": "Koperasi Serba Usaha", "tahun_buku": 2024}`)
	for _, tok := range []string{a, b} {
		ex := e.do(t, "POST", PathLaporan, auth(tok), body)
		var res Result
		ex.json(t, &res)
		if ex.status != 200 || res.Status != "diterima" || res.RowsAccepted != 1 {
			t.Fatalf("%d %s", ex.status, ex.body)
		}
	}
	if got := e.count(t, `SELECT count(DISTINCT nik) FROM raw.laporan`); got != 2 {
		t.Fatalf("%d cooperatives stored, want 2", got)
	}
}

// Concurrent retries with one Idempotency-Key store the report once and all get the same answer.
func TestIdempotencyConcurrent(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.token(t, ScopeKantor, "")
	h := auth(tok)
	h["Idempotency-Key"] = "serentak-1"
	body := []byte(`[{"nik": "3276010000000001", "nama_koperasi": "KSP Maju", "tahun_buku": 2024}]`)
	const n = 6
	answers := make([][]byte, n)
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			req, _ := http.NewRequest("POST", e.srv.URL+PathLaporan, bytes.NewReader(body))
			for k, v := range h {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return
			}
			defer resp.Body.Close()
			answers[i], _ = io.ReadAll(resp.Body)
			codes[i] = resp.StatusCode
		}(i)
	}
	wg.Wait()
	for i := range answers {
		if codes[i] != 200 || !bytes.Equal(answers[i], answers[0]) {
			t.Fatalf("answer %d: %d %s, first %s", i, codes[i], answers[i], answers[0])
		}
	}
	if got := e.count(t, `SELECT count(*) FROM raw.laporan`); got != 1 {
		t.Fatalf("%d rows stored, want 1", got)
	}
}

// While a scheduled job holds the server's writer lock, a push is answered 503 with Retry-After and
// nothing is written; once the lock is free the same request goes through.
func TestBusyWarehouse(t *testing.T) {
	lock := make(chan struct{}, 1)
	e := newEnv(t, Options{LockWait: 50 * time.Millisecond, WriterLock: func(ctx context.Context) (func(), error) {
		select {
		case lock <- struct{}{}:
			return func() { <-lock }, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}})
	tok := e.token(t, ScopeKantor, "")
	h := auth(tok)
	h["Idempotency-Key"] = "sibuk-1"
	body := []byte(`{"nik": "3276010000000001", "nama_koperasi": "KSP Maju", "tahun_buku": 2024}`)
	lock <- struct{}{} // a job runs
	ex := e.do(t, "POST", PathLaporan, h, body)
	if ex.status != 503 || ex.header.Get("Retry-After") != "30" {
		t.Fatalf("busy: %d %v %s", ex.status, ex.header, ex.body)
	}
	e.nothingWritten(t)
	<-lock // the job ends
	ex = e.do(t, "POST", PathLaporan, h, body)
	if ex.status != 200 {
		t.Fatalf("after the job: %d %s", ex.status, ex.body)
	}
	if len(lock) != 0 {
		t.Fatal("the writer lock was not released")
	}
}
