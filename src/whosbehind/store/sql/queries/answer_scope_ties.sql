-- After answer_scope.sql: the ties that differ, or whose cited evidence does (analysis/answer_scope.py).
SELECT kind, source_id, target_id FROM answer_scope_ties;
