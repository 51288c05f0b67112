-- The build record (build_changes.sql) compares and keeps every award.
CREATE OR REPLACE TEMP TABLE record_mode AS SELECT true AS every_award;
CREATE OR REPLACE TEMP TABLE record_scope (award_key VARCHAR);
