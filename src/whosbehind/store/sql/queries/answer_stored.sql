-- The stored answer of a node, by the node's own id (the primary key's lookup).
SELECT id, body, NULL AS asked_name FROM organization_answers WHERE id = $id;
