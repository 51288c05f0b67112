"""Fixtures for the tip line tests (helpers in tip_helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from tip_helpers import PASSWORD, Moderated, make_app

from whosbehind.tips import crypto
from whosbehind.tips.store import TipStore

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def moderated(tmp_path: Path) -> Moderated:
    store = TipStore(tmp_path / "tips")
    private, public = crypto.new_key_pair()
    secret = store.add_moderator("desk1", public, PASSWORD)
    return Moderated(store, "desk1", private, pyotp.TOTP(secret))


@pytest.fixture
def tip_client(moderated: Moderated, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(make_app(moderated.store, tmp_path)) as client:
        yield client


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/test.sh installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
