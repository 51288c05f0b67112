-- The family of an organization id (of a record merged into it, or of the organization itself); none for a node
-- no organization holds, which is its own family (change_scope.sql).
SELECT DISTINCT family_id FROM organizations WHERE id = $id OR canonical_id = $id;
