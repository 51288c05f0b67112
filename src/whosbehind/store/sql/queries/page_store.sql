-- A batch of pages web/prerender.py rendered, into the table of step 600.
INSERT INTO organization_pages SELECT id, lang, body FROM incoming_pages;
