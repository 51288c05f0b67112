-- The organizations whose answers are prepared first when the server starts: those that received the most.
SELECT organization_id AS id
FROM organization_totals
GROUP BY organization_id
ORDER BY sum(obligated) DESC NULLS LAST, organization_id
LIMIT $limit;
