package externalid_test

import (
	"context"
	"testing"
)

func TestPoolWarmPathDoesNotAllocate(t *testing.T) {
	p, _, _, _ := newTestPool(t)
	ctx := context.Background()
	poolMustRetrieve(t, p, "acme", poolRole)
	prov, err := p.Credentials("acme", poolRole)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		fn   func()
	}{
		{"Pool.Retrieve", func() { _, _ = p.Retrieve(ctx, "acme", poolRole) }},
		{"provider Retrieve", func() { _, _ = prov.Retrieve(ctx) }},
		{"Pool.Credentials then Retrieve", func() {
			pr, _ := p.Credentials("acme", poolRole)
			_, _ = pr.Retrieve(ctx)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := testing.AllocsPerRun(1000, tt.fn); n != 0 {
				t.Errorf("allocs/op = %v; want 0", n)
			}
		})
	}
}
