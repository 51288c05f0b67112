-- How many ties of each kind one organization has, and their money.
SELECT kind, count(*) AS ties, sum(amount) AS amount, min(grade) AS best_grade, max(grade) AS weakest_grade
FROM ties WHERE source_id = $id OR target_id = $id
GROUP BY kind ORDER BY kind;
