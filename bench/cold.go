package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid"
)

// coldResult compares first Retrieves over HTTP with the raw SDK calls.
type coldResult struct {
	tenants, workers int
	pool, raw        time.Duration // per tenant
}

func (r coldResult) overhead() float64 { return float64(r.pool)/float64(r.raw) - 1 }

// motoClients returns Secrets Manager and STS clients of moto.
func motoClients(url string) (*secretsmanager.Client, *sts.Client) {
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "dummy-secret", ""),
		BaseEndpoint: aws.String(url),
	}
	return secretsmanager.NewFromConfig(cfg), sts.NewFromConfig(cfg)
}

// seedSecrets creates every tenant's secret in moto.
func seedSecrets(ctx context.Context, sm *secretsmanager.Client, names []string) error {
	return forEach(names, 16, func(name string) error {
		_, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
			Name:         aws.String(externalid.DefaultSecretID(name)),
			SecretString: aws.String("ext-" + name),
		})
		return err
	})
}

// forEach calls fn for every name on workers goroutines and returns the
// first error.
func forEach(names []string, workers int, fn func(string) error) error {
	ch := make(chan string)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex // guards first
		first error
	)
	for range workers {
		wg.Go(func() {
			for name := range ch {
				if err := fn(name); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, n := range names {
		ch <- n
	}
	close(ch)
	wg.Wait()
	return first
}

// rawCold is what a service does without this module: read the secret,
// then call AssumeRole with it.
func rawCold(ctx context.Context, sm *secretsmanager.Client, client *sts.Client, names []string, workers int) (time.Duration, error) {
	start := time.Now()
	err := forEach(names, workers, func(name string) error {
		out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
			SecretId:     aws.String(externalid.DefaultSecretID(name)),
			VersionStage: aws.String("AWSCURRENT"),
		})
		if err != nil {
			return err
		}
		_, err = client.AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn:         aws.String(roleARN),
			RoleSessionName: aws.String(externalid.DefaultRoleSessionName(name)),
			ExternalId:      out.SecretString,
			DurationSeconds: aws.Int32(3600),
		})
		return err
	})
	return time.Since(start), err
}

// poolCold is the first Retrieve of every tenant on a new pool.
func poolCold(ctx context.Context, sm *secretsmanager.Client, client *sts.Client, names []string, workers int) (time.Duration, error) {
	pool := externalid.NewPool(client, externalid.NewSecretsManagerResolver(sm), func(o *externalid.PoolOptions) {
		o.MaxTenants = len(names)
	})
	defer pool.Close()
	start := time.Now()
	err := forEach(names, workers, func(name string) error {
		_, err := pool.Retrieve(ctx, name, roleARN)
		return err
	})
	return time.Since(start), err
}

// coldOverHTTP measures both paths against moto, in the order raw, pool,
// pool, raw, to cancel drift in moto's speed.
func coldOverHTTP(url string, tenants int, workerCounts []int) ([]coldResult, error) {
	ctx := context.Background()
	sm, client := motoClients(url)
	names := tenantNames(tenants)
	if err := seedSecrets(ctx, sm, names); err != nil {
		return nil, fmt.Errorf("seed moto: %w", err)
	}
	// Warm up connections and moto's code paths.
	if _, err := rawCold(ctx, sm, client, names[:min(20, len(names))], 1); err != nil {
		return nil, err
	}
	var out []coldResult
	for _, workers := range workerCounts {
		var pool, raw time.Duration
		for _, isPool := range []bool{false, true, true, false} {
			run, total := rawCold, &raw
			if isPool {
				run, total = poolCold, &pool
			}
			d, err := run(ctx, sm, client, names, workers)
			if err != nil {
				return nil, err
			}
			*total += d
		}
		n := time.Duration(2 * tenants)
		out = append(out, coldResult{tenants: tenants, workers: workers, pool: pool / n, raw: raw / n})
	}
	return out, nil
}
