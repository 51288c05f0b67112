-- After a scoped derive, the build's record of changes and answer_scope_holders.sql (build.publish): the nodes whose
-- answer may differ from the one stored, from what changed in the tables answers read (answer_scope_begin.sql has
-- them as they were). analysis/answer_scope.py widens these to the families and the why-paths that reach them.

-- Rows that differ, either way.
CREATE OR REPLACE TEMP MACRO rows_changed(now, before) AS TABLE
    (FROM query_table(now) EXCEPT ALL FROM query_table(before))
    UNION ALL
    (FROM query_table(before) EXCEPT ALL FROM query_table(now));

-- Ties and evidence that differ, and the ties of claims whose records are found, or not, since. Step 500 found the
-- ties whose evidence differs (ties_again: a piece removed and not made again as it was, or made and not there
-- before as it is); every other piece was kept as it was. (Which organizations hold an award made again:
-- answer_scope_holders.sql.)
CREATE OR REPLACE TEMP TABLE answer_scope_ties AS
SELECT DISTINCT kind, source_id, target_id FROM (
    SELECT kind, source_id, target_id FROM rows_changed('answers_ties_now', 'answers_before_ties')
    UNION ALL
    SELECT kind, source_id, target_id FROM ties_again
    UNION ALL
    SELECT e.kind, e.source_id, e.target_id FROM evidence e
    WHERE e.claim_id IN (SELECT claim_id FROM rows_changed('claim_records', 'answers_before_claim_records'))
);

-- Nodes whose own row of graph_nodes differs (a name, a kind, a family): their name shows on every answer with a
-- tie to them.
CREATE OR REPLACE TEMP TABLE answer_scope_renamed AS
SELECT DISTINCT id FROM rows_changed('graph_nodes', 'answers_before_graph_nodes');

-- Nodes whose own answer may differ, before families and why-paths widen them.
CREATE OR REPLACE TEMP TABLE answer_scope_nodes AS
WITH records AS (  -- record ids whose rows differ, read as their organization now and before
    SELECT id FROM rows_changed('organizations', 'answers_before_organizations')
    UNION ALL SELECT id FROM rows_changed('org_names', 'answers_before_org_names')
    UNION ALL SELECT recipient_id FROM rows_changed('record_totals', 'answers_before_record_totals')
),
direct AS (
    SELECT o.canonical_id AS id FROM organizations o WHERE o.id IN (SELECT id FROM records)
    UNION ALL SELECT o.canonical_id FROM answers_before_organizations o WHERE o.id IN (SELECT id FROM records)
    UNION ALL SELECT id FROM answer_scope_renamed
    UNION ALL SELECT organization_id FROM rows_changed('organization_totals', 'answers_before_organization_totals')
    UNION ALL SELECT id FROM answer_scope_holders
    UNION ALL SELECT source_id FROM answer_scope_ties UNION ALL SELECT target_id FROM answer_scope_ties
    UNION ALL SELECT unnest([child_id, parent_id]) FROM rows_changed('current_parents', 'answers_before_current_parents')
    UNION ALL SELECT node_id FROM rows_changed('fedramp_products', 'answers_before_fedramp_products')
    UNION ALL SELECT unnest([node_id, canonical_id]) FROM rows_changed('node_canonical', 'answers_before_node_canonical')
    UNION ALL SELECT unnest([node_id, org_id]) FROM rows_changed('node_matches', 'answers_before_node_matches')
),
neighbours AS (  -- every node with a tie to a node whose row differs lists that node's name
    SELECT source_id AS id FROM ties WHERE target_id IN (SELECT id FROM answer_scope_renamed)
    UNION ALL SELECT target_id FROM ties WHERE source_id IN (SELECT id FROM answer_scope_renamed)
),
listed AS (SELECT id FROM direct UNION SELECT id FROM neighbours)
-- an answer lists the FedRAMP products its organization offers, with their authorizations
SELECT id FROM listed WHERE id IS NOT NULL
UNION SELECT source_id FROM ties WHERE kind = 'offers' AND target_id IN (SELECT id FROM listed);

-- Families every member of which may answer differently: a member's answer lists the family's totals, members
-- and their ties, and what changed for the family (this build's record, FedRAMP changes).
CREATE OR REPLACE TEMP TABLE answer_scope_families AS
-- The ids a change names, and every id whose family's scope holds them: the relations of queries/change_scope.sql
-- read the other way (a node no organization holds is its own family: graph_nodes).
WITH changed_orgs AS (
    SELECT org_id AS id FROM change_log WHERE build_id IN (SELECT build_id FROM this_build)
    UNION ALL SELECT org_id FROM rows_changed('fedramp_agency_changes', 'answers_before_fedramp_agency_changes')
),
named AS (
    SELECT id FROM changed_orgs
    UNION ALL SELECT n.org_id FROM node_matches n WHERE n.node_id IN (SELECT id FROM changed_orgs)
    UNION ALL SELECT n.node_id FROM node_matches n WHERE n.org_id IN (SELECT id FROM changed_orgs)
    UNION ALL SELECT c.canonical_id FROM node_canonical c WHERE c.node_id IN (SELECT id FROM changed_orgs)
)
SELECT family_id FROM organizations
WHERE id IN (SELECT id FROM named) OR canonical_id IN (SELECT id FROM named)
UNION SELECT family_id FROM graph_nodes WHERE id IN (SELECT id FROM named)
UNION SELECT family_id FROM rows_changed('family_totals', 'answers_before_family_totals')
UNION SELECT family_id FROM graph_nodes WHERE id IN (SELECT id FROM answer_scope_nodes)
UNION SELECT family_id FROM answers_before_graph_nodes WHERE id IN (SELECT id FROM answer_scope_nodes);

-- Whether an agency's row differs: every answer names agencies, so every answer is made again then.
CREATE OR REPLACE TEMP TABLE answer_scope_whole AS
SELECT count(*) > 0 AS whole FROM rows_changed('agency_units', 'answers_before_agency_units') c
WHERE c.id IN (SELECT id FROM answers_before_agency_units) AND c.id IN (SELECT id FROM agency_units);
