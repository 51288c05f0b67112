-- Names that may be the same company as the names being matched: they share a blocking key. A one-word
-- name ("Palantir") also finds the names it begins, and a stored one-word name the longer names it begins.
SELECT id AS org_id, name, "exact", core, tokens, legal_form, first_token, block_a, block_b, naics, agency
FROM match_names
WHERE core IN (SELECT unnest($cores)) OR tokens IN (SELECT unnest($tokens))
   OR block_a IN (SELECT unnest($block_a)) OR block_b IN (SELECT unnest($block_b))
   OR first_token IN (SELECT unnest($lone_words))
   OR (core NOT LIKE '% %' AND core IN (SELECT unnest($first_tokens)))
ORDER BY id, name;
