-- Whether a curated name begins with these whole words ($core, a normalized name): an entity, brand or product of
-- the curated claims, or an organization of curated ownership, a child or parent of its links included (both
-- reviewed like code). A name that reads as a person's ("Peter Kiewit") is looked up when it begins such a name
-- (PETER KIEWIT SONS', INC.), never merely because a record's name begins with it (a professional corporation
-- named after its owner).
SELECT EXISTS (
    SELECT 1 FROM lookup_names
    WHERE starts_with(core, $core || ' ') AND source IN ('curated entity', 'curated brand', 'curated product')
    UNION ALL
    SELECT 1 FROM lookup_names l
    WHERE starts_with(l.core, $core || ' ') AND l.node_id IN (
        SELECT org_id FROM curated_organizations
        UNION ALL SELECT child_id FROM curated_links UNION ALL SELECT parent_id FROM curated_links)
) AS curated;
