package motoserver_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/tenantrole/externalid/internal/motoserver"
)

var moto motoserver.Lazy

func TestMain(m *testing.M) { os.Exit(moto.Run(m)) }

func TestRecorderDecodesQueryRequests(t *testing.T) {
	srv := moto.Get(t)
	ctx := context.Background()
	if err := srv.StartRecording(ctx); err != nil {
		t.Fatal(err)
	}
	body := "Action=GetCallerIdentity&Version=2011-06-15"
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	reqs, err := srv.Requests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 1 {
		t.Fatalf("Requests() = %d requests; want 1", len(reqs))
	}
	if got := reqs[0].Action(); got != "GetCallerIdentity" {
		t.Errorf("Action() = %q; want GetCallerIdentity", got)
	}
	if got := reqs[0].Form().Get("Version"); got != "2011-06-15" {
		t.Errorf("Form().Get(Version) = %q; want 2011-06-15", got)
	}
}

func TestBinaryHonoursOverride(t *testing.T) {
	t.Setenv(motoserver.BinaryEnv, "/opt/custom/moto_server")
	got, err := motoserver.Binary()
	if err != nil || got != "/opt/custom/moto_server" {
		t.Fatalf("Binary() = %q, %v; want /opt/custom/moto_server, nil", got, err)
	}
}
