-- Family problems for `whosbehind check`: conflicting current parents and parent cycles.
SELECT kind, org_id, detail FROM family_issues ORDER BY kind, org_id;
