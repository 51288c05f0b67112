-- Step 210: one organization per company. Each organization gets the id of the cluster it was merged into
-- (its own id when it stands alone); clusters come from the resolution step (identifiers, names, curated
-- decisions). Organizations that only reference lists or curated files name (a GLEIF parent, a curated owner)
-- are added, without money, so that every family has a head.

ALTER TABLE organizations ADD COLUMN canonical_id VARCHAR;
UPDATE organizations SET canonical_id = id;
UPDATE organizations o SET canonical_id = r.canonical_id FROM resolution r WHERE r.org_id = o.id;

INSERT INTO organizations (id, name, kind, uei, family_id, canonical_id)
SELECT id, arg_min(upper(name), (source, name)), 'company', NULL, id, id
FROM (
    SELECT id, name, source FROM reference_names
    UNION ALL SELECT child_id, child_name, 'curated' FROM curated_links
    UNION ALL SELECT parent_id, parent_name, 'curated' FROM curated_links
    UNION ALL SELECT org_id, name, 'curated' FROM curated_organizations
    UNION ALL SELECT owner_id, owner_name, 'curated' FROM brands
) n
WHERE id NOT IN (SELECT id FROM organizations) AND nullif(name, '') IS NOT NULL
  -- an entity of the curated claims that curated ownership places in a family (Ring) stays the claims' node
  AND id NOT LIKE 'curated:%'
  AND (id IN (SELECT canonical_id FROM resolution) OR id IN (SELECT org_id FROM resolution)
       OR id IN (SELECT child_id FROM curated_links) OR id IN (SELECT parent_id FROM curated_links)
       OR id IN (SELECT owner_id FROM brands)
       OR id IN (SELECT 'lei:' || child_lei FROM gleif_relationships)
       OR id IN (SELECT 'lei:' || parent_lei FROM gleif_relationships))
GROUP BY id;
-- A reference name merged into an organization needs no row of its own beyond the one above: point it there.
UPDATE organizations o SET canonical_id = r.canonical_id FROM resolution r WHERE r.org_id = o.id;

-- The records merged into each organization.
CREATE OR REPLACE TABLE clusters AS
SELECT canonical_id, list(id ORDER BY id) AS members, count(*) AS size
FROM organizations WHERE kind = 'company' GROUP BY canonical_id;

-- A cluster of several records is shown under the name its members were most recently written under, so a
-- renamed company appears under its new name (CoreCivic, not Corrections Corporation of America). Each
-- record keeps every name it was written under in org_names.
UPDATE organizations o SET name = latest.name
FROM (
    SELECT c.canonical_id, arg_max(n.name, (n.last_seen, n.n_rows, n.name)) AS name
    FROM organizations c JOIN org_names n ON n.id = c.id
    WHERE c.kind = 'company'
    GROUP BY c.canonical_id HAVING count(DISTINCT c.id) > 1
) latest
WHERE o.id = latest.canonical_id;

-- A registration the records know only as another's reported parent, under the name it has in a reference file
-- (Hoover's): the parent field of a child's rows often repeats the child's own name (Sprint's rows give, under
-- Sprint's name, the DUNS Hoover's gives SoftBank Group), so the reference's name is the better one to show.
UPDATE organizations o SET name = upper(r.name)
FROM (SELECT id, min(name) AS name FROM reference_names WHERE source = 'hoovers' GROUP BY id) r
WHERE o.id = r.id AND o.kind = 'company'
  AND o.id NOT IN (SELECT canonical_id FROM organizations WHERE canonical_id <> id)
  AND o.canonical_id = o.id
  AND o.id NOT IN (SELECT id FROM paid_registrations);

-- A company renamed is shown under the name curated ownership gives it today (Leidos Holdings, not "SAIC INC.",
-- the name its subsidiaries still reported in 2017); every name it was written under stays in org_names.
UPDATE organizations o SET name = upper(c.name)
FROM curated_organizations c
WHERE c.renamed AND o.id = c.org_id;
