-- The counted money rows behind one piece of evidence (recipient names of private persons are never stored).
SELECT row_no, action_date, fiscal_year, amount, piid, modification, award_key, office_name, psc, psc_description,
       naics, naics_description, CASE WHEN individual THEN NULL ELSE description END AS description
FROM money WHERE sha256 = $sha256 AND list_contains($rows, row_no)
ORDER BY row_no;
