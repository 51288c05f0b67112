-- A batch of answers build.py computed, into the table of step 600.
INSERT INTO organization_answers SELECT id, body FROM incoming_answers;
