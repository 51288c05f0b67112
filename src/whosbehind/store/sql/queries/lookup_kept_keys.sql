-- The keys of the names the last derive normalized, kept by a scoped derive (510_lookup_names.sql).
SELECT name, exact, core, first_token, compact FROM lookup_keys_before;
