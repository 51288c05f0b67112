-- The money rows product reading looks at (resolve/products.py): every row of each award in this derive's scope
-- (step 100) that has a row whose description may name a product (RE2, linear time: the lexicon's any-alias
-- pattern, parameter 1); Python then reads those awards with the full rules. A scoped derive finds the rows of its
-- awards by row id first (as step 110 does, and says why); a full derive reads every row.
WITH scoped AS (
    FROM money WHERE require_whole_derive() AND getvariable('whole_derive')
    UNION ALL
    FROM money WHERE NOT getvariable('whole_derive') AND rowid IN (
        SELECT m.rowid FROM money m SEMI JOIN scope_awards a ON m.award_key IS NOT DISTINCT FROM a.award_key)
)
SELECT award_key, sha256, row_no, action_date, modification, amount, description FROM scoped
WHERE award_key IN (SELECT award_key FROM scoped WHERE regexp_matches(upper(description), $1))
