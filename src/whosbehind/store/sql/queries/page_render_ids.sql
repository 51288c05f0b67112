-- The stored answers whose pages are rendered ($every: every one; else those that changed in this build).
SELECT id FROM organization_answers WHERE $every OR id IN (SELECT id FROM answers_changed) ORDER BY id;
