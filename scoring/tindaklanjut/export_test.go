package tindaklanjut

import "time"

// SetClock replaces the clock for a test and returns the restore function.
func SetClock(f func() time.Time) func() {
	old := now
	now = f
	return func() { now = old }
}
