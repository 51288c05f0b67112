-- Before pages are rendered: the pages to render again are removed ($every: every page, when they were rendered with
-- other code; else those of the answers that changed or are gone).
DELETE FROM organization_pages WHERE $every OR id IN (SELECT id FROM answers_changed);
