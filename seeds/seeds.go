// Package seeds holds the articles Dossier indexes by default, built into
// the binary so that it answers questions on a fresh machine without any
// files of its own. It must not import anything of Dossier's.
package seeds

import (
	"embed"
	"io/fs"
)

//go:embed *.txt
var files embed.FS

// FS returns the seed articles as a file system rooted at the articles.
func FS() fs.FS { return files }
