-- The agency ids a chosen agency covers: itself and, for a toptier agency, every sub-agency of it.
SELECT $id AS id
UNION
SELECT 'agency:' || subtier_code FROM agency_codes WHERE 'agency:' || toptier_code = $id
UNION
SELECT id FROM agency_units WHERE part_of = $id AND kind = 'sub_agency';
