package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pantau-koperasi/pantau/internal/users"
	"github.com/pantau-koperasi/pantau/schedules"
)

// metrics in the Prometheus text format at /metrics, on a registry of our own (not the global one,
// so two servers in one test binary do not collide).
type metrics struct {
	reg         *prometheus.Registry
	httpReqs    *prometheus.CounterVec
	httpDur     *prometheus.HistogramVec
	jobRuns     *prometheus.CounterVec
	jobDur      *prometheus.HistogramVec
	uploads     *prometheus.CounterVec
	logins      *prometheus.CounterVec
	csrfRefused prometheus.Counter
	tooLarge    prometheus.Counter
}

func newMetrics(r *schedules.Runner) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.httpReqs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pantau_http_requests_total", Help: "HTTP requests by route and status code."}, []string{"method", "route", "code"})
	m.httpDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "pantau_http_request_duration_seconds", Help: "HTTP request duration.", Buckets: prometheus.DefBuckets}, []string{"route"})
	m.jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pantau_job_runs_total", Help: "Job runs by job and status (succeeded, failed, skipped, cancelled)."}, []string{"job", "status"})
	m.jobDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "pantau_job_duration_seconds", Help: "Duration of finished job runs.", Buckets: []float64{1, 5, 15, 60, 300, 900, 3600, 4 * 3600}}, []string{"job"})
	m.uploads = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pantau_uploads_total", Help: "Uploads through the web form by outcome."}, []string{"outcome"})
	m.logins = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pantau_logins_total", Help: "Login attempts by outcome."}, []string{"outcome"})
	m.csrfRefused = prometheus.NewCounter(prometheus.CounterOpts{Name: "pantau_csrf_refused_total", Help: "Requests refused for a missing or wrong CSRF token."})
	m.tooLarge = prometheus.NewCounter(prometheus.CounterOpts{Name: "pantau_request_too_large_total", Help: "Requests refused for an oversized body."})
	running := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pantau_jobs_running", Help: "Jobs running now."}, func() float64 { return float64(len(r.Running())) })
	m.reg.MustRegister(m.httpReqs, m.httpDur, m.jobRuns, m.jobDur, m.uploads, m.logins, m.csrfRefused, m.tooLarge, running,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

func (m *metrics) observeHTTP(method, route string, code int, d time.Duration) {
	m.httpReqs.WithLabelValues(method, route, strconv.Itoa(code)).Inc()
	m.httpDur.WithLabelValues(route).Observe(d.Seconds())
}

func (m *metrics) observeJob(job, status string, d time.Duration) {
	m.jobRuns.WithLabelValues(job, status).Inc()
	if status != schedules.StatusSkipped.String() {
		m.jobDur.WithLabelValues(job).Observe(d.Seconds())
	}
}

// metricsDecision is who may read /metrics.
type metricsDecision int

const (
	metricsAllowed   metricsDecision = iota
	metricsNoAuth                    // 401: no credentials, or a wrong token
	metricsForbidden                 // 403: logged in, but not as an admin
)

// metricsAccess: /metrics is for a scraper with serve.metrics_token (Authorization: Bearer), for a
// request made on this machine — a loopback connection carrying no proxy's forwarding header, so
// that a reverse proxy on the same machine does not open it to everyone it forwards — and for an
// admin's session. A token that is sent is the answer: a wrong one is refused even from loopback.
func (s *Server) metricsAccess(r *http.Request) metricsDecision {
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, tok, _ := strings.Cut(auth, " ")
		want := s.ws.Config.Serve.MetricsToken
		if want == "" || !strings.EqualFold(scheme, "Bearer") {
			return metricsNoAuth
		}
		// Compared as hashes, so neither the token's content nor its length shows in the timing.
		a, b := sha256.Sum256([]byte(strings.TrimSpace(tok))), sha256.Sum256([]byte(want))
		if subtle.ConstantTimeCompare(a[:], b[:]) == 1 {
			return metricsAllowed
		}
		return metricsNoAuth
	}
	if p := infoFrom(r.Context()).peer; p.IsValid() && p.IsLoopback() && !forwarded(r) {
		return metricsAllowed
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return metricsNoAuth
	}
	sess, err := users.Lookup(r.Context(), s.ws.WH, c.Value, s.opt.Now())
	if err != nil {
		if !errors.Is(err, users.ErrBadLogin) {
			s.log.Error("session lookup", "err", err)
		}
		return metricsNoAuth
	}
	infoFrom(r.Context()).user = sess.Username
	if sess.Role != users.Admin {
		return metricsForbidden
	}
	return metricsAllowed
}

func (s *Server) metricsHandler() http.Handler {
	h := s.metrics.handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch s.metricsAccess(r) {
		case metricsAllowed:
			h.ServeHTTP(w, r)
		case metricsForbidden:
			s.log.Warn("metrics refused", "user", infoFrom(r.Context()).user, "remote", clientOf(r))
			http.Error(w, "/metrics hanya untuk admin, token metrik (serve.metrics_token), atau permintaan dari mesin ini", http.StatusForbidden)
		default:
			w.Header().Set("WWW-Authenticate", `Bearer realm="pantau-metrics"`)
			http.Error(w, "/metrics memerlukan sesi admin, token metrik (Authorization: Bearer, serve.metrics_token), atau permintaan dari mesin ini", http.StatusUnauthorized)
		}
	})
}
