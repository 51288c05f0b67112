-- The subaward rows behind one piece of evidence.
SELECT row_no, action_date, fiscal_year, amount, piid, subaward_number, award_key,
       CASE WHEN individual THEN NULL ELSE description END AS description
FROM subawards WHERE sha256 = $sha256 AND list_contains($rows, row_no)
ORDER BY row_no;
