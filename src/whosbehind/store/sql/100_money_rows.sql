-- Step 100: every row that carries prime-award money, from every format, in one shape.
-- Nothing is decided here yet about which rows count; that is step 110.
-- Only the rows of the files in scope_files are read (scope_*.sql): every file on a full derive, the
-- files just stored on an ingest of award rows into tables this code derived; the rows of other files stay.

-- A description as every face shows it: the contact persons it names withheld (sources/contacts.py; steps 100
-- and 200 call it). Python is called only on the text where RE2 finds what the rules there start from: an @, a
-- phone-like number, a dotted word (an address cut short), a contact marker, a title, a role, a given name and a
-- word after it. A test checks on every bundled description that the text this skips is text the rules leave as it
-- is. A temp macro here, not in 000_macros: it calls without_contacts, which only the build's connections register.
CREATE OR REPLACE TEMP MACRO public_text(t) AS (
    CASE WHEN regexp_matches(t, '@|\d{3}[ .)/-]+\d{3}|\d{10}|[A-Za-z]{2,}\.[A-Za-z]|(?i)\b(?:MRS?|MSS?|DR)\.|'
                                || '(?i)\b(A?POC''?S?|T?POC|A?COR|A?COTR|ATTN|ATTENTION|CONTACTS?|REPRESENTATIVE|CO|KO|CS|'
                                || 'C/O|DAD|SHIP|DELIVER\w*|ADDRESS|PRIMARY|SECONDARY|ALTERNATE|SPECIALIST|APPROVER|'
                                || 'OFFICER|OWNER|REP|MANAGER|'
                                || 'REVIEWED|PROCESSED|SUBMITTED|REQUESTED|APPROVED|APPOINT\w*|ASSIGN\w*|DESIGNATE\w*|'
                                || 'COMPLAINANT|PLAINTIFF|PETITIONER|APPELLANT|CLAIMANT|GRIEVANT|RESPONDENT)\b')
              OR given_name_then_word(t)  -- a name standing on its own (registered with without_contacts)
         THEN without_contacts(t) ELSE t END
);

CREATE OR REPLACE TEMP VIEW money_rows_in_scope AS
WITH scoped_files AS (SELECT * FROM source_files SEMI JOIN scope_files USING (sha256)),
dhs_abbreviations AS (
    -- The API lists name the sub-agency by abbreviation (ICE, CBP); they are DHS lists.
    SELECT subtier_abbreviation, min(subtier_code) AS subtier_code
    FROM agency_codes WHERE toptier_code = '070' AND subtier_abbreviation <> ''
    GROUP BY subtier_abbreviation
),
unified AS (
    SELECT
        'prime_award_transactions' AS source_format, 1 AS format_rank, 'transaction' AS level,
        r._sha256 AS sha256, r._row AS row_no, r._individual AS individual,
        upper(r.contract_award_unique_key) AS award_key, r.award_id_piid AS piid,
        nullif(r.parent_award_id_piid, '') AS parent_piid, r.award_or_idv_flag = 'IDV' AS is_idv,
        r.modification_number AS modification, parse_date(r.action_date, f.date_order) AS action_date,
        parse_amount(r.federal_action_obligation) AS amount,
        parse_amount(r.potential_total_value_of_award) AS potential_value,
        lpad(r.awarding_agency_code, 3, '0') AS toptier_code, r.awarding_sub_agency_code AS sub_agency_code,
        nullif(r.awarding_office_code, '') AS office_code, r.awarding_office_name AS office_name,
        r.recipient_uei AS recipient_uei, r.recipient_duns AS recipient_duns, r.recipient_name AS recipient_name,
        r.recipient_parent_uei AS parent_uei, r.recipient_parent_duns AS parent_duns,
        r.recipient_parent_name AS parent_name,
        r.product_or_service_code AS psc, r.product_or_service_code_description AS psc_description,
        r.naics_code AS naics, r.naics_description AS naics_description,
        coalesce(nullif(r.transaction_description, ''), r.prime_award_base_transaction_description) AS description,
        web_url(r.usaspending_permalink) AS permalink
    FROM raw_prime_award_transactions r JOIN scoped_files f ON f.sha256 = r._sha256

    UNION ALL
    SELECT
        'transactions_2018', 2, 'transaction',
        r._sha256, r._row, r._individual,
        -- This schema has no award key: build it the way USAspending does (CONT_AWD_piid_agency_idv_idvagency).
        upper('CONT_AWD_' || r.award_id_piid || '_' || r.awarding_sub_agency_code || '_'
              || coalesce(nullif(r.parent_award_id, ''), '-NONE-') || '_'
              || coalesce(nullif(r.parent_award_agency_id, ''), '-NONE-')),
        r.award_id_piid, nullif(r.parent_award_id, ''), r.award_or_idv_flag = 'IDV',
        r.modification_number, parse_date(r.action_date, f.date_order),
        parse_amount(r.federal_action_obligation), parse_amount(r.potential_total_value_of_award),
        lpad(r.awarding_agency_code, 3, '0'), r.awarding_sub_agency_code,
        nullif(r.awarding_office_code, ''), r.awarding_office_name,
        NULL, lpad(nullif(r.recipient_duns, ''), 9, '0'), r.recipient_name,
        NULL, lpad(nullif(r.recipient_parent_duns, ''), 9, '0'), r.recipient_parent_name,
        r.product_or_service_code, r.product_or_service_code_description,
        r.naics_code, r.naics_description, r.award_description,
        NULL  -- a built key is not a USAspending permalink
    FROM raw_transactions_2018 r JOIN scoped_files f ON f.sha256 = r._sha256

    UNION ALL
    SELECT
        'api_transactions', 3, 'transaction',
        r._sha256, r._row, r._individual,
        upper(r."Generated Award ID"), r."Award ID", NULL, upper(r."Generated Award ID") LIKE 'CONT_IDV_%',
        r."Modification", parse_date(r."Action Date", f.date_order),
        parse_amount(r."Federal Action Obligation"), NULL,
        '070', a.subtier_code, NULL, NULL,
        NULL, NULL, r."Recipient Name", NULL, NULL, NULL,
        NULL, r."Product/Service Description", NULL, r."NAICS Description", r."Transaction Description",
        'https://www.usaspending.gov/award/' || upper(r."Generated Award ID") || '/'
    FROM raw_api_transactions r JOIN scoped_files f ON f.sha256 = r._sha256
    LEFT JOIN dhs_abbreviations a ON a.subtier_abbreviation = upper(trim(r."Agency"))

    UNION ALL
    SELECT
        'prime_award_summaries', 4, 'award',
        r._sha256, r._row, r._individual,
        upper(r.contract_award_unique_key), r.award_id_piid, nullif(r.parent_award_id_piid, ''),
        r.award_or_idv_flag = 'IDV',
        NULL, parse_date(r.award_base_action_date, f.date_order),
        parse_amount(r.total_obligated_amount), parse_amount(r.potential_total_value_of_award),
        lpad(r.awarding_agency_code, 3, '0'), r.awarding_sub_agency_code,
        nullif(r.awarding_office_code, ''), r.awarding_office_name,
        r.recipient_uei, r.recipient_duns, r.recipient_name,
        r.recipient_parent_uei, r.recipient_parent_duns, r.recipient_parent_name,
        r.product_or_service_code, r.product_or_service_code_description,
        r.naics_code, r.naics_description, r.prime_award_base_transaction_description,
        web_url(r.usaspending_permalink)
    FROM raw_prime_award_summaries r JOIN scoped_files f ON f.sha256 = r._sha256
)
SELECT
    -- the contact persons a description names are withheld here, before any table or face reads it
    u.* EXCLUDE (modification, recipient_uei, recipient_duns, parent_uei, parent_duns)
        REPLACE (public_text(u.description) AS description),
    -- '0', '00' and '' all mean the base award; P00001 stays as written.
    CASE WHEN regexp_full_match(trim(coalesce(u.modification, '')), '\d*')
         THEN coalesce(nullif(ltrim(trim(u.modification), '0'), ''), '0')
         ELSE upper(trim(u.modification)) END AS modification,
    nullif(upper(trim(u.recipient_uei)), '') AS recipient_uei,
    nullif(trim(u.recipient_duns), '') AS recipient_duns,
    nullif(upper(trim(u.parent_uei)), '') AS parent_uei,
    nullif(trim(u.parent_duns), '') AS parent_duns,
    federal_fiscal_year(u.action_date) AS fiscal_year,
    f.export_ts, f.file_name
FROM unified u JOIN source_files f ON f.sha256 = u.sha256;

CREATE TABLE IF NOT EXISTS money_rows AS FROM money_rows_in_scope LIMIT 0;
-- Here and in every large table a scoped derive keeps, the rows made again replace those an earlier derive left,
-- and digest_changes sums both (the rows removed, then the rows now in scope, <table>_again: store/digest.py).
-- The small kept tables (product_mention_rows, node_canonical) capture nothing: their digest is computed whole.
CREATE OR REPLACE TEMP VIEW money_rows_again AS FROM money_rows WHERE sha256 IN (SELECT sha256 FROM scope_files);
WITH gone AS (DELETE FROM money_rows WHERE sha256 IN (SELECT sha256 FROM scope_files) RETURNING *)
INSERT INTO digest_changes BY NAME FROM row_sums('gone', 'money_rows', -1);
INSERT INTO money_rows FROM money_rows_in_scope;
INSERT INTO digest_changes BY NAME FROM row_sums('money_rows_again', 'money_rows', 1);

-- The awards steps 110 and 200 and the product reading derive again: every award a file in scope holds (with
-- the rows of that award from every other file).
CREATE OR REPLACE TEMP TABLE scope_awards AS
SELECT DISTINCT award_key FROM money_rows WHERE sha256 IN (SELECT sha256 FROM scope_files);
