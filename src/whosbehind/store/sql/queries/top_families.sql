-- Families ranked by obligations to one agency (a toptier code matches all its sub-agencies).
-- A family holds its members by ownership links, each of a grade: `linked_obligated` is the part of a family's
-- money paid to members that reach its head only through a link of a grade in $not_official (model.NOT_OFFICIAL:
-- reported, or inferred by whosbehind), `weakest_link_grade` the weakest link any member with money here has on its way to the head
-- (NULL when all of it is the head's own).
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
),
-- each link at its best-graded source; a path (member, its parent, ..., head) is as strong as its weakest link
link_grades AS (
    SELECT child_id, parent_id, min(grade) AS grade FROM current_parents GROUP BY child_id, parent_id
),
member_links AS (
    SELECT f.org_id, f.family_id, max(l.grade) AS link_grade
    FROM (SELECT org_id, family_id, path, unnest(generate_series(1, len(path) - 1)) AS i
          FROM families WHERE len(path) > 1) f
    JOIN link_grades l ON l.child_id = f.path[f.i] AND l.parent_id = f.path[f.i + 1]
    GROUP BY f.org_id, f.family_id
),
linked AS (
    SELECT m.family_id, max(m.link_grade) AS weakest_link_grade,
           coalesce(sum(t.obligated) FILTER (WHERE list_contains($not_official, m.link_grade)), 0) AS linked_obligated
    FROM organization_totals t JOIN member_links m ON m.org_id = t.organization_id
    WHERE (t.toptier_code = $code OR t.sub_agency_code = $code)
      AND ($fy IS NULL OR t.fiscal_year = $fy)
      AND ($since IS NULL OR t.fiscal_year >= $since)
    GROUP BY m.family_id
)
SELECT s.family_id AS id, o.name, o.kind, sum(s.obligated) AS obligated, a.awards,
       sum(s.source_rows) AS source_rows, min(s.fiscal_year) AS first_fy, max(s.fiscal_year) AS last_fy,
       coalesce(any_value(l.linked_obligated), 0) AS linked_obligated,
       any_value(l.weakest_link_grade) AS weakest_link_grade
FROM selected s JOIN organizations o ON o.id = s.family_id JOIN award_counts a ON a.family_id = s.family_id
LEFT JOIN linked l ON l.family_id = s.family_id
GROUP BY s.family_id, o.name, o.kind, a.awards
ORDER BY obligated DESC, id;
