package externalid

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
)

// entrySTS fails once fail is set, with a throttling error.
type entrySTS struct {
	now  func() time.Time
	fail atomic.Bool
}

func (c *entrySTS) AssumeRole(context.Context, *sts.AssumeRoleInput, ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	if c.fail.Load() {
		return nil, &smithy.GenericAPIError{Code: "Throttling"}
	}
	return &sts.AssumeRoleOutput{Credentials: &types.Credentials{
		AccessKeyId: aws.String("AK"), SecretAccessKey: aws.String("SK"), SessionToken: aws.String("T"),
		Expiration: aws.Time(c.now().Add(time.Hour)),
	}}, nil
}

// In the refresh window, while a failed refresh backs off or while a
// refresh is in flight, Retrieve serves the valid credentials without
// taking the entry's lock.
func TestPoolWindowServesWithoutTheEntryLock(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	client := &entrySTS{now: clock}
	resolver := ResolverFunc(func(context.Context, string) (ExternalID, error) { return New("ext-acme") })
	p := NewPool(client, resolver, func(o *PoolOptions) { o.Now = clock; o.RefreshJitter = -1 })
	defer p.Close()
	ctx := context.Background()
	if _, err := p.Retrieve(ctx, "acme", "arn:aws:iam::111122223333:role/R"); err != nil {
		t.Fatal(err)
	}
	e, err := p.entry("acme", "arn:aws:iam::111122223333:role/R")
	if err != nil {
		t.Fatal(err)
	}
	client.fail.Store(true)
	now.Add(int64(46 * time.Minute))
	if _, err := e.retrieve(ctx); err != nil { // starts a refresh, which fails
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for e.next.Load() == refreshing { // deadlock guard only
		if time.Now().After(deadline) {
			t.Fatal("the refresh did not finish")
		}
		time.Sleep(time.Millisecond)
	}
	withLockHeld := func(what string) {
		t.Helper()
		e.mu.Lock()
		defer e.mu.Unlock()
		done := make(chan error, 1)
		go func() {
			_, err := e.retrieve(ctx)
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%s: retrieve() = %v; want the valid credentials", what, err)
			}
		case <-time.After(10 * time.Second): // deadlock guard
			t.Fatalf("%s: retrieve() waits for the entry's lock", what)
		}
	}
	withLockHeld("backing off")
	e.mu.Lock()
	e.next.Store(refreshing) // as while a refresh is in flight
	e.mu.Unlock()
	withLockHeld("refresh in flight")
}

// The sizes that docs/pool.md reports.
func TestPoolSizes(t *testing.T) {
	t.Logf("poolEntry %d B, Provider %d B, poolCreds %d B, poolShard %d B",
		unsafe.Sizeof(poolEntry{}), unsafe.Sizeof(Provider{}), unsafe.Sizeof(poolCreds{}), unsafe.Sizeof(poolShard{}))
	if n := unsafe.Sizeof(poolShard{}); n != 64 {
		t.Errorf("poolShard is %d bytes; want 64 (see its comment)", n)
	}
}
