package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"
)

// The server pages' own stylesheet and script, as files (the Content-Security-Policy allows no
// inline script or style). The stylesheet starts with the office colour, which is why it is built
// when the server starts rather than served as it is embedded.
type staticFile struct {
	body  []byte
	ctype string
	etag  string
}

func staticFiles(warna string) (map[string]staticFile, error) {
	if warna == "" {
		warna = "#0f5c8c"
	}
	out := map[string]staticFile{}
	for name, ctype := range map[string]string{"pantau.css": "text/css; charset=utf-8", "unggah.js": "text/javascript; charset=utf-8"} {
		b, err := staticFS.ReadFile("static/" + name)
		if err != nil {
			return nil, fmt.Errorf("berkas statis %s: %w", name, err)
		}
		if name == "pantau.css" {
			// kantor.warna_utama is checked to be #rgb or #rrggbb when pantau.toml is read.
			b = append([]byte(":root{--warna:"+warna+"}\n"), b...)
		}
		sum := sha256.Sum256(b)
		out[name] = staticFile{body: b, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	}
	return out, nil
}

var startTime = time.Now()

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	f, ok := s.statis[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("ETag", f.etag)
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "", startTime, bytes.NewReader(f.body))
}
