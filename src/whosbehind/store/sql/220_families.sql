-- Step 220: corporate families. Parent links from every source, each with source, grade and dates, between
-- resolved (canonical) organizations; one current parent per organization, by precedence: curated ownership
-- (cited), then GLEIF level 2 (A; a direct parent before an ultimate one), then the parent self-reported to SAM in USAspending records (B). A link
-- with an end date is history: shown by `explain`, never used for the current family.
-- Ultimate parent: followed over the chain; cycles and conflicting parents are listed in family_issues.

CREATE OR REPLACE TABLE family_links AS
WITH raw_links AS (
    SELECT child_id, parent_id, 'curated' AS source, grade, valid_from, valid_to, as_of,
           citation, 0 AS precedence, kind, checked
    FROM curated_links
    UNION ALL
    SELECT 'lei:' || child_lei, 'lei:' || parent_lei, 'gleif', 'A', start_date,
           CASE WHEN status <> 'ACTIVE' THEN coalesce(end_date, publish_date) ELSE end_date END, publish_date,
           'GLEIF level 2 relationship record ' || record_id || ' (golden copy ' || publish_date || ', '
               || corroboration || ')', CASE kind WHEN 'direct' THEN 1 ELSE 2 END,
           'consolidated (' || kind || ' parent)', true
    FROM gleif_relationships
    UNION ALL
    SELECT child_id, parent_id, 'usaspending', 'B', NULL, NULL, as_of,
           'USAspending recipient_parent fields, ' || evidence_locator || ' (sha256 ' || sha256[:12] || ')', 3,
           'reported parent', true
    FROM reported_parents
    UNION ALL
    -- Live registries (`whosbehind refresh-families`), the latest answer for each link.
    SELECT child_id, parent_id, CASE registry WHEN 'gleif' THEN 'gleif' ELSE 'usaspending-api' END,
           CASE registry WHEN 'gleif' THEN 'A' ELSE 'B' END, valid_from,
           CASE WHEN registry = 'gleif' AND status <> 'ACTIVE' THEN coalesce(valid_to, retrieved_at::DATE)
                ELSE valid_to END,
           retrieved_at::DATE,
           CASE registry WHEN 'gleif' THEN 'GLEIF API level 2 ' ELSE 'USAspending API recipient profile ' END
               || url || ' (retrieved ' || retrieved_at::VARCHAR || ', sha256 ' || sha256[:12] || ')',
           CASE WHEN kind = 'direct' THEN 1 WHEN kind = 'ultimate' THEN 2 ELSE 3 END,
           CASE registry WHEN 'gleif' THEN 'consolidated (' || kind || ' parent)' ELSE kind END, true
    FROM raw_registry_links
    QUALIFY row_number() OVER (PARTITION BY registry, child_id, parent_id, kind ORDER BY retrieved_at DESC, url) = 1
)
SELECT coalesce(rc.canonical_id, l.child_id) AS child_id, coalesce(rp.canonical_id, l.parent_id) AS parent_id,
       l.child_id AS child_as_written, l.parent_id AS parent_as_written,
       l.source, l.grade, l.valid_from, l.valid_to, l.as_of, l.citation, l.precedence, l.kind, l.checked
FROM raw_links l
LEFT JOIN resolution rc ON rc.org_id = l.child_id
LEFT JOIN resolution rp ON rp.org_id = l.parent_id
WHERE coalesce(rc.canonical_id, l.child_id) <> coalesce(rp.canonical_id, l.parent_id);

-- The parent is chosen by precedence; when several sources name that same parent, the link shown is the one
-- with the best grade (a reported parent, B, over a curated link not checked against its document, C). Between
-- links equal on those (two registrations resolution made one, each reporting the parent on the same day), the
-- one written under the organization's own id, then the first citation: every build shows the same link.
CREATE OR REPLACE TABLE current_parents AS
WITH chosen AS (
    SELECT child_id, parent_id FROM family_links WHERE valid_to IS NULL
    QUALIFY row_number() OVER (
        PARTITION BY child_id
        ORDER BY precedence, coalesce(valid_from, as_of, DATE '1900-01-01') DESC, parent_id) = 1
)
SELECT l.* FROM family_links l JOIN chosen c USING (child_id, parent_id)
WHERE l.valid_to IS NULL
QUALIFY row_number() OVER (
    PARTITION BY l.child_id
    ORDER BY l.grade, l.precedence, coalesce(l.valid_from, l.as_of, DATE '1900-01-01') DESC,
             l.child_as_written <> l.child_id, l.citation, l.child_as_written, l.parent_as_written, l.source,
             l.kind, l.valid_from, l.as_of, l.checked) = 1;

CREATE OR REPLACE TABLE families AS
WITH RECURSIVE chain(org_id, ancestor_id, depth, path) AS (
    SELECT child_id, parent_id, 1, [child_id, parent_id] FROM current_parents
    UNION ALL
    SELECT c.org_id, p.parent_id, c.depth + 1, list_append(c.path, p.parent_id)
    FROM chain c JOIN current_parents p ON p.child_id = c.ancestor_id
    WHERE NOT list_contains(c.path, p.parent_id) AND c.depth < 30
)
SELECT org_id, arg_max(ancestor_id, depth) AS family_id, max(depth) AS depth, arg_max(path, depth) AS path
FROM chain GROUP BY org_id;

-- A name-only record that matches several identified organizations was merged with none of them (ambiguous).
-- When all of those organizations belong to one family, the record joins that family: an inferred link
-- (grade E) that names the path that produced it.
CREATE OR REPLACE TEMP TABLE ambiguous_partners AS
SELECT CASE WHEN left_id LIKE 'name:%' THEN left_id ELSE right_id END AS org_id,
       CASE WHEN left_id LIKE 'name:%' THEN right_id ELSE left_id END AS partner_id
FROM resolution_decisions WHERE rule = 'ambiguous';

CREATE OR REPLACE TEMP TABLE inferred_families AS
SELECT a.org_id, min(coalesce(f.family_id, coalesce(r.canonical_id, a.partner_id))) AS family_id,
       string_agg(DISTINCT a.partner_id, ', ' ORDER BY a.partner_id) AS partners
FROM ambiguous_partners a
LEFT JOIN resolution r ON r.org_id = a.partner_id
LEFT JOIN families f ON f.org_id = coalesce(r.canonical_id, a.partner_id)
WHERE a.org_id NOT IN (SELECT org_id FROM resolution) AND a.org_id NOT IN (SELECT child_id FROM current_parents)
GROUP BY a.org_id
HAVING count(DISTINCT coalesce(f.family_id, coalesce(r.canonical_id, a.partner_id))) = 1;

INSERT INTO family_links
SELECT org_id, family_id, org_id, family_id, 'inferred', 'E', NULL, NULL, NULL,
       'inferred by whosbehind: the name matches organizations ' || partners || ', all of family ' || family_id, 4,
       'inferred', NULL
FROM inferred_families;
INSERT INTO current_parents SELECT * FROM family_links WHERE source = 'inferred';
INSERT INTO families SELECT org_id, family_id, 1, [org_id, family_id] FROM inferred_families;

CREATE OR REPLACE TABLE family_issues AS
-- Conflicts: two sources name different current parents for the same organization.
SELECT 'conflict' AS kind, child_id AS org_id,
       'current parents disagree: ' || string_agg(DISTINCT parent_id || ' (' || source || ', ' || grade || ')', '; '
           ORDER BY parent_id || ' (' || source || ', ' || grade || ')') AS detail
FROM family_links
WHERE valid_to IS NULL AND source <> 'inferred'
  AND NOT (source = 'gleif' AND precedence = 2)  -- a GLEIF ultimate parent is expected to differ from the direct one
  -- curated ownership, reviewed and cited, settles a disagreement: `explain` still shows every link
  AND child_id NOT IN (SELECT child_id FROM family_links WHERE source = 'curated' AND valid_to IS NULL)
GROUP BY child_id HAVING count(DISTINCT parent_id) > 1
UNION ALL
-- Cycles: following current parents comes back around, so the chain's last organization still has a parent.
SELECT 'cycle', f.org_id, 'parent chain returns to itself: ' || array_to_string(f.path, ' -> ') || ' -> ' || p.parent_id
FROM families f JOIN current_parents p ON p.child_id = f.family_id;

-- Every organization's family: the ultimate parent of the cluster it was merged into.
UPDATE organizations o SET family_id = coalesce(f.family_id, o.canonical_id)
FROM organizations c LEFT JOIN families f ON f.org_id = c.canonical_id
WHERE c.id = o.id AND o.kind = 'company';

-- Families through time: for every organization with a parent link, the family it belonged to in each period
-- (valid_from inclusive, valid_to exclusive; NULL = open). At each date a link starts or ends, the parent in
-- force is chosen as for today (precedence, then the newest link) and followed up to the ultimate parent.
-- Undated links (reported parents, inferred ones) hold at every date, so an organization whose chain holds no
-- dated link, up any parent it ever had, has one period: its family of today. `family_as_of` reads it.
CREATE OR REPLACE TEMP TABLE dated_orgs AS
WITH RECURSIVE ever(org_id, ancestor_id, path) AS (
    SELECT DISTINCT child_id, parent_id, [child_id, parent_id] FROM family_links
    UNION ALL
    SELECT e.org_id, l.parent_id, list_append(e.path, l.parent_id)
    FROM ever e JOIN (SELECT DISTINCT child_id, parent_id FROM family_links) l ON l.child_id = e.ancestor_id
    WHERE NOT list_contains(e.path, l.parent_id) AND len(e.path) < 30
),
dated AS (SELECT DISTINCT child_id FROM family_links WHERE valid_from IS NOT NULL OR valid_to IS NOT NULL)
SELECT DISTINCT child_id AS org_id FROM dated
UNION
SELECT DISTINCT e.org_id FROM ever e JOIN dated d ON d.child_id = e.ancestor_id;

CREATE OR REPLACE TABLE family_periods AS
WITH RECURSIVE bounds AS (
    SELECT DISTINCT d FROM (
        SELECT valid_from AS d FROM family_links UNION ALL SELECT valid_to FROM family_links
        UNION ALL SELECT DATE '1900-01-01')
    WHERE d IS NOT NULL
),
parent_at AS (
    SELECT b.d, l.child_id, l.parent_id
    FROM bounds b JOIN family_links l
      ON (l.valid_from IS NULL OR l.valid_from <= b.d) AND (l.valid_to IS NULL OR l.valid_to > b.d)
    WHERE l.child_id IN (SELECT org_id FROM dated_orgs)
    QUALIFY row_number() OVER (
        PARTITION BY b.d, l.child_id
        ORDER BY l.precedence, coalesce(l.valid_from, l.as_of, DATE '1900-01-01') DESC, l.parent_id) = 1
),
chain(d, org_id, ancestor_id, depth, path) AS (
    SELECT d, child_id, parent_id, 1, [child_id, parent_id] FROM parent_at
    UNION ALL
    SELECT c.d, c.org_id, p.parent_id, c.depth + 1, list_append(c.path, p.parent_id)
    FROM chain c JOIN parent_at p ON p.d = c.d AND p.child_id = c.ancestor_id
    WHERE NOT list_contains(c.path, p.parent_id) AND c.depth < 30
),
at_bound AS (
    SELECT o.org_id, b.d, coalesce(c.family_id, o.org_id) AS family_id
    FROM dated_orgs o CROSS JOIN bounds b
    LEFT JOIN (SELECT d, org_id, arg_max(ancestor_id, depth) AS family_id FROM chain GROUP BY d, org_id) c
      ON c.org_id = o.org_id AND c.d = b.d
),
changes AS (
    SELECT *, family_id IS DISTINCT FROM lag(family_id) OVER (PARTITION BY org_id ORDER BY d) AS changed
    FROM at_bound
),
numbered AS (
    SELECT *, sum(changed::INT) OVER (PARTITION BY org_id ORDER BY d) AS period FROM changes
)
SELECT org_id, family_id, min(d) AS valid_from, NULL::DATE AS valid_to
FROM numbered GROUP BY org_id, family_id, period
UNION ALL
-- Every other organization with a parent link: one period, today's family.
SELECT f.org_id, f.family_id, DATE '1900-01-01', NULL::DATE
FROM families f WHERE f.org_id NOT IN (SELECT org_id FROM dated_orgs);

UPDATE family_periods p SET valid_to = n.next_from
FROM (SELECT org_id, valid_from, lead(valid_from) OVER (PARTITION BY org_id ORDER BY valid_from) AS next_from
      FROM family_periods) n
WHERE n.org_id = p.org_id AND n.valid_from = p.valid_from;
UPDATE family_periods SET valid_from = NULL WHERE valid_from = DATE '1900-01-01';
