-- After answer_scope_holders.sql: how many organizations hold an award made again, of how many answered.
SELECT (SELECT count(*) FROM answer_scope_holders) AS holders, (SELECT count(*) FROM organization_answers) AS answered;
