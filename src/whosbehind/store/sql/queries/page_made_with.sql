-- What the stored pages were rendered with (page_made.sql), if any were.
SELECT made_with FROM organization_pages_made;
