package onboarding_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/onboarding"
)

func TestTrustPolicy(t *testing.T) {
	a, _ := externalid.New("value-a-0001")
	b, _ := externalid.New("value-b-0002")
	tests := []struct {
		name      string
		principal string
		ids       []externalid.ExternalID
		want      any // the sts:ExternalId condition value
		wantErr   error
	}{
		{name: "role", principal: "arn:aws:iam::111122223333:role/SaaS", ids: []externalid.ExternalID{a}, want: "value-a-0001"},
		{name: "user", principal: "arn:aws:iam::111122223333:user/backend", ids: []externalid.ExternalID{a}, want: "value-a-0001"},
		{name: "root", principal: "arn:aws:iam::111122223333:root", ids: []externalid.ExternalID{a}, want: "value-a-0001"},
		{name: "account id", principal: "111122223333", ids: []externalid.ExternalID{a}, want: "value-a-0001"},
		{name: "china", principal: "arn:aws-cn:iam::111122223333:role/SaaS", ids: []externalid.ExternalID{a}, want: "value-a-0001"},
		{name: "two values", principal: "111122223333", ids: []externalid.ExternalID{a, b}, want: []any{"value-a-0001", "value-b-0002"}},
		{name: "duplicate values", principal: "111122223333", ids: []externalid.ExternalID{a, a}, want: "value-a-0001"},
		{name: "zero ExternalID", principal: "111122223333", ids: []externalid.ExternalID{{}}, wantErr: onboarding.ErrInvalidArgument},
		{name: "short account", principal: "11112222333", ids: []externalid.ExternalID{a}, wantErr: onboarding.ErrInvalidArgument},
		{name: "S3 ARN", principal: "arn:aws:s3:::bucket", ids: []externalid.ExternalID{a}, wantErr: onboarding.ErrInvalidArgument},
		{name: "wildcard", principal: "*", ids: []externalid.ExternalID{a}, wantErr: onboarding.ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := onboarding.TrustPolicy(tt.principal, tt.ids[0], tt.ids[1:]...)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("TrustPolicy() error = %v; want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("TrustPolicy() error = %v", err)
			}
			var doc struct {
				Statement []struct {
					Effect    string
					Principal struct{ AWS string }
					Action    string
					Condition map[string]map[string]any
				}
			}
			if err := json.Unmarshal([]byte(got), &doc); err != nil {
				t.Fatalf("TrustPolicy() is not JSON: %v\n%s", err, got)
			}
			st := doc.Statement[0]
			if st.Effect != "Allow" || st.Principal.AWS != tt.principal || st.Action != "sts:AssumeRole" {
				t.Errorf("statement = %+v; want Allow %s sts:AssumeRole", st, tt.principal)
			}
			gotCond, _ := json.Marshal(st.Condition["StringEquals"]["sts:ExternalId"])
			wantCond, _ := json.Marshal(tt.want)
			if string(gotCond) != string(wantCond) {
				t.Errorf("sts:ExternalId condition = %s; want %s", gotCond, wantCond)
			}
		})
	}
}
