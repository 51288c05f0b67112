-- A derive of the evidence steps alone (400 on, build.derive_evidence): the contract tables stay, and the product
-- reading, whose lexicon names curated entities, reads every award again; so does step 500's graph.
DROP TABLE IF EXISTS product_mention_rows;
DROP TABLE IF EXISTS node_canonical;
DROP TABLE IF EXISTS evidence;
DROP TABLE IF EXISTS organization_awards;
CREATE OR REPLACE TEMP TABLE scope_awards AS SELECT DISTINCT award_key FROM money;
-- The organizations stay as they are (steps 200 to 220 do not run); step 500 adds up again the totals of every
-- organization with awards (record_awards).
CREATE OR REPLACE TEMP TABLE organizations_before AS SELECT id, canonical_id, family_id FROM organizations;
CREATE OR REPLACE TEMP TABLE totals_records AS SELECT DISTINCT recipient_id FROM record_awards;
