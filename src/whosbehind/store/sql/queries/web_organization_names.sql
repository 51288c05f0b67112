-- Every name an organization was written under, most used first.
SELECT name, n_rows, last_seen FROM org_names WHERE id = $id ORDER BY n_rows DESC, name;
