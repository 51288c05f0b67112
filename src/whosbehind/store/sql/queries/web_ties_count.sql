-- How many ties of one node (of one kind, or all): the total behind a page of web_ties past its end.
SELECT count(*) AS total FROM ties
WHERE (source_id = $id OR target_id = $id) AND ($kind IS NULL OR kind = $kind);
