-- The organizations whose answers are prepared first when the server starts: those that received the most.
SELECT recipient_id AS id
FROM organization_totals
GROUP BY recipient_id
ORDER BY sum(obligated) DESC NULLS LAST, recipient_id
LIMIT $limit;
