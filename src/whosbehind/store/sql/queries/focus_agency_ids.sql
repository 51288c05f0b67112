-- The agency nodes an agency code covers: itself and, for a toptier code, all its sub-agencies.
SELECT DISTINCT 'agency:' || subtier_code AS id FROM agency_codes WHERE toptier_code IN (SELECT unnest($codes))
UNION SELECT 'agency:' || unnest($codes);
