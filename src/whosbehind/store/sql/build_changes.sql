-- Not a derive step (no number): run by store/changes.py after every build, ingest or refresh that derived the tables: what this
-- build holds (awards with their obligations, curated claims, current family links), compared with what the
-- previous build held. The differences go to change_log; the state is then brought to this build's, so the
-- next build compares with this one. The first build recorded is the baseline: nothing in it is "new".
-- FedRAMP changes are not logged here: every snapshot is kept, so they are read between snapshots
-- (queries/changes_fedramp.sql). The temp tables this_build (build_id, built_at), record_mode and record_scope are
-- made by the caller (store/changes.py, record_every_award.sql or record_derived_awards.sql): every award is
-- compared and kept again, or, after a scoped derive, only those it made again (record_scope), the others keeping
-- their state.

CREATE TABLE IF NOT EXISTS builds (
    build_id VARCHAR PRIMARY KEY,      -- the run id of the ingest, build or refresh
    command VARCHAR NOT NULL,
    built_at TIMESTAMP NOT NULL,
    previous_build_id VARCHAR,         -- the build it was compared with (NULL: the baseline)
    awards BIGINT NOT NULL, claims BIGINT NOT NULL, family_links BIGINT NOT NULL,
    award_digest VARCHAR NOT NULL,     -- sum of hashes of every (award, agency, recipient, obligated, rows) (was an md5)
    changes BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS build_state_awards (
    award_key VARCHAR NOT NULL, sub_agency_code VARCHAR, recipient_id VARCHAR, recipient_name VARCHAR,
    amount DECIMAL(18, 2), source_rows BIGINT NOT NULL, last_date DATE, permalink VARCHAR
);
CREATE TABLE IF NOT EXISTS build_state_claims (
    claim_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, org_id VARCHAR, org_name VARCHAR, agency_id VARCHAR,
    amount DECIMAL(18, 2), digest VARCHAR NOT NULL, summary VARCHAR, grade VARCHAR, status VARCHAR
);
CREATE TABLE IF NOT EXISTS build_state_links (
    child_id VARCHAR NOT NULL, child_name VARCHAR, parent_id VARCHAR NOT NULL, parent_name VARCHAR,
    source VARCHAR NOT NULL, grade VARCHAR, citation VARCHAR
);
CREATE TABLE IF NOT EXISTS change_log (
    build_id VARCHAR NOT NULL, previous_build_id VARCHAR NOT NULL, detected_from TIMESTAMP NOT NULL,
    detected_to TIMESTAMP NOT NULL,
    change VARCHAR NOT NULL,           -- appeared | disappeared | changed
    kind VARCHAR NOT NULL,             -- the tie kind: prime_contract, parent, or the curated claim's kind
    source_id VARCHAR NOT NULL,        -- award key, claim id, or the parent's id for a family link
    org_id VARCHAR, org_name VARCHAR, agency_id VARCHAR, agency_name VARCHAR,
    amount DECIMAL(18, 2), previous_amount DECIMAL(18, 2),
    evidence VARCHAR,                  -- the evidence in words (English), as `changes --json` gives it
    url VARCHAR
);
-- The parts the evidence is written from, so that a page words it in its own language (web/formatting.py,
-- change_evidence). Logs made before they were kept gain them empty, and their pages show the stored words.
ALTER TABLE change_log ADD COLUMN IF NOT EXISTS source_rows BIGINT;          -- an award's transaction rows
ALTER TABLE change_log ADD COLUMN IF NOT EXISTS previous_source_rows BIGINT; -- ... in the previous build (changed)
ALTER TABLE change_log ADD COLUMN IF NOT EXISTS last_date DATE;              -- an award's last action
ALTER TABLE change_log ADD COLUMN IF NOT EXISTS grade VARCHAR;               -- the evidence grade
ALTER TABLE change_log ADD COLUMN IF NOT EXISTS claim_status VARCHAR;        -- a curated claim's status
ALTER TABLE change_log ADD COLUMN IF NOT EXISTS parent_name VARCHAR;         -- a family link's parent
ALTER TABLE change_log ADD COLUMN IF NOT EXISTS link_source VARCHAR;         -- ... and where the link comes from
ALTER TABLE change_log ADD COLUMN IF NOT EXISTS quoted VARCHAR;              -- a claim's summary, a link's citation

-- Whether this record compares and keeps every award, as a variable DuckDB plans by (the views below read one
-- branch or the other); and whether it does so for an award.
SET VARIABLE record_every_award = (SELECT every_award FROM record_mode);
CREATE OR REPLACE TEMP MACRO in_record_scope(key) AS
    getvariable('record_every_award') OR key IN (SELECT award_key FROM record_scope);

-- The rows of the awards of record_scope, in the tables of every award (money, and build_state_awards: the awards as
-- the previous build kept them, the rest kept as they are): found by the award key alone, then read by row id
-- (filtered as they were read, every column of every row was read).
CREATE OR REPLACE TEMP VIEW money_in_record_scope AS
FROM money WHERE getvariable('record_every_award')
UNION ALL
FROM money WHERE NOT getvariable('record_every_award') AND rowid IN (
    SELECT rowid FROM money WHERE award_key IN (SELECT award_key FROM record_scope));
CREATE OR REPLACE TEMP VIEW state_awards_in_scope AS
FROM build_state_awards WHERE getvariable('record_every_award')
UNION ALL
FROM build_state_awards WHERE NOT getvariable('record_every_award') AND rowid IN (
    SELECT rowid FROM build_state_awards WHERE award_key IN (SELECT award_key FROM record_scope));

-- This build's awards (those of record_scope): one row per award and sub-agency, paid to the (canonical)
-- organization that received its latest action.
CREATE OR REPLACE TEMP TABLE next_awards AS
SELECT m.award_key, m.sub_agency_code, coalesce(o.canonical_id, m.recipient_id) AS recipient_id,
       coalesce(c.name, o.name, m.recipient_id) AS recipient_name, m.amount, m.source_rows, m.last_date, m.permalink
FROM (
    SELECT award_key, sub_agency_code, arg_max(recipient_id, (action_date, row_no)) AS recipient_id,
           sum(amount) AS amount, count(*) AS source_rows, max(action_date) AS last_date,
           any_value(permalink) AS permalink
    FROM money_in_record_scope
    WHERE award_key IS NOT NULL
    GROUP BY award_key, sub_agency_code
) m
LEFT JOIN organizations o ON o.id = m.recipient_id
LEFT JOIN organizations c ON c.id = o.canonical_id;

-- This build's curated claims, each with the organization its subject matches (else the curated entity) and
-- the agency its object is, if it is one.
CREATE OR REPLACE TEMP TABLE next_claims AS
WITH subject_org AS (
    SELECT n.node_id, arg_min(coalesce(o.canonical_id, n.org_id), (n.rank, n.org_id)) AS org_id
    FROM node_matches n LEFT JOIN organizations o ON o.id = n.org_id
    WHERE n.org_id NOT LIKE 'agency:%' GROUP BY n.node_id
),
agency_keys AS (SELECT entity_id, 'agency:' || min(value) AS agency_id FROM raw_curated_entity_keys
                WHERE key_type = 'agency_code' GROUP BY entity_id)
SELECT c.id AS claim_id, c.kind, coalesce(s.org_id, 'curated:' || c.subject) AS org_id,
       coalesce(o.name, e.name, c.subject) AS org_name, a.agency_id, c.amount,
       md5(concat_ws('|', c.kind, c.subject, c.object, c.period_start, c.period_end, c.amount, c.amount_what,
                     c.grade, c.status, c.summary, c.caveat, c.response_status, c.response_text)) AS digest,
       c.summary, c.grade, c.status
FROM raw_curated_claims c
LEFT JOIN subject_org s ON s.node_id = 'curated:' || c.subject
LEFT JOIN organizations o ON o.id = s.org_id
LEFT JOIN raw_curated_entities e ON e.id = c.subject
LEFT JOIN agency_keys a ON a.entity_id = c.object;

-- This build's current family links (resolved organizations, one current parent per organization).
CREATE OR REPLACE TEMP TABLE next_links AS
SELECT p.child_id, c.name AS child_name, p.parent_id, q.name AS parent_name, p.source, p.grade, p.citation
FROM current_parents p
LEFT JOIN organizations c ON c.id = p.child_id
LEFT JOIN organizations q ON q.id = p.parent_id;

CREATE OR REPLACE TEMP TABLE previous_build AS
SELECT build_id, built_at FROM builds ORDER BY built_at DESC, build_id DESC LIMIT 1;

CREATE OR REPLACE TEMP TABLE new_changes AS
WITH agencies AS (SELECT id, name FROM organizations WHERE kind IN ('agency', 'sub_agency')),
awards AS (
    SELECT CASE WHEN o.award_key IS NULL THEN 'appeared' WHEN n.award_key IS NULL THEN 'disappeared'
                ELSE 'changed' END AS change,
           'prime_contract' AS kind, coalesce(n.award_key, o.award_key) AS source_id,
           coalesce(n.recipient_id, o.recipient_id) AS org_id, coalesce(n.recipient_name, o.recipient_name) AS org_name,
           'agency:' || coalesce(n.sub_agency_code, o.sub_agency_code) AS agency_id,
           coalesce(n.amount, o.amount) AS amount, CASE WHEN n.award_key IS NOT NULL THEN o.amount END AS previous_amount,
           CASE WHEN o.award_key IS NULL THEN 'new award: obligated ' || n.amount || ' over ' || n.source_rows
                    || ' transaction rows, last action ' || coalesce(n.last_date::VARCHAR, 'undated')
                WHEN n.award_key IS NULL THEN 'no longer in the database: it had obligated ' || o.amount || ' over '
                    || o.source_rows || ' rows'
                ELSE 'obligated ' || o.amount || ' -> ' || n.amount || ' (' || o.source_rows || ' -> ' || n.source_rows
                    || ' transaction rows), last action ' || coalesce(n.last_date::VARCHAR, 'undated') END
               || ' (USAspending, grade A)' AS evidence,
           coalesce(n.permalink, o.permalink) AS url,
           coalesce(n.source_rows, o.source_rows) AS source_rows,
           CASE WHEN n.award_key IS NOT NULL THEN o.source_rows END AS previous_source_rows,
           n.last_date, 'A' AS grade, NULL AS claim_status, NULL AS parent_name, NULL AS link_source, NULL AS quoted
    FROM next_awards n FULL JOIN state_awards_in_scope o
        ON o.award_key = n.award_key AND o.sub_agency_code IS NOT DISTINCT FROM n.sub_agency_code
    WHERE o.award_key IS NULL OR n.award_key IS NULL OR o.amount IS DISTINCT FROM n.amount
       OR o.source_rows <> n.source_rows
),
claims AS (
    SELECT CASE WHEN o.claim_id IS NULL THEN 'appeared' WHEN n.claim_id IS NULL THEN 'disappeared'
                ELSE 'changed' END, coalesce(n.kind, o.kind), coalesce(n.claim_id, o.claim_id),
           coalesce(n.org_id, o.org_id), coalesce(n.org_name, o.org_name), coalesce(n.agency_id, o.agency_id),
           coalesce(n.amount, o.amount), CASE WHEN n.claim_id IS NOT NULL THEN o.amount END,
           'curated claim ' || coalesce(n.claim_id, o.claim_id) || ' (grade ' || coalesce(n.grade, o.grade) || ', '
               || coalesce(n.status, o.status) || '): ' || coalesce(n.summary, o.summary),
           NULL, NULL, NULL, NULL, coalesce(n.grade, o.grade), coalesce(n.status, o.status), NULL, NULL,
           coalesce(n.summary, o.summary)
    FROM next_claims n FULL JOIN build_state_claims o ON o.claim_id = n.claim_id
    WHERE o.claim_id IS NULL OR n.claim_id IS NULL OR o.digest <> n.digest
),
links AS (
    SELECT CASE WHEN o.child_id IS NULL THEN 'appeared' ELSE 'disappeared' END, 'parent',
           coalesce(n.parent_id, o.parent_id), coalesce(n.child_id, o.child_id),
           coalesce(n.child_name, o.child_name), NULL, NULL, NULL,
           'parent ' || coalesce(n.parent_name, o.parent_name, '') || ' (' || coalesce(n.parent_id, o.parent_id)
               || '), ' || coalesce(n.source, o.source) || ', grade ' || coalesce(n.grade, o.grade) || ': '
               || coalesce(n.citation, o.citation, ''),
           NULL, NULL, NULL, NULL, coalesce(n.grade, o.grade), NULL, coalesce(n.parent_name, o.parent_name),
           coalesce(n.source, o.source), coalesce(n.citation, o.citation)
    FROM next_links n FULL JOIN build_state_links o
        ON o.child_id = n.child_id AND o.parent_id = n.parent_id AND o.source = n.source
    WHERE o.child_id IS NULL OR n.child_id IS NULL
),
everything AS (SELECT * FROM awards UNION ALL SELECT * FROM claims UNION ALL SELECT * FROM links)
SELECT t.build_id, p.build_id AS previous_build_id, p.built_at AS detected_from, t.built_at AS detected_to,
       e.change, e.kind, e.source_id, e.org_id, e.org_name, e.agency_id, a.name AS agency_name, e.amount,
       e.previous_amount, e.evidence, e.url, e.source_rows, e.previous_source_rows, e.last_date, e.grade,
       e.claim_status, e.parent_name, e.link_source, e.quoted
FROM everything e CROSS JOIN this_build t CROSS JOIN previous_build p
LEFT JOIN agencies a ON a.id = e.agency_id;

INSERT INTO change_log BY NAME SELECT * FROM new_changes;

-- The awards of record_scope are kept again as this build has them; the awards kept as they were (a scoped record)
-- still show their organization under its name of today. The rows removed and added are kept a moment: a scoped
-- record adds them to the digest `check` verifies (changes.record_build) instead of reading the state whole.
-- (the organizations' names compared once per name kept, not once per award; the rows chosen first, then deleted
-- by row id: a DELETE that tested each row against the organizations and returned the rows took three times as long)
CREATE OR REPLACE TEMP TABLE state_names_renamed AS
SELECT s.recipient_id, s.recipient_name
FROM (SELECT DISTINCT recipient_id, recipient_name FROM build_state_awards) s
JOIN organizations o ON o.id = s.recipient_id
WHERE s.recipient_name IS DISTINCT FROM coalesce(o.name, s.recipient_id);
CREATE OR REPLACE TEMP TABLE state_awards_leaving AS
SELECT rowid AS state_row, * FROM build_state_awards
WHERE rowid IN (SELECT s.rowid FROM build_state_awards s
                WHERE in_record_scope(s.award_key)
                   OR EXISTS (SELECT 1 FROM state_names_renamed r WHERE r.recipient_id = s.recipient_id
                              AND r.recipient_name IS NOT DISTINCT FROM s.recipient_name));
DELETE FROM build_state_awards WHERE rowid IN (SELECT state_row FROM state_awards_leaving);
CREATE OR REPLACE TEMP VIEW state_awards_gone AS SELECT * EXCLUDE (state_row) FROM state_awards_leaving;
CREATE OR REPLACE TEMP TABLE state_awards_made AS FROM build_state_awards LIMIT 0;  -- its types: the digest hashes them
INSERT INTO state_awards_made
SELECT g.award_key, g.sub_agency_code, g.recipient_id, coalesce(o.name, g.recipient_id) AS recipient_name, g.amount,
       g.source_rows, g.last_date, g.permalink
FROM state_awards_gone g JOIN organizations o ON o.id = g.recipient_id
WHERE NOT in_record_scope(g.award_key)
UNION ALL
FROM next_awards;
INSERT INTO build_state_awards FROM state_awards_made;

INSERT INTO builds
SELECT t.build_id, t.command, t.built_at, (SELECT build_id FROM previous_build),
       (SELECT count(*) FROM build_state_awards), (SELECT count(*) FROM next_claims), (SELECT count(*) FROM next_links),
       -- order-independent: the sum of every award row's hash, as the `check` digest adds rows
       (SELECT coalesce(sum(hash(award_key, sub_agency_code, recipient_id, amount, source_rows))::HUGEINT, 0)::VARCHAR
        FROM build_state_awards),
       (SELECT count(*) FROM new_changes)
FROM this_build t;

DELETE FROM build_state_claims;
INSERT INTO build_state_claims SELECT * FROM next_claims;
DELETE FROM build_state_links;
INSERT INTO build_state_links SELECT * FROM next_links;
