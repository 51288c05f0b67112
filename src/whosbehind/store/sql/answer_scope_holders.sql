-- The organizations that held an award of graph_scope_awards before the derive or hold one now: their awards,
-- totals and prime awards' evidence were made again.
CREATE OR REPLACE TEMP TABLE answer_scope_holders AS
SELECT organization_id AS id FROM scope_holders_before
UNION SELECT organization_id FROM organization_awards w
SEMI JOIN graph_scope_awards a ON w.award_key IS NOT DISTINCT FROM a.award_key;
