package externalid_test

import (
	"context"
	"errors"
	"runtime"
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
