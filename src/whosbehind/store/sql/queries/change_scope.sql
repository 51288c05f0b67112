-- Every id whose changes count as a family's, for a batch of families ($families): its members and the records
-- merged into them; the FedRAMP providers and curated entities matched to them, both ways (a curated company is its
-- FedRAMP provider too); and every id the graph reads as one of them (node_canonical). A node no organization holds
-- (a FedRAMP provider, a curated company) is its own family. The one scope of a family's changes: an answer's
-- "what changed" (answer_changes.sql) and `changes --org`, the feeds, the pages and the watchlists
-- (analysis/changes.family_scope) read it. answer_scope.sql reads the same relations the other way.
WITH members AS (
    SELECT family_id, id FROM organizations WHERE family_id IN (SELECT unnest($families))
    UNION SELECT family_id, canonical_id FROM organizations WHERE family_id IN (SELECT unnest($families))
    UNION SELECT f, f FROM unnest($families) AS t(f)
)
SELECT family_id, id FROM members
UNION SELECT m.family_id, n.node_id FROM node_matches n JOIN members m ON m.id = n.org_id
UNION SELECT m.family_id, n.org_id FROM node_matches n JOIN members m ON m.id = n.node_id
UNION SELECT m.family_id, c.node_id FROM node_canonical c JOIN members m ON m.id = c.canonical_id;
