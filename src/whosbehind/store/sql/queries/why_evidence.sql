-- The strongest five pieces of evidence (evidence_shown_per_tie()) of each of the ties a set of paths walks
-- ($kinds, $sources and $targets are parallel lists naming the ties), from those the derive chose per tie
-- (tie_evidence_shown, step 500; a product named in several awards is one tie per award there).
WITH wanted AS (
    SELECT unnest($kinds) AS kind, unnest($sources) AS source_id, unnest($targets) AS target_id
),
strongest AS (
    SELECT s.kind, s.source_id, s.target_id, s.evidence_id,
           row_number() OVER (PARTITION BY s.kind, s.source_id, s.target_id
                              ORDER BY s.amount DESC NULLS LAST, s.last_date DESC NULLS LAST, s.evidence_id) AS n
    FROM tie_evidence_shown s JOIN wanted w USING (kind, source_id, target_id)
    QUALIFY n <= evidence_shown_per_tie()
)
-- (evidence_id names one piece of evidence: step 500)
SELECT e.kind, e.source_id, e.target_id, e.source_name, e.locator, e.url, e.sha256, e.file_name, e.rows,
       e.quote, e.amount, e.first_date, e.last_date, e.award_key, e.claim_id, e.status, e.note, e.grade,
       e.evidence_id, c.summary, c.amount_what
FROM strongest s JOIN evidence e ON e.evidence_id = s.evidence_id
LEFT JOIN raw_curated_claims c ON c.id = e.claim_id
ORDER BY e.kind, e.source_id, e.target_id, s.n;
