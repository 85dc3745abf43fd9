-- Kemendagri region codes (shipped with the binary, loaded at migration time by internal/wilayah).
CREATE TABLE IF NOT EXISTS core.wilayah (
    kode        VARCHAR PRIMARY KEY,      -- dotted: 32, 32.76, 32.76.01, 32.76.01.1006
    nama        VARCHAR NOT NULL,
    level       TINYINT NOT NULL,         -- 1 provinsi, 2 kabupaten/kota, 3 kecamatan, 4 desa/kelurahan
    induk       VARCHAR,                  -- parent code
    kode_polos  VARCHAR                   -- the same code without dots (undotted input is matched on this)
);
