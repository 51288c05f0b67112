-- Every name the members of one cluster were seen under.
SELECT DISTINCT name FROM org_names WHERE id IN (SELECT unnest($members)) ORDER BY name;
