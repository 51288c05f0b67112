-- Which dates each source format covers in the money that was counted.
SELECT source_format, min(action_date) AS first_date, max(action_date) AS last_date,
       min(fiscal_year) AS first_fy, max(fiscal_year) AS last_fy, count(*) AS rows, sum(amount) AS obligated
FROM money GROUP BY source_format ORDER BY source_format;
