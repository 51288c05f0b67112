-- Every tie, for the why-walk (analysis/why.py, Graph), in a fixed order: the same database gives the same paths
-- (the walk stops at its budget).
SELECT kind, source_id, target_id, grade, amount, awards, evidence_count, first_date, last_date, status
FROM ties
ORDER BY kind, source_id, target_id, award_key;
