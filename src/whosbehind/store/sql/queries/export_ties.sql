-- The whole graph, part 2: every tie with its grade and money.
SELECT kind, source_id, target_id, grade, amount, awards, evidence_count, first_date, last_date
FROM ties ORDER BY kind, source_id, target_id;
