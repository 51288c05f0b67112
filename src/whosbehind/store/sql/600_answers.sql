-- Every organization's answer (analysis/organization.py), as the JSON the API serves, stored by build.py right
-- after this step: answers change only when the database is rebuilt, so pages and the API read them by key
-- instead of running their queries on each visit. Agencies and offices are left out (their answer would list
-- every award of the agency; /agency pages show them) and are answered on demand.
CREATE OR REPLACE TABLE organization_answers (id VARCHAR NOT NULL, body VARCHAR NOT NULL);
