package externalidtest_test

import (
	"os"
	"testing"

	"github.com/tenantrole/externalid/internal/motoserver"
)

// moto is the shared moto_server for the conformance suite.
var moto motoserver.Lazy

func TestMain(m *testing.M) { os.Exit(moto.Run(m)) }
