-- What the stored pages are now rendered with (web/prerender.py: the code and the data date they show).
CREATE OR REPLACE TABLE organization_pages_made AS SELECT $made_with::VARCHAR AS made_with;
