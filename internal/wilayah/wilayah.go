// Package wilayah ships the Kemendagri 2025 region codes inside the binary, loads them into
// core.wilayah, and resolves region codes and names as people write them ("Kota Depok", "DEPOK",
// "Kec. Sukmajaya", "3276", "32.76.01") within the office's jurisdiction.
package wilayah

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"database/sql/driver"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/pantau-koperasi/pantau/internal/warehouse"
)

//go:embed data/kemendagri_2025.csv.gz
var csvGz []byte

// Region is one code of the Kemendagri hierarchy.
type Region struct {
	Kode  string // dotted
	Nama  string
	Level int // 1 provinsi, 2 kab/kota, 3 kecamatan, 4 desa/kelurahan
}

// Parent returns the code one level up ("" for a province).
func Parent(kode string) string {
	i := strings.LastIndexByte(kode, '.')
	if i < 0 {
		return ""
	}
	return kode[:i]
}

// LevelOf is the level of a dotted code by its number of parts.
func LevelOf(kode string) int { return strings.Count(kode, ".") + 1 }

// All returns every region of the embedded file.
func All() ([]Region, error) {
	zr, err := gzip.NewReader(bytes.NewReader(csvGz))
	if err != nil {
		return nil, fmt.Errorf("wilayah: %w", err)
	}
	r := csv.NewReader(zr)
	if _, err := r.Read(); err != nil { // header
		return nil, fmt.Errorf("wilayah: %w", err)
	}
	out := make([]Region, 0, 92000)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("wilayah: %w", err)
		}
		lvl, err := strconv.Atoi(rec[2])
		if err != nil {
			return nil, fmt.Errorf("wilayah: level %q: %w", rec[2], err)
		}
		out = append(out, Region{Kode: rec[0], Nama: rec[1], Level: lvl})
	}
	return out, nil
}

// migrationVersion is the migration that creates core.wilayah (0004_core_wilayah.sql).
const migrationVersion = 4

// Migration fills core.wilayah right after the migration that creates it; workspace.Open passes it
// to warehouse.Migrate.
var Migration = warehouse.AfterMigration{Version: migrationVersion, Load: Load}

// Load fills core.wilayah from the embedded file through the Appender (90k rows in well under a second).
func Load(ctx context.Context, conn *sql.Conn) error {
	regions, err := All()
	if err != nil {
		return err
	}
	return warehouse.Append(conn, "core", "wilayah", func(add func(vals ...driver.Value) error) error {
		for _, r := range regions {
			var induk driver.Value
			if p := Parent(r.Kode); p != "" {
				induk = p
			}
			if err := add(r.Kode, r.Nama, int8(r.Level), induk, strings.ReplaceAll(r.Kode, ".", "")); err != nil {
				return fmt.Errorf("memuat core.wilayah: %w", err)
			}
		}
		return nil
	})
}
