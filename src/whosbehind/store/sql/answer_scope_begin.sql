-- Before a scoped derive (build.derive): what an organization's answer reads from the tables a derive makes again
-- (whole, or the ties and evidence in part), as it is now, so that publishing can tell which answers may differ
-- afterwards (answer_scope.sql). The large tables a scoped derive keeps change only for the awards of
-- graph_scope_awards, whose holders step 500 notes before it makes their rows again (scope_holders_before); the
-- ties, the evidence and the evidence each tie shows (tie_evidence_shown) change only for the ties step 500 notes
-- in ties_again, and for an agency's parts, noted here.
CREATE OR REPLACE TEMP TABLE answers_before_graph_nodes AS FROM graph_nodes;
CREATE OR REPLACE TEMP TABLE answers_before_organizations AS FROM organizations;
CREATE OR REPLACE TEMP TABLE answers_before_org_names AS FROM org_names;
CREATE OR REPLACE TEMP TABLE answers_before_record_totals AS FROM record_totals;
CREATE OR REPLACE TEMP TABLE answers_before_organization_totals AS FROM organization_totals;
CREATE OR REPLACE TEMP TABLE answers_before_family_totals AS FROM family_totals;
-- The ties step 500 makes again whole (an agency's parts), each by its key and a hash of the whole row; every other
-- tie is made again only when its evidence differs, and step 500 notes those (ties_again).
CREATE OR REPLACE TEMP VIEW answers_ties_now AS
SELECT kind, source_id, target_id, hash(t) AS row_hash FROM ties t WHERE kind = 'part_of';
CREATE OR REPLACE TEMP TABLE answers_before_ties AS FROM answers_ties_now;
CREATE OR REPLACE TEMP TABLE answers_before_current_parents AS FROM current_parents;
CREATE OR REPLACE TEMP TABLE answers_before_claim_records AS FROM claim_records;
CREATE OR REPLACE TEMP TABLE answers_before_fedramp_products AS FROM fedramp_products;
CREATE OR REPLACE TEMP TABLE answers_before_fedramp_agency_changes AS FROM fedramp_agency_changes;
CREATE OR REPLACE TEMP TABLE answers_before_node_matches AS FROM node_matches;
CREATE OR REPLACE TEMP TABLE answers_before_node_canonical AS FROM node_canonical;
CREATE OR REPLACE TEMP TABLE answers_before_agency_units AS FROM agency_units;
