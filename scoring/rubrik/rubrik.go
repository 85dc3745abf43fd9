// Package rubrik embeds the health rubric files (*.toml). They are data, not code: see
// scoring/README.md for the file format, and scoring/kesehatan for the engine that loads, validates
// and computes them.
package rubrik

import "embed"

// FS holds every rubric file shipped with Pantau.
//
//go:embed *.toml
var FS embed.FS
