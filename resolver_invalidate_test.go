package externalid_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/tenantrole/externalid"
)

// rotatingSecrets answers the first GetSecretValue with the old value, held
// until release is closed, and every later one with the new value at once.
type rotatingSecrets struct {
	mu      sync.Mutex // guards calls
	calls   int
	started chan struct{} // closed when the first call is in flight
	release chan struct{}
}

func (s *rotatingSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	s.mu.Lock()
	s.calls++
	first := s.calls == 1
	s.mu.Unlock()
	value := "new-value"
	if first {
		value = "old-value"
		close(s.started)
		<-s.release
	}
	return &secretsmanager.GetSecretValueOutput{Name: in.SecretId, SecretString: aws.String(value)}, nil
}

func TestResolverInvalidateBeatsAnInFlightLookup(t *testing.T) {
	client := &rotatingSecrets{started: make(chan struct{}), release: make(chan struct{})}
	r := externalid.NewSecretsManagerResolver(client, func(o *externalid.SecretsManagerOptions) { o.Now = newFakeClock().Now })
	ctx := context.Background()

	old := make(chan string, 1)
	go func() {
		id, _ := r.ResolveExternalID(ctx, "acme")
		old <- id.Value()
	}()
	<-client.started
	r.Invalidate("acme") // the value being read is now known to be wrong
	id, err := r.ResolveExternalID(ctx, "acme")
	if err != nil || id.Value() != "new-value" {
		t.Fatalf("after Invalidate: ResolveExternalID() = %v, %v; want the new value", id, err)
	}
	close(client.release)
	if got := <-old; got != "old-value" {
		t.Fatalf("the caller that was waiting got %q; want the value it asked for", got)
	}
	for range 3 {
		if id, _ := r.ResolveExternalID(ctx, "acme"); id.Value() != "new-value" {
			t.Fatal("the in-flight lookup stored the old value over the new one")
		}
	}
	if client.calls != 2 {
		t.Errorf("GetSecretValue calls = %d; want 2", client.calls)
	}
}

// panickingSecrets panics, or returns neither output nor error.
type panickingSecrets struct{ panics bool }

func (s panickingSecrets) GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	if s.panics {
		panic("client bug")
	}
	return nil, nil
}

func TestResolverSurvivesBrokenClients(t *testing.T) {
	for _, tt := range []struct {
		name   string
		client panickingSecrets
	}{{"panic", panickingSecrets{panics: true}}, {"nil output", panickingSecrets{}}} {
		t.Run(tt.name, func(t *testing.T) {
			r := externalid.NewSecretsManagerResolver(tt.client)
			if _, err := r.ResolveExternalID(context.Background(), "acme"); err == nil {
				t.Fatal("ResolveExternalID() error = nil; want an error")
			}
		})
	}
}

func TestResolverRemembersMissingStageUntilInvalidate(t *testing.T) {
	secrets := newFakeSecrets(nil) // no secret at all: every stage is not found
	clock := newFakeClock()
	r := newResolver(secrets, clock)
	ctx := context.Background()
	for range 5 {
		_, err := r.ResolveExternalIDStage(ctx, "acme", externalid.StagePending)
		if !errors.Is(err, externalid.ErrExternalIDNotFound) {
			t.Fatalf("ResolveExternalIDStage() error = %v; want ErrExternalIDNotFound", err)
		}
	}
	if n := secrets.count("externalid/acme"); n != 1 {
		t.Fatalf("GetSecretValue calls for a missing AWSPENDING = %d; want 1", n)
	}
	r.Invalidate("acme")
	_, _ = r.ResolveExternalIDStage(ctx, "acme", externalid.StagePending)
	if n := secrets.count("externalid/acme"); n != 2 {
		t.Fatalf("after Invalidate: GetSecretValue calls = %d; want 2", n)
	}
	// The default stage's not-found is never remembered: onboarding shows at once.
	_, _ = r.ResolveExternalID(ctx, "acme")
	_, _ = r.ResolveExternalID(ctx, "acme")
	if n := secrets.count("externalid/acme"); n != 4 {
		t.Fatalf("GetSecretValue calls for a missing AWSCURRENT = %d; want one per lookup (4 in all)", n)
	}
}
