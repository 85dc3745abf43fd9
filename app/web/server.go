// Package web is the HTTP side of `pantau serve`: login, the upload page (dry run, then confirm),
// the published dashboards, follow-up pages, job status, the push API, /healthz and /metrics.
//
// Security model, briefly: users and sessions live in the warehouse (internal/users; bcrypt hashes,
// only the SHA-256 of a session token is stored). Every state-changing form carries the session's
// synchronizer CSRF token (the login form a double-submit cookie, as there is no session yet), and
// net/http's CrossOriginProtection refuses cross-origin browser POSTs on top of that. Request bodies
// are capped, requests time out, and every request is logged with slog, naming the user (or the push
// API token's id) and the client address (through serve.trusted_proxies, see clientaddr.go). Every
// response carries a strict Content-Security-Policy (middleware.go); the published dashboards under
// /dasbor/ follow the same roles as the pages (dasbor.go); logins are throttled per client address
// and per account (throttle.go); /metrics is for an admin, a token or this machine (metrics.go).
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/users"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/schedules"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options of a Server.
type Options struct {
	// Runner runs the jobs; the upload page shares its writer lock. Required.
	Runner *schedules.Runner
	// API is mounted at /api/v1/ (the push API); nil answers 503.
	API http.Handler
	// FollowUp backs the follow-up pages; nil shows them as not available.
	FollowUp FollowUps
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Server is the web server's handler set.
type Server struct {
	ws       *workspace.Workspace
	opt      Options
	log      *slog.Logger
	tmpl     map[string]*template.Template
	metrics  *metrics
	loc      *time.Location
	staging  string
	throttle throttle
	proxies  []netip.Prefix // serve.trusted_proxies
	statis   map[string]staticFile
}

// New prepares the server (templates, metrics, the upload staging folder).
func New(ws *workspace.Workspace, opt Options) (*Server, error) {
	if opt.Runner == nil {
		return nil, errors.New("web: Runner wajib")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	s := &Server{ws: ws, opt: opt, log: ws.Log.With("component", "web"), loc: ws.Config.Location(),
		staging: filepath.Join(filepath.Dir(ws.Config.Abs(ws.Config.Warehouse.Path)), "unggahan")}
	if err := os.MkdirAll(s.staging, 0o700); err != nil {
		return nil, fmt.Errorf("folder unggahan sementara: %w", err)
	}
	proxies, err := config.ParsePrefixes(ws.Config.Serve.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("serve.trusted_proxies: %w", err)
	}
	s.proxies = proxies
	if s.statis, err = staticFiles(ws.Config.Kantor.WarnaUtama); err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"waktu":   s.formatTime,
		"tanggal": formatDate,
		"angka":   formatInt,
		"join":    strings.Join,
		"durasi":  formatDuration,
	}
	s.tmpl = map[string]*template.Template{}
	for _, page := range []string{"login", "home", "upload", "report", "done", "jobs", "error", "followup_list", "followup_case"} {
		t, err := template.New(page).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+page+".html")
		if err != nil {
			return nil, fmt.Errorf("templat %s: %w", page, err)
		}
		s.tmpl[page] = t
	}
	s.metrics = newMetrics(opt.Runner)
	return s, nil
}

// Observe is the Runner's hook into the job metrics.
func (s *Server) Observe(job, status string, d time.Duration) { s.metrics.observeJob(job, status, d) }

// Handler is the whole site.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", s.metricsHandler())
	mux.HandleFunc("GET /statis/{name}", s.static)
	mux.HandleFunc("GET /masuk", s.loginPage)
	mux.HandleFunc("POST /masuk", s.login)
	mux.HandleFunc("POST /keluar", s.auth(-1, s.logout))
	mux.HandleFunc("GET /{$}", s.auth(users.ViewDashboards, s.home))
	mux.HandleFunc("GET /unggah", s.auth(users.Upload, s.uploadPage))
	mux.HandleFunc("POST /unggah", s.auth(users.Upload, s.upload))
	mux.HandleFunc("POST /unggah/konfirmasi", s.auth(users.Upload, s.confirm))
	mux.HandleFunc("GET /unggah/templat.xlsx", s.auth(users.Upload, s.template))
	mux.HandleFunc("GET /tugas", s.auth(users.ViewJobs, s.jobsPage))
	mux.HandleFunc("POST /tugas/{name}/jalankan", s.auth(users.RunJobs, s.runJob))
	mux.HandleFunc("GET /tindak-lanjut", s.auth(users.ViewFollowUp, s.followUpList))
	mux.HandleFunc("POST /tindak-lanjut", s.auth(users.EditFollowUp, s.followUpNew))
	mux.HandleFunc("GET /tindak-lanjut/{id}", s.auth(users.ViewFollowUp, s.followUpCase))
	mux.HandleFunc("POST /tindak-lanjut/{id}/{aksi}", s.auth(users.EditFollowUp, s.followUpAction))
	mux.HandleFunc("GET /dasbor/", s.auth(users.ViewDashboards, s.dashboard(http.StripPrefix("/dasbor/",
		http.FileServer(noListing{http.Dir(s.ws.Config.Abs(s.ws.Config.Paths.Public))})))))
	mux.HandleFunc("GET /dasbor", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/dasbor/", http.StatusMovedPermanently)
	})
	api := s.opt.API
	if api == nil {
		api = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"error":"API push belum tersedia di versi ini"}`, http.StatusServiceUnavailable)
		})
	}
	// The push API takes the scheduler's writer lock itself (push.Options.WriterLock), after its own
	// request serialisation; wrapping it here as well would deadlock on the non-reentrant lock.
	mux.Handle("/api/v1/", api)

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusForbidden, "Permintaan ditolak", "permintaan dari situs lain ditolak (perlindungan CSRF)")
	}))
	var h http.Handler = mux
	h = cop.Handler(h)
	h = s.headers(h)
	h = s.timeout(h)
	h = s.recoverer(h)
	h = s.accessLog(h)
	return h
}

func (s *Server) maxUpload() int64 { return int64(s.ws.Config.Serve.MaxUploadMB) << 20 }

// HTTPServer wraps the handler with the server-level timeouts.
func (s *Server) HTTPServer(addr string) *http.Server {
	req := time.Duration(s.ws.Config.Serve.RequestSecs) * time.Second
	return &http.Server{
		Addr:              addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       req,
		WriteTimeout:      req + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	if err := s.ws.WH.DB().PingContext(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, `{"status":"gagal","gudang_data":%q}`+"\n", err.Error())
		return
	}
	running := s.opt.Runner.Running()
	names := make([]string, 0, len(running))
	for n := range running {
		names = append(names, fmt.Sprintf("%q", n))
	}
	fmt.Fprintf(w, `{"status":"ok","tugas_berjalan":[%s]}`+"\n", strings.Join(names, ","))
}

// page is what every template gets.
type page struct {
	Title, Kantor, Zona    string
	S                      *users.Session
	Error, Flash           string
	LoginCSRF, Next        string
	CanUpload, CanFollowUp bool
	CanJobs, CanRunJobs    bool
	CanEditFollowUp        bool
	Data                   any
}

func (s *Server) page(sess *users.Session, title string, data any) *page {
	p := &page{Title: title, Kantor: s.ws.Config.Kantor.Nama, Zona: s.ws.Config.Kantor.ZonaWaktu, S: sess, Data: data}
	if sess != nil {
		p.CanUpload = users.Can(sess.Role, users.Upload)
		p.CanFollowUp = users.Can(sess.Role, users.ViewFollowUp)
		p.CanEditFollowUp = users.Can(sess.Role, users.EditFollowUp)
		p.CanJobs = users.Can(sess.Role, users.ViewJobs)
		p.CanRunJobs = users.Can(sess.Role, users.RunJobs)
	}
	return p
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.tmpl[name].ExecuteTemplate(w, name+".html", p); err != nil {
		s.log.Error("template", "page", name, "err", err)
	}
}

// fail shows an error page in Bahasa Indonesia.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	sess, _ := sessionFrom(r.Context())
	p := s.page(sess, title, nil)
	p.Error = msg
	s.render(w, r, status, "error", p)
}

func (s *Server) formatTime(v any) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x != nil {
			t = *x
		}
	}
	if t.IsZero() {
		return "–"
	}
	lt := t.In(s.loc)
	return fmt.Sprintf("%d %s %d %s %s", lt.Day(), bulan[lt.Month()-1], lt.Year(), lt.Format("15:04"), lt.Format("MST"))
}

// formatDate shows a calendar date (a DATE column, read as UTC midnight) without a zone shift.
func formatDate(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "–"
	}
	u := t.UTC()
	return fmt.Sprintf("%d %s %d", u.Day(), bulan[u.Month()-1], u.Year())
}

var bulan = [...]string{"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"}

func formatDuration(a, b time.Time) string {
	if a.IsZero() || b.IsZero() {
		return "–"
	}
	d := b.Sub(a)
	if d < time.Second {
		return fmt.Sprintf("%d md", d.Milliseconds())
	}
	return d.Round(100 * time.Millisecond).String()
}

// formatInt writes 1234567 as 1.234.567 (Indonesian thousands separator).
func formatInt(v any) string {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int64:
		n = x
	case int32:
		n = int64(x)
	default:
		return fmt.Sprint(v)
	}
	neg := n < 0
	if neg {
		n = -n
	}
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
