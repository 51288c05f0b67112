-- Agencies and sub-agencies in the database, with their total obligations.
SELECT u.id, u.name, u.kind, u.code, u.abbreviation, u.part_of,
       (SELECT sum(obligated) FROM family_totals t WHERE t.toptier_code = u.code OR t.sub_agency_code = u.code)
           AS obligated
FROM agency_units u WHERE u.kind IN ('agency', 'sub_agency') ORDER BY u.kind, u.code;
