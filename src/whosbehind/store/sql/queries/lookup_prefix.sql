-- Names that begin with the typed words, as whole words ("DELL" begins DELL FEDERAL SYSTEMS, not DELLA).
SELECT DISTINCT node_id, name, source, core FROM lookup_names
-- FedRAMP product names take part only for a query of several words ("Palantir Federal Cloud Service").
WHERE starts_with(core, $core || ' ') AND ($products OR source <> 'FedRAMP product')
ORDER BY node_id, name;
