-- Subcontracts in both directions. Shown beside prime money, never added to it.
SELECT CASE WHEN prime_id = $id THEN 'gave' ELSE 'received' END AS direction,
       CASE WHEN prime_id = $id THEN sub_id ELSE prime_id END AS other_id,
       o.name AS other_name, s.award_key, sum(s.amount) AS amount, count(*) AS subawards,
       min(s.action_date) AS first_date, max(s.action_date) AS last_date, any_value(s.permalink) AS permalink
FROM subawards s
JOIN organizations o ON o.id = CASE WHEN s.prime_id = $id THEN s.sub_id ELSE s.prime_id END
WHERE s.prime_id = $id OR s.sub_id = $id
GROUP BY ALL ORDER BY amount DESC NULLS LAST, other_id LIMIT $limit;
