package dashboards

import (
	"path"
	"strings"
)

// Bagian is the part of the office's work a published file belongs to, so that a server showing
// the internal build behind a login (pantau serve, at /dasbor/) gives each role the same dashboard
// files as it gives them pages of its own. The site itself knows no users: it only declares, here,
// which of its files carry what; the server maps each Bagian to the permission it needs.
type Bagian string

const (
	// BagianUmum is everything an office's staff may see: the aggregate pages, the directory and
	// profiles (without the follow-up cases), their downloads, the assets.
	BagianUmum Bagian = "umum"
	// BagianTindakLanjut is the follow-up cases: the Tindak Lanjut page, the downloads of its
	// tables (the case list names cooperatives, officers and due dates) and the cases shown on each
	// cooperative's profile (data/kasus/).
	BagianTindakLanjut Bagian = "tindak-lanjut"
)

// bagianHalaman: the pages (by navigation key) that are not BagianUmum; a page's downloads go with it.
var bagianHalaman = map[string]Bagian{"tindak-lanjut": BagianTindakLanjut}

// bagianFolder: the data folders that are not BagianUmum.
var bagianFolder = map[string]Bagian{"data/kasus": BagianTindakLanjut}

// downloadBase is the start of the names of a page's downloads under unduh/ (see writeDownloads).
func downloadBase(pageFile string) string { return strings.TrimSuffix(pageFile, ".html") + "-" }

// BagianBerkas says which part the file at rel (a slash-separated path below the site's root, as
// requested: "tindak-lanjut.html", "unduh/tindak-lanjut-daftar.csv") belongs to. ok is false for a
// name the site never writes (a character outside letters, digits, '.', '-', '_' and '/'), which a
// server should answer as not found: that rules out the other spellings a Windows file system
// would open the same file by (short 8.3 names with '~', streams with ':'). For the rest the name is
// compared as a case-insensitive file system compares it: case folded, and trailing dots and
// spaces of each segment dropped.
func BagianBerkas(rel string) (b Bagian, ok bool) {
	for i := 0; i < len(rel); i++ {
		c := rel[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == '/') {
			return "", false
		}
	}
	segs := strings.Split(strings.ToLower(path.Clean("/" + rel))[1:], "/")
	for i, s := range segs {
		segs[i] = strings.TrimRight(s, ". ")
	}
	p := strings.Join(segs, "/")
	for _, n := range navAll {
		bg, ok := bagianHalaman[n.Key]
		if !ok {
			continue
		}
		if p == n.File || strings.TrimSuffix(p, ".html") == strings.TrimSuffix(n.File, ".html") ||
			strings.HasPrefix(p, "unduh/"+downloadBase(n.File)) {
			return bg, true
		}
	}
	for dir, bg := range bagianFolder {
		if p == dir || strings.HasPrefix(p, dir+"/") {
			return bg, true
		}
	}
	return BagianUmum, true
}
