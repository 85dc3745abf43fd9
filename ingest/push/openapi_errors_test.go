package push

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// reply is one answer of the real server, unjudged.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// send makes one real HTTP request and returns the answer as it came. A nil body sends none; a
// body that is not a *bytes.Reader or *strings.Reader goes chunked (no Content-Length).
func (e *env) send(t *testing.T, method, path string, hdr map[string]string, body io.Reader) reply {
	t.Helper()
	e.before = e.tableCounts(t)
	req, err := http.NewRequest(method, e.srv.URL+path, body)
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
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, b}
}

// tableCounts: the rows of every table a request may write (a table that is gone is left out).
func (e *env) tableCounts(t *testing.T) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, tbl := range []string{"ops.submissions", "raw.rows", "raw.laporan", "raw.api_pages", "ops.quarantine", "ops.api_idempotency", "ops.runs"} {
		var n int
		if err := e.ws.WH.DB().QueryRow("SELECT count(*) FROM " + tbl).Scan(&n); err == nil {
			m[tbl] = n
		}
	}
	return m
}

// chunked hides a body's length, so the client sends it without Content-Length.
type chunked struct{ r io.Reader }

func (c chunked) Read(p []byte) (int, error) { return c.r.Read(p) }

// provocation is one way to get an error answer out of the real handler on a real workspace.
type provocation struct {
	name string
	opt  Options
	do   func(t *testing.T, e *env) reply
}

func post(hdr func(e *env, t *testing.T) map[string]string, body string) func(t *testing.T, e *env) reply {
	return func(t *testing.T, e *env) reply {
		return e.send(t, "POST", PathLaporan, hdr(e, t), strings.NewReader(body))
	}
}

// withToken: a live office token; with(...) adds or replaces headers.
func withToken(e *env, t *testing.T) map[string]string { return auth(e.token(t, ScopeKantor, "")) }

func with(kv ...string) func(e *env, t *testing.T) map[string]string {
	return func(e *env, t *testing.T) map[string]string {
		h := withToken(e, t)
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(h, kv[i])
			} else {
				h[kv[i]] = kv[i+1]
			}
		}
		return h
	}
}

const oneReport = `{"nik": "3276010000000001", "nama_koperasi": "KSP Maju", "tahun_buku": 2024}`

// provocations, by "METHOD path status" as openapi.json lists its responses.
func provocations() map[string][]provocation {
	busy := func(ctx context.Context) (func(), error) { <-ctx.Done(); return nil, ctx.Err() } // a job holds the lock throughout
	return map[string][]provocation{
		"POST /api/v1/laporan 400": {
			{"malformed JSON", Options{}, post(withToken, `{"nik": "3276010000000001", "tahun_buku": 20`)},
			{"data after the value", Options{}, post(withToken, oneReport+` {}`)},
			{"wrong JSON types", Options{}, post(withToken, `[{"nik": 3276010000000001, "tahun_buku": {"y": 2024}}, {"anggota_pria": 1.5, "simpanan_pokok": true}]`)},
			{"unknown field", Options{}, post(withToken, `{"nik": "3276010000000001", "simpanan_wajb": 1000}`)},
			{"not a report", Options{}, post(withToken, `"laporan"`)},
			{"empty array", Options{}, post(withToken, `[]`)},
			{"Idempotency-Key too long", Options{}, post(with("Idempotency-Key", strings.Repeat("k", MaxIdempotencyKey+1)), oneReport)},
			{"Idempotency-Key with a space", Options{}, post(with("Idempotency-Key", "kunci saya"), oneReport)},
		},
		"POST /api/v1/laporan 401": {
			{"no Authorization", Options{}, post(with("Authorization", ""), oneReport)},
			{"not a bearer token", Options{}, post(with("Authorization", "Basic dXNlcjpwYXNz"), oneReport)},
			{"unknown token", Options{}, post(func(*env, *testing.T) map[string]string { return auth("pantau_bukan_token_yang_ada") }, oneReport)},
			{"revoked token", Options{}, func(t *testing.T, e *env) reply {
				tok, tk, err := CreateToken(context.Background(), e.ws.WH, "dicabut", ScopeKantor, "", "test")
				if err != nil {
					t.Fatal(err)
				}
				if err := RevokeToken(context.Background(), e.ws.WH, tk.ID); err != nil {
					t.Fatal(err)
				}
				return e.send(t, "POST", PathLaporan, auth(tok), strings.NewReader(oneReport))
			}},
		},
		"POST /api/v1/laporan 403": {
			{"another cooperative's NIK", Options{}, post(func(e *env, t *testing.T) map[string]string { return auth(e.token(t, ScopeKoperasi, nikB)) }, oneReport)},
		},
		"POST /api/v1/laporan 405": {
			{"GET", Options{}, func(t *testing.T, e *env) reply { return e.send(t, "GET", PathLaporan, withToken(e, t), nil) }},
			{"PUT", Options{}, func(t *testing.T, e *env) reply {
				return e.send(t, "PUT", PathLaporan, withToken(e, t), strings.NewReader(oneReport))
			}},
		},
		"POST /api/v1/laporan 409": {
			{"same key, another body", Options{}, func(t *testing.T, e *env) reply {
				h := with("Idempotency-Key", "laporan-maju-2024")(e, t)
				if r := e.send(t, "POST", PathLaporan, h, strings.NewReader(oneReport)); r.status != 200 {
					t.Fatalf("first request: %d %s", r.status, r.body)
				}
				return e.send(t, "POST", PathLaporan, h, strings.NewReader(strings.Replace(oneReport, "2024", "2025", 1)))
			}},
		},
		"POST /api/v1/laporan 413": {
			{"Content-Length over the limit", Options{MaxBodyBytes: 1024}, post(withToken, `{"nama_koperasi": "`+strings.Repeat("x", 2048)+`"}`)},
			{"chunked body over the limit", Options{MaxBodyBytes: 1024}, func(t *testing.T, e *env) reply {
				return e.send(t, "POST", PathLaporan, withToken(e, t), chunked{strings.NewReader(`{"nama_koperasi": "` + strings.Repeat("x", 2048) + `"}`)})
			}},
			{"more reports than api.max_rows_per_request", Options{MaxRows: 2}, post(withToken, `[{"nik": "3276010000000001"}, {"nik": "3276010000000002"}, {"nik": "3276010000000003"}]`)},
		},
		"POST /api/v1/laporan 415": {
			{"CSV", Options{}, post(with("Content-Type", "text/csv"), "nik;nama_koperasi\n3276010000000001;KSP Maju\n")},
			{"no Content-Type", Options{}, post(with("Content-Type", ""), oneReport)},
		},
		"POST /api/v1/laporan 500": {
			{"the warehouse fails", Options{}, func(t *testing.T, e *env) reply {
				h := with("Idempotency-Key", "kunci-1")(e, t)
				if _, err := e.ws.WH.DB().Exec(`DROP TABLE ops.api_idempotency`); err != nil {
					t.Fatal(err)
				}
				return e.send(t, "POST", PathLaporan, h, strings.NewReader(oneReport))
			}},
		},
		"POST /api/v1/laporan 503": {
			{"a job holds the writer lock", Options{WriterLock: busy, LockWait: 20 * time.Millisecond}, post(withToken, oneReport)},
		},
	}
}

// TestOpenAPIErrorResponses provokes every error response openapi.json documents (every path ×
// method × non-2xx status) from the real handler on a real workspace, and checks each answer
// against the document: the status, a documented Content-Type, the body against the response's
// schema, the documented headers against theirs. A documented error nobody can provoke fails, and
// so does a provocation of an error the document does not list.
func TestOpenAPIErrorResponses(t *testing.T) {
	doc := loadDoc(t)
	provs := provocations()
	documented := map[string]bool{}
	var keys []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for code := range op.Responses.Map() {
				if strings.HasPrefix(code, "2") {
					continue
				}
				key := method + " " + path + " " + code
				documented[key] = true
				keys = append(keys, key)
			}
		}
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		t.Fatal("openapi.json documents no error response")
	}
	for key := range provs {
		if !documented[key] {
			t.Errorf("%s: provoked by the test but not documented in openapi.json", key)
		}
	}
	for _, key := range keys {
		f := strings.Fields(key)
		method, path, code := f[0], f[1], f[2]
		resp := doc.Paths.Find(path).GetOperation(method).Responses.Value(code).Value
		if len(provs[key]) == 0 {
			t.Errorf("%s: documented in openapi.json but no test provokes it", key)
			continue
		}
		for _, p := range provs[key] {
			t.Run(key+"/"+p.name, func(t *testing.T) {
				e := newEnv(t, p.opt)
				r := p.do(t, e)
				if !statusMatches(code, r.status) {
					t.Fatalf("status %d, want %s: %s", r.status, code, r.body)
				}
				if err := checkResponse(resp, r); err != nil {
					t.Fatalf("%d answer does not match openapi.json: %v\n%s %s", r.status, err, r.header.Get("Content-Type"), r.body)
				}
				if after := e.tableCounts(t); !maps.Equal(after, e.before) {
					t.Fatalf("the refused request wrote: before %v, after %v", e.before, after)
				}
			})
		}
	}
}

func loadDoc(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not valid OpenAPI 3: %v", err)
	}
	return doc
}

// statusMatches: "413", a range such as "4XX", or "default" (any error).
func statusMatches(code string, status int) bool {
	switch {
	case code == "default":
		return status >= 400
	case len(code) == 3 && strings.HasSuffix(strings.ToUpper(code), "XX"):
		return strconv.Itoa(status)[:1] == code[:1]
	}
	return code == strconv.Itoa(status)
}

// checkResponse holds an answer to its documented response: its Content-Type is one the response
// lists, its body is JSON that the media type's schema accepts, and every documented header is
// present and valid.
func checkResponse(doc *openapi3.Response, r reply) error {
	mt, _, err := mime.ParseMediaType(r.header.Get("Content-Type"))
	if err != nil {
		return err
	}
	media := doc.Content[mt]
	if media == nil {
		var want []string
		for k := range doc.Content {
			want = append(want, k)
		}
		return &mismatch{"Content-Type " + mt + " not documented; want " + strings.Join(want, ", ")}
	}
	if media.Schema != nil {
		var v any
		if err := json.Unmarshal(r.body, &v); err != nil {
			return err
		}
		if err := media.Schema.Value.VisitJSON(v, openapi3.MultiErrors()); err != nil {
			return err
		}
	}
	for name, h := range doc.Headers {
		got := r.header.Get(name)
		if got == "" {
			return &mismatch{"documented header " + name + " missing"}
		}
		if s := h.Value.Schema; s != nil {
			if err := s.Value.VisitJSON(got); err != nil {
				return err
			}
		}
	}
	return nil
}

type mismatch struct{ s string }

func (m *mismatch) Error() string { return m.s }

// The checker itself: answers of the wrong shape are caught (the text/plain 413 the issue saw, a
// missing code, a message of the wrong type, a missing documented header).
func TestCheckResponseCatches(t *testing.T) {
	doc := loadDoc(t)
	op := doc.Paths.Find(PathLaporan).GetOperation("POST")
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	for _, c := range []struct {
		code   string
		header http.Header
		body   string
		ok     bool
	}{
		{"413", jsonCT, `{"error": {"code": "terlalu_besar", "message": "terlalu besar"}}`, true},
		{"413", http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, `{"error": {"code": "terlalu_besar", "message": "x"}}`, false},
		{"413", jsonCT, `{"error": "badan permintaan terlalu besar"}`, false},
		{"400", jsonCT, `{"error": {"message": "tanpa kode"}}`, false},
		{"400", jsonCT, `{"error": {"code": "x", "message": 1}}`, false},
		{"400", jsonCT, `{"error": {"code": "x", "message": "y", "details": [{"field": "nik"}]}}`, false},
		{"400", jsonCT, `not json`, false},
		{"503", jsonCT, `{"error": {"code": "sibuk", "message": "sibuk"}}`, false}, // no Retry-After
		{"503", http.Header{"Content-Type": {"application/json"}, "Retry-After": {"30"}}, `{"error": {"code": "sibuk", "message": "sibuk"}}`, true},
	} {
		err := checkResponse(op.Responses.Value(c.code).Value, reply{header: c.header, body: []byte(c.body)})
		if (err == nil) != c.ok {
			t.Errorf("%s %v %s: err %v, want ok=%v", c.code, c.header, c.body, err, c.ok)
		}
	}
	if !statusMatches("4XX", 413) || statusMatches("4XX", 500) || !statusMatches("default", 503) || statusMatches("413", 400) {
		t.Error("statusMatches")
	}
}

// One limit for Idempotency-Key: the document states MaxIdempotencyKey and the pattern printable()
// enforces, and the server and the document agree on keys at and past the limit.
func TestIdempotencyKeyLimit(t *testing.T) {
	doc := loadDoc(t)
	p := doc.Paths.Find(PathLaporan).GetOperation("POST").Parameters.GetByInAndName("header", "Idempotency-Key")
	if p == nil || p.Schema == nil {
		t.Fatal("openapi.json does not document Idempotency-Key")
	}
	s := p.Schema.Value
	if s.MaxLength == nil || *s.MaxLength != MaxIdempotencyKey || s.MinLength != 1 || s.Pattern != keyPattern {
		t.Fatalf("openapi.json Idempotency-Key: maxLength %v minLength %d pattern %q; the handler takes 1..%d characters of %q",
			s.MaxLength, s.MinLength, s.Pattern, MaxIdempotencyKey, keyPattern)
	}
	e := newEnv(t, Options{})
	tok := e.token(t, ScopeKantor, "")
	for i, c := range []struct {
		key  string
		want int
	}{
		{strings.Repeat("k", MaxIdempotencyKey-3) + "!-~", 200},
		{strings.Repeat("k", MaxIdempotencyKey+1), 400},
		{"dengan spasi", 400},
		{"tab\there", 400},
		{"kunci-é", 400},
	} {
		h := auth(tok)
		h["Idempotency-Key"] = c.key
		ex := e.do(t, "POST", PathLaporan, h, []byte(strings.Replace(oneReport, "0001", "000"+strconv.Itoa(i+1), 1)))
		if ex.status != c.want {
			t.Fatalf("key %q (%d chars): %d, want %d: %s", c.key, len(c.key), ex.status, c.want, ex.body)
		}
		if (ex.requestErr == nil) != (c.want == 200) {
			t.Fatalf("key %q: the server answers %d but the document says %v", c.key, ex.status, ex.requestErr)
		}
	}
}
