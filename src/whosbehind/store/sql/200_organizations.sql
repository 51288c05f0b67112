-- Step 200: organizations from exact identifiers only (UEI, then DUNS, then the name as written).
-- A DUNS seen beside a UEI on any row belongs to that UEI's organization, so 2018-era DUNS-only rows
-- join the same company. Private persons are never organizations: their money goes to one bucket.
SELECT require_whole_derive();

-- What an earlier derive mapped, to find the DUNS whose UEI this one changes (below).
CREATE TABLE IF NOT EXISTS duns_to_uei (duns VARCHAR, uei VARCHAR, candidates BIGINT);
CREATE OR REPLACE TEMP TABLE duns_to_uei_before AS SELECT duns, uei FROM duns_to_uei;

CREATE OR REPLACE TABLE duns_to_uei AS
SELECT duns, arg_max(uei, (n, uei)) AS uei, count(*) AS candidates  -- equal counts: the same pick every time
FROM (
    -- (counted by the DUNS as written, then padded: lpad once per value, not once per row)
    SELECT lpad(duns, 9, '0') AS duns, uei, sum(n)::BIGINT AS n FROM (
        SELECT recipient_duns AS duns, recipient_uei AS uei, count(*) AS n
        FROM money_rows WHERE recipient_duns IS NOT NULL AND recipient_uei IS NOT NULL AND NOT individual
        GROUP BY ALL
    ) GROUP BY ALL
    UNION ALL
    SELECT lpad(duns, 9, '0'), uei, sum(n)::BIGINT FROM (
        SELECT parent_duns AS duns, parent_uei AS uei, count(*) AS n
        FROM money_rows WHERE parent_duns IS NOT NULL AND parent_uei IS NOT NULL
        GROUP BY ALL
    ) GROUP BY ALL
    UNION ALL
    SELECT lpad(nullif(subawardee_duns, ''), 9, '0'), upper(nullif(subawardee_uei, '')), count(*)
    FROM raw_subawards WHERE nullif(subawardee_duns, '') IS NOT NULL AND nullif(subawardee_uei, '') IS NOT NULL
    GROUP BY ALL
) GROUP BY duns;

-- The organization a (UEI, DUNS, name) triple names; ``duns_uei`` is the UEI that DUNS maps to, looked
-- up by the caller with a join on duns_to_uei (a join is far faster than a lookup per row).
CREATE OR REPLACE MACRO resolve_org(given_uei, given_duns, given_name, duns_uei) AS (
    CASE
        WHEN nullif(trim(given_uei), '') IS NOT NULL THEN 'uei:' || upper(trim(given_uei))
        WHEN nullif(trim(given_duns), '') IS NOT NULL THEN
            coalesce('uei:' || duns_uei, 'duns:' || lpad(trim(given_duns), 9, '0'))
        WHEN clean_name(given_name) IS NOT NULL THEN 'name:' || clean_name(given_name)
    END
);

CREATE OR REPLACE MACRO duns_key(duns) AS lpad(nullif(trim(duns), ''), 9, '0');

CREATE OR REPLACE TEMP TABLE moved_duns AS
SELECT duns FROM (FROM duns_to_uei_before EXCEPT FROM (SELECT duns, uei FROM duns_to_uei))
UNION
SELECT duns FROM (SELECT duns, uei FROM duns_to_uei EXCEPT FROM duns_to_uei_before);

-- A DUNS that now maps to another UEI (or to one for the first time) moves every row that names it: those
-- rows' awards are derived again too.
-- (duns_moved: a constant to these statements and step 205's, so that when no DUNS moved, as in most ingests,
-- their tests of each row's DUNS are dropped before any row is read)
SET VARIABLE duns_moved = (SELECT count(*) > 0 FROM moved_duns);
CREATE OR REPLACE TEMP TABLE awards_of_moved_duns AS
SELECT DISTINCT m.award_key FROM counted_money m
ANTI JOIN scope_awards a ON m.award_key IS NOT DISTINCT FROM a.award_key
WHERE getvariable('duns_moved')
  AND (duns_key(m.recipient_duns) IN (SELECT duns FROM moved_duns)
       OR duns_key(m.parent_duns) IN (SELECT duns FROM moved_duns));
INSERT INTO scope_awards FROM awards_of_moved_duns;

-- Money rows with the organization each pays.
CREATE OR REPLACE TEMP MACRO with_payees(rows_of) AS TABLE
SELECT m.*,
       CASE WHEN m.individual THEN 'individuals'
            ELSE coalesce(resolve_org(m.recipient_uei, m.recipient_duns, m.recipient_name, r.uei), 'unknown') END
           AS recipient_id,
       CASE WHEN m.individual THEN NULL
            ELSE resolve_org(m.parent_uei, m.parent_duns, m.parent_name, p.uei) END AS reported_parent_id
FROM query_table(rows_of) m
LEFT JOIN duns_to_uei r ON r.duns = duns_key(m.recipient_duns)
LEFT JOIN duns_to_uei p ON p.duns = duns_key(m.parent_duns);

-- The counted rows of the awards in scope (the others stay as derived): those step 110 read and did not set
-- aside, so that the 2M-row table is not read again, and the rows of the awards a moved DUNS added.
CREATE OR REPLACE TEMP VIEW counted_money_of_awards_in_scope AS
SELECT m.* FROM scoped_money_rows_read m ANTI JOIN scoped_set_aside s ON s.sha256 = m.sha256 AND s.row_no = m.row_no
UNION ALL
SELECT m.* FROM counted_money m SEMI JOIN awards_of_moved_duns a ON m.award_key IS NOT DISTINCT FROM a.award_key;

-- A scoped derive reads them once, into a temporary table (as step 110 does); a full derive, every counted row.
CREATE OR REPLACE TEMP TABLE money_in_scope_read AS
FROM with_payees('counted_money_of_awards_in_scope') WHERE NOT getvariable('whole_derive');
CREATE OR REPLACE TEMP VIEW money_in_scope AS
FROM with_payees('counted_money') WHERE getvariable('whole_derive') UNION ALL FROM money_in_scope_read;

CREATE TABLE IF NOT EXISTS money AS FROM money_in_scope LIMIT 0;
CREATE OR REPLACE TEMP VIEW money_again AS
FROM money WHERE getvariable('whole_derive') UNION ALL FROM money_in_scope_read;
WITH gone AS (DELETE FROM money WHERE rowid IN (
                  SELECT m.rowid FROM money m SEMI JOIN scope_awards a ON m.award_key IS NOT DISTINCT FROM a.award_key)
              RETURNING *)
INSERT INTO digest_changes BY NAME FROM row_sums('gone', 'money', -1);
INSERT INTO money FROM money_in_scope;
INSERT INTO digest_changes BY NAME FROM row_sums('money_again', 'money', 1);

-- The names each award's rows write (recipient, reported parent), kept per award like the money, so that a scoped
-- derive cleans only the names of the awards in scope; org_names adds them up. money_again: the money rows of
-- the awards in scope, as just inserted (on a full derive, the table itself: read after the INSERT above, like its
-- digest capture).
CREATE OR REPLACE TEMP VIEW money_names_in_scope AS
SELECT award_key, id, name, count(*) AS n, max(action_date) AS last_seen FROM (
    SELECT award_key, recipient_id AS id, clean_name(recipient_name) AS name, action_date
    FROM money_again WHERE NOT individual
    UNION ALL
    SELECT award_key, reported_parent_id, clean_name(parent_name), action_date
    FROM money_again WHERE reported_parent_id IS NOT NULL
) WHERE id IS NOT NULL AND name IS NOT NULL
GROUP BY ALL;
CREATE TABLE IF NOT EXISTS money_names AS FROM money_names_in_scope LIMIT 0;
-- (made once into a temporary table on a scoped derive, which the insert and the digest read; whole otherwise)
CREATE OR REPLACE TEMP TABLE money_names_made AS FROM money_names_in_scope WHERE NOT getvariable('whole_derive');
CREATE OR REPLACE TEMP VIEW money_names_again AS
FROM money_names WHERE getvariable('whole_derive') UNION ALL FROM money_names_made;
WITH gone AS (DELETE FROM money_names WHERE rowid IN (
                  SELECT n.rowid FROM money_names n SEMI JOIN scope_awards a ON n.award_key IS NOT DISTINCT FROM a.award_key)
              RETURNING *)
INSERT INTO digest_changes BY NAME FROM row_sums('gone', 'money_names', -1);
INSERT INTO money_names
FROM money_names_in_scope WHERE getvariable('whole_derive') UNION ALL FROM money_names_made;
INSERT INTO digest_changes BY NAME FROM row_sums('money_names_again', 'money_names', 1);

-- Subawards, each with the prime recipient and the subrecipient organizations.
CREATE OR REPLACE TABLE subawards AS
SELECT
    s._sha256 AS sha256, s._row AS row_no, s._individual AS individual,
    upper(s.prime_award_unique_key) AS award_key, s.prime_award_piid AS piid,
    s.prime_award_awarding_sub_agency_code AS sub_agency_code,
    resolve_org(s.prime_awardee_uei, s.prime_awardee_duns, s.prime_awardee_name, dp.uei) AS prime_id,
    s.prime_awardee_name AS prime_name,
    resolve_org(s.prime_awardee_parent_uei, NULL, s.prime_awardee_parent_name, NULL) AS prime_parent_id,
    s.prime_awardee_parent_name AS prime_parent_name,
    CASE WHEN s._individual THEN 'individuals'
         ELSE resolve_org(s.subawardee_uei, s.subawardee_duns, s.subawardee_name, ds.uei) END AS sub_id,
    s.subawardee_name AS sub_name,
    CASE WHEN s._individual THEN NULL
         ELSE resolve_org(s.subawardee_parent_uei, s.subawardee_parent_duns, s.subawardee_parent_name, dsp.uei) END
        AS sub_parent_id,
    s.subawardee_parent_name AS sub_parent_name,
    s.subaward_number, parse_amount(s.subaward_amount) AS amount,
    parse_date(s.subaward_action_date, f.date_order) AS action_date,
    federal_fiscal_year(parse_date(s.subaward_action_date, f.date_order)) AS fiscal_year,
    public_text(s.subaward_description) AS description, web_url(s.usaspending_permalink) AS permalink,
    f.file_name, f.export_ts
FROM raw_subawards s JOIN source_files f ON f.sha256 = s._sha256
LEFT JOIN duns_to_uei dp ON dp.duns = duns_key(s.prime_awardee_duns)
LEFT JOIN duns_to_uei ds ON ds.duns = duns_key(s.subawardee_duns)
LEFT JOIN duns_to_uei dsp ON dsp.duns = duns_key(s.subawardee_parent_duns);

-- Same subaward reported in several exports: keep the newest report.
CREATE OR REPLACE TABLE subawards AS
SELECT * FROM subawards
QUALIFY row_number() OVER (
    PARTITION BY award_key, coalesce(subaward_number, ''), sub_id, amount, action_date
    ORDER BY export_ts DESC, sha256, row_no) = 1;

-- Every name an organization appears under, with where it was seen.
CREATE OR REPLACE TABLE org_names AS
SELECT id, name, sum(n) AS n_rows, max(last_seen) AS last_seen FROM (
    SELECT id, name, n, last_seen FROM money_names
    UNION ALL
    SELECT prime_id, clean_name(prime_name), count(*), max(action_date) FROM subawards GROUP BY ALL
    UNION ALL
    SELECT prime_parent_id, clean_name(prime_parent_name), count(*), max(action_date)
    FROM subawards WHERE prime_parent_id IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT sub_id, clean_name(sub_name), count(*), max(action_date) FROM subawards WHERE NOT individual GROUP BY ALL
    UNION ALL
    SELECT sub_parent_id, clean_name(sub_parent_name), count(*), max(action_date)
    FROM subawards WHERE sub_parent_id IS NOT NULL AND NOT individual GROUP BY ALL
) WHERE id IS NOT NULL AND name IS NOT NULL
GROUP BY id, name;

-- Agencies, sub-agencies and offices are organizations too.
CREATE OR REPLACE TABLE agency_units AS
WITH codes AS MATERIALIZED (SELECT DISTINCT toptier_code, sub_agency_code FROM money)  -- one read of the money rows
SELECT DISTINCT 'agency:' || m.toptier_code AS id, coalesce(a.toptier_name, 'agency ' || m.toptier_code) AS name,
       'agency' AS kind, NULL::VARCHAR AS part_of, coalesce(a.toptier_abbreviation, '') AS abbreviation,
       m.toptier_code AS code
FROM codes m LEFT JOIN (SELECT DISTINCT toptier_code, toptier_name, toptier_abbreviation FROM agency_codes) a
    USING (toptier_code)
WHERE m.toptier_code IS NOT NULL
UNION ALL
SELECT DISTINCT 'agency:' || m.sub_agency_code, coalesce(a.subtier_name, 'sub-agency ' || m.sub_agency_code),
       'sub_agency', 'agency:' || m.toptier_code, coalesce(a.subtier_abbreviation, ''), m.sub_agency_code
FROM codes m LEFT JOIN agency_codes a ON a.subtier_code = m.sub_agency_code
WHERE m.sub_agency_code IS NOT NULL AND m.sub_agency_code <> m.toptier_code
UNION ALL
-- (the latest row's; equal dates settled by file and row, not by the order the rows happen to be stored in; one
-- arg_max of both columns: each arg_max compares the four-part key on every row)
SELECT 'office:' || office_code, latest.office_name, 'office', 'agency:' || latest.sub_agency_code, '', office_code
FROM (SELECT office_code,
             arg_max({'office_name': office_name, 'sub_agency_code': sub_agency_code},
                     (action_date, export_ts, sha256, row_no)) AS latest
      FROM money WHERE office_code IS NOT NULL GROUP BY office_code);

-- The parent each company reported most recently (self-reported in SAM: grade B).
CREATE OR REPLACE TABLE reported_parents AS
SELECT child_id, latest.parent_id, latest.file_name || ' row ' || latest.row_no AS evidence_locator, latest.sha256, as_of
FROM (SELECT recipient_id AS child_id,
             arg_max({'parent_id': reported_parent_id, 'file_name': file_name, 'row_no': row_no, 'sha256': sha256},
                     (action_date, export_ts, sha256, row_no)) AS latest,
             max(action_date) AS as_of
      FROM money
      WHERE reported_parent_id IS NOT NULL AND recipient_id NOT IN ('individuals', 'unknown')
      GROUP BY recipient_id)
WHERE latest.parent_id <> child_id;

-- The registrations some row names as its recipient (prime or sub): the others are known only from parent fields,
-- whose names a child's rows wrote (resolution sets such names aside where a reference file names the registration
-- otherwise: queries/resolve_names.sql; step 210 names it as the reference does).
CREATE OR REPLACE TEMP VIEW paid_registrations AS
SELECT recipient_id AS id FROM money WHERE recipient_id IS NOT NULL
UNION SELECT sub_id FROM subawards WHERE sub_id IS NOT NULL
UNION SELECT prime_id FROM subawards WHERE prime_id IS NOT NULL;

CREATE OR REPLACE TABLE organizations AS
WITH ids AS (
    SELECT id FROM org_names
    UNION SELECT recipient_id FROM money
    UNION SELECT parent_id FROM reported_parents
    UNION SELECT sub_id FROM subawards UNION SELECT prime_id FROM subawards
),
best_name AS (
    SELECT id, arg_max(name, (last_seen, n_rows, name)) AS name FROM org_names GROUP BY id
)
SELECT i.id,
       CASE WHEN i.id = 'individuals' THEN 'Individual recipients (names withheld)'
            ELSE coalesce(b.name, i.id) END AS name,
       CASE WHEN i.id = 'individuals' THEN 'individuals' ELSE 'company' END AS kind,
       CASE WHEN i.id LIKE 'uei:%' THEN i.id[5:] END AS uei,
       i.id AS family_id  -- each its own family until 220_families joins them
FROM ids i LEFT JOIN best_name b USING (id)
WHERE i.id IS NOT NULL
UNION ALL
SELECT id, name, kind, NULL, id FROM agency_units;
