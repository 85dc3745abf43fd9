package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Spreadsheet reports whether a file name looks like something ingest reads (or explains).
func Spreadsheet(name string) bool {
	if strings.HasPrefix(filepath.Base(name), "~$") || strings.HasPrefix(filepath.Base(name), ".") {
		return false // Excel lock files and hidden files
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm", ".csv", ".xls", ".ods":
		return true
	}
	return false
}

// ExpandPaths turns files and folders into the sorted list of spreadsheet files under them.
func ExpandPaths(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: berkas atau folder tidak ditemukan", p)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: tidak dapat dibuka: %w", p, err)
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && Spreadsheet(path) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}
