-- Step 300: contract evidence (prime awards, subawards, reported parents), each pointing at source rows, and
-- the money totals per record and per family. Step 500 joins this evidence with the rest into one graph.

-- Kept from one derive to the next (build.derive): a prime award's evidence is made again only for the awards in
-- scope_awards (those of the files stored, widened in step 200 to those of a DUNS given another UEI, whose rows pay
-- another record now; every award on a full derive), as it reads their money rows alone; the subawards' and
-- reported parents' evidence is made again whole.
CREATE OR REPLACE TEMP VIEW contract_evidence_in_scope AS
-- One piece of evidence per award and file: the rows of that file that carry the award's money.
SELECT
    'prime_contract' AS kind,
    'agency:' || m.sub_agency_code AS source_id, m.recipient_id AS target_id,
    m.award_key, m.sha256, any_value(m.file_name) AS file_name, any_value(m.source_format) AS source_format,
    list(m.row_no ORDER BY m.row_no) AS rows, sum(m.amount) AS amount,
    min(m.action_date) AS first_date, max(m.action_date) AS last_date,
    arg_min(m.permalink, m.row_no) AS permalink, 'A' AS grade  -- the file's first row's: a fixed pick
FROM money_again m  -- (step 200: the money rows of the awards in scope, as just made)
WHERE m.sub_agency_code IS NOT NULL
GROUP BY m.sub_agency_code, m.recipient_id, m.award_key, m.sha256
UNION ALL
SELECT
    'subcontract', s.prime_id, s.sub_id, s.award_key, s.sha256, any_value(s.file_name), 'subawards',
    list(s.row_no ORDER BY s.row_no), sum(s.amount), min(s.action_date), max(s.action_date),
    arg_min(s.permalink, s.row_no), 'B'
FROM subawards s WHERE s.prime_id IS NOT NULL AND s.sub_id IS NOT NULL
GROUP BY s.prime_id, s.sub_id, s.award_key, s.sha256
UNION ALL
SELECT
    'parent', p.child_id, p.parent_id, NULL, p.sha256, split_part(p.evidence_locator, ' row ', 1),
    'usaspending recipient_parent fields', [TRY_CAST(split_part(p.evidence_locator, ' row ', 2) AS BIGINT)],
    NULL, p.as_of, p.as_of, NULL, 'B'
FROM reported_parents p;
CREATE TABLE IF NOT EXISTS contract_evidence AS FROM contract_evidence_in_scope LIMIT 0;
-- (made once into a temporary table on a scoped derive, which the insert and the digest read; whole otherwise)
CREATE OR REPLACE TEMP TABLE contract_evidence_made AS
FROM contract_evidence_in_scope WHERE NOT getvariable('whole_derive');
CREATE OR REPLACE TEMP VIEW contract_evidence_again AS
FROM contract_evidence WHERE getvariable('whole_derive') UNION ALL FROM contract_evidence_made;
WITH gone AS (DELETE FROM contract_evidence WHERE rowid IN (
                  SELECT c.rowid FROM contract_evidence c SEMI JOIN scope_awards a
                  ON c.kind = 'prime_contract' AND c.award_key IS NOT DISTINCT FROM a.award_key)
              RETURNING *)
INSERT INTO digest_changes BY NAME FROM row_sums('gone', 'contract_evidence', -1);
WITH gone AS (DELETE FROM contract_evidence WHERE kind <> 'prime_contract' RETURNING *)
INSERT INTO digest_changes BY NAME FROM row_sums('gone', 'contract_evidence', -1);
INSERT INTO contract_evidence
FROM contract_evidence_in_scope WHERE getvariable('whole_derive') UNION ALL FROM contract_evidence_made;
INSERT INTO digest_changes BY NAME FROM row_sums('contract_evidence_again', 'contract_evidence', 1);

-- Each record's money per award, sub-agency and fiscal year (one row per distinct award there): rankings count a
-- family's awards from here, through each record's family (organizations), and the three levels of totals add it
-- up. Kept per award like the money (money_again: the money rows of the awards in scope, step 200), so that a
-- scoped derive makes again only the rows of those awards.
CREATE OR REPLACE TEMP VIEW record_awards_in_scope AS
SELECT recipient_id, toptier_code, sub_agency_code, fiscal_year, award_key,
       sum(amount) AS obligated, count(*) AS source_rows
FROM money_again GROUP BY ALL;
CREATE TABLE IF NOT EXISTS record_awards AS FROM record_awards_in_scope LIMIT 0;
-- The rows of the awards in scope before and after (kept for the totals below and in step 500; every row after on
-- a full derive).
CREATE OR REPLACE TEMP TABLE record_awards_before AS FROM record_awards LIMIT 0;
WITH gone AS (DELETE FROM record_awards WHERE rowid IN (
                  SELECT r.rowid FROM record_awards r SEMI JOIN scope_awards a ON r.award_key IS NOT DISTINCT FROM a.award_key)
              RETURNING *)
INSERT INTO record_awards_before FROM gone;
INSERT INTO digest_changes BY NAME FROM row_sums('record_awards_before', 'record_awards', -1);
CREATE OR REPLACE TEMP TABLE record_awards_after AS FROM record_awards_in_scope;
INSERT INTO record_awards FROM record_awards_after;
INSERT INTO digest_changes BY NAME FROM row_sums('record_awards_after', 'record_awards', 1);
-- The records those awards pay, before or after, and the records an award pays no amount (macro
-- groups_added_up_whole).
CREATE OR REPLACE TEMP TABLE totals_records AS
SELECT DISTINCT recipient_id FROM (FROM record_awards_before UNION ALL FROM record_awards_after);
CREATE OR REPLACE TEMP TABLE unsummed_records AS SELECT DISTINCT recipient_id FROM record_awards WHERE obligated IS NULL;

-- Stored totals at three levels, each by sub-agency and fiscal year; `whosbehind check` reconciles every one with the
-- raw rows. Added up from record_awards, not from the money rows: it is a third smaller, and its rows are already
-- distinct awards, so no level counts DISTINCT over every money row (three times the time of the sums).
-- A record as published (one recipient id):
CREATE OR REPLACE TABLE record_totals AS
SELECT recipient_id, toptier_code, sub_agency_code, fiscal_year,
       sum(obligated) AS obligated, sum(source_rows)::BIGINT AS source_rows, count(award_key) AS awards
FROM record_awards
GROUP BY ALL ORDER BY recipient_id;

-- A family (every organization under one ultimate parent; macro group_totals); the organization's level is in
-- 500_graph. Kept from one derive to the next (macros groups_added_up_whole, group_totals_change): added up again
-- whole for the families a record joined or left (every family on a full derive, when organizations_before is
-- empty), brought up to date by the change of the awards in scope for the other families those awards pay.
CREATE OR REPLACE TEMP VIEW family_of_now AS SELECT id, family_id AS group_id FROM organizations;
CREATE OR REPLACE TEMP VIEW family_of_before AS SELECT id, family_id AS group_id FROM organizations_before;
CREATE OR REPLACE TEMP TABLE families_whole AS
FROM groups_added_up_whole('family_of_now', 'family_of_before', 'unsummed_records');
CREATE OR REPLACE TEMP VIEW record_family AS
FROM family_of_now r SEMI JOIN families_whole f ON f.group_id IS NOT DISTINCT FROM r.group_id;
CREATE OR REPLACE TEMP VIEW record_family_changed AS
FROM groups_changed('family_of_now', 'totals_records', 'families_whole');
CREATE TABLE IF NOT EXISTS family_totals AS
SELECT group_id AS family_id, * EXCLUDE (group_id) FROM group_totals('record_awards', 'record_family') LIMIT 0;
CREATE OR REPLACE TEMP VIEW family_totals_by_group AS
SELECT family_id AS group_id, * EXCLUDE (family_id) FROM family_totals;
CREATE OR REPLACE TEMP TABLE family_totals_change AS
FROM group_totals_change('record_awards_before', 'record_awards_after', 'record_family_changed');
CREATE OR REPLACE TEMP TABLE family_totals_changed AS
FROM group_totals_changed('family_totals_by_group', 'family_totals_change');
DELETE FROM family_totals t
WHERE t.family_id IN (SELECT group_id FROM family_totals_change)
   OR EXISTS (SELECT 1 FROM families_whole f WHERE f.group_id IS NOT DISTINCT FROM t.family_id);
INSERT INTO family_totals SELECT group_id AS family_id, * EXCLUDE (group_id) FROM family_totals_changed;
INSERT INTO family_totals
SELECT group_id AS family_id, * EXCLUDE (group_id) FROM group_totals('record_awards', 'record_family');
