-- The strongest few pieces of evidence of each tie of one node (the rest are one page away).
SELECT * EXCLUDE (n) FROM (
    SELECT e.kind, e.source_id, e.target_id, e.evidence_id, e.grade, e.source_name, e.locator, e.url, e.quote,
           e.amount, e.first_date, e.last_date, e.award_key, e.claim_id, e.status, e.note, c.summary, c.amount_what,
           c.response_status, c.response_text, c.response_source,
           CASE WHEN e.kind = 'named_in_award' THEN e.award_key END AS tie_award_key,
           row_number() OVER (PARTITION BY e.kind, e.source_id, e.target_id,
                                           CASE WHEN e.kind = 'named_in_award' THEN e.award_key END
                              ORDER BY e.amount DESC NULLS LAST, e.last_date DESC NULLS LAST, e.evidence_id) AS n
    FROM node_evidence($id) e LEFT JOIN raw_curated_claims c ON c.id = e.claim_id
    WHERE e.kind <> 'part_of'
) WHERE n <= $per_tie
ORDER BY kind, source_id, target_id, n;
