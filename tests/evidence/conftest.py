"""The commands these tests run, over the database with the bundled sample and the bundled evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from whosbehind.cli import app


class EvidenceCli:
    def __init__(self, db: Path):
        self.db = db
        self.runner = CliRunner()

    def run(self, *args: str, env: dict[str, str] | None = None) -> Any:
        return self.runner.invoke(app, [*args, "--db", str(self.db)], catch_exceptions=False, env=env)

    def json(self, *args: str) -> Any:
        result = self.run(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture(scope="session")
def evidence_cli(built_db: Path) -> EvidenceCli:
    """The build of the bundled sample the other tests read (tests/conftest.py): it loads the bundled evidence
    too. These tests only read it."""
    return EvidenceCli(built_db)
