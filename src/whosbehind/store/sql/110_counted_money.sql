-- Step 110: which money rows count, so that every dollar is counted once (README, principle 3).
--   1. An exact duplicate of another row of the same file is set aside.
--   2. A transaction (award key + modification + action date) found in several files is counted from
--      the newest export only; ties go to the richer format (297-column file, then 2018 file, then API list).
--   3. An award summary counts only when no transaction rows of that award are counted, and then only
--      from the newest export that has it.
-- Set-aside rows are kept with their reason, so `whosbehind check` can report them.
-- Each rule looks only at rows of one award, so the step is redone for the awards of scope_awards (step 100)
-- alone: every award on a full derive, the awards of the files just stored on an ingest; others stay.

-- The rows of the awards in scope. Each statement below reads them: on a scoped derive they are read out of the
-- 2M-row table once, into a temporary table; on a full derive (whole_derive, scope_*.sql) they are every row.
-- Here and wherever a scoped derive reads or deletes the rows of some awards out of a large table, their row ids
-- are found first from the award key alone, then only those rows are read whole: the awards are spread over
-- every row group, and reading every column of every row group to keep a few thousand rows takes about twice as
-- long (benchmarks/RESULTS.md).
SELECT require_whole_derive();
CREATE OR REPLACE TEMP TABLE scoped_money_rows_read AS
FROM money_rows WHERE NOT getvariable('whole_derive') AND rowid IN (
    SELECT m.rowid FROM money_rows m SEMI JOIN scope_awards a ON m.award_key IS NOT DISTINCT FROM a.award_key);
CREATE OR REPLACE TEMP VIEW scoped_money_rows AS
FROM money_rows WHERE getvariable('whole_derive') UNION ALL FROM scoped_money_rows_read;

-- Exact duplicates can only be among rows of one file that agree on award, modification, date and
-- amount; only those few rows are compared on every published column.
CREATE OR REPLACE TEMP TABLE duplicate_candidates AS
SELECT sha256, row_no, source_format, amount FROM (
    SELECT sha256, row_no, source_format, amount,
           count(*) OVER (PARTITION BY sha256, award_key, modification, action_date, amount) AS n
    FROM scoped_money_rows
) WHERE n > 1;

-- A row's hash over every published column (not the provenance columns), for the candidates of one raw table.
CREATE OR REPLACE TEMP MACRO candidate_row_hashes(raw_table) AS TABLE
SELECT _sha256, _row, hash(struct_pack(*COLUMNS(* EXCLUDE (_sha256, _row, _run_id, _individual)))) AS row_hash
FROM query_table(raw_table) r SEMI JOIN duplicate_candidates d ON d.sha256 = r._sha256 AND d.row_no = r._row;

CREATE OR REPLACE TEMP TABLE duplicate_hashes AS
SELECT c.*, h.row_hash FROM duplicate_candidates c JOIN (
    FROM candidate_row_hashes('raw_prime_award_transactions')
    UNION ALL FROM candidate_row_hashes('raw_transactions_2018')
    UNION ALL FROM candidate_row_hashes('raw_api_transactions')
    UNION ALL FROM candidate_row_hashes('raw_prime_award_summaries')
) h ON h._sha256 = c.sha256 AND h._row = c.row_no;

CREATE OR REPLACE TEMP TABLE scoped_set_aside AS
SELECT sha256, row_no, source_format, amount,
       'exact duplicate of row ' || first_row || ' of the same file' AS reason
FROM (
    SELECT *, min(row_no) OVER (PARTITION BY sha256, row_hash) AS first_row
    FROM duplicate_hashes
) WHERE row_no <> first_row;

CREATE OR REPLACE TEMP TABLE transaction_candidates AS
SELECT m.*, award_key || '|' || modification || '|' || coalesce(action_date::VARCHAR, '') AS transaction_key
FROM scoped_money_rows m
WHERE level = 'transaction' AND NOT EXISTS (
    SELECT 1 FROM scoped_set_aside s WHERE s.sha256 = m.sha256 AND s.row_no = m.row_no);

CREATE OR REPLACE TEMP TABLE transaction_winner AS
SELECT transaction_key, arg_min(sha256, (-epoch(export_ts), format_rank, sha256)) AS sha256
FROM transaction_candidates GROUP BY transaction_key;

INSERT INTO scoped_set_aside
SELECT c.sha256, c.row_no, c.source_format, c.amount,
       'same transaction counted from a newer or richer export (' || w.sha256[:12] || ')'
FROM transaction_candidates c JOIN transaction_winner w USING (transaction_key)
WHERE c.sha256 <> w.sha256;

CREATE OR REPLACE TEMP TABLE award_candidates AS
SELECT m.* FROM scoped_money_rows m
WHERE level = 'award' AND NOT EXISTS (
    SELECT 1 FROM scoped_set_aside s WHERE s.sha256 = m.sha256 AND s.row_no = m.row_no);

INSERT INTO scoped_set_aside
SELECT a.sha256, a.row_no, a.source_format, a.amount, 'award counted from its transaction rows'
FROM award_candidates a
WHERE a.award_key IN (SELECT award_key FROM transaction_candidates);

CREATE OR REPLACE TEMP TABLE award_winner AS
SELECT award_key, arg_min(sha256, (-epoch(export_ts), sha256)) AS sha256
FROM award_candidates
-- (a row without an award key pairs with nothing; NOT IN over a NULL would keep every award out)
WHERE award_key NOT IN (SELECT award_key FROM transaction_candidates WHERE award_key IS NOT NULL)
GROUP BY award_key;

INSERT INTO scoped_set_aside
SELECT a.sha256, a.row_no, a.source_format, a.amount,
       'same award counted from a newer export (' || w.sha256[:12] || ')'
FROM award_candidates a JOIN award_winner w USING (award_key)
WHERE a.sha256 <> w.sha256;

-- The awards in scope replace what an earlier derive left of them.
CREATE TABLE IF NOT EXISTS money_set_aside AS FROM scoped_set_aside LIMIT 0;
-- (the rows set aside for the awards in scope, once inserted: those of scoped_set_aside)
CREATE OR REPLACE TEMP VIEW money_set_aside_again AS
FROM money_set_aside WHERE getvariable('whole_derive')
UNION ALL FROM scoped_set_aside WHERE NOT getvariable('whole_derive');
WITH gone AS (DELETE FROM money_set_aside s USING scoped_money_rows m
              WHERE s.sha256 = m.sha256 AND s.row_no = m.row_no RETURNING s.*)
INSERT INTO digest_changes BY NAME FROM row_sums('gone', 'money_set_aside', -1);
INSERT INTO money_set_aside FROM scoped_set_aside;
INSERT INTO digest_changes BY NAME FROM row_sums('money_set_aside_again', 'money_set_aside', 1);

-- The rows that count: every money row not set aside. A view, not a third 2M-row copy of the money rows: the
-- database file is copied whole on each ingest (store/ingest.py), and a scoped derive has nothing to make again.
CREATE OR REPLACE VIEW counted_money AS
SELECT m.* FROM money_rows m
WHERE NOT EXISTS (SELECT 1 FROM money_set_aside s WHERE s.sha256 = m.sha256 AND s.row_no = m.row_no);
