// Package fakeclock is a clock that tests set by hand, safe for use by
// the goroutines of the code under test.
package fakeclock

import (
	"sync"
	"time"
)

// Clock is a clock that reads what it was last set to.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a Clock set to t.
func New(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the time the clock is set to.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set sets the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}
