package externalid_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tenantrole/externalid"
)

func TestValidateTenantID(t *testing.T) {
	tests := []struct {
		name   string
		tenant string
		valid  bool
	}{
		{"one character", "a", true},
		{"every allowed character", "AZaz09_+=.@-", true},
		{"maximum length", strings.Repeat("t", 128), true},
		{"empty", "", false},
		{"too long", strings.Repeat("t", 129), false},
		{"slash could address another secret", "acme/../other", false},
		{"space", "ac me", false},
		{"comma", "a,b", false},
		{"colon", "a:b", false},
		{"non-ASCII", "acmé", false},
		{"wildcard", "acme*", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := externalid.ValidateTenantID(tt.tenant)
			if tt.valid && err != nil {
				t.Fatalf("ValidateTenantID() = %v; want nil", err)
			}
			if !tt.valid && !errors.Is(err, externalid.ErrInvalidTenantID) {
				t.Fatalf("ValidateTenantID() = %v; want ErrInvalidTenantID", err)
			}
		})
	}
}

func TestDefaultRoleSessionName(t *testing.T) {
	if got := externalid.DefaultRoleSessionName("acme"); got != "externalid-acme" {
		t.Errorf("DefaultRoleSessionName(acme) = %q; want externalid-acme", got)
	}
	long1 := strings.Repeat("t", 100) + "1"
	long2 := strings.Repeat("t", 100) + "2"
	n1, n2 := externalid.DefaultRoleSessionName(long1), externalid.DefaultRoleSessionName(long2)
	if len(n1) != 64 || len(n2) != 64 {
		t.Fatalf("long names have lengths %d, %d; want 64", len(n1), len(n2))
	}
	if n1 == n2 {
		t.Errorf("two long tenant ids share the session name %q", n1)
	}
}

func FuzzValidateTenantID(f *testing.F) {
	for _, seed := range []string{"", "acme", "a/b", "..", strings.Repeat("x", 129), "tenant@example.com", "é"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, tenant string) {
		err := externalid.ValidateTenantID(tenant)
		if err != nil {
			if !errors.Is(err, externalid.ErrInvalidTenantID) {
				t.Fatalf("error does not wrap ErrInvalidTenantID: %v", err)
			}
			return
		}
		if strings.ContainsAny(tenant, "/:*?, \t\n") || len(tenant) == 0 || len(tenant) > 128 {
			t.Fatalf("ValidateTenantID accepted %q", tenant)
		}
		// Every valid tenant yields a session name STS accepts.
		name := externalid.DefaultRoleSessionName(tenant)
		if len(name) < 2 || len(name) > 64 {
			t.Fatalf("DefaultRoleSessionName(%q) has length %d", tenant, len(name))
		}
	})
}
