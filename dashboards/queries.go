package dashboards

import (
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
)

// The dashboards' SQL: named queries in queries/*.sql, embedded. A query starts at a line
// `-- name: x` and runs to the next such line or the end of the file; `{{x}}` includes query x
// where it stands (a fragment shared by several queries). Inclusion happens once, at start-up, and
// only ever pastes embedded SQL: values are bound ($name with sql.Named), never formatted in.
//
//go:embed queries/*.sql
var queryFS embed.FS

var (
	queries    map[string]string
	queriesErr error
)

func init() { queries, queriesErr = loadQueries(queryFS) }

var (
	nameLine = regexp.MustCompile(`(?m)^--\s*name:\s*([a-z0-9_]+)\s*$`)
	include  = regexp.MustCompile(`\{\{([a-z0-9_]+)\}\}`)
)

// loadQueries reads every queries/*.sql file of fsys and resolves the inclusions.
func loadQueries(fsys fs.FS) (map[string]string, error) {
	files, err := fs.Glob(fsys, "queries/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	raw := map[string]string{}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		text := string(b)
		idx := nameLine.FindAllStringSubmatchIndex(text, -1)
		for i, m := range idx {
			name := text[m[2]:m[3]]
			end := len(text)
			if i+1 < len(idx) {
				end = idx[i+1][0]
			}
			if _, dup := raw[name]; dup {
				return nil, fmt.Errorf("%s: kueri %s sudah ada", f, name)
			}
			raw[name] = strings.TrimSpace(text[m[1]:end])
		}
	}
	out := map[string]string{}
	var resolve func(name string, path []string) (string, error)
	resolve = func(name string, path []string) (string, error) {
		if q, ok := out[name]; ok {
			return q, nil
		}
		q, ok := raw[name]
		if !ok {
			return "", fmt.Errorf("kueri %s tidak ada (disertakan oleh %s)", name, strings.Join(path, " → "))
		}
		for _, p := range path {
			if p == name {
				return "", fmt.Errorf("kueri %s menyertakan dirinya: %s", name, strings.Join(append(path, name), " → "))
			}
		}
		var err error
		q = include.ReplaceAllStringFunc(q, func(m string) string {
			s, e := resolve(include.FindStringSubmatch(m)[1], append(path, name))
			if e != nil && err == nil {
				err = e
			}
			return s
		})
		if err != nil {
			return "", err
		}
		out[name] = q
		return q, nil
	}
	for name := range raw {
		if _, err := resolve(name, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// query returns the SQL of a named query.
func query(name string) (string, error) {
	if queriesErr != nil {
		return "", queriesErr
	}
	q, ok := queries[name]
	if !ok {
		return "", fmt.Errorf("kueri dasbor %s tidak ada", name)
	}
	return q, nil
}
