-- Step 500: one graph. Every id that a record, a FedRAMP listing, the facility list or a curated claim
-- names is read as one node: the organization resolution made of it (its canonical id), or the evidence node
-- itself when it is no organization's (a cloud product, a system, a facility, a brand known only from
-- reporting). One evidence table and one ties table hold every kind of tie between those nodes, and totals
-- are stored for the record as published, the organization and the family.
SELECT require_whole_derive();

-- The node each id stood for after the previous derive: evidence and awards of the nodes it no longer stands for
-- are made again below. (None on a first derive: every award is in scope then.)
CREATE TABLE IF NOT EXISTS node_canonical (node_id VARCHAR, canonical_id VARCHAR, basis VARCHAR);
CREATE OR REPLACE TEMP TABLE node_canonical_before AS SELECT node_id, canonical_id FROM node_canonical;

-- Which node each id stands for, and why. Evidence nodes are matched in 410 (node_matches); a node that is
-- matched only to another evidence node (curated:aws -> fedramp-csp:AMAZON -> a UEI) follows it one hop. When
-- an entity's keys reach several organizations, the best-ranked basis wins, then the organization paid most.
CREATE OR REPLACE TABLE node_canonical AS
WITH org_money AS (
    SELECT o.canonical_id, sum(m.amount) AS obligated
    FROM money m JOIN organizations o ON o.id = m.recipient_id GROUP BY o.canonical_id
),
links AS (  -- node_matches read both ways between evidence nodes (a curated operator code names its node)
    SELECT node_id, org_id AS other_id, rank, basis FROM node_matches
    UNION ALL
    SELECT org_id, node_id, rank, basis FROM node_matches
    WHERE org_id NOT IN (SELECT id FROM organizations)
),
direct AS (
    SELECT l.node_id, o.canonical_id, l.rank, l.basis
    FROM links l JOIN organizations o ON o.id = l.other_id
    WHERE l.node_id NOT IN (SELECT id FROM organizations)
),
one_hop AS (
    SELECT l.node_id, d.canonical_id, l.rank + d.rank AS rank, l.basis || ', then ' || d.basis AS basis
    FROM links l JOIN direct d ON d.node_id = l.other_id
    WHERE l.node_id NOT IN (SELECT id FROM organizations) AND l.node_id <> d.node_id
),
by_brand AS (  -- a curated brand with no key of its own: the owner curated/brands.yaml gives for its name
    SELECT 'curated:' || e.id AS node_id, o.canonical_id, 5 AS rank, 'curated brand list (' || b.brand || ')' AS basis
    FROM raw_curated_entities e
    JOIN brands b ON b.brand_key IN (lower(e.name), lower(trim(split_part(e.name, '(', 1))))
    JOIN organizations o ON o.id = b.owner_id
),
-- A FedRAMP provider a curated company names by its fedramp_csp key, when that company is no organization's (no
-- USAspending record pays it here: Google, Adobe): read as the company, so that its page, its answer and its changes
-- hold the provider's cloud products and authorizations, as they do for a company records pay.
by_curated AS (
    SELECT m.org_id AS node_id, m.node_id AS canonical_id, m.rank + 10 AS rank, 'curated company, ' || m.basis AS basis
    FROM node_matches m JOIN raw_curated_entities e ON 'curated:' || e.id = m.node_id AND e.kind = 'company'
    WHERE m.org_id LIKE 'fedramp-csp:%'
      AND m.node_id NOT IN (SELECT node_id FROM direct UNION ALL SELECT node_id FROM one_hop
                            UNION ALL SELECT node_id FROM by_brand)
),
candidates AS (
    SELECT * FROM direct UNION ALL SELECT * FROM one_hop UNION ALL SELECT * FROM by_brand UNION ALL SELECT * FROM by_curated
),
chosen AS (
    SELECT c.node_id,
           arg_min(c.canonical_id, (c.rank, -coalesce(m.obligated, 0), c.canonical_id, c.basis)) AS canonical_id,
           arg_min(c.basis, (c.rank, -coalesce(m.obligated, 0), c.canonical_id, c.basis)) AS basis
    FROM candidates c LEFT JOIN org_money m USING (canonical_id)
    GROUP BY c.node_id
)
SELECT id AS node_id, canonical_id,
       CASE WHEN id = canonical_id THEN 'itself' ELSE 'records merged by name resolution' END AS basis
FROM organizations
UNION ALL
SELECT node_id, canonical_id, basis FROM chosen
UNION ALL
SELECT DISTINCT id, id, 'itself' FROM evidence_nodes
WHERE id NOT IN (SELECT id FROM organizations) AND id NOT IN (SELECT node_id FROM chosen);

-- The awards whose evidence and organization totals are made again (the rest are kept from the previous derive,
-- build.derive): those in scope_awards (every award on a full derive), and those paid to or by a node that now
-- stands for another organization than before (a record resolution merged or split).
CREATE OR REPLACE TEMP TABLE moved_nodes AS
SELECT node_id FROM (FROM node_canonical_before EXCEPT SELECT node_id, canonical_id FROM node_canonical)
UNION
SELECT node_id FROM (SELECT node_id, canonical_id FROM node_canonical EXCEPT FROM node_canonical_before);
CREATE OR REPLACE TEMP TABLE graph_scope_awards AS
SELECT award_key FROM scope_awards
UNION
SELECT m.award_key FROM money m
WHERE m.recipient_id IN (SELECT node_id FROM moved_nodes)
   OR 'agency:' || m.sub_agency_code IN (SELECT node_id FROM moved_nodes);
-- The awards whose evidence kept per award (evidence_kept_per_award) is made again, by kind: a prime award's for
-- graph_scope_awards; a named product's for those, for the awards whose product ties step 430 made again
-- (mention_scope_awards), and for those naming a maker that now stands for another organization.
CREATE OR REPLACE TEMP TABLE evidence_scope_awards AS
SELECT 'prime_contract' AS kind, award_key FROM graph_scope_awards
UNION ALL
SELECT 'named_in_award', award_key FROM (
    SELECT award_key FROM graph_scope_awards
    UNION
    SELECT award_key FROM mention_scope_awards
    UNION
    SELECT award_key FROM product_mentions
    WHERE maker_node IN (SELECT node_id FROM moved_nodes) OR recipient_id IN (SELECT node_id FROM moved_nodes)
);

-- Every piece of evidence, every kind, keyed by canonical nodes; *_as_written keeps the id the source gave. The
-- evidence kept per award is made again for the awards of evidence_scope_awards; every other kind is made again
-- whole.
CREATE OR REPLACE TEMP VIEW evidence_in_scope AS
WITH items AS (
    SELECT kind, source_id, target_id, grade,
           'USAspending ' || CASE source_format WHEN 'prime_award_transactions' THEN 'prime award transactions'
               WHEN 'prime_award_summaries' THEN 'prime award summaries' WHEN 'transactions_2018' THEN
               '2018-era transaction export' WHEN 'api_transactions' THEN 'transaction list'
               WHEN 'subawards' THEN 'subaward reports (self-reported by the prime)'
               WHEN 'usaspending recipient_parent fields' THEN 'recipient parent fields (self-reported to SAM)'
               ELSE source_format END AS source_name,
           file_name || ' rows ' || array_to_string(rows, ' ') AS locator,
           permalink AS url, sha256, file_name, source_format, rows, NULL AS quote, amount, first_date, last_date,
           award_key, NULL AS claim_id, NULL AS status, NULL AS note
    FROM contract_evidence
    WHERE rowid IN (  -- found by kind and award, then read by row id (filtered as read, every column was read)
        SELECT c.rowid FROM contract_evidence c
        WHERE c.kind <> 'prime_contract'
           OR EXISTS (SELECT 1 FROM evidence_scope_awards a WHERE a.kind = 'prime_contract'
                      AND a.award_key IS NOT DISTINCT FROM c.award_key))
    UNION ALL
    SELECT 'parent', child_as_written, parent_as_written, grade,
           CASE source WHEN 'usaspending' THEN 'USAspending recipient parent fields (self-reported to SAM)'
               WHEN 'gleif' THEN 'GLEIF level 2 relationship records' ELSE 'curated ownership' END,
           citation, NULL, NULL, NULL, source, NULL, NULL, NULL, valid_from, coalesce(valid_to, as_of), NULL,
           NULL, CASE WHEN valid_to IS NULL THEN 'current' ELSE 'ended ' || valid_to END, NULL
    FROM family_links WHERE source NOT IN ('inferred', 'usaspending')  -- reported parents come with their rows above
      -- a claims' entity curated ownership names, when claims are loaded (a build refuses claims without it)
      AND (child_as_written NOT LIKE 'curated:%' OR child_as_written IN (SELECT id FROM evidence_nodes))
      AND (parent_as_written NOT LIKE 'curated:%' OR parent_as_written IN (SELECT id FROM evidence_nodes))
    UNION ALL
    SELECT kind, source_id, target_id, grade, source_name, locator, url, sha256, NULL, NULL, NULL, quote, amount,
           first_date, last_date, NULL, claim_id, status, note
    FROM source_evidence
    UNION ALL
    -- An award whose description names a maker's product (step 430): the maker -> the prime recipient, per
    -- award and file; the role (the product itself, or services around it) is the item's note.
    SELECT 'named_in_award', maker_node, recipient_id, grade,
           'USAspending award description (the official record names the product; not a contract with its maker)',
           file_name || ' rows ' || array_to_string(rows, ' '), permalink, sha256, file_name, NULL, rows, quote,
           amount, first_date, last_date, award_key, NULL, NULL, role
    FROM product_mentions p
    SEMI JOIN evidence_scope_awards a ON a.kind = 'named_in_award' AND a.award_key = p.award_key
    UNION ALL
    -- A cloud product the FedRAMP Marketplace lists as built on or leveraging another (a leveraging system the
    -- other's record lists, or its own deployment text).
    SELECT 'runs_on', product_node, host_node, grade, 'FedRAMP Marketplace data.json', pointer,
           'https://marketplace.fedramp.gov/products/' || product_id, sha256, NULL, NULL, NULL, text, NULL,
           snapshot_date, snapshot_date, NULL, NULL, 'as of ' || snapshot_date, NULL
    FROM fedramp_runs_on
)
SELECT i.kind, coalesce(s.canonical_id, i.source_id) AS source_id, coalesce(t.canonical_id, i.target_id) AS target_id,
       i.source_id AS source_as_written, i.target_id AS target_as_written, i.grade, i.source_name, i.locator,
       i.url, i.sha256, i.file_name, i.source_format, i.rows, i.quote, i.amount, i.first_date, i.last_date,
       i.award_key, i.claim_id, i.status, i.note,
       -- A stable address: the source file and first row for the contract kinds, else a digest of what the item
       -- says (numbered when two items say the same, e.g. two FedRAMP agency ids of one agency).
       i.kind || '/' || coalesce(CASE WHEN i.kind IN ('prime_contract', 'subcontract', 'parent')
                                      THEN i.sha256 || '/' || i.rows[1] END, md5(concat_ws('|', i.source_id, i.target_id, i.award_key,
           i.locator, i.claim_id, i.quote, i.note, i.first_date)) || '-' || row_number() OVER (
           PARTITION BY i.kind, i.sha256, i.rows[1], i.source_id, i.target_id, i.locator, i.claim_id, i.quote,
           i.note, i.first_date ORDER BY i.last_date, i.status)) AS evidence_id
FROM items i
LEFT JOIN node_canonical s ON s.node_id = i.source_id
LEFT JOIN node_canonical t ON t.node_id = i.target_id
WHERE coalesce(s.canonical_id, i.source_id) <> coalesce(t.canonical_id, i.target_id);
CREATE TABLE IF NOT EXISTS evidence AS FROM evidence_in_scope LIMIT 0;
-- Kept: the evidence kept per award (evidence_kept_per_award), for the awards out of scope. Everything else is
-- deleted here and made again.
-- The evidence removed is kept a moment: for the digest, and for the ties whose shown evidence it changes (below).
CREATE OR REPLACE TEMP TABLE evidence_gone AS FROM evidence LIMIT 0;
WITH gone AS (DELETE FROM evidence WHERE rowid IN (
                  SELECT e.rowid FROM evidence e SEMI JOIN evidence_scope_awards a
                  ON a.kind = e.kind AND e.award_key IS NOT DISTINCT FROM a.award_key
                  WHERE evidence_kept_per_award(e.kind, e.source_format, e.award_key))
              RETURNING *)
INSERT INTO evidence_gone FROM gone;
WITH gone AS (DELETE FROM evidence WHERE rowid IN (
                  SELECT rowid FROM evidence WHERE NOT evidence_kept_per_award(kind, source_format, award_key))
              RETURNING *)
INSERT INTO evidence_gone FROM gone;
INSERT INTO digest_changes BY NAME FROM row_sums('evidence_gone', 'evidence', -1);
INSERT INTO evidence FROM evidence_in_scope;
-- The evidence as made again, which the digest and the two comparisons below read: on a scoped derive read out of
-- the large table once, into a temporary table; on a full or evidence-only derive (whole_derive), every row.
CREATE OR REPLACE TEMP TABLE evidence_again_read AS FROM evidence
WHERE NOT getvariable('whole_derive') AND rowid IN (
    SELECT e.rowid FROM evidence e
    WHERE NOT evidence_kept_per_award(e.kind, e.source_format, e.award_key)
       OR EXISTS (SELECT 1 FROM evidence_scope_awards a
                  WHERE a.kind = e.kind AND a.award_key IS NOT DISTINCT FROM e.award_key));
CREATE OR REPLACE TEMP VIEW evidence_again AS
FROM evidence WHERE getvariable('whole_derive') UNION ALL FROM evidence_again_read;
INSERT INTO digest_changes BY NAME FROM row_sums('evidence_again', 'evidence', 1);

-- The ties whose evidence changed: a piece removed and not made again as it was (evidence_lost), or made and not
-- there before as it is (evidence_made; every piece on a full derive). A piece removed and made again as it was
-- (the other files of an award in scope, every named product) changes nothing. The ties and the evidence each
-- shows are made again for these ties alone.
CREATE OR REPLACE TEMP VIEW evidence_as_tied AS SELECT *, tie_award_key(kind, award_key) AS tie_award_key FROM evidence;
CREATE OR REPLACE TEMP TABLE evidence_lost AS
SELECT g.kind, g.source_id, g.target_id, tie_award_key(g.kind, g.award_key) AS tie_award_key, g.evidence_id
FROM evidence_gone g ANTI JOIN evidence_again e ON e.evidence_id = g.evidence_id AND e IS NOT DISTINCT FROM g;
CREATE OR REPLACE TEMP TABLE evidence_made AS
SELECT e.kind, e.source_id, e.target_id, tie_award_key(e.kind, e.award_key) AS tie_award_key, e.evidence_id,
       e.amount, e.last_date
FROM evidence_again e ANTI JOIN evidence_gone g ON g.evidence_id = e.evidence_id AND g IS NOT DISTINCT FROM e;
CREATE OR REPLACE TEMP TABLE ties_again AS
SELECT DISTINCT kind, source_id, target_id, tie_award_key FROM (
    SELECT kind, source_id, target_id, tie_award_key FROM evidence_lost
    UNION ALL
    SELECT kind, source_id, target_id, tie_award_key FROM evidence_made
);

-- The strongest pieces of evidence of each tie (macro strongest_evidence), which the answers and why-paths show,
-- kept whole: chosen here once, so that an answer neither sorts every award of a large organization's ties nor
-- looks its pieces up in the evidence table. A tie that lost none of its shown pieces chooses among them and the
-- pieces made (the strongest of a set are the strongest of its strongest and what joined it); one that lost a
-- shown piece reads all its evidence again. Chosen from the keys and sort columns, then read whole.
CREATE TABLE IF NOT EXISTS tie_evidence_shown AS SELECT *, NULL::BIGINT AS n FROM evidence_as_tied LIMIT 0;
CREATE OR REPLACE TEMP TABLE shown_ties_read_whole AS
SELECT DISTINCT s.kind, s.source_id, s.target_id, s.tie_award_key FROM tie_evidence_shown s
SEMI JOIN evidence_lost l ON l.evidence_id = s.evidence_id AND l.kind = s.kind AND l.source_id = s.source_id
      AND l.target_id = s.target_id AND l.tie_award_key IS NOT DISTINCT FROM s.tie_award_key;
CREATE OR REPLACE TEMP TABLE shown_ties_chosen_again AS
FROM ties_again EXCEPT FROM shown_ties_read_whole;
CREATE OR REPLACE TEMP MACRO in_ties(rows_of, ties_of) AS TABLE
SELECT r.kind, r.source_id, r.target_id, r.tie_award_key, r.evidence_id, r.amount, r.last_date
FROM query_table(rows_of) r
SEMI JOIN query_table(ties_of) t ON t.kind = r.kind AND t.source_id = r.source_id AND t.target_id = r.target_id
      AND t.tie_award_key IS NOT DISTINCT FROM r.tie_award_key;
CREATE OR REPLACE TEMP TABLE shown_candidates AS
FROM in_ties('tie_evidence_shown', 'shown_ties_chosen_again')
UNION
FROM in_ties('evidence_made', 'shown_ties_chosen_again')
UNION
FROM in_ties('evidence_as_tied', 'shown_ties_read_whole');
CREATE OR REPLACE TEMP TABLE shown_chosen AS FROM strongest_evidence('shown_candidates');
DELETE FROM tie_evidence_shown s USING ties_again t
WHERE t.kind = s.kind AND t.source_id = s.source_id AND t.target_id = s.target_id
  AND t.tie_award_key IS NOT DISTINCT FROM s.tie_award_key;
-- The chosen pieces are read by row id first: joined in one statement, DuckDB read every column of every piece.
CREATE OR REPLACE TEMP TABLE shown_rows AS
SELECT *, tie_award_key(kind, award_key) AS tie_award_key FROM evidence
WHERE rowid IN (SELECT e.rowid FROM evidence e SEMI JOIN shown_chosen c ON e.evidence_id = c.evidence_id);
INSERT INTO tie_evidence_shown SELECT e.*, c.n FROM shown_chosen c JOIN shown_rows e ON e.evidence_id = c.evidence_id;
DROP TABLE shown_rows;  -- every shown piece, whole, on a full derive: not kept for the rest of the run

-- One tie per kind and pair of nodes; a product named in awards is one tie per award (its award_key and role).
-- Money kinds add their evidence's amounts (each award-file record once); a claim's amount is the claim's own
-- figure, not added across its citations. Kept from one derive to the next with the evidence, made again for
-- ties_again; an agency's parts (part_of, from agency_units) are made again whole.
-- Each tie made again is numbered, and its pieces are added up by that number: grouping most of the evidence (the
-- ties of a large organization) by four text keys, and by the award too to count awards, took most of this step.
CREATE OR REPLACE TEMP TABLE ties_again_numbered AS SELECT row_number() OVER () AS tie_no, * FROM ties_again;
CREATE OR REPLACE TEMP VIEW ties_in_scope AS
WITH tied AS MATERIALIZED (  -- ties_again is distinct: each piece joins one tie at most
    SELECT t.tie_no, e.grade, e.amount, e.award_key, e.first_date, e.last_date, e.status, e.note
    FROM evidence_as_tied e
    JOIN ties_again_numbered t ON t.kind = e.kind AND t.source_id = e.source_id AND t.target_id = e.target_id
          AND t.tie_award_key IS NOT DISTINCT FROM e.tie_award_key
),
-- Added up in three parts: DuckDB's distinct aggregates over all of a large tie's pieces cost several times the
-- plain ones, and only a few kinds have words (a status, a product's role) to list.
plain AS (
    SELECT tie_no, min(grade) AS grade, sum(amount) AS amount_sum, max(amount) AS amount_max,
           count(*) AS evidence_count, min(first_date) AS first_date, max(last_date) AS last_date
    FROM tied GROUP BY tie_no
),
awards AS (
    SELECT tie_no, count(award_key) AS awards FROM (SELECT DISTINCT tie_no, award_key FROM tied) GROUP BY tie_no
),
words AS (
    SELECT tie_no, string_agg(DISTINCT status, '; ' ORDER BY status) AS status,
           string_agg(DISTINCT note, '; ' ORDER BY note) AS notes
    FROM tied WHERE status IS NOT NULL OR note IS NOT NULL
    GROUP BY tie_no
)
SELECT t.kind, t.source_id, t.target_id, p.grade,
       CASE WHEN t.kind IN ('prime_contract', 'subcontract', 'named_in_award') THEN p.amount_sum ELSE p.amount_max END
           AS amount,
       a.awards, p.evidence_count, p.first_date, p.last_date, w.status, t.tie_award_key AS award_key,
       CASE WHEN t.kind = 'named_in_award' THEN w.notes END AS role
FROM plain p
JOIN ties_again_numbered t USING (tie_no)
JOIN awards a USING (tie_no)
LEFT JOIN words w USING (tie_no);
CREATE TABLE IF NOT EXISTS ties AS FROM ties_in_scope LIMIT 0;
DELETE FROM ties t USING ties_again a
WHERE a.kind = t.kind AND a.source_id = t.source_id AND a.target_id = t.target_id
  AND a.tie_award_key IS NOT DISTINCT FROM t.award_key;
DELETE FROM ties WHERE kind = 'part_of';
INSERT INTO ties FROM ties_in_scope;
INSERT INTO ties
SELECT 'part_of', id, part_of, 'A', NULL, 0, 0, NULL, NULL, NULL, NULL, NULL FROM agency_units WHERE part_of IS NOT NULL;

-- Every node a person can open: organizations (canonical), agencies, and evidence nodes that are no
-- organization's. An evidence node's family is the one curated ownership places it in (step 220: Ring, Amazon
-- Rekognition), else its brand owner's, else its own.
CREATE OR REPLACE TABLE graph_nodes AS
WITH brand_owner AS (
    SELECT source_id AS id, arg_min(target_id, (grade, target_id)) AS owner_id
    FROM ties WHERE kind = 'brand' GROUP BY source_id
)
SELECT o.id, o.name, o.kind, o.family_id, o.uei FROM organizations o WHERE o.id = o.canonical_id
UNION ALL
SELECT n.id, n.name, n.kind, coalesce(f.family_id, ob.family_id, n.id), NULL
FROM (SELECT id, arg_min(name, name) AS name, arg_min(kind, name) AS kind FROM evidence_nodes GROUP BY id) n
LEFT JOIN families f ON f.org_id = n.id
LEFT JOIN brand_owner b ON b.id = n.id LEFT JOIN organizations ob ON ob.id = b.owner_id
WHERE n.id IN (SELECT node_id FROM node_canonical WHERE canonical_id = node_id)
  AND n.id NOT IN (SELECT id FROM organizations);

-- Totals at three levels, each reconciled by `whosbehind check`: the record as published (one recipient id),
-- the organization (every record resolution merged into it) and the family (every organization under one
-- ultimate parent).
-- The organization's level, kept like the family's in step 300: added up again whole for the organizations a record
-- joined or left, brought up to date by the change of the awards in scope for the others those awards pay.
CREATE OR REPLACE TEMP VIEW organization_of_now AS SELECT id, canonical_id AS group_id FROM organizations;
CREATE OR REPLACE TEMP VIEW organization_of_before AS SELECT id, canonical_id AS group_id FROM organizations_before;
CREATE OR REPLACE TEMP TABLE organizations_whole AS
FROM groups_added_up_whole('organization_of_now', 'organization_of_before', 'unsummed_records');
CREATE OR REPLACE TEMP VIEW record_organization AS
FROM organization_of_now r SEMI JOIN organizations_whole g ON g.group_id IS NOT DISTINCT FROM r.group_id;
CREATE OR REPLACE TEMP VIEW record_organization_changed AS
FROM groups_changed('organization_of_now', 'totals_records', 'organizations_whole');
CREATE TABLE IF NOT EXISTS organization_totals AS
SELECT group_id AS organization_id, * EXCLUDE (group_id) FROM group_totals('record_awards', 'record_organization')
LIMIT 0;
CREATE OR REPLACE TEMP VIEW organization_totals_by_group AS
SELECT organization_id AS group_id, * EXCLUDE (organization_id) FROM organization_totals;
CREATE OR REPLACE TEMP TABLE organization_totals_change AS
FROM group_totals_change('record_awards_before', 'record_awards_after', 'record_organization_changed');
CREATE OR REPLACE TEMP TABLE organization_totals_changed AS
FROM group_totals_changed('organization_totals_by_group', 'organization_totals_change');
DELETE FROM organization_totals t
WHERE t.organization_id IN (SELECT group_id FROM organization_totals_change)
   OR EXISTS (SELECT 1 FROM organizations_whole g WHERE g.group_id IS NOT DISTINCT FROM t.organization_id);
INSERT INTO organization_totals
SELECT group_id AS organization_id, * EXCLUDE (group_id) FROM organization_totals_changed ORDER BY organization_id;
INSERT INTO organization_totals
SELECT group_id AS organization_id, * EXCLUDE (group_id) FROM group_totals('record_awards', 'record_organization')
ORDER BY organization_id;

-- Each organization's money per award (over all its records): its "largest awards". Kept from one derive to the
-- next, made again for the awards of graph_scope_awards.
CREATE OR REPLACE TEMP VIEW organization_awards_in_scope AS
SELECT organization_id, award_key, latest.piid, latest.sub_agency_code, obligated, first_date, last_date,
       latest.permalink, latest.description, source_rows, files
FROM (
    SELECT o.canonical_id AS organization_id, m.award_key,
           -- the latest row's values (a fixed pick: the same rows give the same table on every derive), taken
           -- together: one arg_max of a struct costs a third less than one per value at 2M rows
           arg_max({'piid': m.piid, 'sub_agency_code': m.sub_agency_code, 'permalink': m.permalink,
                    'description': m.description}, (m.action_date, m.sha256, m.row_no)) AS latest,
           sum(m.amount) AS obligated, min(m.action_date) AS first_date, max(m.action_date) AS last_date,
           count(*) AS source_rows, string_agg(DISTINCT m.file_name, '; ' ORDER BY m.file_name) AS files
    -- (a scoped derive reads only its awards' rows whole, found by row id: step 110)
    FROM (FROM money WHERE getvariable('whole_derive')
          UNION ALL
          FROM money WHERE NOT getvariable('whole_derive') AND rowid IN (
              SELECT m.rowid FROM money m SEMI JOIN graph_scope_awards a ON m.award_key IS NOT DISTINCT FROM a.award_key)
    ) m
    JOIN organizations o ON o.id = m.recipient_id
    SEMI JOIN graph_scope_awards a ON m.award_key IS NOT DISTINCT FROM a.award_key
    GROUP BY o.canonical_id, m.award_key
);
CREATE TABLE IF NOT EXISTS organization_awards AS FROM organization_awards_in_scope LIMIT 0;
-- The organizations that held those awards before they are made again, whose answers are published again
-- (answer_scope.sql); none on a full derive, which starts from no organization_awards.
CREATE OR REPLACE TEMP TABLE scope_holders_before AS
SELECT DISTINCT organization_id FROM organization_awards w
SEMI JOIN graph_scope_awards a ON w.award_key IS NOT DISTINCT FROM a.award_key;
-- The awards made again: on a scoped derive made once into a temporary table, which the insert and the digest read
-- (not the large table again); on a full derive, every award, inserted then read from the table.
CREATE OR REPLACE TEMP TABLE organization_awards_made AS
FROM organization_awards_in_scope WHERE NOT getvariable('whole_derive');
CREATE OR REPLACE TEMP VIEW organization_awards_again AS
FROM organization_awards WHERE getvariable('whole_derive') UNION ALL FROM organization_awards_made;
WITH gone AS (DELETE FROM organization_awards WHERE rowid IN (
                  SELECT w.rowid FROM organization_awards w SEMI JOIN graph_scope_awards a
                  ON w.award_key IS NOT DISTINCT FROM a.award_key)
              RETURNING *)
INSERT INTO digest_changes BY NAME FROM row_sums('gone', 'organization_awards', -1);
-- in organization order, so that reading one organization's awards skips most of the table
INSERT INTO organization_awards
FROM (FROM organization_awards_in_scope WHERE getvariable('whole_derive') UNION ALL FROM organization_awards_made)
ORDER BY organization_id;
INSERT INTO digest_changes BY NAME FROM row_sums('organization_awards_again', 'organization_awards', 1);

-- The evidence touching one node, either side: two equality scans read far less than one scan with OR.
CREATE OR REPLACE MACRO node_evidence(node) AS TABLE
    SELECT * FROM evidence WHERE source_id = node
    UNION ALL
    SELECT * FROM evidence WHERE target_id = node AND source_id <> node;
