-- The records (registrations) resolution merged into each organization of a batch ($ids), each with its own
-- total and years.
SELECT o.canonical_id AS for_id, o.id, o.name, coalesce(sum(r.obligated), 0) AS obligated,
       min(r.fiscal_year) AS first_fy, max(r.fiscal_year) AS last_fy, sum(r.source_rows) AS source_rows
FROM organizations o LEFT JOIN record_totals r ON r.recipient_id = o.id
WHERE o.canonical_id IN (SELECT unnest($ids)) AND o.kind <> 'individuals'
GROUP BY o.canonical_id, o.id, o.name
ORDER BY for_id, obligated DESC, o.id;
