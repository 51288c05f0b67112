"""The commands these tests run, over the database with the bundled sample and the bundled evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from samples import Cli


@pytest.fixture(scope="session")
def evidence_cli(built_db: Path) -> Cli:
    """The build of the bundled sample the other tests read (tests/conftest.py): it loads the bundled evidence
    too. These tests only read it."""
    return Cli(built_db)
