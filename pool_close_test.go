package externalid_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenantrole/externalid"
)

// poolGoroutinesSettle waits, for at most 10 s, until no more than want
// goroutines run, and reports how many do.
func poolGoroutinesSettle(want int) int {
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// poolFrames are the prefixes of the stack frames of the pool's code.
var poolFrames = []string{
	"github.com/tenantrole/externalid.(*Pool).",
	"github.com/tenantrole/externalid.(*poolEntry).",
	"github.com/tenantrole/externalid.(*poolShard).",
}

// poolStacksSettle waits, for at most 10 s, until no goroutine runs the
// pool's code, and returns the stacks of those that still do.
func poolStacksSettle() string {
	deadline := time.Now().Add(10 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var found []string
		for _, g := range strings.Split(string(buf), "\n\n") {
			for _, f := range poolFrames {
				if strings.Contains(g, f) {
					found = append(found, g)
					break
				}
			}
		}
		if len(found) == 0 || time.Now().After(deadline) {
			return strings.Join(found, "\n\n")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPoolCloseLeavesNoGoroutine(t *testing.T) {
	before := poolGoroutinesSettle(runtime.NumGoroutine())
	clock := newPoolClock()
	client := newPoolSTS(clock)
	p := externalid.NewPool(client, &poolResolver{}, func(o *externalid.PoolOptions) {
		o.Now = clock.Now
		o.IdleTimeout = time.Minute // runs the janitor
	})
	prov, err := p.Credentials("warm", poolRole)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prov.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A background refresh and a cold refresh, both stuck in STS.
	release := client.hold()
	defer release()
	clock.Advance(poolIntoWindow)
	if _, err := prov.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	waiter := make(chan error)
	go func() {
		_, err := p.Retrieve(context.Background(), "cold", poolRole)
		waiter <- err
	}()
	poolEventually(t, "two calls are stuck in STS", func() bool { return client.calls.Load() == 3 })

	if err := p.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := <-waiter; !errors.Is(err, externalid.ErrPoolClosed) {
		t.Errorf("waiting caller: Retrieve() = %v; want %v", err, externalid.ErrPoolClosed)
	}
	if n := poolGoroutinesSettle(before); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("goroutines after Close = %d; want at most %d\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
	if stacks := poolStacksSettle(); stacks != "" {
		t.Fatalf("goroutines in the pool's code after Close:\n%s", stacks)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close() = %v; want nil", err)
	}
	if _, err := p.Retrieve(context.Background(), "warm", poolRole); !errors.Is(err, externalid.ErrPoolClosed) {
		t.Errorf("Retrieve() after Close = %v; want %v", err, externalid.ErrPoolClosed)
	}
	if _, err := p.Credentials("new", poolRole); !errors.Is(err, externalid.ErrPoolClosed) {
		t.Errorf("Credentials() after Close = %v; want %v", err, externalid.ErrPoolClosed)
	}
	if _, err := prov.Retrieve(context.Background()); !errors.Is(err, externalid.ErrPoolClosed) {
		t.Errorf("provider Retrieve() after Close = %v; want %v", err, externalid.ErrPoolClosed)
	}
}

// Close while many goroutines retrieve: every call returns credentials or
// ErrPoolClosed, and no goroutine of the pool is left.
func TestPoolCloseDuringConcurrentRetrieve(t *testing.T) {
	for range 20 {
		events := &poolEvents{}
		p, client, _, _ := newTestPool(t, func(o *externalid.PoolOptions) { o.OnEvent = events.record })
		release := client.hold()
		var wg sync.WaitGroup
		for g := range 16 {
			wg.Go(func() {
				for i := range 20 {
					_, err := p.Retrieve(context.Background(), fmt.Sprintf("t%d-%d", g, i%5), poolRole)
					if err != nil && !errors.Is(err, externalid.ErrPoolClosed) {
						t.Errorf("Retrieve() = %v; want credentials or %v", err, externalid.ErrPoolClosed)
					}
				}
			})
		}
		wg.Go(func() {
			release()
			_ = p.Close()
		})
		wg.Wait()
		if _, err := p.Retrieve(context.Background(), "t0-0", poolRole); !errors.Is(err, externalid.ErrPoolClosed) {
			t.Fatalf("Retrieve() after Close = %v; want %v", err, externalid.ErrPoolClosed)
		}
	}
	if stacks := poolStacksSettle(); stacks != "" {
		t.Fatalf("goroutines in the pool's code after Close:\n%s", stacks)
	}
}
