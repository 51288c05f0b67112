-- FedRAMP authorizations that appeared at or disappeared from an agency between snapshots (step 520).
-- $since: only changes seen in a snapshot of this date or later; $agencies: only these agency ids; $orgs: only
-- changes of these organizations (NULL: all); $limit: the newest this many (NULL: all), in the order of every face
-- (analysis/changes.py, CHANGE_ORDER).
SELECT snapshot_date, previous, change, product_id, relations, previous_relations, pointer, cso, csp, org_id,
       org_name, agency_id, agency_name
FROM fedramp_agency_changes
WHERE ($since IS NULL OR snapshot_date >= $since)
  AND ($agencies IS NULL OR list_contains($agencies, agency_id))
  AND ($orgs IS NULL OR list_contains($orgs, org_id))
ORDER BY snapshot_date DESC, change, org_name, product_id, agency_id, pointer
LIMIT $limit;
