-- What tells one candidate apart from another: its registrations (identifiers) and the fiscal years it was paid.
SELECT (SELECT list(o.id ORDER BY o.id) FROM organizations o
        WHERE o.canonical_id = $id AND (o.id LIKE 'uei:%' OR o.id LIKE 'duns:%' OR o.id LIKE 'lei:%')) AS identifiers,
       (SELECT min(fiscal_year) FROM organization_totals WHERE organization_id = $id) AS first_fy,
       (SELECT max(fiscal_year) FROM organization_totals WHERE organization_id = $id) AS last_fy;
