-- The strongest five pieces of evidence of each of the ties a set of paths walks ($kinds, $sources and $targets
-- are parallel lists naming the ties). Chosen from the keys and sort columns alone, then read whole for the few
-- chosen (as in answer_tie_evidence.sql).
WITH wanted AS (
    SELECT unnest($kinds) AS kind, unnest($sources) AS source_id, unnest($targets) AS target_id
),
ties AS (
    SELECT e.kind, e.source_id, e.target_id, e.evidence_id, e.amount, e.last_date
    FROM evidence e JOIN wanted w USING (kind, source_id, target_id)
),
-- The fifth largest amount of each tie: only evidence at or above it can be among the strongest five, so the
-- sort below reads a few rows per tie, not every award of a large one (all of them when it has fewer amounts).
bar AS (
    SELECT kind, source_id, target_id, CASE WHEN count(amount) >= 5 THEN max(amount, 5)[-1] END AS least
    FROM ties GROUP BY ALL
),
strongest AS (
    SELECT * FROM (
        SELECT e.evidence_id,
               row_number() OVER (PARTITION BY e.kind, e.source_id, e.target_id
                                  ORDER BY e.amount DESC NULLS LAST, e.last_date DESC NULLS LAST, e.evidence_id) AS n
        FROM ties e JOIN bar b USING (kind, source_id, target_id)
        WHERE b.least IS NULL OR e.amount >= b.least
    ) WHERE n <= 5
)
-- (evidence_id names one piece of evidence: step 500)
SELECT e.kind, e.source_id, e.target_id, e.source_name, e.locator, e.url, e.sha256, e.file_name, e.rows,
       e.quote, e.amount, e.first_date, e.last_date, e.award_key, e.claim_id, e.status, e.note, e.grade,
       e.evidence_id, c.summary, c.amount_what
FROM strongest s JOIN evidence e ON e.evidence_id = s.evidence_id
LEFT JOIN raw_curated_claims c ON c.id = e.claim_id
ORDER BY e.kind, e.source_id, e.target_id, s.n;
