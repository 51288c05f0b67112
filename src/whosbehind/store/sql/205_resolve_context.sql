-- Step 205: the records name resolution reads (queries/resolve_context_records.sql adds up their parts): one
-- record per distinct recipient name + address line + city + state + 5-digit zip + country + NAICS + awarding
-- sub-agency, with the UEI and DUNS the rows report, the dates of its first and last action, and the phone and fax
-- numbers its rows give (private persons' numbers were never stored). Private persons (sole proprietors) are left
-- out: organizations only. Every raw table that names a recipient with an address and an identifier takes part.
--
-- Cleaning every raw row's names and address is most of what resolution costs, so the records are kept from one
-- derive to the next in parts, one per source file and record: a scoped derive (build.derive) makes again only the
-- parts of the files just stored (scope_files) and of the rows naming a DUNS whose UEI this derive changed
-- (moved_duns, step 200); a full derive makes every part.
CREATE OR REPLACE TEMP VIEW context_record_parts_in_scope AS
WITH mentions AS (
    SELECT 'transactions_2018' AS source, recipient_name AS name, recipient_address_line_1 AS address,
           recipient_city_name AS city, recipient_state_code AS state, recipient_zip_4_code AS zip,
           recipient_country_code AS country, naics_code, naics_description,
           awarding_sub_agency_code AS agency, NULL AS uei, recipient_duns AS duns,
           recipient_phone_number AS phone, recipient_fax_number AS fax,
           action_date AS first_date, action_date AS last_date, _sha256
    FROM raw_transactions_2018 WHERE NOT _individual
    UNION ALL
    SELECT 'prime_award_transactions', recipient_name, recipient_address_line_1, recipient_city_name,
           recipient_state_code, recipient_zip_4_code, recipient_country_code, naics_code, naics_description,
           awarding_sub_agency_code, recipient_uei, recipient_duns, recipient_phone_number, recipient_fax_number,
           action_date, action_date, _sha256
    FROM raw_prime_award_transactions WHERE NOT _individual
    UNION ALL
    SELECT 'prime_award_summaries', recipient_name, recipient_address_line_1, recipient_city_name,
           recipient_state_code, recipient_zip_4_code, recipient_country_code, naics_code, naics_description,
           awarding_sub_agency_code, recipient_uei, recipient_duns, recipient_phone_number, recipient_fax_number,
           award_base_action_date, award_latest_action_date, _sha256
    FROM raw_prime_award_summaries WHERE NOT _individual
    UNION ALL
    -- The prime awardee of a subaward row is an organization with its own address.
    SELECT 'subawards', prime_awardee_name, prime_awardee_address_line_1, prime_awardee_city_name,
           prime_awardee_state_code, prime_awardee_zip_code, prime_awardee_country_code, prime_award_naics_code,
           prime_award_naics_description, prime_award_awarding_sub_agency_code, prime_awardee_uei,
           prime_awardee_duns, NULL, NULL, subaward_action_date, subaward_action_date, _sha256
    FROM raw_subawards
    UNION ALL
    -- The subawardee: the prime award's NAICS describes the prime's work, not the subawardee's.
    SELECT 'subawards', subawardee_name, subawardee_address_line_1, subawardee_city_name, subawardee_state_code,
           subawardee_zip_code, subawardee_country_code, NULL, NULL, prime_award_awarding_sub_agency_code,
           subawardee_uei, subawardee_duns, NULL, NULL, subaward_action_date, subaward_action_date, _sha256
    FROM raw_subawards WHERE NOT _individual
),
cleaned AS (
    SELECT m._sha256 AS sha256, source, resolve_org(m.uei, m.duns, m.name, d.uei) AS org_id,
           clean_name(name) AS name, clean_name(address) AS address, clean_name(city) AS city,
           clean_name(state) AS state,
           -- The 2018-era export lost leading zeros (07092-2008 -> 70922008): pad back, then keep 5 digits.
           -- A foreign postcode ("BS1 6QH") is kept as written, without spaces.
           CASE WHEN regexp_full_match(trim(coalesce(zip, '')), '[0-9-]+')
                THEN nullif(left(lpad(replace(trim(zip), '-', ''),
                                      CASE WHEN length(replace(trim(zip), '-', '')) <= 5 THEN 5 ELSE 9 END, '0'), 5),
                            '00000')
                ELSE nullif(replace(upper(trim(coalesce(zip, ''))), ' ', ''), '') END AS zip5,
           clean_name(country) AS country, nullif(trim(naics_code), '') AS naics_code,
           clean_name(naics_description) AS naics, nullif(trim(agency), '') AS agency,
           nullif(upper(trim(m.uei)), '') AS uei,
           lpad(nullif(trim(m.duns), ''), 9, '0') AS duns,
           phone_digits(m.phone) AS phone, phone_digits(m.fax) AS fax,
           parse_date(m.first_date, f.date_order) AS first_date, parse_date(m.last_date, f.date_order) AS last_date
    FROM mentions m JOIN source_files f ON f.sha256 = m._sha256
    LEFT JOIN duns_to_uei d ON d.duns = duns_key(m.duns)
    -- the rows of the files in scope, and those whose DUNS now maps to another UEI (their org_id moves)
    WHERE m._sha256 IN (SELECT sha256 FROM scope_files)
       OR (getvariable('duns_moved') AND duns_key(m.duns) IN (SELECT duns FROM moved_duns))  -- (step 200)
)
SELECT sha256, name, address, city, state, zip5, country, naics_code, agency, uei, duns, org_id,
       -- sorted: list_distinct keeps no order, and a part must be the same whichever derive made it
       min(naics) AS naics, list_sort(list_distinct(list(source))) AS sources, count(*) AS n_rows,
       min(first_date) AS first_date, max(last_date) AS last_date,
       list_sort(list_distinct(list_concat(list(phone), list(fax)))) AS phones
FROM cleaned
WHERE name IS NOT NULL AND (uei IS NOT NULL OR duns IS NOT NULL)
GROUP BY ALL;
CREATE TABLE IF NOT EXISTS context_record_parts AS FROM context_record_parts_in_scope LIMIT 0;
CREATE OR REPLACE TEMP VIEW context_record_parts_again AS FROM context_record_parts
WHERE sha256 IN (SELECT sha256 FROM scope_files) OR duns IN (SELECT duns FROM moved_duns);
WITH gone AS (DELETE FROM context_record_parts
              WHERE sha256 IN (SELECT sha256 FROM scope_files) OR duns IN (SELECT duns FROM moved_duns) RETURNING *)
INSERT INTO digest_changes BY NAME FROM row_sums('gone', 'context_record_parts', -1);
INSERT INTO context_record_parts FROM context_record_parts_in_scope;
INSERT INTO digest_changes BY NAME FROM row_sums('context_record_parts_again', 'context_record_parts', 1);
