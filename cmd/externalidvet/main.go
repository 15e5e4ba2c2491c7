// Command externalidvet reports STS AssumeRole requests that can be sent
// without an ExternalId, and hard-coded external IDs.
//
// It runs the analyzer of package
// github.com/tenantrole/externalid/passes/externalidvet on its own:
//
//	externalidvet ./...
//
// or as a vet tool:
//
//	go vet -vettool=$(command -v externalidvet) ./...
package main

import (
	"github.com/tenantrole/externalid/passes/externalidvet"
	"golang.org/x/tools/go/analysis/singlechecker"
)

func main() { singlechecker.Main(externalidvet.Analyzer) }
