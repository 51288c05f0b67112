-- Every tie, for the why-walk (analysis/why.py, Graph), in a fixed order: the same database gives the same paths
-- (the walk stops at its budget). A product named in several awards to one recipient is one tie per award
-- (step 500) but one step of a path: its awards are added up here, a few rows per pair instead of one per award
-- (the grade and status of its first award in key order, as they are, NULL too; the amount of a lone award, else the
-- sum with none as 0).
SELECT kind, source_id, target_id,
       first(grade ORDER BY award_key NULLS LAST) AS grade,
       CASE WHEN count(*) = 1 THEN first(amount) ELSE sum(coalesce(amount, 0))::DECIMAL(38, 2) END AS amount,
       sum(awards)::BIGINT AS awards, sum(evidence_count)::BIGINT AS evidence_count,
       min(first_date) AS first_date, max(last_date) AS last_date,
       first(status ORDER BY award_key NULLS LAST) AS status
FROM ties
GROUP BY kind, source_id, target_id
ORDER BY kind, source_id, target_id;
