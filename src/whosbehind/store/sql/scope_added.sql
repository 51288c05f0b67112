-- A scoped derive (build.derive): the tables of scope_full.sql are kept, and steps 100-110, the `money` rows of
-- step 200 and the product reading are redone only for the files just stored ($1, their sha256) and the awards
-- they hold. Every other table is derived whole, as on a full derive.
CREATE OR REPLACE TEMP TABLE scope_files AS SELECT sha256 FROM source_files WHERE list_contains($1, sha256);
