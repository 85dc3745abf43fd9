package web

import (
	"net"
	"strings"
	"sync"
	"time"
)

// Login throttling: after maxFails failed logins for one user name from one address within window,
// further attempts from there are refused until the oldest failure leaves the window. Keyed by name
// and address so that someone guessing at a colleague's account from elsewhere cannot lock them out.
const (
	maxFails   = 5
	failWindow = 15 * time.Minute
)

// throttleWait is the pure decision: how long the next attempt must wait (0: it may proceed).
func throttleWait(fails []time.Time, now time.Time) time.Duration {
	recent := recentFails(fails, now)
	if len(recent) < maxFails {
		return 0
	}
	return recent[len(recent)-maxFails].Add(failWindow).Sub(now)
}

func recentFails(fails []time.Time, now time.Time) []time.Time {
	var out []time.Time
	for _, f := range fails {
		if now.Sub(f) < failWindow {
			out = append(out, f)
		}
	}
	return out
}

type throttle struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

func throttleKey(user, remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	return strings.ToLower(strings.TrimSpace(user)) + "\x00" + host
}

func (t *throttle) wait(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return throttleWait(t.fails[key], now)
}

func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fails == nil {
		t.fails = map[string][]time.Time{}
	}
	t.fails[key] = append(recentFails(t.fails[key], now), now)
	if len(t.fails) > 10000 { // bound the memory an attacker can make us hold
		for k, v := range t.fails {
			if len(recentFails(v, now)) == 0 {
				delete(t.fails, k)
			}
		}
	}
}

func (t *throttle) reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, key)
}
