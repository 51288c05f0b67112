-- A full derive: the rows of every stored file, every award. The tables a scoped derive keeps from one derive to
-- the next (scope_added.sql) are dropped first, so each is made anew from the raw rows.
DROP TABLE IF EXISTS money_rows;
DROP TABLE IF EXISTS money_set_aside;
DROP TABLE IF EXISTS money;
DROP TABLE IF EXISTS money_names;
DROP TABLE IF EXISTS record_awards;
DROP TABLE IF EXISTS family_totals;
DROP TABLE IF EXISTS organization_totals;
DROP TABLE IF EXISTS family_awards;  -- layout 10 and before: now record_awards
DROP TABLE IF EXISTS product_mention_rows;
DROP TABLE IF EXISTS product_mentions;
DROP TABLE IF EXISTS maker_families;
DROP TABLE IF EXISTS context_record_parts;
DROP TABLE IF EXISTS contract_evidence;
DROP TABLE IF EXISTS node_canonical;
DROP TABLE IF EXISTS evidence;
DROP TABLE IF EXISTS tie_evidence_shown;
DROP TABLE IF EXISTS ties;
DROP TABLE IF EXISTS organization_awards;
DROP TABLE IF EXISTS reference_names;
DROP TABLE IF EXISTS gleif_relationships;
DROP TABLE IF EXISTS curated_links;
DROP TABLE IF EXISTS curated_organizations;
DROP TABLE IF EXISTS brands;
DROP TABLE IF EXISTS resolution_decisions;
DROP TABLE IF EXISTS resolution;
DROP TABLE IF EXISTS match_names;
DROP TABLE IF EXISTS resolution_inputs;
DROP TABLE IF EXISTS lookup_names;  -- its names' keys (step 510)
CREATE OR REPLACE TEMP TABLE scope_files AS SELECT sha256 FROM source_files;
-- Every award is in scope: steps 110 and 200 read the kept tables whole rather than the rows of the awards in scope.
SET VARIABLE whole_derive = true;
CREATE OR REPLACE TEMP TABLE organizations_before (id VARCHAR, canonical_id VARCHAR, family_id VARCHAR);
