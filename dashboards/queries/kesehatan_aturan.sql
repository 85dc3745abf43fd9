-- The headline grade of a cooperative (one category per cooperative: directory, profile badge,
-- Ringkasan and Kesehatan counts) comes from one rule: the rubric that officially applies. With the
-- default [kesehatan] penerapan: ksp-2016 (the KSP/USP regulation) for simpan_pinjam and
-- simpan_pinjam_syariah where it was scored, else umum-2026 (the office default, "*"), else any other
-- non-provisional rubric, and a provisional rubric (kkpkk-2021, mart.rubrik.provisional) only when
-- nothing else scored the cooperative (the page then labels it "sementara"). The ranks are computed
-- in rubrik.go from penerapan and mart.rubrik and bound as $urutan_rubrik: no rubric id is written here.
-- The latest assessed tahun buku comes first: a grade from an older year is not the current one.

-- name: rubrik
-- The rubrics of the last scoring run: id, name, provisional.
SELECT rubrik, any_value(nama), bool_or(provisional) FROM mart.rubrik GROUP BY 1 ORDER BY 1

-- name: urutan_rubrik
-- (fragment) the rank of each rubric per jenis ('*' = every jenis), from $urutan_rubrik (rubrik.go):
-- 0 assigned to that jenis by name, 1 assigned to every jenis, 3 provisional; a rubric not listed is 2.
SELECT unnest(from_json($urutan_rubrik::JSON, '[{"rubrik":"VARCHAR","jenis":"VARCHAR","urutan":"INTEGER"}]'), recursive := true)

-- name: kesehatan_urutan
-- (fragment) the joins that rank rubric h.rubrik for cooperative k0, read as coalesce(u.urutan, ua.urutan, 2).
LEFT JOIN mart.koperasi k0 ON k0.nik = h.nik
LEFT JOIN ({{urutan_rubrik}}) u ON u.rubrik = h.rubrik AND u.jenis = k0.jenis
LEFT JOIN ({{urutan_rubrik}}) ua ON ua.rubrik = h.rubrik AND ua.jenis = '*'

-- name: kesehatan_terkini
-- The current grade per cooperative: its latest assessed tahun buku, under the rubric that applies.
SELECT h.* FROM mart.kesehatan h {{kesehatan_urutan}}
QUALIFY row_number() OVER (PARTITION BY h.nik ORDER BY h.tahun_buku DESC, coalesce(u.urutan, ua.urutan, 2), h.rubrik) = 1

-- name: kesehatan_per_tahun
-- One grade per cooperative and tahun buku, by the same rule.
SELECT h.* FROM mart.kesehatan h {{kesehatan_urutan}}
QUALIFY row_number() OVER (PARTITION BY h.nik, h.tahun_buku ORDER BY coalesce(u.urutan, ua.urutan, 2), h.rubrik) = 1
