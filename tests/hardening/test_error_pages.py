"""Item 10: error pages say what is wrong without the server's local paths.

Inputs: a database path that does not exist (in a folder named for this test), and a copy of the built
sample whose derived_layout was set back by one (as if derived by another version).
"""

from __future__ import annotations

import shutil

import duckdb
from fastapi.testclient import TestClient

from whosbehind.web.app import create_app


def _pages(db) -> list[tuple[int, str]]:
    app = create_app(db)
    with TestClient(app) as client:
        answers = [client.get(path) for path in ("/", "/org/uei:X", "/api/search?q=geo", "/methodology")]
    app.state.db.close()
    return [(r.status_code, r.text) for r in answers]


def _assert_no_path(answers, db, *expected):
    for status, text in answers:
        assert status == 503
        for secret in (str(db.parent), str(db.resolve().parent), db.name):
            assert secret not in text, (secret, text[:300])
        for words in expected:
            assert words in text


def test_a_missing_database_is_named_without_its_path(tmp_path):
    db = tmp_path / "private-folder" / "server-side.duckdb"
    _assert_no_path(_pages(db), db, "whosbehind build")


def test_a_database_of_another_version_is_named_without_its_path(built_db, tmp_path, monkeypatch):
    monkeypatch.setenv("WHOSBEHIND_WARM", "0")
    db = tmp_path / "private-folder" / "server-side.duckdb"
    db.parent.mkdir()
    shutil.copyfile(built_db, db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE derived_layout SET layout = layout - 1")
    con.close()
    _assert_no_path(_pages(db), db, "derived by another version", "whosbehind ingest")
