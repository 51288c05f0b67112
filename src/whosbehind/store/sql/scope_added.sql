-- A scoped derive (build.derive): the tables scope_full.sql drops are kept, and made again only for the files just
-- stored ($1, their sha256) and the awards they hold (scope_awards, step 100), widened where a change spreads: the
-- awards of a DUNS given another UEI (step 200), of a record resolution puts in another organization (step 500).
-- Name resolution's tables (step 150) are kept whole, or made again whole when what it reads differs
-- (resolve/pipeline.py). Every other table is derived whole, as on a full derive.
CREATE OR REPLACE TEMP TABLE scope_files AS SELECT sha256 FROM source_files WHERE list_contains($1, sha256);
