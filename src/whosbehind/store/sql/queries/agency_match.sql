-- Agencies matching what a user typed: a code (7012, 070), an abbreviation (ICE) or part of a name (as text: a % or _
-- in it is that character, not a wildcard).
SELECT id, name, kind, code, abbreviation
FROM agency_units
WHERE kind IN ('agency', 'sub_agency')
  AND (code = $term OR upper(abbreviation) = upper($term) OR contains(lower(name), lower($term)))
ORDER BY (code = $term OR upper(abbreviation) = upper($term)) DESC, kind, code;
