package transform

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The schemas of the warehouse: a name schema.table in a model's SQL is a table it reads.
var warehouseSchemas = map[string]bool{"raw": true, "staging": true, "core": true, "mart": true, "ops": true}

// tablesRead lists the schema-qualified tables a SQL text names (raw.x, staging.x, core.x, mart.x,
// ops.x), sorted and without repeats. Comments and string literals are skipped; "quoted" identifiers
// count like bare ones. A model's SQL is one SELECT, so every table it names is one it reads.
func tablesRead(sql string) []string {
	type tok struct {
		s     string
		ident bool
	}
	var toks []tok
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				i = len(sql)
			} else {
				i += end + 4
			}
		case c == '\'':
			i++
			for i < len(sql) {
				if sql[i] == '\'' {
					if i+1 < len(sql) && sql[i+1] == '\'' {
						i += 2
						continue
					}
					break
				}
				i++
			}
			i++
			toks = append(toks, tok{s: "'"})
		case c == '"':
			j := i + 1
			var b strings.Builder
			for j < len(sql) {
				if sql[j] == '"' {
					if j+1 < len(sql) && sql[j+1] == '"' {
						b.WriteByte('"')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(sql[j])
				j++
			}
			toks = append(toks, tok{s: b.String(), ident: true})
			i = j + 1
		case isIdentByte(c, true):
			j := i
			for j < len(sql) && isIdentByte(sql[j], false) {
				j++
			}
			toks = append(toks, tok{s: strings.ToLower(sql[i:j]), ident: true})
			i = j
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		default:
			toks = append(toks, tok{s: string(c)})
			i++
		}
	}
	seen := map[string]bool{}
	var out []string
	for i := 0; i+2 < len(toks); i++ {
		if !toks[i].ident || toks[i+1].s != "." || !toks[i+2].ident || !warehouseSchemas[toks[i].s] {
			continue
		}
		if t := toks[i].s + "." + toks[i+2].s; !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

func isIdentByte(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && (c >= '0' && c <= '9' || c == '$')
}

func TestTablesRead(t *testing.T) {
	got := tablesRead(`-- depends_on: core.nope
		/* mart.nope */ WITH x AS (SELECT 'mart.nope' AS s, 'it''s core.nope' FROM "core"."Laporan" l)
		SELECT * FROM x JOIN mart.koperasi k ON k.nik = x.nik, ops.check_runs, pantau.raw.laporan
		WHERE k.kode = core.wilayah_hierarki.kode AND k.jenis <> 'raw.x'`)
	want := []string{"core.Laporan", "core.wilayah_hierarki", "mart.koperasi", "ops.check_runs", "raw.laporan"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tablesRead = %v, want %v", got, want)
	}
}

// Every table a model's SQL reads is declared in its header: a model under `-- depends_on:` (so it
// runs first and `--select x+` reaches the model), any other table under `-- reads:` (and that table
// exists once the migrations ran). Nothing is declared that the SQL does not read.
func TestModelsDeclareWhatTheyRead(t *testing.T) {
	ms, err := Models()
	if err != nil {
		t.Fatal(err)
	}
	isModel := map[string]bool{}
	for _, m := range ms {
		isModel[m.Name] = true
	}
	ws := newWS(t)
	exists := func(table string) bool {
		schema, name, _ := strings.Cut(table, ".")
		return queryInt(t, ws, `SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?`, schema, name) > 0
	}
	for _, m := range ms {
		read := map[string]bool{}
		for _, tb := range tablesRead(m.SQL) {
			read[tb] = true
		}
		deps, reads := set(m.Deps), set(m.Reads)
		for tb := range read {
			switch {
			case isModel[tb] && tb == m.Name:
				t.Errorf("%s reads itself", m.Name)
			case isModel[tb] && !deps[tb]:
				t.Errorf("%s reads the model %s but its -- depends_on: does not name it", m.Name, tb)
			case !isModel[tb] && !reads[tb]:
				t.Errorf("%s reads %s (no model builds it) but its -- reads: does not name it", m.Name, tb)
			}
		}
		for _, d := range m.Deps {
			if !read[d] {
				t.Errorf("%s: -- depends_on: names %s, which its SQL does not read", m.Name, d)
			}
		}
		for _, r := range m.Reads {
			switch {
			case isModel[r]:
				t.Errorf("%s: -- reads: names the model %s; models go under -- depends_on:", m.Name, r)
			case !read[r]:
				t.Errorf("%s: -- reads: names %s, which its SQL does not read", m.Name, r)
			case !exists(r):
				t.Errorf("%s: -- reads: names %s, which the migrations do not create", m.Name, r)
			}
		}
	}
}

func set(xs []string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}
