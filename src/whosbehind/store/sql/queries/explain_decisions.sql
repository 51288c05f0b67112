-- Merge decisions about the members of one cluster: applied ones first, then those kept apart.
SELECT left_id, right_id, left_name, right_name, judgement, decided_by, decided_at, reason, score, applied, note
FROM resolution_decisions
WHERE left_id IN (SELECT unnest($members)) OR right_id IN (SELECT unnest($members))
ORDER BY applied DESC, judgement, score DESC NULLS LAST, left_id, right_id;
