package web

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
)

type userKey struct{}

// logInfo is filled by handlers (the user) and read by the access log.
type logInfo struct{ user string }

func setUser(r *http.Request, u string) {
	if li, ok := r.Context().Value(userKey{}).(*logInfo); ok {
		li.user = u
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog writes one structured line per request (never the query string of /masuk, never bodies).
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		li := &logInfo{}
		r = r.WithContext(context.WithValue(r.Context(), userKey{}, li))
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.observeHTTP(r.Method, route(r.URL.Path), sw.status, d)
		s.log.Info("http", "method", r.Method, "path", r.URL.Path, "status", sw.status, "bytes", sw.bytes,
			"duration_ms", d.Milliseconds(), "user", li.user, "remote", r.RemoteAddr)
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

// headers sets the security headers and caps request bodies: uploads and the push API at
// serve.max_upload_mb (refused at once when Content-Length says more), everything else at 1 MB.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "SAMEORIGIN")
		if !strings.HasPrefix(r.URL.Path, "/dasbor/") {
			// The dashboards are go-echarts pages with inline scripts; our own pages only need
			// inline style and the small drop-zone script.
			h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'self'")
		}
		limit := int64(1 << 20)
		if r.URL.Path == "/unggah" || strings.HasPrefix(r.URL.Path, "/api/v1/") {
			limit = s.maxUpload() + 64<<10 // the file plus the form's other fields
		}
		if r.ContentLength > limit {
			s.metrics.tooLarge.Inc()
			s.log.Warn("request body too large", "path", r.URL.Path, "length", r.ContentLength, "limit", limit)
			if strings.HasPrefix(r.URL.Path, "/api/v1/") {
				http.Error(w, `{"error":"badan permintaan terlalu besar"}`, http.StatusRequestEntityTooLarge)
				return
			}
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
