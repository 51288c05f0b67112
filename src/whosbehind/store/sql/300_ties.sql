-- Step 300: ties between organizations, each backed by evidence rows that point at source rows.

CREATE OR REPLACE TABLE evidence AS
-- One piece of evidence per award and file: the rows of that file that carry the award's money.
SELECT
    'prime_contract' AS kind,
    'agency:' || m.sub_agency_code AS source_id, m.recipient_id AS target_id,
    m.award_key, m.sha256, any_value(m.file_name) AS file_name, any_value(m.source_format) AS source_format,
    list(m.row_no ORDER BY m.row_no) AS rows, sum(m.amount) AS amount,
    min(m.action_date) AS first_date, max(m.action_date) AS last_date,
    any_value(m.permalink) AS permalink, 'A' AS grade
FROM money m WHERE m.sub_agency_code IS NOT NULL
GROUP BY m.sub_agency_code, m.recipient_id, m.award_key, m.sha256
UNION ALL
SELECT
    'subcontract', s.prime_id, s.sub_id, s.award_key, s.sha256, any_value(s.file_name), 'subawards',
    list(s.row_no ORDER BY s.row_no), sum(s.amount), min(s.action_date), max(s.action_date),
    any_value(s.permalink), 'B'
FROM subawards s WHERE s.prime_id IS NOT NULL AND s.sub_id IS NOT NULL
GROUP BY s.prime_id, s.sub_id, s.award_key, s.sha256
UNION ALL
SELECT
    'parent', p.child_id, p.parent_id, NULL, p.sha256, split_part(p.evidence_locator, ' row ', 1),
    'usaspending recipient_parent fields', [TRY_CAST(split_part(p.evidence_locator, ' row ', 2) AS BIGINT)],
    NULL, p.as_of, p.as_of, NULL, 'B'
FROM reported_parents p;

CREATE OR REPLACE TABLE ties AS
SELECT kind, source_id, target_id, min(grade) AS grade,
       sum(amount) AS amount, count(DISTINCT award_key) AS awards, count(*) AS evidence_count,
       min(first_date) AS first_date, max(last_date) AS last_date
FROM evidence GROUP BY kind, source_id, target_id
UNION ALL
SELECT 'part_of', id, part_of, 'A', NULL, NULL, 0, NULL, NULL FROM agency_units WHERE part_of IS NOT NULL;

-- Stored totals: obligations by family, sub-agency and fiscal year. `whosbehind check` reconciles them
-- with the raw rows.
CREATE OR REPLACE TABLE family_totals AS
SELECT o.family_id, m.toptier_code, m.sub_agency_code, m.fiscal_year,
       sum(m.amount) AS obligated, count(*) AS source_rows, count(DISTINCT m.award_key) AS awards
FROM money m JOIN organizations o ON o.id = m.recipient_id
GROUP BY ALL;

-- Distinct awards per family, sub-agency and fiscal year: rankings count awards from here.
CREATE OR REPLACE TABLE family_awards AS
SELECT DISTINCT o.family_id, m.toptier_code, m.sub_agency_code, m.fiscal_year, m.award_key
FROM money m JOIN organizations o ON o.id = m.recipient_id;

-- Stored totals per organization (recipient), sub-agency and fiscal year: what an organization page and
-- `lookup` show. Reconciled with the raw rows by `whosbehind check`, like family_totals. Sorted by
-- organization so that reading one organization touches only its own row groups.
CREATE OR REPLACE TABLE organization_totals AS
SELECT m.recipient_id, m.toptier_code, m.sub_agency_code, m.fiscal_year,
       sum(m.amount) AS obligated, count(*) AS source_rows, count(DISTINCT m.award_key) AS awards
FROM money m
GROUP BY ALL ORDER BY m.recipient_id;

-- Each organization's money per award: the "largest awards" lists read from here instead of grouping
-- every money row of a large contractor on each request.
CREATE OR REPLACE TABLE organization_awards AS
SELECT recipient_id, award_key, any_value(piid) AS piid, any_value(sub_agency_code) AS sub_agency_code,
       sum(amount) AS obligated, min(action_date) AS first_date, max(action_date) AS last_date,
       any_value(permalink) AS permalink, any_value(description) AS description, count(*) AS source_rows,
       string_agg(DISTINCT file_name, '; ') AS files
FROM money
GROUP BY recipient_id, award_key ORDER BY recipient_id;
