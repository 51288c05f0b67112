-- The records (registrations) resolution merged into one organization, each with its own total and years.
SELECT o.id, o.name, coalesce(sum(r.obligated), 0) AS obligated, min(r.fiscal_year) AS first_fy,
       max(r.fiscal_year) AS last_fy, sum(r.source_rows) AS source_rows
FROM organizations o LEFT JOIN record_totals r ON r.recipient_id = o.id
WHERE o.canonical_id = $id AND o.kind <> 'individuals'
GROUP BY o.id, o.name
ORDER BY obligated DESC, o.id;
