package dashboards

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

// opsAllowed are the operational tables pages may read besides the marts: the "data per" stamp
// (ops.runs) and the Kualitas Data page (ops.submissions, ops.quarantine, ops.check_results).
var opsAllowed = map[string]bool{"ops.runs": true, "ops.submissions": true, "ops.quarantine": true, "ops.check_results": true}

var (
	sqlComment = regexp.MustCompile(`--[^\n]*|/\*(?s:.*?)\*/`)
	sqlString  = regexp.MustCompile(`'(?:[^']|'')*'`)
	sqlTable   = regexp.MustCompile(`(?i)\b(raw|staging|core|mart|ops)\s*\.\s*([a-z_][a-z0-9_]*)`)
)

// Every page reads the marts through the named queries, plus the few ops tables above; never
// raw, staging or core.
func TestQueriesReadMartsOnly(t *testing.T) {
	if queriesErr != nil {
		t.Fatal(queriesErr)
	}
	if len(queries) < 40 {
		t.Fatalf("only %d queries loaded", len(queries))
	}
	for name, q := range queries {
		q = sqlString.ReplaceAllString(sqlComment.ReplaceAllString(q, " "), "''")
		for _, m := range sqlTable.FindAllStringSubmatch(q, -1) {
			tb := strings.ToLower(m[1] + "." + m[2])
			if !strings.HasPrefix(tb, "mart.") && !opsAllowed[tb] {
				t.Errorf("query %s reads %s: pages read marts only (and %v)", name, tb, keys(opsAllowed))
			}
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestLoadQueries(t *testing.T) {
	fsys := fstest.MapFS{
		"queries/a.sql": {Data: []byte("-- header, not a query\n-- name: satu\n-- what it is\nSELECT {{dua}} FROM mart.x\n\n-- name: dua\n1 + 1\n")},
		"queries/b.sql": {Data: []byte("-- name: tiga\nSELECT {{satu}}\n")},
	}
	qs, err := loadQueries(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if want := "-- what it is\nSELECT 1 + 1 FROM mart.x"; qs["satu"] != want {
		t.Errorf("satu = %q, want %q", qs["satu"], want)
	}
	if !strings.Contains(qs["tiga"], "SELECT -- what it is\nSELECT 1 + 1") {
		t.Errorf("tiga = %q", qs["tiga"])
	}
	for _, bad := range []string{"-- name: a\nSELECT {{b}}\n", "-- name: a\nSELECT {{a}}\n", "-- name: a\nSELECT 1\n-- name: a\nSELECT 2\n"} {
		if _, err := loadQueries(fstest.MapFS{"queries/x.sql": {Data: []byte(bad)}}); err == nil {
			t.Errorf("%q loaded without error", bad)
		}
	}
	if _, err := query("tidak_ada"); err == nil {
		t.Error("an unknown query name was accepted")
	}
}
