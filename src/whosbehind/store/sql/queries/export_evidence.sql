-- The whole graph, part 3: every piece of evidence, pointing at source rows by file sha256 and row number.
SELECT kind, source_id, target_id, grade, award_key, amount, first_date, last_date, permalink,
       file_name, sha256, source_format, array_to_string(rows, ' ') AS rows
FROM evidence ORDER BY kind, source_id, target_id, sha256, rows[1];
