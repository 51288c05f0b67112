-- What agencies in focus obligated to each family (prime contracts, USAspending records).
SELECT family_id, sum(obligated) AS obligated, sum(awards) AS awards
FROM family_totals
WHERE family_id IN (SELECT unnest($families))
  AND (toptier_code IN (SELECT unnest($codes)) OR sub_agency_code IN (SELECT unnest($codes)))
GROUP BY family_id;
