-- Every organization's answer (analysis/organization.py), as the JSON the API serves, zlib-compressed, stored by
-- build.py right after the derive: answers change only when the database is rebuilt, so pages and the API read
-- them by key instead of running their queries on each visit. The primary key makes that a lookup, and the
-- compression keeps it one: DuckDB reads a stored value with its neighbours, and uncompressed answers made each
-- lookup read ten times the bytes (5.6 ms against 0.5 ms on the bundled build). Agencies and offices are left
-- out (their answer would list every award of the agency; /agency pages show them) and are answered on demand.
-- The tables are kept from one build to the next: publishing replaces the answers that changed and renders only
-- their pages again (build.publish).
CREATE TABLE IF NOT EXISTS organization_answers (id VARCHAR PRIMARY KEY, body BLOB NOT NULL);

-- Every organization's page in every language (web/prerender.py), zlib-compressed, rendered by build.py from the
-- stored answers: a visit to /org/{id} sends one as it is.
CREATE TABLE IF NOT EXISTS organization_pages (id VARCHAR NOT NULL, lang VARCHAR NOT NULL, body BLOB NOT NULL,
                                               PRIMARY KEY (id, lang));

-- What the stored pages were rendered with besides their answers (the code: web/prerender.py puts the data dates
-- in when a page is sent): a page whose answer did not change is kept only when this is the same.
CREATE TABLE IF NOT EXISTS organization_pages_made (made_with VARCHAR NOT NULL);

-- The answers a build computes, before they replace the stored ones that differ (answer_replace.sql).
CREATE OR REPLACE TEMP TABLE answers_next (id VARCHAR NOT NULL, body BLOB NOT NULL);
