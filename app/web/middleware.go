package web

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
)

// HeaderTokenID is how a handler mounted in the server (the push API, which resolves its own
// tokens) names the API token behind a request in the access log: it sets this response header to
// the token's id — never the token — and the access log takes it out of the response before the
// headers are sent, so the client never sees it.
const HeaderTokenID = "X-Pantau-Token-Id"

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	info   *reqInfo
}

// sent is called once, just before the headers go out.
func (w *statusWriter) sent(code int) {
	w.status = code
	h := w.ResponseWriter.Header()
	if v := h.Get(HeaderTokenID); v != "" {
		if len(v) <= 64 && !unsafeChars(v) {
			w.info.token = v
		}
		h.Del(HeaderTokenID)
	}
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.sent(code)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.sent(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog writes one structured line per request (never the query string of /masuk, never bodies):
// who (user= the session's user, token= the push API token's id), from where (remote= the client
// address, see clientAddr; proxy= the peer when it is a trusted proxy), what and how it went.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{peer: peerAddr(r.RemoteAddr)}
		ri.client = clientAddr(ri.peer, r.Header.Values("X-Forwarded-For"), s.proxies)
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, ri))
		sw := &statusWriter{ResponseWriter: w, info: ri}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.observeHTTP(r.Method, route(r.URL.Path), sw.status, d)
		attrs := []any{"method", r.Method, "path", r.URL.Path, "status", sw.status, "bytes", sw.bytes,
			"duration_ms", d.Milliseconds(), "user", ri.user}
		if ri.token != "" {
			attrs = append(attrs, "token", ri.token)
		}
		attrs = append(attrs, "remote", clientOf(r))
		if ri.peer.IsValid() && ri.peer != ri.client {
			attrs = append(attrs, "proxy", ri.peer.String())
		}
		s.log.Info("http", attrs...)
	})
}

// route groups paths for metrics so labels stay few (no ids, no dashboard file names).
func route(p string) string {
	for _, pre := range []string{"/dasbor/", "/api/v1/", "/tindak-lanjut/", "/tugas/"} {
		if strings.HasPrefix(p, pre) {
			return pre
		}
	}
	switch p {
	case "/", "/masuk", "/keluar", "/unggah", "/unggah/konfirmasi", "/tugas", "/tindak-lanjut", "/healthz", "/metrics":
		return p
	}
	return "lain"
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("handler panic", "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				s.fail(w, r, http.StatusInternalServerError, "Terjadi kesalahan", "terjadi kesalahan di server; sudah dicatat di log")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// timeout bounds every request's context (the server's Read/WriteTimeout bound the connection).
func (s *Server) timeout(next http.Handler) http.Handler {
	d := time.Duration(s.ws.Config.Serve.RequestSecs) * time.Second
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// ContentSecurityPolicy is sent with every response, the published dashboards under /dasbor/
// included: scripts and styles only from files of this site (no inline script, no inline style
// element or attribute; the pages set styles through the CSSOM, which the policy allows), images
// from the site or data: URLs, nothing embedded, no <base>, never framed, forms posted only here.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// headers sets the security headers and caps request bodies: uploads and the push API at
// serve.max_upload_mb (refused at once when Content-Length says more), everything else at 1 MB.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		limit := int64(1 << 20)
		if r.URL.Path == "/unggah" || strings.HasPrefix(r.URL.Path, "/api/v1/") {
			limit = s.maxUpload() + 64<<10 // the file plus the form's other fields
		}
		// The push API answers an oversized body itself, after its token check and in its own
		// documented JSON error shape (ingest/push readBody); here it only gets the outer cap.
		if r.ContentLength > limit && !strings.HasPrefix(r.URL.Path, "/api/v1/") {
			s.metrics.tooLarge.Inc()
			s.log.Warn("request body too large", "path", r.URL.Path, "length", r.ContentLength, "limit", limit)
			s.fail(w, r, http.StatusRequestEntityTooLarge, "Berkas terlalu besar",
				fmt.Sprintf("berkas terlalu besar: maksimal %d MB (pengaturan serve.max_upload_mb)", s.ws.Config.Serve.MaxUploadMB))
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}
