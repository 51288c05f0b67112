-- Parent links of the organizations on a family path, current and past, with source, grade, dates, citation.
SELECT l.child_id, c.name AS child_name, l.parent_id, p.name AS parent_name, l.source, l.grade, l.valid_from,
       l.valid_to, l.as_of, l.citation, l.kind, l.checked,
       (cp.child_id IS NOT NULL) AS in_force
FROM family_links l
LEFT JOIN organizations c ON c.id = l.child_id
LEFT JOIN organizations p ON p.id = l.parent_id
LEFT JOIN current_parents cp ON cp.child_id = l.child_id AND cp.parent_id = l.parent_id AND cp.source = l.source
WHERE l.child_id IN (SELECT unnest($ids))
ORDER BY list_position($ids, l.child_id), in_force DESC, l.precedence, l.parent_id;
