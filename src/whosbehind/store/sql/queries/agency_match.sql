-- Agencies matching what a user typed: a code (7012, 070), an abbreviation (ICE) or part of a name.
SELECT id, name, kind, code, abbreviation
FROM agency_units
WHERE kind IN ('agency', 'sub_agency')
  AND (code = $term OR upper(abbreviation) = upper($term) OR name ILIKE '%' || $term || '%')
ORDER BY (code = $term OR upper(abbreviation) = upper($term)) DESC, kind, code;
