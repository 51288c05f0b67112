"""A database with the bundled sample and the bundled evidence, built once for these tests."""

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
def evidence_cli(tmp_path_factory: pytest.TempPathFactory) -> EvidenceCli:
    cli = EvidenceCli(tmp_path_factory.mktemp("evidence") / "whosbehind.duckdb")
    result = cli.run("build")
    assert result.exit_code == 0, result.output
    return cli
