package externalid

import (
	"encoding/json"
	"fmt"
)

// ParseSecret reads an ExternalID from a Secrets Manager SecretString, as
// [SecretsManagerResolver] does: the string itself when jsonKey is "", else
// the string under jsonKey of a JSON object. A nil secretString stands for a
// binary-only secret. Errors wrap [ErrInvalidExternalID] and never quote the
// content.
func ParseSecret(secretString *string, jsonKey string) (ExternalID, error) {
	if secretString == nil {
		return ExternalID{}, fmt.Errorf("%w: %w", ErrInvalidExternalID, errNoSecretString)
	}
	value := *secretString
	if jsonKey != "" {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal([]byte(value), &fields); err != nil || fields == nil {
			return ExternalID{}, fmt.Errorf("%w: SecretString is not a JSON object, but SecretsManagerOptions.JSONKey is set", ErrInvalidExternalID)
		}
		raw, ok := fields[jsonKey]
		if !ok {
			return ExternalID{}, fmt.Errorf("%w: SecretString has no key %q", ErrInvalidExternalID, jsonKey)
		}
		if err := json.Unmarshal(raw, &value); err != nil || string(raw) == "null" {
			return ExternalID{}, fmt.Errorf("%w: key %q of SecretString is not a string", ErrInvalidExternalID, jsonKey)
		}
	}
	id, err := New(value)
	if err != nil {
		return ExternalID{}, fmt.Errorf("secret content: %w", err)
	}
	return id, nil
}
