package externalid_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/tenantrole/externalid"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		wantErr bool
	}{
		{"minimum length", "ab", false},
		{"every allowed character", "AZaz09_+=,.@:/-", false},
		{"maximum length", strings.Repeat("x", 1224), false},
		{"empty", "", true},
		{"one character", "a", true},
		{"too long", strings.Repeat("x", 1225), true},
		{"space", "ab cd", true},
		{"newline", "abcd\n", true},
		{"non-ASCII letter", "abcé", true},
		{"star", "ab*", true},
		{"quote", `ab"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := externalid.New(tt.value)
			if tt.wantErr {
				if !errors.Is(err, externalid.ErrInvalidExternalID) {
					t.Fatalf("New() error = %v; want ErrInvalidExternalID", err)
				}
				if !id.IsZero() {
					t.Errorf("New() on error returned a non-zero ExternalID")
				}
				if len(tt.value) >= 2 && strings.Contains(err.Error(), tt.value) {
					t.Errorf("New() error %q echoes the value", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("New() error = %v; want nil", err)
			}
			if id.Value() != tt.value {
				t.Errorf("Value() differs from the input")
			}
		})
	}
}

func TestZeroValue(t *testing.T) {
	var id externalid.ExternalID
	if !id.IsZero() || id.Value() != "" || id.Fingerprint() != "" {
		t.Fatalf("zero ExternalID: IsZero=%v Value=%q Fingerprint=%q; want true, empty, empty",
			id.IsZero(), id.Value(), id.Fingerprint())
	}
	if got := fmt.Sprint(id); got != "ExternalID(zero)" {
		t.Errorf("Sprint(zero) = %q; want ExternalID(zero)", got)
	}
}

func TestGenerate(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id, err := externalid.Generate()
		if err != nil {
			t.Fatalf("Generate() error = %v", err)
		}
		v := id.Value()
		// 26 base32 characters carry 130 bits, above the 128 required.
		if len(v) != 26 || strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
			t.Fatalf("Generate() gave %d characters outside or inside base32; want 26 of [A-Z2-7]", len(v))
		}
		if _, err := externalid.New(v); err != nil {
			t.Fatalf("New(Generate().Value()) error = %v", err)
		}
		if seen[v] {
			t.Fatalf("Generate() repeated a value")
		}
		seen[v] = true
	}
}

func TestFingerprint(t *testing.T) {
	// printf '%s' 'tenant-secret-1' | sha256sum | cut -c1-12
	const want = "sha256:52b5715e21d7"
	id, _ := externalid.New("tenant-secret-1")
	if got := id.Fingerprint(); got != want {
		t.Fatalf("Fingerprint() = %q; want %q", got, want)
	}
	if got := externalid.FingerprintOf("tenant-secret-1"); got != want {
		t.Fatalf("FingerprintOf() = %q; want %q", got, want)
	}
	other, _ := externalid.New("tenant-secret-2")
	if id.Fingerprint() == other.Fingerprint() {
		t.Errorf("two values share a fingerprint")
	}
}

func TestEqual(t *testing.T) {
	a1, _ := externalid.New("value-a")
	a2, _ := externalid.New("value-a")
	b, _ := externalid.New("value-b")
	var zero externalid.ExternalID
	tests := []struct {
		name string
		x, y externalid.ExternalID
		want bool
	}{
		{"same content", a1, a2, true},
		{"different content", a1, b, false},
		{"zero and value", zero, a1, false},
		{"two zeros", zero, externalid.ExternalID{}, true},
	}
	for _, tt := range tests {
		if got := tt.x.Equal(tt.y); got != tt.want {
			t.Errorf("%s: Equal() = %v; want %v", tt.name, got, tt.want)
		}
	}
}

const canary = "CANARY-9f8e7d6c5b4a"

func TestRedactionEveryRendering(t *testing.T) {
	id, err := externalid.New(canary)
	if err != nil {
		t.Fatal(err)
	}
	type holder struct {
		Exported   externalid.ExternalID
		unexported externalid.ExternalID
		Ptr        *externalid.ExternalID
	}
	h := holder{Exported: id, unexported: id, Ptr: &id}
	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10s", "%-20v", "%p"} {
		outputs = append(outputs, fmt.Sprintf(verb, id), fmt.Sprintf(verb, h), fmt.Sprintf(verb, &h))
	}
	outputs = append(outputs, id.String(), id.GoString(), fmt.Sprint(id), fmt.Sprintln(id))

	js, err := json.Marshal(map[string]any{"id": id, "h": h})
	if err != nil {
		t.Fatal(err)
	}
	text, _ := id.MarshalText()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	logger.Info("resolved", "id", id, "holder", h)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("resolved", "id", id)
	outputs = append(outputs, string(js), string(text), logs.String())

	for _, out := range outputs {
		if strings.Contains(out, canary) {
			t.Fatalf("rendering leaked the value: %s", out)
		}
	}
	if !strings.Contains(fmt.Sprint(id), id.Fingerprint()) || !strings.Contains(string(js), id.Fingerprint()) {
		t.Errorf("redacted forms should carry the fingerprint %s", id.Fingerprint())
	}
}

func FuzzNew(f *testing.F) {
	for _, seed := range []string{"", "a", "ab", "abc def", "arn:aws:iam::1:x", strings.Repeat("z", 1225), "é€", "a\x00b"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		id, err := externalid.New(value)
		if err != nil {
			if !errors.Is(err, externalid.ErrInvalidExternalID) {
				t.Fatalf("New() error does not wrap ErrInvalidExternalID: %v", err)
			}
			if len(value) >= 2 && strings.Contains(err.Error(), value) {
				t.Fatalf("New() error echoes the value")
			}
			return
		}
		if id.Value() != value || id.IsZero() {
			t.Fatalf("New() accepted but Value() differs")
		}
		if len(value) < 2 || len(value) > 1224 {
			t.Fatalf("New() accepted length %d", len(value))
		}
		if s := fmt.Sprintf("%v %s %q %x %#v", id, id, id, id, id); strings.Contains(s, value) {
			t.Fatalf("fmt leaked the value")
		}
	})
}
