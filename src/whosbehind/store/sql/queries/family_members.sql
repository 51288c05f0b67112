-- Everyone in the family of one organization, with the parent each reported and, for a record merged into
-- another organization by resolution, that organization's id.
SELECT o.id, o.name, p.parent_id, p.evidence_locator, p.as_of, nullif(o.canonical_id, o.id) AS merged_into
FROM organizations o LEFT JOIN reported_parents p ON p.child_id = o.id
WHERE o.family_id = $family_id ORDER BY (o.id = $family_id) DESC, o.name, o.id;
