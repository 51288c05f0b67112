-- Step 510: every name a person may type for a node, the table the single lookup (analysis/lookup.py) reads.
-- Filled right after this step by build.py: the names come from queries/lookup_index_names.sql and their
-- comparison keys from resolve/names.normalize (the same keys resolution compares).
-- A scoped derive (whole_derive false: the tables are this very code's) keeps the keys of the names the last
-- derive normalized; build.py normalizes only the names new to it (the first normalization in a process builds the
-- name library's replacement tables: a tenth of a second).
CREATE TABLE IF NOT EXISTS lookup_names (name VARCHAR, exact VARCHAR, core VARCHAR, first_token VARCHAR,
                                         compact VARCHAR);
CREATE OR REPLACE TEMP TABLE lookup_keys_before AS
SELECT DISTINCT name, exact, core, first_token, compact FROM lookup_names WHERE NOT getvariable('whole_derive');
CREATE OR REPLACE TABLE lookup_names (
    node_id VARCHAR NOT NULL,   -- the canonical node (organization, agency, brand, system, cloud product ...)
    name VARCHAR NOT NULL,      -- the name as written by its source
    source VARCHAR NOT NULL,    -- record | curated entity | curated brand | curated product | FedRAMP product
                                -- | FedRAMP provider | agency
    exact VARCHAR,              -- normalized name, legal form kept
    core VARCHAR,               -- normalized name without legal form
    first_token VARCHAR,
    compact VARCHAR             -- core without spaces ("AT T" -> "att")
);
