-- Families ranked by obligations to one agency (a toptier code matches all its sub-agencies).
WITH selected AS (
    SELECT * FROM family_totals
    WHERE (toptier_code = $code OR sub_agency_code = $code)
      AND ($fy IS NULL OR fiscal_year = $fy)
      AND ($since IS NULL OR fiscal_year >= $since)
),
award_counts AS (
    SELECT o.family_id, count(DISTINCT r.award_key) AS awards
    FROM record_awards r JOIN organizations o ON o.id = r.recipient_id
    WHERE (r.toptier_code = $code OR r.sub_agency_code = $code)
      AND ($fy IS NULL OR r.fiscal_year = $fy)
      AND ($since IS NULL OR r.fiscal_year >= $since)
    GROUP BY o.family_id
)
SELECT s.family_id AS id, o.name, o.kind, sum(s.obligated) AS obligated, a.awards,
       sum(s.source_rows) AS source_rows, min(s.fiscal_year) AS first_fy, max(s.fiscal_year) AS last_fy
FROM selected s JOIN organizations o ON o.id = s.family_id JOIN award_counts a ON a.family_id = s.family_id
GROUP BY s.family_id, o.name, o.kind, a.awards
ORDER BY obligated DESC, id;
