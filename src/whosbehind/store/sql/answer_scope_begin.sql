-- Before a scoped derive (build.derive): what an organization's answer reads from the tables a derive makes again
-- (whole, or the ties and evidence in part), as it is now, so that publishing can tell which answers may differ
-- afterwards (answer_scope.sql). The large tables a scoped derive keeps change only for the awards of
-- graph_scope_awards, whose holders step 500 notes before it makes their rows again (scope_holders_before); the
-- evidence each tie shows (tie_evidence_shown) changes only with the tie's evidence, noted here.
CREATE OR REPLACE TEMP TABLE answers_before_graph_nodes AS FROM graph_nodes;
CREATE OR REPLACE TEMP TABLE answers_before_organizations AS FROM organizations;
CREATE OR REPLACE TEMP TABLE answers_before_org_names AS FROM org_names;
CREATE OR REPLACE TEMP TABLE answers_before_record_totals AS FROM record_totals;
CREATE OR REPLACE TEMP TABLE answers_before_organization_totals AS FROM organization_totals;
CREATE OR REPLACE TEMP TABLE answers_before_family_totals AS FROM family_totals;
-- each tie by its key and a hash of the whole row: comparing four columns costs half of comparing twelve
CREATE OR REPLACE TEMP VIEW answers_ties_now AS SELECT kind, source_id, target_id, hash(t) AS row_hash FROM ties t;
CREATE OR REPLACE TEMP TABLE answers_before_ties AS FROM answers_ties_now;
-- every piece of evidence but those kept per award (their awards are graph_scope_awards), by its tie and a hash of
-- the whole row
CREATE OR REPLACE TEMP VIEW answers_evidence_now AS
SELECT kind, source_id, target_id, hash(e) AS row_hash FROM evidence e
WHERE NOT evidence_kept_per_award(kind, source_format);
CREATE OR REPLACE TEMP TABLE answers_before_evidence AS FROM answers_evidence_now;
CREATE OR REPLACE TEMP TABLE answers_before_current_parents AS FROM current_parents;
CREATE OR REPLACE TEMP TABLE answers_before_claim_records AS FROM claim_records;
CREATE OR REPLACE TEMP TABLE answers_before_fedramp_products AS FROM fedramp_products;
CREATE OR REPLACE TEMP TABLE answers_before_fedramp_agency_changes AS FROM fedramp_agency_changes;
CREATE OR REPLACE TEMP TABLE answers_before_node_matches AS FROM node_matches;
CREATE OR REPLACE TEMP TABLE answers_before_node_canonical AS FROM node_canonical;
CREATE OR REPLACE TEMP TABLE answers_before_agency_units AS FROM agency_units;
