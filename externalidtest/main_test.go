package externalidtest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/tenantrole/externalid/internal/motoserver"
)

// moto is the shared moto_server for the conformance suite.
var moto motoserver.Lazy

func TestMain(m *testing.M) {
	// moto's recorder writes its file into its working directory (this
	// package) unless told otherwise; keep it in a temporary directory.
	dir, err := os.MkdirTemp("", "externalidtest-moto-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "externalidtest: temporary directory:", err)
		os.Exit(1)
	}
	os.Setenv("MOTO_RECORDER_FILEPATH", filepath.Join(dir, "moto_recording"))
	code := m.Run()
	moto.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}
