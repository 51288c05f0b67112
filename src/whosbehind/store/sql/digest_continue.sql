-- A later derive in the same connection (digest.begin): a table dropped since (scope_full.sql, scope_evidence.sql)
-- starts again from nothing, the steps that make it again adding every row. $1: the tables there now.
DELETE FROM digest_changes WHERE NOT list_contains($1, table_name);
