package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// revealHelp ends the --help of the commands that print an ExternalId for
// the customer.
const revealHelp = `The value is printed only when stdout is a terminal, or with --reveal.
When stdout is redirected or piped without --reveal, each value is replaced
by a placeholder, <ExternalId of tenant ID, fingerprint sha256:...>, and a
note on stderr says to pass --reveal: the value does not end up in a file,
a log or a CI transcript by accident.`

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// reveal reports whether a command may print ExternalId values: with
// --reveal, or when stdout is a terminal. Otherwise the command prints
// placeholders, then calls noteRedacted.
func (a *app) reveal(revealFlag bool) bool {
	return revealFlag || (a.isTerminal != nil && a.isTerminal(a.stdout))
}

// noteRedacted tells, on stderr, that command printed placeholders.
func (a *app) noteRedacted(command string) {
	fmt.Fprintf(a.stderr, "externalid %s: stdout is not a terminal, so each ExternalId is replaced by a placeholder; pass --reveal to print the values (send them to the customer only)\n", command)
}

// redactLinkParam replaces the value of the URL query parameter name in
// link (whose values are percent-encoded, so hold no '&') by placeholder.
// It returns false when link has no such parameter.
func redactLinkParam(link, name, placeholder string) (string, bool) {
	key := "&" + name + "="
	i := strings.Index(link, key)
	if i < 0 {
		return "", false
	}
	start := i + len(key)
	end := len(link)
	if j := strings.IndexByte(link[start:], '&'); j >= 0 {
		end = start + j
	}
	return link[:start] + placeholder + link[end:], true
}
