-- The answers of this build in place of the stored ones: those that are new, differ, or are gone (answers_changed,
-- whose pages are rendered again or removed) are replaced; the others stay as they are, byte for byte. Gone: the
-- answer of a node that is no longer answered (answers_wanted: every node answered now, computed or not).
CREATE OR REPLACE TEMP TABLE answers_changed AS
SELECT n.id FROM answers_next n LEFT JOIN organization_answers o USING (id) WHERE o.body IS DISTINCT FROM n.body
UNION ALL
SELECT o.id FROM organization_answers o ANTI JOIN answers_wanted w USING (id);
DELETE FROM organization_answers WHERE id IN (SELECT id FROM answers_changed);
INSERT INTO organization_answers SELECT n.id, n.body FROM answers_next n SEMI JOIN answers_changed c USING (id);
