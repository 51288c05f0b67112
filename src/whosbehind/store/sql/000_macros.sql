-- Small helpers every later step uses. Names say what they decide.

-- The steps that read getvariable('whole_derive') (whether every award is in scope) refuse to run without it:
-- scope_full.sql, scope_added.sql or scope_evidence.sql sets it before the first step.
CREATE OR REPLACE MACRO require_whole_derive() AS
    CASE WHEN getvariable('whole_derive') IS NULL THEN error('whole_derive is not set (scope_*.sql)') ELSE true END;

-- An organisation word in a name: a trade name with one of these is a business, even when the
-- business-type columns say "sole proprietorship".
CREATE OR REPLACE MACRO has_organisation_word(name) AS regexp_matches(
    upper(coalesce(name, '')),
    '\b(LLC|L\.L\.C|INC|INCORPORATED|CORP|CORPORATION|CO|COMPANY|LTD|LIMITED|LP|LLP|PLLC|PC|PA|GROUP|JV|JOINT|'
    || 'VENTURE|PARTNERS|PARTNERSHIP|ASSOCIATES|ENTERPRISES?|SERVICES?|SOLUTIONS|SYSTEMS|TECHNOLOGY|TECHNOLOGIES|'
    || 'CONSULTING|INDUSTRIES|INTERNATIONAL|HOLDINGS|TRUST|FOUNDATION|UNIVERSITY|COLLEGE|ASSOCIATION|SOCIETY|'
    || 'INSTITUTE|CENTER|CENTRE|HOSPITAL|CLINIC|COUNTY|CITY|STATE|DEPARTMENT|AUTHORITY|BUILDERS|CONSTRUCTION|'
    || 'ARMAMENT|SUPPLY|PRODUCTS|STORE|SHOP|LAW|FIRM|OFFICE|AGENCY|DATA|TELECOM|COURIER)\b'
);

-- "SURNAME, GIVEN" or "SURNAME, GIVEN M." with no organisation word: how USAspending writes a person.
CREATE OR REPLACE MACRO looks_like_person_name(name) AS (
    regexp_full_match(upper(trim(coalesce(name, ''))), '[A-Z''\-]+, [A-Z''\-]+( [A-Z]\.?)?')
    AND NOT has_organisation_word(name)
);

-- Amounts are exact decimals: never floats, never a silent zero. Read only as USAspending writes them (digits,
-- an optional minus sign, at most two decimals): 1000.005, 1_000_000, 1e9 or " 12" are not amounts.
CREATE OR REPLACE MACRO parse_amount(s) AS (
    CASE WHEN regexp_full_match(s, '-?[0-9]+(\.[0-9]{1,2})?') THEN TRY_CAST(s AS DECIMAL(18, 2)) END
);

-- A link taken from the data: kept only when it is an http(s) URL with no space, quote or angle bracket;
-- anything else (javascript:, data:, a relative path) becomes NULL, so no page can link to it.
CREATE OR REPLACE MACRO web_url(s) AS (
    CASE WHEN regexp_full_match(trim(s), '(?i)https?://[^\s"''<>`\\]+') THEN trim(s) END
);

-- Dates: ISO values read as ISO; slashed values in the order detected for their file (MDY or DMY). A time of
-- day may follow (as in last_modified_date); any other trailing text makes the value not a date.
CREATE OR REPLACE MACRO parse_date(s, date_order) AS (
    CASE
        WHEN s IS NULL OR trim(s) = '' THEN NULL
        WHEN NOT regexp_full_match(s, '(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/(\d{2}|\d{4}))'
                                      || '([ T]\d{1,2}:\d{2}(:\d{2}(\.\d{1,9})?)?( ?[AaPp][Mm])?(Z|[+-]\d{2}(:?\d{2})?)?)?')
            THEN NULL
        WHEN regexp_matches(trim(s), '^\d{4}-\d{2}-\d{2}') THEN
            try_strptime(left(trim(s), 10), '%Y-%m-%d')::DATE
        WHEN date_order = 'MDY' AND length(split_part(split_part(trim(s), ' ', 1), '/', 3)) = 2 THEN
            try_strptime(split_part(trim(s), ' ', 1), '%m/%d/%y')::DATE
        WHEN date_order = 'MDY' THEN try_strptime(split_part(trim(s), ' ', 1), '%m/%d/%Y')::DATE
        WHEN date_order = 'DMY' AND length(split_part(split_part(trim(s), ' ', 1), '/', 3)) = 2 THEN
            try_strptime(split_part(trim(s), ' ', 1), '%d/%m/%y')::DATE
        WHEN date_order = 'DMY' THEN try_strptime(split_part(trim(s), ' ', 1), '%d/%m/%Y')::DATE
    END
);

-- A North American phone or fax number as its 10 digits ("(703) 555-0100", "1-703-555-0100" -> 7035550100);
-- NULL when it is not one.
CREATE OR REPLACE MACRO phone_digits(s) AS (
    CASE WHEN regexp_full_match(regexp_replace(coalesce(s, ''), '[^0-9]', '', 'g'), '1?[2-9][0-9]{9}')
         THEN right(regexp_replace(s, '[^0-9]', '', 'g'), 10) END
);

-- The US federal fiscal year starts on 1 October: FY2025 runs from 2024-10-01 to 2025-09-30.
CREATE OR REPLACE MACRO federal_fiscal_year(d) AS year(d) + CASE WHEN month(d) >= 10 THEN 1 ELSE 0 END;

-- Organisation ids are built from identifiers, so the same inputs give the same ids on every build.
CREATE OR REPLACE MACRO clean_name(name) AS nullif(regexp_replace(upper(trim(coalesce(name, ''))), '\s+', ' ', 'g'), '');
CREATE OR REPLACE MACRO org_id_for(uei, duns, name) AS (
    CASE
        WHEN nullif(trim(uei), '') IS NOT NULL THEN 'uei:' || upper(trim(uei))
        WHEN nullif(trim(duns), '') IS NOT NULL THEN 'duns:' || lpad(trim(duns), 9, '0')
        WHEN clean_name(name) IS NOT NULL THEN 'name:' || clean_name(name)
    END
);

-- The node of one row of the ICE facility list: its DETLOC code, or the row itself where the code is redacted
-- (about 200 rows share the code "Redacted" and are different facilities).
CREATE OR REPLACE MACRO facility_node(detloc, row_no) AS
    'facility:' || CASE WHEN lower(detloc) = 'redacted' THEN 'redacted-row-' || row_no ELSE detloc END;

-- The digest `whosbehind check` verifies (store/digest.py) of a set of rows of one table: their count and an
-- order-independent sum of row hashes, for the whole row ("(row)", digest.ROW) and for each column, times `sign`
-- (-1 for rows a step removes). Sums of hashes add up: a table's digest is its old one plus what changed.
CREATE OR REPLACE MACRO row_sums(rows_of, name, sign) AS TABLE
SELECT name AS table_name, column_name, sign * "(rows)" AS rows, sign * digest AS digest
FROM (
    UNPIVOT (SELECT count(*) AS "(rows)", coalesce(sum(hash(d)::HUGEINT), 0) AS "(row)",
                    coalesce(sum(hash(COLUMNS(*))::HUGEINT), 0)
             FROM query_table(rows_of) d)
    ON COLUMNS(* EXCLUDE "(rows)") INTO NAME column_name VALUE digest
);

-- A piece of evidence kept per award by a scoped derive: a prime award's evidence from the award files (curated
-- claims of that kind have no source_format), and a product an award names (step 430; a claim has no award_key).
-- Step 500 makes these again only for the awards in scope (evidence_scope_awards), and everything else whole.
CREATE OR REPLACE MACRO evidence_kept_per_award(kind, source_format, award_key) AS (
    (kind = 'prime_contract' AND source_format IS NOT NULL) OR (kind = 'named_in_award' AND award_key IS NOT NULL)
);

-- A tie is one per kind and pair of nodes, and for a product named in awards one per award too (step 500).
CREATE OR REPLACE MACRO tie_award_key(kind, award_key) AS (CASE WHEN kind = 'named_in_award' THEN award_key END);

-- The strongest pieces of evidence of each tie, in the order every face shows them: largest amount, latest, then
-- evidence_id (unique, so the order is total). rows_of names a table of evidence keys (kind, source_id, target_id,
-- tie_award_key, evidence_id, amount, last_date); step 500 keeps the chosen pieces whole in tie_evidence_shown.
-- An answer shows three per tie, a why-path five per kind and pair of nodes: the strongest five of a tie's awards
-- together are among the strongest five of each (queries answer_tie_evidence, why_evidence).
CREATE OR REPLACE MACRO evidence_shown_per_tie() AS 5;
CREATE OR REPLACE MACRO strongest_evidence(rows_of) AS TABLE
SELECT *,
       row_number() OVER (PARTITION BY kind, source_id, target_id, tie_award_key
                          ORDER BY amount DESC NULLS LAST, last_date DESC NULLS LAST, evidence_id) AS n
FROM query_table(rows_of)
QUALIFY n <= evidence_shown_per_tie();

-- Steps 300 and 500 keep the family and organization totals from one derive to the next. now_of and before_of name
-- tables of record id and group_id: the records as grouped now and after the last derive (empty on a full derive).
-- The groups a record joined or left, and those holding a record some award pays no amount (a sum of none is
-- NULL, not 0), have their totals added up again whole; those of the other records the awards in scope pay are
-- brought up to date by the change of those awards alone (group_totals_change), a few rows instead of every award
-- of a large organization.
CREATE OR REPLACE MACRO groups_added_up_whole(now_of, before_of, unsummed) AS TABLE
SELECT DISTINCT group_id FROM (
    SELECT group_id FROM (FROM query_table(now_of) EXCEPT FROM query_table(before_of))
    UNION ALL SELECT group_id FROM (FROM query_table(before_of) EXCEPT FROM query_table(now_of))
    UNION ALL SELECT group_id FROM query_table(now_of) WHERE id IN (SELECT recipient_id FROM query_table(unsummed))
    UNION ALL SELECT group_id FROM query_table(now_of) WHERE group_id IS NULL
);

-- The grouping of the records of `records` (its recipient_id) whose groups are brought up to date by change.
CREATE OR REPLACE MACRO groups_changed(now_of, records, whole) AS TABLE
FROM query_table(now_of)
WHERE group_id IN (SELECT group_id FROM query_table(now_of) WHERE id IN (SELECT recipient_id FROM query_table(records)))
  AND group_id NOT IN (SELECT group_id FROM query_table(whole) WHERE group_id IS NOT NULL);

-- The totals of the records a group holds (an organization, a family: steps 300 and 500; group_of names a table of
-- record id and group_id), by sub-agency and fiscal year, from each record's money per award (record_awards, named
-- by the caller: a macro here is made before the table exists): per award first, so that an award paid to two
-- records of the group counts once. Here, not in step 300: an evidence derive (build.derive_evidence) runs step 500
-- without step 300.
CREATE OR REPLACE MACRO group_totals(record_awards, group_of) AS TABLE
SELECT group_id, toptier_code, sub_agency_code, fiscal_year,
       sum(obligated) AS obligated, sum(source_rows)::BIGINT AS source_rows, count(award_key) AS awards
FROM (
    SELECT g.group_id, r.toptier_code, r.sub_agency_code, r.fiscal_year, r.award_key,
           sum(r.obligated) AS obligated, sum(r.source_rows) AS source_rows
    FROM query_table(record_awards) r JOIN query_table(group_of) g ON g.id = r.recipient_id
    GROUP BY ALL
)
GROUP BY ALL;

-- What the awards in scope change in the totals of groups that hold the same records before and after: their
-- record_awards rows after the derive, less those before, each added up as group_totals adds them up (an award
-- counted once per group), per group, sub-agency and fiscal year.
CREATE OR REPLACE MACRO group_totals_change(before_rows, after_rows, group_of) AS TABLE
SELECT group_id, toptier_code, sub_agency_code, fiscal_year,
       sum(obligated) AS obligated, sum(source_rows) AS source_rows, sum(awards) AS awards
FROM (
    FROM group_totals(after_rows, group_of)
    UNION ALL
    SELECT group_id, toptier_code, sub_agency_code, fiscal_year, -obligated, -source_rows, -awards
    FROM group_totals(before_rows, group_of)
)
GROUP BY ALL;

-- The stored totals of the groups a change touches (`totals`, with its group's id as group_id), with the change
-- added; a row with no source row left is gone.
CREATE OR REPLACE MACRO group_totals_changed(totals, change) AS TABLE
SELECT coalesce(c.group_id, t.group_id) AS group_id, coalesce(c.toptier_code, t.toptier_code) AS toptier_code,
       coalesce(c.sub_agency_code, t.sub_agency_code) AS sub_agency_code,
       coalesce(c.fiscal_year, t.fiscal_year) AS fiscal_year,
       coalesce(t.obligated, 0) + coalesce(c.obligated, 0) AS obligated,
       (coalesce(t.source_rows, 0) + coalesce(c.source_rows, 0))::BIGINT AS source_rows,
       (coalesce(t.awards, 0) + coalesce(c.awards, 0))::BIGINT AS awards
FROM (FROM query_table(totals) WHERE group_id IN (SELECT group_id FROM query_table(change))) t
FULL JOIN query_table(change) c
       ON t.group_id = c.group_id AND t.toptier_code IS NOT DISTINCT FROM c.toptier_code
      AND t.sub_agency_code IS NOT DISTINCT FROM c.sub_agency_code AND t.fiscal_year IS NOT DISTINCT FROM c.fiscal_year
WHERE coalesce(t.source_rows, 0) + coalesce(c.source_rows, 0) > 0;
