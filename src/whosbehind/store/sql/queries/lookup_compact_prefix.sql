-- Names whose letters, spaces left out, begin with the typed ones run together ($compact): the candidates for a short
-- name spaced otherwise ("Lexis Nexis": LEXISNEXIS SPECIAL SERVICES INC). analysis/lookup.py keeps those whose
-- first whole words give exactly these letters (not LEXISNEXISA ...).
SELECT DISTINCT node_id, name, source, core FROM lookup_names
WHERE starts_with(compact, $compact) AND compact <> $compact
ORDER BY node_id, name;
