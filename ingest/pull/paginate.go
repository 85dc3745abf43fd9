package pull

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"

	"github.com/pantau-koperasi/pantau/internal/config"
)

// Position is where a pull continues: the next page to ask for. It is saved with each committed page
// (ops.pull_state.run_next), so an interrupted pull resumes at the first page not yet loaded.
type Position struct {
	Page   int    `json:"page,omitempty"`   // paginasi = page, 1-based
	Offset int    `json:"offset,omitempty"` // paginasi = offset
	Cursor string `json:"cursor,omitempty"` // paginasi = cursor
	URL    string `json:"url,omitempty"`    // paginasi = next_link
}

// first is the position of a new pull.
func first(src *config.Sumber) Position {
	if src.Paginasi == "page" {
		return Position{Page: 1}
	}
	return Position{}
}

// pageURL builds the request for a position. since is sent on every page of a pull, so the source
// pages through one stable result set.
func pageURL(src *config.Sumber, pos Position, since string) (string, error) {
	if src.Paginasi == "next_link" && pos.URL != "" {
		return pos.URL, nil // the source's own link carries the query
	}
	u, err := url.Parse(src.URL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	if src.SinceParam != "" && since != "" {
		q.Set(src.SinceParam, since)
	}
	size := strconv.Itoa(src.UkuranHalaman)
	switch src.Paginasi {
	case "page":
		q.Set(src.PageParam, strconv.Itoa(pos.Page))
		q.Set(src.SizeParam, size)
	case "offset":
		q.Set(src.OffsetParam, strconv.Itoa(pos.Offset))
		q.Set(src.SizeParam, size)
	case "cursor":
		if pos.Cursor != "" {
			q.Set(src.CursorParam, pos.Cursor)
		}
		q.Set(src.SizeParam, size)
	case "next_link":
		q.Set(src.SizeParam, size)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

var linkNextRe = regexp.MustCompile(`<([^>]*)>\s*;[^,]*\brel="?next"?`)

// next decides the position after a page: ok is false when the pull is complete. body is the decoded
// page, n the records on it, reqURL the page's URL (a relative next link resolves against it).
func next(src *config.Sumber, pos Position, body any, n int, link, reqURL string) (Position, bool, error) {
	switch src.Paginasi {
	// page and offset end at an empty page, not a short one: many APIs cap the page size below what
	// was asked (GitHub at 100), and a short page taken for the last would silently drop the rest.
	case "page":
		if n == 0 {
			return Position{}, false, nil
		}
		return Position{Page: pos.Page + 1}, true, nil
	case "offset":
		if n == 0 {
			return Position{}, false, nil
		}
		return Position{Offset: pos.Offset + n}, true, nil
	case "cursor":
		c, err := textAt(body, src.NextPath)
		if err != nil || c == "" || n == 0 {
			return Position{}, false, err
		}
		if c == pos.Cursor {
			return Position{}, false, fmt.Errorf("sumber %q memberi cursor yang sama lagi (%q); penarikan dihentikan agar tidak berulang", src.Nama, c)
		}
		return Position{Cursor: c}, true, nil
	case "next_link":
		var raw string
		if src.NextPath != "" {
			v, _ := Lookup(body, splitPath(src.NextPath))
			switch x := v.(type) {
			case nil:
			case string:
				raw = x
			default:
				return Position{}, false, fmt.Errorf("sumber %q: %s di jawaban berisi %s, bukan tautan", src.Nama, src.NextPath, jsonType(v))
			}
		} else if m := linkNextRe.FindStringSubmatch(link); m != nil {
			raw = m[1]
		}
		if raw == "" || n == 0 {
			return Position{}, false, nil
		}
		base, err := url.Parse(reqURL)
		if err != nil {
			return Position{}, false, err
		}
		ref, err := url.Parse(raw)
		if err != nil {
			return Position{}, false, fmt.Errorf("sumber %q: tautan halaman berikutnya %q tidak sah: %w", src.Nama, raw, err)
		}
		abs := base.ResolveReference(ref)
		// Credentials go only to the configured host: a next link elsewhere is refused.
		if abs.Scheme != base.Scheme || abs.Host != base.Host {
			return Position{}, false, fmt.Errorf("sumber %q: tautan halaman berikutnya menunjuk ke host lain (%s); ditolak agar rahasia tidak terkirim ke sana", src.Nama, abs.Host)
		}
		if abs.String() == reqURL {
			return Position{}, false, fmt.Errorf("sumber %q memberi tautan ke halaman yang sama lagi; penarikan dihentikan agar tidak berulang", src.Nama)
		}
		return Position{URL: abs.String()}, true, nil
	}
	return Position{}, false, nil
}

// textAt reads a scalar at a dotted path as text; missing or null is "".
func textAt(body any, path string) (string, error) {
	v, ok := Lookup(body, splitPath(path))
	if !ok || v == nil {
		return "", nil
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case interface{ String() string }:
		return x.String(), nil
	}
	return "", fmt.Errorf("%s di jawaban berisi %s, bukan teks", path, jsonType(v))
}

// items finds the array of records of a page.
func items(src *config.Sumber, body any) ([]any, error) {
	v, ok := Lookup(body, splitPath(src.ItemsPath))
	if !ok {
		return nil, fmt.Errorf("jawaban tidak memuat %q (items_path)", src.ItemsPath)
	}
	if v == nil {
		return nil, nil
	}
	arr, ok := v.([]any)
	if !ok {
		where := src.ItemsPath
		if where == "" {
			where = "jawaban"
		}
		return nil, fmt.Errorf("%s berisi %s; yang diharapkan larik rekaman", where, jsonType(v))
	}
	return arr, nil
}
