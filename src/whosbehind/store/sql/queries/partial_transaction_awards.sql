-- Awards counted from transaction rows whose newest award summary says a different total: the
-- transaction files cover only part of the award's life (or the summary is older). Informational.
WITH summary AS (
    SELECT m.award_key, arg_max(m.amount, m.export_ts) AS summary_total
    FROM money_rows m JOIN money_set_aside s ON s.sha256 = m.sha256 AND s.row_no = m.row_no
    WHERE s.reason = 'award counted from its transaction rows'
    GROUP BY m.award_key
),
counted AS (
    SELECT award_key, sum(amount) AS counted_total FROM counted_money
    WHERE award_key IN (SELECT award_key FROM summary) GROUP BY award_key
)
SELECT count(*) AS awards, coalesce(sum(s.summary_total - c.counted_total), 0) AS summary_minus_counted
FROM summary s JOIN counted c USING (award_key)
WHERE s.summary_total <> c.counted_total;
