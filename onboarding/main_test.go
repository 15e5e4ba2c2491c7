package onboarding_test

import (
	"os"
	"testing"

	"github.com/tenantrole/externalid/internal/motoserver"
)

// moto is the package's shared moto_server, started by the first test that
// asks for it.
var moto motoserver.Lazy

func TestMain(m *testing.M) { os.Exit(moto.Run(m)) }
