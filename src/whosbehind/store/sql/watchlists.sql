-- Not a derive step (no number), run by watch.py: named lists of organizations a person watches (a council's vendors, a fund's holdings),
-- kept as written; each entry is matched to an organization when a report is made, so a rebuild that merges or
-- renames organizations is followed.
CREATE TABLE IF NOT EXISTS watchlists (
    name VARCHAR NOT NULL, position INTEGER NOT NULL, entry VARCHAR NOT NULL, added_at TIMESTAMP NOT NULL
);
