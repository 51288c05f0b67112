-- The whole graph, part 1: every node a tie can name (organizations as resolution made them, agencies, and
-- brands, systems, cloud products and facilities known from other sources); private persons are one bucket.
SELECT g.id, g.name, g.kind, g.uei, g.family_id,
       (SELECT string_agg(o.id, ' ' ORDER BY o.id) FROM organizations o
        WHERE o.canonical_id = g.id AND o.id <> g.id) AS merged_records
FROM graph_nodes g ORDER BY g.id;
