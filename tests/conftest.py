"""Shared fixtures: a database built once from the bundled real sample (see samples.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from filelock import FileLock

from samples import Cli


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The bundled sample, built once per test run and read by every test process (pytest-xdist's workers
    share the run's temporary folder): the first to ask builds it, the others wait for it under a lock. Tests must
    not write to it: they copy it (fresh_helpers.copy_db) when they change a database."""
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    db = shared / "built" / "whosbehind.duckdb"
    with FileLock(str(shared / "built.lock")):
        if not (db.parent / "complete").exists():
            db.parent.mkdir(exist_ok=True)
            db.unlink(missing_ok=True)  # what a build stopped midway left
            result = Cli(db).run("build")
            assert result.exit_code == 0, result.output
            (db.parent / "complete").touch()
    return db


@pytest.fixture(scope="session")
def built(built_db: Path) -> Cli:
    return Cli(built_db)


@pytest.fixture
def fresh(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "fresh.duckdb")
