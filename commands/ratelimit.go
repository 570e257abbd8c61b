package commands

import (
	"sync"
	"time"
)

// rateLimiter allows each user a number of questions in a sliding window.
// It is safe for concurrent use.
type rateLimiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	seen  map[string][]time.Time
	calls int
}

func newRateLimiter(max int, window time.Duration, now func() time.Time) *rateLimiter {
	return &rateLimiter{max: max, window: window, now: now, seen: map[string][]time.Time{}}
}

// allow records a question by user and reports whether it is within the
// limit; when it is not, wait is how long until the next is allowed.
func (l *rateLimiter) allow(user string) (ok bool, wait time.Duration) {
	if l == nil || l.max <= 0 {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if l.calls%1024 == 0 {
		for u, ts := range l.seen {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) > l.window {
				delete(l.seen, u)
			}
		}
	}
	ts := l.seen[user]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.window {
		i++
	}
	ts = ts[i:]
	if len(ts) >= l.max {
		l.seen[user] = ts
		return false, l.window - now.Sub(ts[0])
	}
	l.seen[user] = append(ts, now)
	return true, 0
}
