-- The UEIs of the $limit best-paid records as published (all agencies): whom `refresh-families` asks about when
-- it is given no --uei.
SELECT o.uei
FROM record_totals t JOIN organizations o ON o.id = t.recipient_id
WHERE o.uei IS NOT NULL
GROUP BY o.uei
ORDER BY sum(t.obligated) DESC, o.uei
LIMIT $limit;
