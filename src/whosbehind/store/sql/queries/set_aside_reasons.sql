-- Rows set aside, grouped by why.
SELECT CASE WHEN reason LIKE 'exact duplicate%' THEN 'exact duplicate row in the same file'
            WHEN reason LIKE 'same transaction%' THEN 'transaction also in a newer or richer export'
            WHEN reason LIKE 'same award%' THEN 'award summary also in a newer export'
            ELSE reason END AS reason,
       source_format, count(*) AS rows, sum(amount) AS amount
FROM money_set_aside GROUP BY ALL ORDER BY rows DESC, reason;
