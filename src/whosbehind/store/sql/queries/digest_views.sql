-- The digest entry of each view: the hash of its definition ($definition, digest.DEFINITION, as column_name; no rows).
SELECT view_name AS table_name, $definition AS column_name, 0 AS rows, hash(sql)::HUGEINT AS digest
FROM duckdb_views()
WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
ORDER BY view_name
