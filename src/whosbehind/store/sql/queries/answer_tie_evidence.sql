-- The strongest few pieces of evidence ($per_tie) of each tie of each node of a batch ($ids); the rest are one
-- page away.
WITH wanted AS (SELECT DISTINCT unnest($ids) AS id),
touching AS (
    SELECT w.id AS for_id, e.* FROM evidence e JOIN wanted w ON e.source_id = w.id
    UNION ALL
    SELECT w.id AS for_id, e.* FROM evidence e JOIN wanted w ON e.target_id = w.id WHERE e.source_id <> w.id
)
SELECT * EXCLUDE (n) FROM (
    SELECT e.for_id, e.kind, e.source_id, e.target_id, e.evidence_id, e.grade, e.source_name, e.locator, e.url,
           e.quote, e.amount, e.first_date, e.last_date, e.award_key, e.claim_id, e.status, e.note, c.summary,
           c.amount_what, c.response_status, c.response_text, c.response_source,
           CASE WHEN e.kind = 'named_in_award' THEN e.award_key END AS tie_award_key,
           row_number() OVER (PARTITION BY e.for_id, e.kind, e.source_id, e.target_id,
                                           CASE WHEN e.kind = 'named_in_award' THEN e.award_key END
                              ORDER BY e.amount DESC NULLS LAST, e.last_date DESC NULLS LAST, e.evidence_id) AS n
    FROM touching e LEFT JOIN raw_curated_claims c ON c.id = e.claim_id
    WHERE e.kind <> 'part_of'
) WHERE n <= $per_tie
ORDER BY for_id, kind, source_id, target_id, n;
