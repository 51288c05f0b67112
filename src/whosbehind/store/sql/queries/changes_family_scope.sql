-- Every id whose changes count as an organization's family's: its family's members (and the records merged
-- into them), the FedRAMP providers and curated entities matched to them, both ways, and every id the graph reads
-- as one of them (node_canonical: a provider reached through a curated company); as answer_changes.sql.
WITH fam AS (
    SELECT family_id FROM organizations WHERE id = $id OR canonical_id = $id
),
members AS (
    SELECT id FROM organizations WHERE family_id IN (SELECT family_id FROM fam)
    UNION SELECT canonical_id FROM organizations WHERE family_id IN (SELECT family_id FROM fam)
    UNION SELECT $id
)
SELECT id FROM members
UNION
SELECT node_id FROM node_matches WHERE org_id IN (SELECT id FROM members)
UNION
SELECT org_id FROM node_matches WHERE node_id IN (SELECT id FROM members)
UNION
SELECT node_id FROM node_canonical WHERE canonical_id IN (SELECT id FROM members);
