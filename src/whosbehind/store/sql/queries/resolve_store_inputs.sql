-- Reference and curated inputs of name resolution, from the Arrow tables the resolution step registered.
INSERT INTO reference_names SELECT * FROM incoming_reference_names;
INSERT INTO gleif_relationships SELECT * FROM incoming_gleif_relationships;
INSERT INTO brands SELECT * FROM incoming_brands;
