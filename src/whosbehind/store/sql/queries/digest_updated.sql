-- The digest of each table whose every change since its known start was summed (digest_begin.sql): a start that
-- is not 'unknown' (a stored digest, or nothing for a table made in this connection), at least one 'change', and
-- the table still there ($tables).
SELECT table_name, column_name, sum(rows)::BIGINT AS rows, sum(digest)::HUGEINT AS digest
FROM digest_changes
WHERE list_contains($tables, table_name) AND table_name IN (
    SELECT table_name FROM digest_changes GROUP BY table_name
    HAVING bool_and(part <> 'unknown') AND bool_or(part = 'change')
)
GROUP BY ALL
ORDER BY table_name, column_name
