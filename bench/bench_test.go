package main

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func BenchmarkPoolProviderWarm(b *testing.B) { benchPoolProviderWarm(b) }

func BenchmarkSDKCredentialsCacheWarm(b *testing.B) { benchSDKCacheWarm(b) }

func BenchmarkSDKCredentialsCacheWarmParallel(b *testing.B) { benchSDKCacheWarmParallel(b) }

var (
	warm100kOnce sync.Once
	warm100k     *warmPool
	warm100kErr  error
)

func warmPool100k(b *testing.B) *warmPool {
	warm100kOnce.Do(func() { warm100k, warm100kErr = newWarmPool(100_000, 16) })
	if warm100kErr != nil {
		b.Fatal(warm100kErr)
	}
	return warm100k
}

func BenchmarkPoolLookupParallel100k(b *testing.B) { warmPool100k(b).benchLookup(b) }

func BenchmarkPoolLookupParallel100kHot1k(b *testing.B) { warmPool100k(b).benchLookupHot(b) }

func BenchmarkBareMapLookupParallel100k(b *testing.B) {
	benchBareMapLookup(warmPool100k(b).tenants)(b)
}

// wait is dayConfig.settle in a synctest bubble: exact, with no timing.
func wait(_, _ func() int64) { synctest.Wait() }

func TestStampede(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := stampede(1000, 200, wait)
		if !r.ok() {
			t.Fatalf("stampede = %+v; want 1000 callers in before the gate opens, 200 AssumeRole, 200 GetSecretValue, 0 errors", r)
		}
	})
}

func TestSimulatedDay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const step = 5 * time.Minute
		r, err := simulateDay(dayConfig{tenants: 200, callers: 4, step: step, settle: wait})
		if err != nil {
			t.Fatal(err)
		}
		if !r.ok() {
			t.Fatalf("simulateDay = %+v; want no duplicates, no waits, no errors, no wasted call, a full day", r)
		}
		// Refresh-ahead replaces 1-hour credentials 40 to 45 minutes after
		// they were made, at the first step after that.
		lo, hi := 40*time.Minute, 45*time.Minute+step
		if r.minGap < lo || r.maxGap > hi {
			t.Errorf("simulateDay: refreshes %v to %v apart; want within [%v, %v]", r.minGap, r.maxGap, lo, hi)
		}
		perHour := float64(r.assumeRole) / float64(r.tenants) / 24
		if minimum, maximum := float64(time.Hour)/float64(hi), 1.0/24+float64(time.Hour)/float64(lo); perHour < minimum || perHour > maximum {
			t.Errorf("simulateDay: %.3f AssumeRole per tenant-hour; want within [%.3f, %.3f]", perHour, minimum, maximum)
		}
	})
}

func TestMemoryPerTenant(t *testing.T) {
	r, err := measureMemory(5_000, 1024)
	if err != nil {
		t.Fatal(err)
	}
	if r.beyondCreds > 2048 {
		t.Errorf("memory beyond credential strings = %.0f B/tenant; want at most 2048", r.beyondCreds)
	}
}
