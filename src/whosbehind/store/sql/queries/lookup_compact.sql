-- Names equal to the typed one but for spaces ($compact: the normalized name without its legal form or spaces):
-- "Lexis Nexis" is LEXISNEXIS, "Motorolasolutions" MOTOROLA SOLUTIONS, INC.
SELECT DISTINCT node_id, name, source, core FROM lookup_names
WHERE compact = $compact
ORDER BY node_id, name;
