-- The build record (build_changes.sql) compares and keeps every award.
CREATE OR REPLACE TEMP TABLE record_scope_whole AS SELECT true AS whole;
CREATE OR REPLACE TEMP TABLE record_scope (award_key VARCHAR);
