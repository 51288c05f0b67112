"""Shared fixtures: a database built once from the bundled real sample (see samples.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from samples import Cli


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample, built once per test session. Tests must not write to it."""
    db = tmp_path_factory.mktemp("built") / "whosbehind.duckdb"
    result = Cli(db).run("build")
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="session")
def built(built_db: Path) -> Cli:
    return Cli(built_db)


@pytest.fixture
def fresh(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "fresh.duckdb")
