-- The nodes whose answers the build stores: every organization, brand, system, cloud product and facility; not
-- the agencies and offices (every award of an agency would be in its answer).
SELECT id FROM graph_nodes
WHERE kind NOT IN ('individuals', 'agency', 'sub_agency', 'office', 'government', 'sector')
ORDER BY id;
