"""Commands for fresh data: `changes` (what appeared, disappeared or changed between builds and snapshots),
`refresh` (bring the database up to date from USAspending and the FedRAMP Marketplace) and `watch` (named
lists of organizations and what changed for their families)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table

from whosbehind.cli import DbOption, JsonOption, _money, _print_json, _reading, err, out, user_errors
from whosbehind.errors import WhosbehindError

SinceOption = Annotated[str | None, typer.Option("--since", help="Changes seen on or after this date (YYYY-MM-DD).")]


def parse_day(value: str | None, option: str = "--since") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise WhosbehindError(f"{option} {value!r}: not a date; write it as YYYY-MM-DD") from None


def changes_table(rows: list[dict[str, Any]], title: str) -> Table:
    table = Table(title=title)
    for c in ("between", "change", "kind", "organization", "agency", "source", "amount"):
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(" – ".join(r["detected_between"]), r["change"], r["kind"], r["organization"]["name"] or "",
                      (r["agency"] or {}).get("name") or "", r["source_id"], _money(r["amount"]))
    return table


def changes_command(
    since: SinceOption = None,
    org: Annotated[str | None, typer.Option("--org", help="Only this organization's family (a name).")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="Only this agency: ICE, CBP, DHS or a code.")] = None,
    db_option: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """What appeared, disappeared or changed between builds (awards, claims, family links) and FedRAMP snapshots."""
    from whosbehind.analysis import changes

    day = parse_day(since)
    with _reading(db_option) as con:
        rows = changes.changes_for(con, since=day, agency=agency, org=org)
    if as_json:
        _print_json(rows)
        return
    out.print(changes_table(rows, f"What changed{f' since {day}' if day else ''}: {len(rows)} changes"))
    if not rows:
        err.print("no changes recorded for this selection (the first build is the baseline)", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("changes")(user_errors(changes_command))
