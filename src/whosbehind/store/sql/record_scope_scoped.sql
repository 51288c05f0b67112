-- The build record (build_changes.sql) after a scoped derive: only the awards it made again can differ from the
-- previous build's (step 500's graph_scope_awards: those of the files stored, and of records that moved).
CREATE OR REPLACE TEMP TABLE record_scope_whole AS SELECT false AS whole;
CREATE OR REPLACE TEMP TABLE record_scope AS SELECT award_key FROM graph_scope_awards WHERE award_key IS NOT NULL;
