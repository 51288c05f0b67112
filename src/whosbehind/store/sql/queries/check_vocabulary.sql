-- Ties and nodes whose kind, grade or id the vocabulary (model.py, written by the build as vocabulary_* tables)
-- does not name: an error of the build, or a tampered table, never something to show.
SELECT 'tie kind' AS what, kind AS value, count(*) AS ties FROM ties
WHERE kind NOT IN (SELECT kind FROM vocabulary_tie_kinds) GROUP BY kind
UNION ALL
SELECT 'grade', grade, count(*) FROM ties WHERE grade NOT IN (SELECT grade FROM vocabulary_grades) GROUP BY grade
UNION ALL
SELECT 'node id', split_part(id, ':', 1) || ':', count(*) FROM graph_nodes
WHERE NOT EXISTS (SELECT 1 FROM vocabulary_id_kinds v WHERE starts_with(graph_nodes.id, v.prefix))
GROUP BY ALL
ORDER BY what, value;
