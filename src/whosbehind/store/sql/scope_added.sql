-- A scoped derive (build.derive): the tables scope_full.sql drops are kept, and made again only for the files just
-- stored ($1, their sha256) and the awards they hold (scope_awards, step 100), widened where a change spreads: the
-- awards of a DUNS given another UEI (step 200), the product ties of a record whose family changed (step 430), the
-- awards of a record resolution puts in another organization (step 500); the ties, and the evidence each shows, are
-- made again for the ties whose evidence changed (step 500).
-- Name resolution's tables (step 150) are kept whole, or made again whole when what it reads differs
-- (resolve/pipeline.py). The family and organization totals are brought up to date by the change of the awards in
-- scope (steps 300 and 500, macro groups_added_up_whole). Every other table is derived whole, as on a full derive.
-- Each record's organization and family as the last derive left them: the totals of a group a record joins or
-- leaves are added up again whole (steps 300 and 500).
CREATE OR REPLACE TEMP TABLE organizations_before AS SELECT id, canonical_id, family_id FROM organizations;
-- Steps 110 and 200 read the few rows of the awards in scope once, into temporary tables.
SET VARIABLE whole_derive = false;
-- (last: the only statement with a parameter)
CREATE OR REPLACE TEMP TABLE scope_files AS SELECT sha256 FROM source_files WHERE list_contains($1, sha256);
