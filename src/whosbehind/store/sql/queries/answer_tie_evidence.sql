-- The strongest few pieces of evidence ($per_tie, at most evidence_shown_per_tie()) of each of the ties an answer
-- lists ($kinds, $sources, $targets and $award_keys are parallel lists naming them; the award key is NULL but for a
-- product named in an award); the rest are one page away. The derive chose them and keeps them whole
-- (tie_evidence_shown, step 500): a large organization's ties hold most of the evidence table.
WITH wanted AS (
    SELECT unnest($kinds) AS kind, unnest($sources) AS source_id, unnest($targets) AS target_id,
           unnest($award_keys) AS tie_award_key
)
SELECT s.kind, s.source_id, s.target_id, s.evidence_id, s.grade, s.source_name, s.locator, s.url,
       s.quote, s.amount, s.first_date, s.last_date, s.award_key, s.claim_id, s.status, s.note, c.summary,
       c.amount_what, c.response_status, c.response_text, c.response_source, s.tie_award_key
FROM tie_evidence_shown s
JOIN wanted w ON w.kind = s.kind AND w.source_id = s.source_id AND w.target_id = s.target_id
             AND w.tie_award_key IS NOT DISTINCT FROM s.tie_award_key
LEFT JOIN raw_curated_claims c ON c.id = s.claim_id
WHERE s.n <= $per_tie
ORDER BY s.kind, s.source_id, s.target_id, s.tie_award_key, s.n;
