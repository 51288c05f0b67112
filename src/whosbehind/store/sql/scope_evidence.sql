-- A derive of the evidence steps alone (400 on, build.derive_evidence): the contract tables stay, and the product
-- reading, whose lexicon names curated entities, reads every award again.
DROP TABLE IF EXISTS product_mention_rows;
CREATE OR REPLACE TEMP TABLE scope_awards AS SELECT DISTINCT award_key FROM money;
