-- After answer_scope.sql: whether every answer may differ.
SELECT whole FROM answer_scope_whole;
