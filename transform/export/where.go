package export

import (
	"fmt"
	"strings"
)

// allowedWords are the SQL keywords and scalar functions a --where filter may use besides the table's
// columns. There is no SELECT, FROM, UNION, no table function (read_csv, glob …) and no statement
// separator, so a filter cannot reach beyond the one table it filters, whatever it says; the query also
// runs on a read-only connection.
var allowedWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`and or not in is null between like ilike similar escape true false case when then else end
		cast try_cast as date timestamp time integer int bigint smallint double float decimal varchar text boolean interval
		year month day quarter week hour minute extract date_part date_trunc current_date today
		lower upper trim ltrim rtrim length strlen starts_with ends_with contains prefix suffix substr substring left right
		concat replace regexp_matches nullif coalesce ifnull greatest least abs round floor ceil sign`) {
		allowedWords[w] = true
	}
}

// ValidateWhere checks a filter written by a person: only the table's columns, literals, operators and
// the allowed words, with balanced parentheses. It returns an error in Bahasa Indonesia that names the
// offending token.
func ValidateWhere(where string, columns map[string]bool) error {
	depth := 0
	s := where
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			j := i + 1
			for {
				if j >= len(s) {
					return fmt.Errorf("--where: tanda kutip ' tidak ditutup")
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			i = j + 1
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return fmt.Errorf("--where: tanda kutip \" tidak ditutup")
			}
			name := s[i+1 : i+1+j]
			if !columns[name] {
				return fmt.Errorf("--where: kolom %q tidak ada di tabel ini", name)
			}
			i += j + 2
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == 'e' || s[i] == 'E') {
				i++
			}
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			w := s[i:j]
			if !columns[w] && !allowedWords[strings.ToLower(w)] {
				return fmt.Errorf("--where: %q bukan kolom tabel ini atau kata yang diizinkan (pakai kolom, angka, 'teks', =, <, >, AND, OR, IN, LIKE, BETWEEN, IS NULL)", w)
			}
			i = j
		case c == '(':
			depth++
			i++
		case c == ')':
			depth--
			if depth < 0 {
				return fmt.Errorf("--where: tanda kurung ) tanpa pasangan")
			}
			i++
		case c == '-' && i+1 < len(s) && s[i+1] == '-', c == '/' && i+1 < len(s) && s[i+1] == '*':
			return fmt.Errorf("--where: komentar SQL tidak diizinkan")
		case strings.IndexByte("=<>!+-*/%,:|", c) >= 0:
			i++
		default:
			return fmt.Errorf("--where: karakter %q tidak diizinkan", string(c))
		}
	}
	if depth != 0 {
		return fmt.Errorf("--where: tanda kurung ( tidak ditutup")
	}
	return nil
}
