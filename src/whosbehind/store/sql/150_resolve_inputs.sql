-- Step 150: the tables name resolution reads and writes. The resolution step (Python: Splink needs it) runs
-- between steps 200 and 210 and fills them from the organizations of step 200, the packaged reference files
-- (GLEIF level 2, the Hoover's parent list) and the curated files (decisions, ownership, brands).
-- A full derive drops them first (scope_full.sql); a scoped derive keeps them, and the resolution step makes them
-- again only when what it reads differs from what the last one read (resolution_inputs).

-- Names from reference lists, with where they come from (GLEIF legal and previous names, Hoover's parents,
-- curated ownership and brands). They let a name-only record join an identifier.
CREATE TABLE IF NOT EXISTS reference_names (id VARCHAR, name VARCHAR, source VARCHAR, grade VARCHAR);

CREATE TABLE IF NOT EXISTS gleif_relationships (
    child_lei VARCHAR, parent_lei VARCHAR, kind VARCHAR, status VARCHAR, start_date DATE, end_date DATE,
    corroboration VARCHAR, record_id VARCHAR, publish_date DATE);

-- Curated ownership: a child belongs to a parent's family from a date, possibly until a date (cited). Child
-- and parent are the organizations the curated names and identifiers found (``pipeline.curated_ownership``);
-- ``checked`` is false when the link was not checked against the document it cites.
CREATE TABLE IF NOT EXISTS curated_links (
    child_id VARCHAR, child_name VARCHAR, parent_id VARCHAR, parent_name VARCHAR, valid_from DATE, valid_to DATE,
    as_of DATE, grade VARCHAR, citation VARCHAR, note VARCHAR, kind VARCHAR, checked BOOLEAN);

-- The organizations curated ownership speaks of, as found in this build: today's name (a renamed company is
-- shown under it), whether it stands alone (no public document shows a parent), its note.
CREATE TABLE IF NOT EXISTS curated_organizations (
    org_id VARCHAR, key VARCHAR, name VARCHAR, renamed BOOLEAN, standalone BOOLEAN, note VARCHAR);

-- Consumer-facing names and the organization that owns them (curated, cited).
CREATE TABLE IF NOT EXISTS brands (brand VARCHAR, brand_key VARCHAR, owner_id VARCHAR, owner_name VARCHAR,
    grade VARCHAR, citation VARCHAR);

-- Every merge decision in force, curated or automatic, and whether it was applied (append-only log:
-- the curated file keeps the history; this table is the log as it stood for this build).
CREATE TABLE IF NOT EXISTS resolution_decisions (
    left_id VARCHAR, right_id VARCHAR, left_name VARCHAR, right_name VARCHAR, judgement VARCHAR,
    decided_by VARCHAR, decided_at VARCHAR, reason VARCHAR, rule VARCHAR, score DOUBLE, applied BOOLEAN,
    note VARCHAR);

-- Each organization id that was merged into another: clusters are connected components of positive decisions.
CREATE TABLE IF NOT EXISTS resolution (org_id VARCHAR, canonical_id VARCHAR);

-- The names `whosbehind match` compares against, with their comparison and blocking keys.
CREATE TABLE IF NOT EXISTS match_names (
    id VARCHAR, name VARCHAR, "exact" VARCHAR, core VARCHAR, tokens VARCHAR, legal_form VARCHAR,
    first_token VARCHAR, block_a VARCHAR, block_b VARCHAR, naics VARCHAR, agency VARCHAR);

-- The digest of everything the resolution step read (resolve/pipeline.py ``inputs_digest``): a scoped derive whose
-- names, records and reported parents are those of the last one keeps its results as they are.
CREATE TABLE IF NOT EXISTS resolution_inputs (digest VARCHAR);

-- Parent links fetched from live registries by `whosbehind refresh-families` (GLEIF level 2, USAspending recipient
-- profiles): raw rows with the URL, retrieval time and sha256 of each answer. Kept across builds (never
-- replaced here); step 220 reads the latest answer for each link.
CREATE TABLE IF NOT EXISTS raw_registry_links (
    registry VARCHAR, child_id VARCHAR, child_name VARCHAR, parent_id VARCHAR, parent_name VARCHAR, kind VARCHAR,
    valid_from DATE, valid_to DATE, status VARCHAR, url VARCHAR, retrieved_at TIMESTAMP, sha256 VARCHAR);
