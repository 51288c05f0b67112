-- Stored totals against the raw rows they come from: the amounts are read again from the raw text, by check's
-- own reader (check_readers.sql), not the ingest's. All three stored levels are checked: the record as
-- published, the organization (every record merged into it: pages, `lookup`, the API) and the family (rankings).
WITH from_raw AS (
    SELECT c.sha256, c.row_no, check_amount(r.federal_action_obligation) AS amount
    FROM counted_money c JOIN raw_prime_award_transactions r ON r._sha256 = c.sha256 AND r._row = c.row_no
    UNION ALL
    SELECT c.sha256, c.row_no, check_amount(r.federal_action_obligation)
    FROM counted_money c JOIN raw_transactions_2018 r ON r._sha256 = c.sha256 AND r._row = c.row_no
    UNION ALL
    SELECT c.sha256, c.row_no, check_amount(r."Federal Action Obligation")
    FROM counted_money c JOIN raw_api_transactions r ON r._sha256 = c.sha256 AND r._row = c.row_no
    UNION ALL
    SELECT c.sha256, c.row_no, check_amount(r.total_obligated_amount)
    FROM counted_money c JOIN raw_prime_award_summaries r ON r._sha256 = c.sha256 AND r._row = c.row_no
),
recomputed AS (
    SELECT m.recipient_id, o.canonical_id, o.family_id, m.toptier_code, m.sub_agency_code, m.fiscal_year,
           sum(f.amount) AS obligated, count(*) AS source_rows
    FROM from_raw f JOIN money m USING (sha256, row_no) JOIN organizations o ON o.id = m.recipient_id
    GROUP BY ALL
),
by_organization AS (
    SELECT canonical_id AS id, toptier_code, sub_agency_code, fiscal_year,
           sum(obligated) AS obligated, sum(source_rows) AS source_rows
    FROM recomputed GROUP BY ALL
),
by_family AS (
    SELECT family_id AS id, toptier_code, sub_agency_code, fiscal_year,
           sum(obligated) AS obligated, sum(source_rows) AS source_rows
    FROM recomputed GROUP BY ALL
),
stored AS (
    SELECT 'family' AS level, family_id AS id, toptier_code, sub_agency_code, fiscal_year, obligated, source_rows
    FROM family_totals
    UNION ALL
    SELECT 'organization', organization_id, toptier_code, sub_agency_code, fiscal_year, obligated, source_rows
    FROM organization_totals
    UNION ALL
    SELECT 'record', recipient_id, toptier_code, sub_agency_code, fiscal_year, obligated, source_rows
    FROM record_totals
),
from_rows AS (
    SELECT 'family' AS level, * FROM by_family
    UNION ALL
    SELECT 'organization', * FROM by_organization
    UNION ALL
    SELECT 'record', recipient_id, toptier_code, sub_agency_code, fiscal_year, obligated, source_rows
    FROM recomputed
)
SELECT coalesce(t.level, r.level) AS level, coalesce(t.id, r.id) AS id,
       coalesce(t.sub_agency_code, r.sub_agency_code) AS sub_agency_code,
       coalesce(t.fiscal_year, r.fiscal_year) AS fiscal_year, t.obligated AS stored, r.obligated AS from_rows,
       t.source_rows AS stored_rows, r.source_rows AS raw_rows
FROM stored t FULL OUTER JOIN from_rows r
  ON t.level = r.level AND t.id = r.id AND t.toptier_code IS NOT DISTINCT FROM r.toptier_code
 AND t.sub_agency_code IS NOT DISTINCT FROM r.sub_agency_code AND t.fiscal_year IS NOT DISTINCT FROM r.fiscal_year
WHERE t.obligated IS DISTINCT FROM r.obligated OR t.source_rows IS DISTINCT FROM r.source_rows
ORDER BY level, id, sub_agency_code, fiscal_year;
