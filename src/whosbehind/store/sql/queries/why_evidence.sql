-- The strongest five pieces of evidence (evidence_shown_per_tie()) of each of the ties a set of paths walks
-- ($kinds, $sources and $targets are parallel lists naming the ties), from those the derive chose per tie
-- and keeps whole (tie_evidence_shown, step 500; a product named in several awards is one tie per award there).
WITH wanted AS (
    SELECT unnest($kinds) AS kind, unnest($sources) AS source_id, unnest($targets) AS target_id
),
strongest AS (
    SELECT s.*,
           row_number() OVER (PARTITION BY s.kind, s.source_id, s.target_id
                              ORDER BY s.amount DESC NULLS LAST, s.last_date DESC NULLS LAST, s.evidence_id) AS rank
    FROM tie_evidence_shown s JOIN wanted w USING (kind, source_id, target_id)
    QUALIFY rank <= evidence_shown_per_tie()
)
SELECT s.kind, s.source_id, s.target_id, s.source_name, s.locator, s.url, s.sha256, s.file_name, s.rows,
       s.quote, s.amount, s.first_date, s.last_date, s.award_key, s.claim_id, s.status, s.note, s.grade,
       s.evidence_id, c.summary, c.amount_what
FROM strongest s
LEFT JOIN raw_curated_claims c ON c.id = s.claim_id
ORDER BY s.kind, s.source_id, s.target_id, s.rank;
