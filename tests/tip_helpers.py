"""Helpers for the tip line tests: a moderated store, the web app over it (the evidence database is not needed
for these pages), and the options `whosbehind serve` gives uvicorn (for samples.LiveServer)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import pytest
import uvicorn

from whosbehind.tips.limits import Limits
from whosbehind.tips.store import TipStore
from whosbehind.web.app import create_app

PASSWORD = "a long moderator password"


@dataclass
class Moderated:
    """A tip store in a temporary folder with one moderator, their private key and authenticator."""

    store: TipStore
    handle: str
    private_key: bytes
    totp: pyotp.TOTP


def make_app(store: TipStore, folder: Path) -> Any:
    app = create_app(folder / "no-evidence-db.duckdb")
    app.state.tips = store
    app.state.tip_limits = Limits()
    return app


def serve_options(monkeypatch: pytest.MonkeyPatch, db: Path) -> dict[str, Any]:
    """The keyword arguments `whosbehind serve` gives uvicorn.run, captured by running the command."""
    from typer.testing import CliRunner

    from whosbehind.cli import app as cli_app

    captured: dict[str, Any] = {}
    monkeypatch.setenv("WHOSBEHIND_DB", str(db))  # serve sets it; restored after the test
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: captured.update(kw, target=target))
    db.write_bytes(b"")  # serve refuses a missing database; uvicorn.run is replaced, nothing opens it
    result = CliRunner().invoke(cli_app, ["serve", "--db", str(db)])
    assert result.exit_code == 0, result.output
    captured.pop("target")
    for k in ("host", "port", "workers"):
        captured.pop(k, None)
    return captured


def moderated_store(folder: Path) -> Moderated:
    from whosbehind.tips import crypto

    store = TipStore(folder)
    private, public = crypto.new_key_pair()
    secret = store.add_moderator("desk1", public, PASSWORD)
    return Moderated(store, "desk1", private, pyotp.TOTP(secret))
