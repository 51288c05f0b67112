-- Where each table there now ($tables) starts (digest_begin.sql): from its stored digest ('stored') when one made by
-- this DuckDB ($version) is stored, 'unknown' otherwise (its digest is then computed whole).
INSERT INTO digest_changes
SELECT table_name, column_name, rows, digest, 'stored' FROM derived_digests
WHERE duckdb_version = $version AND list_contains($tables, table_name)
UNION ALL
SELECT t, NULL, 0, 0, 'unknown' FROM unnest($tables) AS u(t)
WHERE t NOT IN (SELECT table_name FROM derived_digests WHERE duckdb_version = $version)
