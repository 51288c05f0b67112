-- Bookkeeping of what was ingested, when, from where. Raw tables (one per source format) are created
-- from the published headers by store/raw.py; derived tables are rebuilt by the steps 1xx-3xx.

CREATE TABLE IF NOT EXISTS runs (
    run_id      VARCHAR PRIMARY KEY,
    command     VARCHAR NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    files_added INTEGER
);

CREATE TABLE IF NOT EXISTS source_files (
    sha256          VARCHAR PRIMARY KEY,
    file_name       VARCHAR NOT NULL,   -- base name as published
    origin          VARCHAR NOT NULL,   -- the path (or archive!member) it was read from
    format          VARCHAR NOT NULL,   -- key of the SourceFormat
    header_variant  VARCHAR NOT NULL,   -- 'published', 'older column names', 'no header (series continuation)'
    date_order      VARCHAR NOT NULL,   -- ISO, MDY or DMY: how this file writes slashed dates
    row_count       BIGINT NOT NULL,
    individual_rows BIGINT NOT NULL,    -- rows whose recipient is a private person (names not stored)
    export_ts       TIMESTAMP NOT NULL, -- when the export was made (file name stamp, else newest date inside)
    export_ts_basis VARCHAR NOT NULL,
    run_id          VARCHAR NOT NULL,
    ingested_at     TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS agency_codes (
    toptier_code         VARCHAR,
    toptier_name         VARCHAR,
    toptier_abbreviation VARCHAR,
    subtier_code         VARCHAR PRIMARY KEY,
    subtier_name         VARCHAR,
    subtier_abbreviation VARCHAR
);
