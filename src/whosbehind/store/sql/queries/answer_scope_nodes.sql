-- After answer_scope.sql: the nodes whose answer differs on their own rows or their family's ('answer'), and the
-- nodes a why-walk that steps on them may now read differently ('walk'; analysis/answer_scope.py).
SELECT 'answer' AS part, id FROM answer_scope_nodes
UNION ALL
SELECT 'answer', id FROM graph_nodes WHERE family_id IN (SELECT family_id FROM answer_scope_families)
UNION ALL
SELECT 'walk', id FROM answer_scope_holders
UNION ALL
SELECT 'walk', id FROM answer_scope_renamed;
