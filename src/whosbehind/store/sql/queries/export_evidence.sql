-- The whole graph, part 3: every piece of evidence with its source, locator and grade; rows point at source
-- rows by file sha256 and row number.
SELECT evidence_id, kind, source_id, target_id, source_as_written, target_as_written, grade, source_name, locator,
       url, quote, award_key, amount, first_date, last_date, claim_id, status, file_name, sha256, source_format,
       array_to_string(rows, ' ') AS rows
FROM evidence ORDER BY kind, source_id, target_id, evidence_id;
