-- The organizations of each family of a batch ($families), each with the link to its parent (source, grade,
-- dates) and its money.
WITH money AS (
    SELECT organization_id, sum(obligated) AS obligated FROM organization_totals GROUP BY organization_id
),
-- A brand known only from reporting that curated ownership does not place (ownership.yaml's `entity`, which gives
-- Ring and Project Kuiper a parent link) is of its owner's family through the brand tie that graph_nodes follows
-- (step 500), not through a parent link: its link is that tie, the owner graph_nodes chose (best grade, then id),
-- cited by the tie's strongest evidence (the published claim).
brand_links AS (
    SELECT s.source_id AS child_id, s.target_id AS parent_id, 'claim' AS source, s.grade,
           s.source_name || coalesce(': ' || s.url, '') || '; ' || s.locator AS citation
    FROM tie_evidence_shown s
    WHERE s.kind = 'brand' AND s.n = 1
    QUALIFY row_number() OVER (PARTITION BY s.source_id ORDER BY s.grade, s.target_id) = 1
)
SELECT g.family_id AS for_family, g.id, g.name, g.kind, coalesce(p.parent_id, b.parent_id) AS parent_id,
       pn.name AS parent_name, coalesce(p.source, b.source) AS link_source, coalesce(p.grade, b.grade) AS link_grade,
       p.valid_from, p.as_of, coalesce(p.citation, b.citation) AS citation, m.obligated
FROM graph_nodes g
LEFT JOIN current_parents p ON p.child_id = g.id
LEFT JOIN brand_links b ON b.child_id = g.id AND p.child_id IS NULL AND g.id <> g.family_id
LEFT JOIN graph_nodes pn ON pn.id = coalesce(p.parent_id, b.parent_id)
LEFT JOIN money m ON m.organization_id = g.id
WHERE g.family_id IN (SELECT unnest($families))
ORDER BY for_family, (g.id = g.family_id) DESC, m.obligated DESC NULLS LAST, g.name, g.id;
