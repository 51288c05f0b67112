-- Every organization's answer (analysis/organization.py), as the JSON the API serves, zlib-compressed, stored by
-- build.py right after this step: answers change only when the database is rebuilt, so pages and the API read
-- them by key instead of running their queries on each visit. The primary key makes that a lookup, and the
-- compression keeps it one: DuckDB reads a stored value with its neighbours, and uncompressed answers made each
-- lookup read ten times the bytes (5.6 ms against 0.5 ms on the bundled build). Agencies and offices are left
-- out (their answer would list every award of the agency; /agency pages show them) and are answered on demand.
CREATE OR REPLACE TABLE organization_answers (id VARCHAR PRIMARY KEY, body BLOB NOT NULL);

-- Every organization's page in every language (web/prerender.py), zlib-compressed, rendered by build.py from the
-- stored answers: a visit to /org/{id} sends one as it is.
CREATE OR REPLACE TABLE organization_pages (id VARCHAR NOT NULL, lang VARCHAR NOT NULL, body BLOB NOT NULL,
                                            PRIMARY KEY (id, lang));
