package testws

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pantau-koperasi/pantau/internal/warehouse"
)

var (
	createTable = regexp.MustCompile(`(?i)^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.]+)\s*\(`)
	columnLine  = regexp.MustCompile(`^\s*"?(\w+)"?\s+[A-Za-z]+[^-]*--\s*(.+)$`)
)

// Vocabulary returns the words the migrations list for table.column, the comment after the column
// (`status VARCHAR NOT NULL, -- baru, diproses, selesai, dibatalkan`), in order. The warehouse has
// no CHECK constraints; these comments are where a vocabulary is written down beside its column,
// and a Go enum's test compares its values with them, so a word added on one side only fails.
// The last migration that comments the column wins. The test fails when none does.
func Vocabulary(t testing.TB, table, column string) []string {
	t.Helper()
	ms, err := warehouse.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for _, m := range ms {
		cur := ""
		for _, line := range strings.Split(m.SQL, "\n") {
			if g := createTable.FindStringSubmatch(line); g != nil {
				cur = strings.ToLower(g[1])
				continue
			}
			if strings.HasPrefix(strings.TrimSpace(line), ")") {
				cur = ""
				continue
			}
			if cur != strings.ToLower(table) {
				continue
			}
			if g := columnLine.FindStringSubmatch(line); g != nil && strings.EqualFold(g[1], column) {
				words = words[:0]
				for _, w := range strings.Split(g[2], ",") {
					if w = strings.TrimSpace(w); w != "" {
						words = append(words, w)
					}
				}
			}
		}
	}
	if len(words) == 0 {
		t.Fatalf("no migration lists the words of %s.%s in a comment after the column", table, column)
	}
	return words
}
