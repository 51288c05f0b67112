"""Commands and options about corporate families: dates for `--as-of`, and `refresh-families`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from whosbehind.errors import WhosbehindError
from whosbehind.settings import GLEIF_API_V1, USASPENDING_API_V2


def register(app: Any, user_errors: Callable[..., Any], db_path: Callable[[Path | None], Path]) -> None:
    """Add the family commands to the CLI (kept here so cli.py only calls this)."""

    @app.command("refresh-families")
    @user_errors
    def refresh_families_command(
        uei: Annotated[list[str] | None, typer.Option("--uei", help="Ask USAspending about this UEI (repeat).")]
        = None,
        lei: Annotated[list[str] | None, typer.Option("--lei", help="Ask GLEIF about this LEI (repeat).")] = None,
        limit: Annotated[int, typer.Option("--limit", help="Without --uei: the N best-paid organizations.")] = 50,
        gleif_url: Annotated[str, typer.Option("--gleif-url", help="GLEIF API v1 base URL.")] = GLEIF_API_V1,
        usaspending_url: Annotated[str, typer.Option("--usaspending-url", help="USAspending API v2 base URL.")]
        = USASPENDING_API_V2,
        only: Annotated[str | None, typer.Option("--only", help="Ask one registry: gleif or usaspending.")] = None,
        cache: Annotated[Path | None, typer.Option("--cache", help="Folder of cached answers.")] = None,
        db_option: Annotated[Path | None, typer.Option("--db", help="Database file.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Update corporate families from GLEIF level 2 and USAspending recipient profiles (needs the internet)."""
        from platformdirs import user_cache_dir

        from whosbehind.resolve.refresh import refresh
        from whosbehind.sources.registries import GleifClient, UsaspendingRecipientClient

        if only not in (None, "gleif", "usaspending"):
            raise WhosbehindError("--only must be gleif or usaspending")
        if limit < 1:
            raise WhosbehindError("--limit must be a positive number")
        folder = cache or Path(user_cache_dir("whosbehind", appauthor=False)) / "registries"
        gleif = GleifClient(gleif_url, folder / "gleif") if only in (None, "gleif") else None
        usa = UsaspendingRecipientClient(usaspending_url, folder / "usaspending") if only in (None, "usaspending") \
            else None
        try:
            report = refresh(db_path(db_option), gleif=gleif, usaspending=usa, ueis=uei, leis=lei, limit=limit)
        finally:
            for client in (gleif, usa):
                if client is not None:
                    client.close()
        summary = {"asked_ueis": len(report.asked_ueis), "asked_leis": len(report.asked_leis),
                   "links": report.by_registry}
        if as_json:
            typer.echo(json.dumps({**summary, "stored": [vars(x) for x in report.links]}, indent=2))
            return
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(report.by_registry.items())) or "none"
        typer.echo(f"asked USAspending about {summary['asked_ueis']} UEIs and GLEIF about {summary['asked_leis']} "
                   f"LEIs; stored {len(report.links)} parent links ({counts}); families derived again")
