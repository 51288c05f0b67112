-- The first derive of a connection (digest.begin): what its steps change in the tables they keep is summed as they
-- remove and add rows (`INSERT INTO digest_changes BY NAME FROM row_sums(...)`, part 'change'), so that the digest
-- of such a table is its stored digest plus those sums (digest.record) instead of a new pass over every row.
-- Where each table starts is queries/digest_start.sql; once it is read, the stored digest is emptied, as it no longer
-- describes the tables: a derive that is not recorded (digest.record) leaves none, and the next ingest derives whole.
CREATE TABLE IF NOT EXISTS derived_digests (
    table_name VARCHAR, column_name VARCHAR, rows BIGINT, digest HUGEINT, duckdb_version VARCHAR
);
CREATE OR REPLACE TEMP TABLE digest_changes (
    table_name VARCHAR, column_name VARCHAR, rows BIGINT, digest HUGEINT, part VARCHAR DEFAULT 'change'
);
