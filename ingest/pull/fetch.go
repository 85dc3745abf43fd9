package pull

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/pantau-koperasi/pantau/internal/config"
)

// HTTPError is a response Pantau gave up on: a 4xx, or a 429/5xx still failing after every attempt.
type HTTPError struct {
	Source string
	URL    string
	Status int
	// Snippet is the start of the response body, to show what the source said.
	Snippet  string
	Attempts int
}

func (e *HTTPError) Error() string {
	var what string
	switch {
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden:
		what = "autentikasi ditolak: periksa rahasia di variabel lingkungan yang disebut token_env/user_env/password_env"
	case e.Status == http.StatusTooManyRequests:
		what = "sumber masih membatasi permintaan (429)"
	case e.Status >= 500:
		what = "sumber sedang bermasalah"
	default:
		what = "permintaan ditolak sumber"
	}
	s := fmt.Sprintf("sumber %q: %s (HTTP %d, %d percobaan) untuk %s", e.Source, what, e.Status, e.Attempts, e.URL)
	if e.Snippet != "" {
		s += ": " + e.Snippet
	}
	return s
}

// IsAuth reports whether the source refused the credentials.
func (e *HTTPError) IsAuth() bool {
	return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
}

// fetcher gets pages of one source: credentials, timeout, rate limit, retries, size limit.
type fetcher struct {
	src     *config.Sumber
	client  *http.Client
	clock   Clock
	backoff Backoff
	limiter *rate.Limiter
	log     *slog.Logger
	maxBody int64
}

func newFetcher(src *config.Sumber, client *http.Client, clock Clock, log *slog.Logger) *fetcher {
	if client == nil {
		client = &http.Client{CheckRedirect: sameOrigin}
	}
	if clock == nil {
		clock = RealClock
	}
	per := time.Duration(float64(time.Minute) / src.PermintaanPerMenit)
	return &fetcher{
		src: src, client: client, clock: clock, log: log,
		backoff: Backoff{Initial: time.Duration(src.BackoffAwalMS) * time.Millisecond,
			Max: time.Duration(src.BackoffMaksDetik) * time.Second, Attempts: src.MaxPercobaan},
		limiter: rate.NewLimiter(rate.Every(per), 1),
		maxBody: int64(src.MaxBodyMB) << 20,
	}
}

// sameOrigin refuses a redirect to another scheme or host: Go drops Authorization on such a
// redirect, but not an API-key header, and the credentials are for the configured host only.
func sameOrigin(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return permanentError{errors.New("terlalu banyak pengalihan (redirect)")}
	}
	first := via[0].URL
	if req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
		return permanentError{fmt.Errorf("sumber mengalihkan ke host lain (%s); ditolak agar rahasia tidak terkirim ke sana", req.URL.Host)}
	}
	return nil
}

// secret reads a credential from the environment. The error names the variable, never a value.
func secret(src *config.Sumber, env string) (string, error) {
	v, ok := os.LookupEnv(env)
	if !ok || v == "" {
		return "", permanentError{fmt.Errorf("sumber %q: variabel lingkungan %s kosong atau tidak ada (berisi rahasia untuk auth = %q)", src.Nama, env, src.Auth)}
	}
	return v, nil
}

func (f *fetcher) authorize(req *http.Request) error {
	switch f.src.Auth {
	case "bearer":
		tok, err := secret(f.src, f.src.TokenEnv)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	case "api_key":
		key, err := secret(f.src, f.src.TokenEnv)
		if err != nil {
			return err
		}
		req.Header.Set(f.src.APIKeyHeader, key)
	case "basic":
		u, err := secret(f.src, f.src.UserEnv)
		if err != nil {
			return err
		}
		p, err := secret(f.src, f.src.PasswordEnv)
		if err != nil {
			return err
		}
		req.SetBasicAuth(u, p)
	}
	return nil
}

// response is one page as received.
type response struct {
	Body     []byte
	Header   http.Header
	Attempts int
}

// get fetches url with retries. Waits (rate limit, backoff, Retry-After) go through the clock.
func (f *fetcher) get(ctx context.Context, url string) (*response, error) {
	for attempt := 1; ; attempt++ {
		if err := f.wait(ctx); err != nil {
			return nil, err
		}
		body, hdr, status, err := f.once(ctx, url)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		v, d := f.backoff.Decide(attempt, status, hdr.Get("Retry-After"), err, f.clock.Now())
		switch v {
		case Done:
			return &response{Body: body, Header: hdr, Attempts: attempt}, nil
		case Retry:
			attrs := []any{"source", f.src.Nama, "url", url, "status", status, "attempt", attempt, "wait", d.Round(time.Millisecond)}
			if err != nil {
				attrs = append(attrs, "err", f.redact(err.Error()))
			}
			f.log.Warn("pull: retrying page", attrs...)
			if err := f.clock.Sleep(ctx, d); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			if status == 0 && !isPermanent(err) {
				return nil, fmt.Errorf("sumber %q: %s tidak dapat dihubungi setelah %d percobaan: %w", f.src.Nama, url, attempt, err)
			}
			return nil, err
		}
		return nil, &HTTPError{Source: f.src.Nama, URL: url, Status: status, Snippet: f.redact(snippet(body)), Attempts: attempt}
	}
}

func isPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// wait honours the rate limit on the pull's clock.
func (f *fetcher) wait(ctx context.Context) error {
	now := f.clock.Now()
	r := f.limiter.ReserveN(now, 1)
	return f.clock.Sleep(ctx, r.DelayFrom(now))
}

// once makes one request. A body over the limit is a permanent error (asking again gets it again).
func (f *fetcher) once(ctx context.Context, url string) ([]byte, http.Header, int, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(f.src.TimeoutDetik)*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, http.Header{}, 0, permanentError{err}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "pantau-pull/1")
	if err := f.authorize(req); err != nil {
		return nil, http.Header{}, 0, err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, http.Header{}, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBody+1))
	if err != nil {
		return nil, resp.Header, 0, err // a connection cut mid-body is a network error: retried
	}
	if int64(len(body)) > f.maxBody {
		return nil, resp.Header, resp.StatusCode, permanentError{fmt.Errorf("sumber %q: jawaban %s melebihi batas %d MB (max_body_mb)", f.src.Nama, url, f.src.MaxBodyMB)}
	}
	return body, resp.Header, resp.StatusCode, nil
}

// redact hides the source's secrets in text that may be shown or logged: a source that echoes the
// token it refused must not get it into Pantau's logs.
func (f *fetcher) redact(s string) string {
	for _, env := range []string{f.src.TokenEnv, f.src.UserEnv, f.src.PasswordEnv} {
		if env == "" {
			continue
		}
		if v := os.Getenv(env); len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "***")
		}
	}
	return s
}

// snippet is the start of a response body, on one line, for an error message.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
