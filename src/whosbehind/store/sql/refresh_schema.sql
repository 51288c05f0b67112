-- Not a derive step (no number), run by refresh/run.py: what each refresh fetched. One coverage row per source and agency: the dates
-- asked for, the rows read, and the count the API itself reported (NULL where a source states none); the
-- sha256 of every file fetched; and each FedRAMP Marketplace snapshot fetched (the trimmed gzip copy, which
-- store/evidence.py loads beside the bundled ones).
CREATE TABLE IF NOT EXISTS refresh_coverage (
    run_id VARCHAR NOT NULL, source VARCHAR NOT NULL, agency VARCHAR NOT NULL, start_date DATE NOT NULL,
    end_date DATE NOT NULL, rows BIGINT NOT NULL, api_count BIGINT, note VARCHAR, fetched_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS fetched_files (
    run_id VARCHAR NOT NULL, url VARCHAR NOT NULL, file_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
    bytes BIGINT NOT NULL, fetched_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS fetched_fedramp_snapshots (
    sha256 VARCHAR PRIMARY KEY, file_name VARCHAR NOT NULL, snapshot_date DATE NOT NULL,
    fetched_at TIMESTAMP NOT NULL, url VARCHAR NOT NULL, content BLOB NOT NULL
);
