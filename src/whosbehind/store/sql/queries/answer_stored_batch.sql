-- The stored answers (compressed) of a batch of nodes ($ids).
SELECT id, body FROM organization_answers WHERE id IN (SELECT unnest($ids)) ORDER BY id;
