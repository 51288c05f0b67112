-- Every stored page (compressed), by its node's id and language.
SELECT id, lang, body FROM organization_pages;
