-- Every parent each organization reported on any of its rows (identifiers as step 200 resolved them): two
-- registrations of one name that report different parents are two companies.
SELECT DISTINCT recipient_id AS child_id, reported_parent_id AS parent_id
FROM money
WHERE reported_parent_id IS NOT NULL AND recipient_id NOT IN ('individuals', 'unknown')
  AND reported_parent_id <> recipient_id
ORDER BY 1, 2;
