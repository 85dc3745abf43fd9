package push

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pantau-koperasi/pantau/internal/testws"
)

// countingBody counts what the handler reads of a request body.
type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// countedServer: the real handler on a real workspace, behind a wrapper that counts the body bytes
// the handler reads.
func countedServer(t *testing.T, opt Options) (*httptest.Server, *atomic.Int64, string) {
	t.Helper()
	ws := testws.New(t, nil)
	h := NewHandler(ws, opt)
	read := new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A copy, as middleware hands it on: net/http judges whether to drain or close by the
		// body of the request it made.
		r = r.WithContext(r.Context())
		r.Body = countingBody{r.Body, read}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	tok, _, err := CreateToken(context.Background(), ws.WH, "uji", ScopeKantor, "", "test")
	if err != nil {
		t.Fatal(err)
	}
	return srv, read, tok
}

// stalled sends the headers of a POST announcing length bytes and the first 4 KiB of the body, then
// sends nothing more and waits for the answer. A server that read the body before answering would
// wait for the rest until the deadline. (length must leave more than 256 KiB unsent: net/http drains
// up to that much of an unread body after the handler, to keep the connection, before it answers.)
func stalled(t *testing.T, srv *httptest.Server, length int64, authz string) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Error(err)
		return nil, nil
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	hdr := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: pantau\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", PathLaporan, length)
	if authz != "" {
		hdr += "Authorization: " + authz + "\r\n"
	}
	if _, err := io.WriteString(conn, hdr+"\r\n["+strings.Repeat(" ", 4095)); err != nil {
		t.Error(err)
		return nil, nil
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Errorf("no answer while the body is unsent (the server waits for it): %v", err)
		return nil, nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Error(err)
	}
	return resp, b
}

// The token is checked before the body is touched: eight clients at once announce 40 MB each
// without a live token and send 4 KiB; each is answered 401 (in the document's error shape, the
// connection closed) while the rest of its body is still unsent, and the handler read none of it.
func TestNoTokenBodyUnread(t *testing.T) {
	srv, read, _ := countedServer(t, Options{})
	doc := loadDoc(t).Paths.Find(PathLaporan).GetOperation("POST").Responses.Value("401").Value
	for _, authz := range []string{"", "Bearer pantau_bukan_token_yang_ada", "Bearer sembarang", "Basic dXNlcjpwYXNz"} {
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				resp, body := stalled(t, srv, 40<<20, authz)
				if resp == nil {
					return
				}
				if resp.StatusCode != http.StatusUnauthorized || !resp.Close {
					t.Errorf("%q: %d (close %v): %s", authz, resp.StatusCode, resp.Close, body)
				}
				if err := checkResponse(doc, reply{resp.StatusCode, resp.Header, body}); err != nil {
					t.Errorf("%q: %v: %s", authz, err, body)
				}
			})
		}
		wg.Wait()
	}
	if n := read.Load(); n != 0 {
		t.Fatalf("the handler read %d bytes of bodies sent without a live token", n)
	}
}

// With a live token, a Content-Length over the limit is refused 413 before reading; a body that
// hides its length (chunked) is read only to one byte past the limit. Both in the error shape.
func TestBodyLimit(t *testing.T) {
	const limit = 64 << 10
	srv, read, tok := countedServer(t, Options{MaxBodyBytes: limit})
	doc := loadDoc(t).Paths.Find(PathLaporan).GetOperation("POST").Responses.Value("413").Value

	resp, body := stalled(t, srv, 40<<20, "Bearer "+tok)
	if resp == nil {
		t.FailNow()
	}
	if resp.StatusCode != http.StatusRequestEntityTooLarge || read.Load() != 0 {
		t.Fatalf("Content-Length over the limit: %d after reading %d bytes: %s", resp.StatusCode, read.Load(), body)
	}
	if err := checkResponse(doc, reply{resp.StatusCode, resp.Header, body}); err != nil {
		t.Fatalf("%v: %s", err, body)
	}

	// 40 MB streamed without a length: the handler stops at the limit.
	req, _ := http.NewRequest("POST", srv.URL+PathLaporan, chunked{io.MultiReader(strings.NewReader("["), zeros(40<<20))})
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusRequestEntityTooLarge || read.Load() > limit+1 {
		t.Fatalf("chunked over the limit: %d after reading %d bytes: %s", r.StatusCode, read.Load(), b)
	}
	if err := checkResponse(doc, reply{r.StatusCode, r.Header, b}); err != nil {
		t.Fatalf("%v: %s", err, b)
	}

	// At the limit exactly, the body is read (and here refused as malformed, which it is).
	read.Store(0)
	req, _ = http.NewRequest("POST", srv.URL+PathLaporan, strings.NewReader("["+strings.Repeat(" ", limit-1)))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || read.Load() != limit {
		t.Fatalf("a body at the limit: %d after reading %d bytes: %s", resp.StatusCode, read.Load(), b)
	}
}

type zeroReader struct{ n int64 }

func zeros(n int64) io.Reader { return &zeroReader{n} }

func (z *zeroReader) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > z.n {
		p = p[:z.n]
	}
	for i := range p {
		p[i] = ' '
	}
	z.n -= int64(len(p))
	return len(p), nil
}

// A body of many wrong fields is refused in time linear in its size, and the answer details only the
// first maxDetails problems (by report, then field) with the total in the message. An insertion sort
// of the details took 22 s for 50,000 fields; 200,000 would take six minutes.
func TestManyProblems(t *testing.T) {
	const n = 200_000
	var b strings.Builder
	b.WriteString(`[{"nik": 1}, {`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"k%06d":1`, n-i)
	}
	b.WriteString("}]")
	start := time.Now()
	items, status, code, msg, details := parseBody([]byte(b.String()), 50)
	if took := time.Since(start); took > 30*time.Second {
		t.Fatalf("%d problems took %v", n+1, took)
	}
	if items != nil || status != http.StatusBadRequest || code != "tipe_salah" || len(details) != maxDetails ||
		!strings.Contains(msg, fmt.Sprint(n+1)) {
		t.Fatalf("%d %s %q, %d details", status, code, msg, len(details))
	}
	if d := details[0]; d.Index != 0 || d.Field != "nik" {
		t.Fatalf("first detail %+v", d)
	}
	if d := details[maxDetails-1]; d.Index != 1 || d.Field != fmt.Sprintf("k%06d", maxDetails-1) {
		t.Fatalf("last detail %+v", d)
	}
}
