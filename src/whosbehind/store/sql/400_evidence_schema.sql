-- Step 400: raw tables for evidence beyond contracts (FedRAMP Marketplace snapshots, the ICE facility list,
-- curated claims). Loaded by store/evidence.py, kept as read (dates parsed, nothing else changed), replaced
-- as a whole on each load. Derived tables are built by steps 410-490.

CREATE TABLE IF NOT EXISTS raw_fedramp_snapshots (
    sha256 VARCHAR PRIMARY KEY, file_name VARCHAR NOT NULL, last_change VARCHAR NOT NULL,
    snapshot_date DATE NOT NULL, products INTEGER NOT NULL, agencies INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS raw_fedramp_products (
    sha256 VARCHAR NOT NULL, snapshot_date DATE NOT NULL, product_id VARCHAR NOT NULL, csp VARCHAR, cso VARCHAR,
    status VARCHAR, auth_type VARCHAR, auth_date DATE, impact_level VARCHAR, uei VARCHAR, service_model VARCHAR,
    independent_assessor VARCHAR, pointer VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS raw_fedramp_agencies (
    sha256 VARCHAR NOT NULL, snapshot_date DATE NOT NULL, agency_id VARCHAR NOT NULL, parent VARCHAR, sub VARCHAR
);
CREATE TABLE IF NOT EXISTS raw_fedramp_authorizations (
    sha256 VARCHAR NOT NULL, snapshot_date DATE NOT NULL, product_id VARCHAR NOT NULL,
    fedramp_agency_id VARCHAR NOT NULL,
    relation VARCHAR NOT NULL,   -- initial_ato | reuse | listed | in_process (see sources/fedramp.py)
    ato_date DATE, auth_date DATE, exp_date DATE, pointer VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS raw_ice_facilities (
    sha256 VARCHAR NOT NULL, file_name VARCHAR NOT NULL, record_date DATE NOT NULL, row_no INTEGER NOT NULL,
    detloc VARCHAR NOT NULL, name VARCHAR, city VARCHAR, county VARCHAR, state VARCHAR, aor VARCHAR, type VARCHAR,
    type_detailed VARCHAR, ice_funded VARCHAR, capacity VARCHAR, first_use DATE, last_use DATE, operator VARCHAR,
    owner VARCHAR, contract_start DATE, contract_end DATE, guaranteed_minimum VARCHAR, authorization_status VARCHAR,
    company_operator BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS raw_curated_sources (
    id VARCHAR PRIMARY KEY, publisher VARCHAR NOT NULL, title VARCHAR NOT NULL, date VARCHAR, url VARCHAR,
    author VARCHAR, note VARCHAR, file VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS raw_curated_entities (
    id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, kind VARCHAR NOT NULL, note VARCHAR, basis VARCHAR,
    file VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS raw_curated_entity_keys (entity_id VARCHAR NOT NULL, key_type VARCHAR NOT NULL, value VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS raw_curated_claims (
    id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, subject VARCHAR NOT NULL, object VARCHAR NOT NULL,
    period_start VARCHAR, period_end VARCHAR, first_date DATE, last_date DATE, amount DECIMAL(18, 2),
    amount_what VARCHAR, grade VARCHAR NOT NULL, status VARCHAR NOT NULL, summary VARCHAR NOT NULL, caveat VARCHAR,
    response_status VARCHAR, response_text VARCHAR, response_source VARCHAR, file VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS raw_curated_citations (
    claim_id VARCHAR NOT NULL, n INTEGER NOT NULL, source_id VARCHAR NOT NULL, quote VARCHAR NOT NULL, locator VARCHAR
);
CREATE TABLE IF NOT EXISTS raw_curated_records (
    claim_id VARCHAR NOT NULL, type VARCHAR NOT NULL, record_id VARCHAR NOT NULL, note VARCHAR NOT NULL
);
-- FedRAMP: the systems that leverage a product (Products[].leveraged_systems[], as its record lists them) and its own description
-- (Products[].service_desc, deployment_model), which says where it is deployed. Read by step 430.
CREATE TABLE IF NOT EXISTS raw_fedramp_leveraged (
    sha256 VARCHAR NOT NULL, snapshot_date DATE NOT NULL, product_id VARCHAR NOT NULL, leveraged_id VARCHAR,
    leveraged_csp VARCHAR, leveraged_cso VARCHAR, pointer VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS raw_fedramp_descriptions (
    sha256 VARCHAR NOT NULL, snapshot_date DATE NOT NULL, product_id VARCHAR NOT NULL, deployment_model VARCHAR,
    service_desc VARCHAR, pointer VARCHAR NOT NULL
);
