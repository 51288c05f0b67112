-- Names that may be the same company as the names being matched: they share a blocking key.
SELECT id AS org_id, name, "exact", core, tokens, legal_form, first_token, block_a, block_b, naics, agency
FROM match_names
WHERE core IN (SELECT unnest($cores)) OR tokens IN (SELECT unnest($tokens))
   OR block_a IN (SELECT unnest($block_a)) OR block_b IN (SELECT unnest($block_b))
ORDER BY id, name;
