package externalidvet

import (
	"go/token"
	"strings"
)

// ignoreDirective starts a comment that suppresses a finding on its own
// line or the line below. A reason must follow it, before any "//".
const ignoreDirective = "//externalid:ignore"

// An ignoreKey is a line of a file.
type ignoreKey struct {
	file string
	line int
}

// readIgnores records the ignore comments that give a reason and reports
// those that do not.
func (c *checker) readIgnores() {
	c.ignores = make(map[ignoreKey]bool)
	for _, f := range c.pass.Files {
		for _, group := range f.Comments {
			for _, comment := range group.List {
				rest, ok := strings.CutPrefix(comment.Text, ignoreDirective)
				if !ok || rest != "" && rest[0] != ' ' && rest[0] != '\t' {
					continue // not ours, as in //externalid:ignored
				}
				reason, _, _ := strings.Cut(rest, "//") // a comment in the comment is no reason
				if strings.TrimSpace(reason) == "" {
					c.pass.Report(diagnostic(comment.Pos(), comment.End(), categorySuppression, msgNoReason))
					continue
				}
				pos := c.pass.Fset.Position(comment.Pos())
				c.ignores[ignoreKey{pos.Filename, pos.Line}] = true
			}
		}
	}
}

// ignored reports whether an ignore comment suppresses a finding at pos.
func (c *checker) ignored(pos token.Pos) bool {
	p := c.pass.Fset.Position(pos)
	return c.ignores[ignoreKey{p.Filename, p.Line}] || c.ignores[ignoreKey{p.Filename, p.Line - 1}]
}
