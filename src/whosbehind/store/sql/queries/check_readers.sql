-- `whosbehind check` reads the raw amounts and dates again with readers of its own, written apart from the
-- ingest's parse_amount and parse_date (000_macros.sql), so a fault in those is not repeated here.
-- Temporary: they exist only for the connection that runs the check.

-- An amount in cents, from its text split at the point: [-]digits[.d[d]] and nothing else.
CREATE OR REPLACE TEMP MACRO check_amount_cents(s) AS (
    CASE WHEN regexp_full_match(s, '-?[0-9]{1,16}(\.[0-9]{1,2})?') THEN
        (CASE WHEN starts_with(s, '-') THEN -1 ELSE 1 END)
        * (CAST(split_part(ltrim(s, '-'), '.', 1) AS HUGEINT) * 100 + CAST(rpad(split_part(s, '.', 2), 2, '0') AS HUGEINT))
    END
);
CREATE OR REPLACE TEMP MACRO check_amount(s) AS
    CAST(check_amount_cents(s) AS DECIMAL(38, 0)) * CAST(0.01 AS DECIMAL(3, 2));

-- A date from its year, month and day fields: YYYY-MM-DD, or D/M/Y in the file's order (MDY or DMY), two-digit
-- years 69-99 in the 1900s and 00-68 in the 2000s; a time of day may follow, nothing else.
CREATE OR REPLACE TEMP MACRO check_date_fields(s, date_order) AS (
    CASE
        WHEN regexp_full_match(s, '([0-9]{4})-([0-9]{2})-([0-9]{2})([ T].*)?')
             AND regexp_full_match(coalesce(nullif(substr(s, 11), ''), ' 0:00'),
                                   '[ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?( ?[AaPp][Mm])?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?')
            THEN [CAST(substr(s, 1, 4) AS INT), CAST(substr(s, 6, 2) AS INT), CAST(substr(s, 9, 2) AS INT)]
        WHEN date_order IN ('MDY', 'DMY')
             AND regexp_full_match(s, '[0-9]{1,2}/[0-9]{1,2}/([0-9]{2}|[0-9]{4})'
                                      || '( [0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?( ?[AaPp][Mm])?)?')
            THEN [CASE WHEN length(string_split(string_split(s, ' ')[1], '/')[3]) = 4
                       THEN CAST(string_split(string_split(s, ' ')[1], '/')[3] AS INT)
                       WHEN CAST(string_split(string_split(s, ' ')[1], '/')[3] AS INT) >= 69
                       THEN 1900 + CAST(string_split(string_split(s, ' ')[1], '/')[3] AS INT)
                       ELSE 2000 + CAST(string_split(string_split(s, ' ')[1], '/')[3] AS INT) END,
                  CAST(string_split(string_split(s, ' ')[1], '/')[CASE WHEN date_order = 'MDY' THEN 1 ELSE 2 END] AS INT),
                  CAST(string_split(string_split(s, ' ')[1], '/')[CASE WHEN date_order = 'MDY' THEN 2 ELSE 1 END] AS INT)]
    END
);
-- NULL when the fields are not a day of the calendar (31 April, 29 February 2023).
CREATE OR REPLACE TEMP MACRO check_date(s, date_order) AS (
    TRY_CAST(printf('%04d-%02d-%02d', check_date_fields(s, date_order)[1], check_date_fields(s, date_order)[2],
                    check_date_fields(s, date_order)[3]) AS DATE)
);
