"""Fixtures for the tip line tests (helpers in tests/tip_helpers.py; the browser test is in tests/web)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tip_helpers import Moderated, make_app, moderated_store


@pytest.fixture
def moderated(tmp_path: Path) -> Moderated:
    return moderated_store(tmp_path / "tips")


@pytest.fixture
def tip_client(moderated: Moderated, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(make_app(moderated.store, tmp_path)) as client:
        yield client
