-- What agencies in focus obligated to each family (prime contracts, USAspending records).
-- Awards are counted once each (family_totals counts them per fiscal year, so they cannot be summed).
SELECT t.family_id, t.obligated, a.awards
FROM (
    SELECT family_id, sum(obligated) AS obligated FROM family_totals
    WHERE family_id IN (SELECT unnest($families))
      AND (toptier_code IN (SELECT unnest($codes)) OR sub_agency_code IN (SELECT unnest($codes)))
    GROUP BY family_id
) t JOIN (
    SELECT o.family_id, count(DISTINCT r.award_key) AS awards
    FROM record_awards r JOIN organizations o ON o.id = r.recipient_id
    WHERE o.family_id IN (SELECT unnest($families))
      AND (r.toptier_code IN (SELECT unnest($codes)) OR r.sub_agency_code IN (SELECT unnest($codes)))
    GROUP BY o.family_id
) a USING (family_id);
