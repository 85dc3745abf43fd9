-- The headline grade of a cooperative (one category per cooperative: directory, profile badge,
-- Ringkasan and Kesehatan counts) comes from one rule: the rubric that officially applies.
-- ksp-2016 (the KSP/USP regulation) for simpan_pinjam and simpan_pinjam_syariah where it was scored,
-- else umum-2026 (the office default), else any other non-provisional rubric, and the provisional
-- kkpkk-2021 only when nothing else scored the cooperative (the page then labels it "sementara").
-- The latest assessed tahun buku comes first: a grade from an older year is not the current one.

-- name: rubrik_utama
-- (fragment) the rank of rubric h.rubrik for cooperative k0, 0 = the headline.
CASE WHEN h.rubrik = 'ksp-2016' AND k0.jenis IN ('simpan_pinjam', 'simpan_pinjam_syariah') THEN 0
    WHEN h.rubrik = 'umum-2026' THEN 1 WHEN h.rubrik = 'kkpkk-2021' THEN 3 ELSE 2 END

-- name: kesehatan_terkini
-- The current grade per cooperative: its latest assessed tahun buku, under the rubric that applies.
SELECT h.* FROM mart.kesehatan h LEFT JOIN mart.koperasi k0 ON k0.nik = h.nik
QUALIFY row_number() OVER (PARTITION BY h.nik ORDER BY h.tahun_buku DESC, {{rubrik_utama}}, h.rubrik) = 1

-- name: kesehatan_per_tahun
-- One grade per cooperative and tahun buku, by the same rule.
SELECT h.* FROM mart.kesehatan h LEFT JOIN mart.koperasi k0 ON k0.nik = h.nik
QUALIFY row_number() OVER (PARTITION BY h.nik, h.tahun_buku ORDER BY {{rubrik_utama}}, h.rubrik) = 1
