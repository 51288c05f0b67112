-- The strongest few pieces of evidence ($per_tie) of each tie of each node of a batch ($ids); the rest are one
-- page away. Chosen from the keys and sort columns alone, then read whole for the few chosen: a large organization's
-- ties touch most of the evidence table, and reading every column of all of it cost four times the choice.
WITH wanted AS (SELECT DISTINCT unnest($ids) AS id),
touching AS (
    SELECT w.id AS for_id, e.kind, e.source_id, e.target_id, e.evidence_id, e.amount, e.last_date,
           CASE WHEN e.kind = 'named_in_award' THEN e.award_key END AS tie_award_key
    FROM evidence e JOIN wanted w ON e.source_id = w.id WHERE e.kind <> 'part_of'
    UNION ALL
    SELECT w.id AS for_id, e.kind, e.source_id, e.target_id, e.evidence_id, e.amount, e.last_date,
           CASE WHEN e.kind = 'named_in_award' THEN e.award_key END AS tie_award_key
    FROM evidence e JOIN wanted w ON e.target_id = w.id WHERE e.source_id <> w.id AND e.kind <> 'part_of'
),
-- The $per_tie-th largest amount of each tie: only evidence at or above it can be among the strongest, so the
-- sort below reads a few rows per tie, not every award of a large one (all of them when it has fewer amounts).
bar AS (
    SELECT for_id, kind, source_id, target_id, tie_award_key,
           CASE WHEN count(amount) >= $per_tie THEN max(amount, greatest($per_tie, 1))[-1] END AS least
    FROM touching GROUP BY ALL
),
strongest AS (
    SELECT * FROM (
        SELECT e.for_id, e.kind, e.source_id, e.target_id, e.tie_award_key, e.evidence_id,
               row_number() OVER (PARTITION BY e.for_id, e.kind, e.source_id, e.target_id, e.tie_award_key
                                  ORDER BY e.amount DESC NULLS LAST, e.last_date DESC NULLS LAST, e.evidence_id) AS n
        FROM touching e
        JOIN bar b ON b.for_id = e.for_id AND b.kind = e.kind AND b.source_id = e.source_id
                  AND b.target_id = e.target_id AND b.tie_award_key IS NOT DISTINCT FROM e.tie_award_key
        WHERE b.least IS NULL OR e.amount >= b.least
    ) WHERE n <= $per_tie
)
-- (evidence_id names one piece of evidence: step 500)
SELECT s.for_id, e.kind, e.source_id, e.target_id, e.evidence_id, e.grade, e.source_name, e.locator, e.url,
       e.quote, e.amount, e.first_date, e.last_date, e.award_key, e.claim_id, e.status, e.note, c.summary,
       c.amount_what, c.response_status, c.response_text, c.response_source, s.tie_award_key
FROM strongest s JOIN evidence e ON e.evidence_id = s.evidence_id
LEFT JOIN raw_curated_claims c ON c.id = e.claim_id
ORDER BY s.for_id, s.kind, s.source_id, s.target_id, s.tie_award_key, s.n;
