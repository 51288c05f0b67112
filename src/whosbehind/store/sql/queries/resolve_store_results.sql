-- Results of name resolution, from the Arrow tables the resolution step registered.
INSERT INTO resolution_decisions SELECT * FROM incoming_resolution_decisions;
INSERT INTO resolution SELECT * FROM incoming_resolution;
INSERT INTO match_names SELECT * FROM incoming_match_names;
INSERT INTO curated_links SELECT * FROM incoming_curated_links;
INSERT INTO curated_organizations SELECT * FROM incoming_curated_organizations;
