-- The chain from an organization's cluster up to its ultimate parent.
SELECT path FROM families WHERE org_id = $id;
