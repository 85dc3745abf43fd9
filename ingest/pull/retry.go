package pull

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Verdict is what to do after one attempt at a page.
type Verdict int

const (
	// Done: the attempt succeeded.
	Done Verdict = iota
	// Retry: try again after the returned delay (network error, 429, 5xx).
	Retry
	// GiveUp: a failure that another attempt will not fix (4xx other than 429, a too-large body).
	GiveUp
)

func (v Verdict) String() string {
	return [...]string{"done", "retry", "give_up"}[v]
}

// Backoff is the retry policy of a source.
type Backoff struct {
	Initial, Max time.Duration
	Attempts     int
	// Jitter spreads a delay d over [d/2, d] ("equal jitter"), so many sources that failed together do
	// not retry together; nil uses math/rand/v2.
	Jitter func(d time.Duration) time.Duration
}

func equalJitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// Decide is the pure retry decision after attempt number attempt (1-based) ended with status (0 when
// no response arrived) or err. It returns what to do and how long to wait first. Retry-After (seconds
// or an HTTP date, relative to now) is honoured as given, capped at Max; without it the delay is
// Initial·2^(attempt-1), capped at Max, with jitter. No attempt is made past Attempts.
func (b Backoff) Decide(attempt, status int, retryAfter string, err error, now time.Time) (Verdict, time.Duration) {
	switch {
	case err != nil:
		var perm permanentError
		if errors.As(err, &perm) {
			return GiveUp, 0
		}
	case status >= 200 && status < 300:
		return Done, 0
	case status == http.StatusTooManyRequests || status >= 500:
	default:
		return GiveUp, 0
	}
	if attempt >= b.Attempts {
		return GiveUp, 0
	}
	if d, ok := parseRetryAfter(retryAfter, now); ok && status != 0 {
		return Retry, min(d, b.Max)
	}
	d := b.Initial
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	j := b.Jitter
	if j == nil {
		j = equalJitter
	}
	return Retry, j(d)
}

// parseRetryAfter reads a Retry-After header: delta-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > 1_000_000 { // beyond any cap, and time.Duration would overflow
			n = 1_000_000
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// permanentError marks a failure that is not retried (the body is too large, the JSON is broken).
type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }
