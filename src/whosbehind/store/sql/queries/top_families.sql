-- Families ranked by obligations to one agency (a toptier code matches all its sub-agencies).
-- A family holds its members by ownership links, each of a grade. `linked` lists, per grade of no official record
-- ($not_official, model.NOT_OFFICIAL: reported, or inferred by whosbehind), what the members whose path up to the
-- head is only that strong were paid (net: deobligations count; never zero), weakest last. Empty when all of the
-- family's money reaches it through official links or is the head's own.
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
-- (grade letters sort by strength, A first: model.GRADE_RANK)
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
linked_by_grade AS (
    SELECT m.family_id, m.link_grade AS grade, sum(t.obligated) AS obligated
    FROM organization_totals t JOIN member_links m ON m.org_id = t.organization_id
    WHERE (t.toptier_code = $code OR t.sub_agency_code = $code)
      AND ($fy IS NULL OR t.fiscal_year = $fy)
      AND ($since IS NULL OR t.fiscal_year >= $since)
      AND list_contains($not_official, m.link_grade)
    GROUP BY m.family_id, m.link_grade
    HAVING sum(t.obligated) <> 0
),
linked AS (
    SELECT family_id, list({'grade': grade, 'obligated': obligated} ORDER BY grade) AS linked
    FROM linked_by_grade GROUP BY family_id
)
SELECT s.family_id AS id, o.name, o.kind, sum(s.obligated) AS obligated, a.awards,
       sum(s.source_rows) AS source_rows, min(s.fiscal_year) AS first_fy, max(s.fiscal_year) AS last_fy,
       coalesce(any_value(l.linked), []) AS linked
FROM selected s JOIN organizations o ON o.id = s.family_id JOIN award_counts a ON a.family_id = s.family_id
LEFT JOIN linked l ON l.family_id = s.family_id
GROUP BY s.family_id, o.name, o.kind, a.awards
ORDER BY obligated DESC, id;
