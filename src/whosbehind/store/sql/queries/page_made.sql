-- What the stored pages are now rendered with (web/prerender.py: the code; the data dates go in when a page is sent).
CREATE OR REPLACE TABLE organization_pages_made AS SELECT $made_with::VARCHAR AS made_with;
