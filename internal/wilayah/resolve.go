package wilayah

import (
	"fmt"
	"strings"
)

// Resolver matches region codes and names within a jurisdiction. It is built once per run from the
// embedded codes and is safe for concurrent use (read-only after construction).
type Resolver struct {
	scope  string             // jurisdiction code ("" = whole country)
	byKode map[string]*Region // dotted code → region, only inside scope
	// byName indexes normalised names per level, inside scope; a name may have several regions.
	byName [5]map[string][]*Region
}

// NewResolver builds a resolver for the jurisdiction (a dotted Kemendagri code, "" for all).
func NewResolver(scope string) (*Resolver, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	scope = strings.TrimSpace(scope)
	r := &Resolver{scope: scope, byKode: map[string]*Region{}}
	for i := range r.byName {
		r.byName[i] = map[string][]*Region{}
	}
	found := scope == ""
	for i := range all {
		if all[i].Kode == scope {
			found = true
		}
		if !InScope(scope, all[i].Kode) && !IsAncestor(all[i].Kode, scope) {
			continue
		}
		// A copy, not a pointer into all: the resolver of a city keeps its hundred regions, not the
		// country's 92,000 (a pointer into the slice would keep every one of them alive).
		reg := new(Region)
		*reg = all[i]
		r.byKode[reg.Kode] = reg
		n := normaliseName(reg.Nama, reg.Level)
		r.byName[reg.Level][n] = append(r.byName[reg.Level][n], reg)
	}
	if !found {
		return nil, fmt.Errorf("kode wilayah kantor %q tidak ada dalam daftar Kemendagri 2025", scope)
	}
	return r, nil
}

// Scope is the jurisdiction code.
func (r *Resolver) Scope() string { return r.scope }

// Lookup returns the region of a dotted code inside the scope (or one of its ancestors).
func (r *Resolver) Lookup(kode string) (Region, bool) {
	reg, ok := r.byKode[kode]
	if !ok {
		return Region{}, false
	}
	return *reg, true
}

// InScope reports whether kode lies inside (or is) the jurisdiction scope.
func InScope(scope, kode string) bool {
	return scope == "" || kode == scope || strings.HasPrefix(kode, scope+".")
}

// IsAncestor reports whether a is a proper ancestor of b.
func IsAncestor(a, b string) bool { return b != a && strings.HasPrefix(b, a+".") }

// NormaliseCode turns a code as written into the dotted Kemendagri form: "3276" → "32.76",
// "3276011006" → "32.76.01.1006", " 32.76.01 " → "32.76.01". ok is false when it is not code-shaped.
func NormaliseCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "'")
	if s == "" {
		return "", false
	}
	if strings.Contains(s, ".") {
		parts := strings.Split(s, ".")
		want := []int{2, 2, 2, 4}
		if len(parts) > 4 {
			return "", false
		}
		for i, p := range parts {
			if len(p) != want[i] || !allDigits(p) {
				return "", false
			}
		}
		return s, true
	}
	if !allDigits(s) {
		return "", false
	}
	switch len(s) {
	case 2:
		return s, true
	case 4:
		return s[:2] + "." + s[2:], true
	case 6:
		return s[:2] + "." + s[2:4] + "." + s[4:], true
	case 10:
		return s[:2] + "." + s[2:4] + "." + s[4:6] + "." + s[6:], true
	}
	return "", false
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// Names are the region names of a row, any of which may be empty.
type Names struct {
	Kode, Provinsi, KabupatenKota, Kecamatan, DesaKelurahan string
}

// ResolveError says which part of a row's region could not be resolved, in Bahasa Indonesia.
type ResolveError struct {
	Field string // canonical field at fault: kode_wilayah, kabupaten_kota, kecamatan, ...
	Value string
	Msg   string
}

func (e *ResolveError) Error() string { return e.Msg }

// Resolve returns the most specific dotted code that the row's code or names identify inside the
// jurisdiction. An empty row region returns "" and no error. A code wins over names when both are given.
func (r *Resolver) Resolve(n Names) (string, error) {
	if strings.TrimSpace(n.Kode) != "" {
		kode, ok := NormaliseCode(n.Kode)
		if !ok {
			return "", &ResolveError{"kode_wilayah", n.Kode, fmt.Sprintf("kode wilayah %q tidak berbentuk kode Kemendagri (contoh 32.76.01)", n.Kode)}
		}
		if _, ok := r.byKode[kode]; !ok {
			if r.scope != "" {
				return "", &ResolveError{"kode_wilayah", n.Kode, fmt.Sprintf("kode wilayah %q tidak dikenal atau di luar wilayah kantor (%s)", n.Kode, r.scope)}
			}
			return "", &ResolveError{"kode_wilayah", n.Kode, fmt.Sprintf("kode wilayah %q tidak dikenal dalam daftar Kemendagri 2025", n.Kode)}
		}
		return kode, nil
	}
	parent := ""
	steps := []struct {
		field, value string
		level        int
	}{
		{"provinsi", n.Provinsi, 1}, {"kabupaten_kota", n.KabupatenKota, 2},
		{"kecamatan", n.Kecamatan, 3}, {"desa_kelurahan", n.DesaKelurahan, 4},
	}
	for _, s := range steps {
		if strings.TrimSpace(s.value) == "" {
			continue
		}
		// A name may also be a code ("32.76" in the Kabupaten/Kota column).
		if kode, ok := NormaliseCode(s.value); ok {
			if reg, ok := r.byKode[kode]; ok && reg.Level == s.level && (parent == "" || IsAncestor(parent, kode)) {
				parent = kode
				continue
			}
		}
		cands := r.byName[s.level][normaliseName(s.value, s.level)]
		var in []*Region
		for _, c := range cands {
			if parent != "" && !IsAncestor(parent, c.Kode) {
				continue
			}
			if !InScope(r.scope, c.Kode) && !IsAncestor(c.Kode, r.scope) {
				continue
			}
			in = append(in, c)
		}
		if len(in) > 1 && s.level == 2 {
			in = preferKind(in, s.value)
		}
		switch len(in) {
		case 0:
			where := "wilayah kantor"
			if parent != "" {
				where = r.byKode[parent].Nama
			}
			return "", &ResolveError{s.field, s.value, fmt.Sprintf("%s %q tidak ditemukan di %s", label(s.level), s.value, where)}
		case 1:
			parent = in[0].Kode
		default:
			var opts []string
			for _, c := range in {
				opts = append(opts, c.Kode+" "+c.Nama)
			}
			return "", &ResolveError{s.field, s.value, fmt.Sprintf("%s %q ambigu (%s): isi kolom wilayah di atasnya atau pakai kode wilayah", label(s.level), s.value, strings.Join(opts, ", "))}
		}
	}
	return parent, nil
}

func label(level int) string {
	return [...]string{"", "provinsi", "kabupaten/kota", "kecamatan", "desa/kelurahan"}[level]
}

// preferKind picks "Kota X" or "Kabupaten X" when the written name says which.
func preferKind(in []*Region, written string) []*Region {
	w := strings.ToLower(strings.TrimSpace(written))
	wantKota := strings.HasPrefix(w, "kota ") || strings.HasPrefix(w, "kota.")
	wantKab := strings.HasPrefix(w, "kab")
	if !wantKota && !wantKab {
		return in
	}
	var out []*Region
	for _, c := range in {
		isKota := strings.HasPrefix(strings.ToLower(c.Nama), "kota ")
		if isKota == wantKota {
			out = append(out, c)
		}
	}
	return out
}

// prefixes people write before region names, by level.
var namePrefixes = [5][]string{
	{},
	{"provinsi", "propinsi", "prov"},
	{"kabupaten", "kab", "kota adm", "kota administrasi", "kota"},
	{"kecamatan", "kec"},
	{"kelurahan", "kel", "desa", "ds"},
}

// normaliseName folds a region name: case, punctuation and the level's prefixes ignored.
func normaliseName(s string, level int) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteRune(c)
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	joined := strings.Join(words, " ")
	if level >= 1 && level <= 4 {
		for _, p := range namePrefixes[level] {
			if strings.HasPrefix(joined, p+" ") {
				joined = strings.TrimPrefix(joined, p+" ")
				break
			}
		}
	}
	return joined
}
