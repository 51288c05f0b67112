-- Records of identified organizations with the context their rows carry: one record per distinct recipient
-- name + address line + city + state + 5-digit zip + country + NAICS + awarding sub-agency, with the UEI and
-- DUNS the rows report, the dates of its first and last action, and the phone and fax numbers its rows give
-- (a list: context, not part of the record's identity; private persons' numbers were never stored). Rows that
-- share a UEI or DUNS are the same organization: the ground truth that name resolution is trained and measured
-- on, and ``org_id`` is the organization step 200 made of them (a DUNS seen beside a UEI joins it). Private
-- persons (sole proprietors) are left out: organizations only.
-- The parts step 205 keeps (one per source file and record) added up into one record each.
SELECT name, address, city, state, zip5, country, naics_code, min(naics) AS naics, agency, uei, duns, org_id,
       array_to_string(list_sort(list_distinct(flatten(list(sources)))), ',') AS sources,
       sum(n_rows)::BIGINT AS n_rows, min(first_date) AS first_date, max(last_date) AS last_date,
       nullif(list_sort(list_distinct(flatten(list(phones)))), []) AS phones
FROM context_record_parts
GROUP BY name, address, city, state, zip5, country, naics_code, agency, uei, duns, org_id
ORDER BY name, address, city, state, zip5, country, naics_code, agency, uei, duns, org_id;
