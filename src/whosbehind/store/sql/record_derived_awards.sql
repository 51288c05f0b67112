-- The build record (build_changes.sql) after a scoped derive: only the awards it made again can differ from the
-- previous build's (step 500's graph_scope_awards: those of the files stored, and of records that moved).
CREATE OR REPLACE TEMP TABLE record_mode AS SELECT false AS every_award;
CREATE OR REPLACE TEMP TABLE record_scope AS SELECT award_key FROM graph_scope_awards WHERE award_key IS NOT NULL;
