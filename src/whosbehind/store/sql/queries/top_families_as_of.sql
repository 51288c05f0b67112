-- Families ranked by obligations to one agency, with families as they were on a date ($day: every obligation
-- goes to the family that owned the company on that day) or, with $at_obligation, on each obligation's own
-- action date (money to the family that owned the company when the obligation was made).
WITH orgs AS (
    SELECT DISTINCT recipient_id FROM money
    WHERE (toptier_code = $code OR sub_agency_code = $code)
),
rows AS (
    SELECT m.recipient_id, o.canonical_id, m.amount, m.award_key, m.fiscal_year,
           CASE WHEN $at_obligation THEN m.action_date ELSE $day END AS day
    FROM money m JOIN organizations o ON o.id = m.recipient_id
    WHERE (m.toptier_code = $code OR m.sub_agency_code = $code)
      AND ($fy IS NULL OR m.fiscal_year = $fy)
      AND ($since IS NULL OR m.fiscal_year >= $since)
),
attributed AS (
    SELECT r.*, coalesce(p.family_id, r.canonical_id) AS family_id
    FROM rows r
    LEFT JOIN family_periods p ON p.org_id = r.canonical_id
         AND (p.valid_from IS NULL OR p.valid_from <= r.day) AND (p.valid_to IS NULL OR p.valid_to > r.day)
)
SELECT a.family_id AS id, f.name, f.kind, sum(a.amount) AS obligated, count(DISTINCT a.award_key) AS awards,
       count(*) AS source_rows, min(a.fiscal_year) AS first_fy, max(a.fiscal_year) AS last_fy
FROM attributed a JOIN organizations f ON f.id = a.family_id
GROUP BY a.family_id, f.name, f.kind
ORDER BY obligated DESC, id;
