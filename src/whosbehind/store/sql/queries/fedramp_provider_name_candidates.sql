-- The organizations whose names (any name the records write for them, or the name they are known by: a reported or
-- curated parent) contain one of these words ($words: the first word of each provider's name key), with their family
-- (220_families): resolve/providers.py keeps those whose name has the provider's words.
SELECT DISTINCT o.id AS org_id, n.name, o.family_id
FROM (SELECT id, name FROM org_names UNION SELECT id, name FROM organizations WHERE kind = 'company') n
JOIN organizations o ON o.id = n.id
WHERE EXISTS (SELECT 1 FROM unnest($words) w(word) WHERE contains(lower(n.name), w.word))
ORDER BY org_id, n.name;
