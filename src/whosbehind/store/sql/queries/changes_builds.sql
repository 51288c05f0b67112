-- Changes between builds (store/sql/build_changes.sql logs them): awards, curated claims, family links.
-- $since: only changes detected by a build on or after this date; $agencies: only these agency ids; $orgs: only
-- changes of these organizations (NULL: all); $limit: the newest this many (NULL: all), in the order of every face
-- (analysis/changes.py, CHANGE_ORDER).
SELECT build_id, previous_build_id, detected_from, detected_to, change, kind, source_id, org_id, org_name,
       agency_id, agency_name, amount, previous_amount, evidence, url, source_rows, previous_source_rows,
       last_date, grade, claim_status, parent_name, link_source, quoted
FROM change_log
WHERE ($since IS NULL OR CAST(detected_to AS DATE) >= $since)
  AND ($agencies IS NULL OR list_contains($agencies, agency_id))
  AND ($orgs IS NULL OR list_contains($orgs, org_id))
ORDER BY CAST(detected_to AS DATE) DESC, kind, change, org_name, source_id, agency_id, evidence
LIMIT $limit;
