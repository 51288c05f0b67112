-- The official records curated claims link to, and whether this database holds them.
SELECT claim_id, type, record_id AS id, note, found AS in_database, url
FROM claim_records WHERE claim_id IN (SELECT unnest($claims)) ORDER BY claim_id, type, record_id;
