-- The whole graph, part 2: every tie, every kind, with its grade and money (amounts only where its evidence
-- carries one).
SELECT kind, source_id, target_id, grade, amount, awards, evidence_count, first_date, last_date, status, award_key,
       role
FROM ties ORDER BY kind, source_id, target_id;
