-- The normalized names build.py computed, into the lookup table of step 510.
INSERT INTO lookup_names SELECT * FROM incoming_lookup_names;
