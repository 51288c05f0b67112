"""Fixtures for the web tests: the app over the built sample, a live server for the browser, and a small
database whose one company name contains HTML."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_fixtures import HTML_NAME

from samples import MN_SUMMARIES, MN_ZIP, Cli, LiveServer, member_rows, write_csv
from whosbehind.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def client(built_db: Path) -> Iterator[TestClient]:
    app = create_app(built_db)
    with TestClient(app) as c:
        yield c
    app.state.db.close()


@pytest.fixture(autouse=True)
def _client_forgets_its_language(request: pytest.FixtureRequest) -> Iterator[None]:
    """The client is shared by the tests of a session, and a page asked for in Spanish leaves a `lang` cookie: each
    test that used it starts the next one in English again, whether it passed or failed."""
    yield
    if "client" in request.fixturenames:
        request.getfixturevalue("client").cookies.clear()


@pytest.fixture(scope="session")
def html_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three real rows of the bundled Minnesota award summaries (header kept); the first row's
    recipient_name and recipient_parent_name are replaced by HTML_NAME."""
    folder = tmp_path_factory.mktemp("htmlname")
    rows = member_rows(MN_ZIP, MN_SUMMARIES)
    header, body = rows[0], [list(r) for r in rows[1:4]]
    for column in ("recipient_name", "recipient_parent_name"):
        body[0][header.index(column)] = HTML_NAME
    csv_path = write_csv(folder / MN_SUMMARIES.rsplit("/", 1)[-1], [header, *body])
    db = folder / "html.duckdb"
    result = Cli(db).run("ingest", str(csv_path))
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="session")
def html_org_id(html_db: Path) -> str:
    app = create_app(html_db)
    with TestClient(app) as c:
        found = c.get("/api/search", params={"q": "ACME"}).json()["items"]
    app.state.db.close()
    assert found, "the HTML-named company should be found"
    return found[0]["id"]


@pytest.fixture(scope="session")
def live(built_db: Path) -> Iterator[LiveServer]:
    with LiveServer(lambda url: create_app(built_db, public_url=url), log_level="warning") as server:
        yield server


@pytest.fixture(scope="session")
def live_html(html_db: Path) -> Iterator[LiveServer]:
    with LiveServer(lambda url: create_app(html_db, public_url=url), log_level="warning") as server:
        yield server


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/test.sh installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "screenshots"


def copy_db(src: Path, dest: Path) -> Path:
    shutil.copyfile(src, dest)
    return dest
