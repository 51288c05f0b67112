-- The whole graph, part 1: every organization (private persons are one bucket, 'individuals').
SELECT id, name, kind, uei, family_id FROM organizations ORDER BY id;
