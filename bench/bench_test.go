package main

import (
	"sync"
	"testing"
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

func TestStampede(t *testing.T) {
	r := stampede(1000, 200)
	if !r.ok() {
		t.Fatalf("stampede = %d AssumeRole, %d GetSecretValue, %d errors; want 200, 200, 0", r.assumeRole, r.getValue, r.errors)
	}
}

func TestSimulatedDay(t *testing.T) {
	r, err := simulateDay(200, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !r.ok() || r.perLifetime() != 1 {
		t.Fatalf("simulateDay = %+v; want 1 AssumeRole per credential set, no duplicates, no waits, no errors", r)
	}
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
