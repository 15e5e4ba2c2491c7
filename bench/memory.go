package main

import (
	"context"
	"runtime"

	"github.com/tenantrole/externalid"
)

// memoryResult is the heap a pool holds per tenant.
type memoryResult struct {
	tenants      int
	perTenant    float64 // heap bytes per tenant, all included
	credStrings  int     // bytes of the credential strings per tenant
	beyondCreds  float64 // perTenant less credStrings
	heapTotalMiB float64
}

// measureMemory fills a pool with tenants, each with credentials of a
// tokenSize-byte session token, and measures the live heap it adds.
func measureMemory(tenants, tokenSize int) (memoryResult, error) {
	names := tenantNames(tenants)
	resolver := staticResolver()
	client := &fakeSTS{tokenSize: tokenSize}
	before := liveHeap()
	pool := externalid.NewPool(client, resolver, func(o *externalid.PoolOptions) { o.MaxTenants = tenants })
	ctx := context.Background()
	var sample [3]string
	for _, name := range names {
		creds, err := pool.Retrieve(ctx, name, roleARN)
		if err != nil {
			pool.Close()
			return memoryResult{}, err
		}
		sample = [3]string{creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken}
	}
	after := liveHeap()
	runtime.KeepAlive(names)
	res := memoryResult{tenants: tenants}
	res.perTenant = float64(after-before) / float64(tenants)
	res.credStrings = len(sample[0]) + len(sample[1]) + len(sample[2])
	res.beyondCreds = res.perTenant - float64(res.credStrings)
	res.heapTotalMiB = float64(after-before) / (1 << 20)
	if pool.Len() != tenants {
		pool.Close()
		return res, errNotResident
	}
	pool.Close()
	return res, nil
}

// liveHeap returns the bytes of live heap objects after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
