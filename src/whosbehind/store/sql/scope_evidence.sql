-- A derive of the evidence steps alone (400 on, build.derive_evidence): the contract tables stay, and the product
-- reading, whose lexicon names curated entities, reads every award again; so does step 500's graph.
DROP TABLE IF EXISTS product_mention_rows;
DROP TABLE IF EXISTS node_canonical;
DROP TABLE IF EXISTS evidence;
DROP TABLE IF EXISTS organization_awards;
CREATE OR REPLACE TEMP TABLE scope_awards AS SELECT DISTINCT award_key FROM money;
