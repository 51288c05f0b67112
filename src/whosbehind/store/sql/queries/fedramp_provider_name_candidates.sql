-- The organizations whose names (any name the records write for them, or the name they are known by: a reported or
-- curated parent) contain one of these words ($words: the first word of each provider's name key), with their family
-- (220_families) and whether curated ownership holds them or their family (reviewed like code):
-- resolve/providers.py keeps those whose name has the provider's words.
WITH curated AS (
    SELECT org_id AS id FROM curated_organizations
    UNION SELECT child_id FROM curated_links UNION SELECT parent_id FROM curated_links
)
SELECT DISTINCT o.id AS org_id, n.name, o.family_id,
       o.id IN (SELECT id FROM curated) OR o.family_id IN (SELECT id FROM curated) AS curated
FROM (SELECT id, name FROM org_names UNION SELECT id, name FROM organizations WHERE kind = 'company') n
JOIN organizations o ON o.id = n.id
WHERE EXISTS (SELECT 1 FROM unnest($words) w(word) WHERE contains(lower(n.name), w.word))
ORDER BY org_id, n.name;
