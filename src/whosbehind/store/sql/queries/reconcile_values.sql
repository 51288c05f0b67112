-- Every counted row's amount, date and fiscal year against its raw text, read again by check's own readers
-- (check_readers.sql): a value the ingest read differently, or that is not written as USAspending writes it,
-- is listed.
WITH raw_values AS (
    SELECT c.sha256, c.row_no, r.federal_action_obligation AS amount_text, r.action_date AS date_text
    FROM counted_money c JOIN raw_prime_award_transactions r ON r._sha256 = c.sha256 AND r._row = c.row_no
    UNION ALL
    SELECT c.sha256, c.row_no, r.federal_action_obligation, r.action_date
    FROM counted_money c JOIN raw_transactions_2018 r ON r._sha256 = c.sha256 AND r._row = c.row_no
    UNION ALL
    SELECT c.sha256, c.row_no, r."Federal Action Obligation", r."Action Date"
    FROM counted_money c JOIN raw_api_transactions r ON r._sha256 = c.sha256 AND r._row = c.row_no
    UNION ALL
    SELECT c.sha256, c.row_no, r.total_obligated_amount, r.award_base_action_date
    FROM counted_money c JOIN raw_prime_award_summaries r ON r._sha256 = c.sha256 AND r._row = c.row_no
),
read_again AS (
    SELECT c.file_name, c.row_no, v.amount_text, c.amount AS stored_amount,
           CASE WHEN nullif(v.amount_text, '') IS NOT NULL THEN check_amount(v.amount_text) END AS read_amount,
           v.date_text, c.action_date AS stored_date, c.fiscal_year AS stored_fiscal_year,
           CASE WHEN nullif(v.date_text, '') IS NOT NULL THEN check_date(v.date_text, f.date_order) END AS read_date
    FROM raw_values v JOIN counted_money c USING (sha256, row_no) JOIN source_files f ON f.sha256 = c.sha256
)
SELECT file_name, row_no AS row, amount_text, stored_amount, read_amount, date_text, stored_date, read_date,
       stored_fiscal_year
FROM read_again
WHERE stored_amount IS DISTINCT FROM read_amount
   OR (nullif(amount_text, '') IS NOT NULL AND read_amount IS NULL)
   OR stored_date IS DISTINCT FROM read_date
   OR (nullif(date_text, '') IS NOT NULL AND read_date IS NULL)
   OR stored_fiscal_year IS DISTINCT FROM year(read_date) + CASE WHEN month(read_date) >= 10 THEN 1 ELSE 0 END
ORDER BY file_name, row_no
LIMIT 100;
