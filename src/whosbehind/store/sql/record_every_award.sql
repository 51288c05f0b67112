-- The build record (build_changes.sql) compares and keeps every award.
CREATE OR REPLACE TEMP TABLE record_mode AS SELECT true AS every_award;
SET VARIABLE record_every_award = true;  -- the same, for DuckDB to plan by
CREATE OR REPLACE TEMP TABLE record_scope (award_key VARCHAR);
