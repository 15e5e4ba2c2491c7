package externalidvet_test

import (
	"testing"

	"github.com/tenantrole/externalid/passes/externalidvet"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	testdata := analysistest.TestData()
	analysistest.Run(t, testdata, externalidvet.Analyzer, "input", "options")
}
