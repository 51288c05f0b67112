-- Whether a curated name begins with this word ($word, a normalized lone word): an entity, brand or product of the
-- curated claims, or an organization of curated ownership (both reviewed like code). A common English word that
-- begins such a name is that company's short name here ("Lockheed", "Motorola"); otherwise it names no one company.
SELECT EXISTS (
    SELECT 1 FROM lookup_names
    WHERE first_token = $word AND source IN ('curated entity', 'curated brand', 'curated product')
    UNION ALL
    SELECT 1 FROM curated_organizations c JOIN lookup_names l ON l.node_id = c.org_id WHERE l.first_token = $word
) AS curated;
