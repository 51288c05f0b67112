-- A derive of the evidence steps alone (400 on, build.derive_evidence): the contract tables stay, and the product
-- reading, whose lexicon names curated entities, reads every award again; so does step 500's graph.
DROP TABLE IF EXISTS product_mention_rows;
DROP TABLE IF EXISTS product_mentions;
DROP TABLE IF EXISTS maker_families;
DROP TABLE IF EXISTS node_canonical;
DROP TABLE IF EXISTS evidence;
DROP TABLE IF EXISTS tie_evidence_shown;
DROP TABLE IF EXISTS ties;
DROP TABLE IF EXISTS organization_awards;
DROP TABLE IF EXISTS lookup_names;  -- its names' keys (step 510)
CREATE OR REPLACE TEMP TABLE scope_awards AS SELECT DISTINCT award_key FROM money;
-- Every award's evidence is made again: step 500 reads the evidence table whole.
SET VARIABLE whole_derive = true;
-- The organizations stay as they are (steps 200 to 220 do not run); step 500 adds up again the totals of every
-- organization whole, as after a full derive: none is grouped "before", no award's rows changed (step 300).
CREATE OR REPLACE TEMP TABLE organizations_before (id VARCHAR, canonical_id VARCHAR, family_id VARCHAR);
CREATE OR REPLACE TEMP TABLE totals_records (recipient_id VARCHAR);
CREATE OR REPLACE TEMP TABLE unsummed_records (recipient_id VARCHAR);
CREATE OR REPLACE TEMP TABLE record_awards_before AS FROM record_awards LIMIT 0;
CREATE OR REPLACE TEMP TABLE record_awards_after AS FROM record_awards LIMIT 0;
