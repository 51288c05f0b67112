-- A batch of answers build.py computed, beside the stored ones until all are computed (answer_replace.sql).
INSERT INTO answers_next SELECT id, body FROM incoming_answers;
