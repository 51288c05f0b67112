-- Every stored answer (compressed), by its node's id.
SELECT id, body FROM organization_answers;
