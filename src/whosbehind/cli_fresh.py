"""Commands for fresh data: `changes` (what appeared, disappeared or changed between builds and snapshots),
`refresh` (bring the database up to date from USAspending and the FedRAMP Marketplace) and `watch` (named
lists of organizations and what changed for their families)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from whosbehind.cli import DbOption, JsonOption, _money, _print_json, _reading, err, out, user_errors
from whosbehind.errors import WhosbehindError

SinceOption = Annotated[str | None, typer.Option("--since", help="Changes seen on or after this date (YYYY-MM-DD).")]


def parse_day(value: str | None, option: str = "--since") -> date | None:
    """A date a person typed for ``option`` (YYYY-MM-DD), or None; a bad one is one readable line."""
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


def refresh_command(
    agency: Annotated[list[str] | None, typer.Option("--agency", help="ICE, CBP, DHS or a code; repeat for more "
                                                     "(default: ICE and CBP).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Action dates from this day (default: the day after "
                                              "the last refresh, else the start of the fiscal year).")] = None,
    source: Annotated[str, typer.Option("--source", help="usaspending, fedramp or all.")] = "all",
    via: Annotated[str, typer.Option("--via", help="USAspending: the bulk award download, or the transaction "
                                     "search (paged with its cursor).")] = "download",
    db_option: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Bring the database up to date from USAspending and the FedRAMP Marketplace; stores nothing on any failure."""
    from whosbehind.cli import _db_path
    from whosbehind.refresh.run import refresh

    def stage(text: str) -> None:
        if not as_json:
            err.print(text, highlight=False)

    report = refresh(_db_path(db_option), agency_terms=agency or ["ICE", "CBP"], since=parse_day(since),
                     source=source, via=via, on_stage=stage)
    if as_json:
        _print_json(report.as_dict())
        return
    for s in report.slices:
        count = f"; the API reports {s.api_count:,}" if s.api_count is not None else ""
        err.print(f"{s.source} {s.agency} {s.start}..{s.end}: {s.rows:,} rows{count}"
                  f"{'; ' + s.note if s.note else ''}", highlight=False)
        for f in s.files:
            err.print(f"  {f.path.name} sha256 {f.sha256} ({f.bytes:,} bytes)", highlight=False)
    err.print(f"{report.rows_added:,} rows added (run {report.run_id}); {report.changes:,} changes recorded "
              "(`whosbehind changes`)", highlight=False)


watch_app = typer.Typer(no_args_is_help=True, help="Named lists of organizations, and what changed for their families.")


@watch_app.command("add")
@user_errors
def watch_add_command(
    name: Annotated[str, typer.Argument(help="The list's name (letters, digits, - _ .).")],
    file: Annotated[Path, typer.Option("--file", help="A CSV of names (column 'name', else the first).")],
    db_option: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Keep a named list (replacing one of the same name) and say what each entry matches."""
    from whosbehind import watch
    from whosbehind.cli import _db_path

    found = watch.add(_db_path(db_option), name, file)
    if as_json:
        _print_json(found)
        return
    matched = sum(1 for e in found["entries"] if e["organization"])
    err.print(f"watchlist {name}: {len(found['entries'])} entries, {matched} matched to an organization",
              highlight=False)
    if found["withheld"]:
        err.print(f"  {found['withheld']} more left out: they read as private persons' names (not kept)",
                  highlight=False)
    for e in found["entries"]:
        org = e["organization"]
        err.print(f"  {e['entry']}: {org['name'] + ' (' + org['id'] + ')' if org else 'no match'}", highlight=False)


@watch_app.command("report")
@user_errors
def watch_report_command(
    name: Annotated[str, typer.Argument(help="The list's name.")],
    since: SinceOption = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV, one row per change.")] = False,
    webhook: Annotated[str | None, typer.Option("--webhook", help="Also POST the report (JSON) to this URL.")] = None,
    db_option: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """What changed for the families of the list's organizations (awards, claims, links, FedRAMP)."""
    from whosbehind import watch
    from whosbehind.cli import _to_json

    if as_csv and as_json:
        raise WhosbehindError("give --json or --csv, not both")
    day = parse_day(since)
    with _reading(db_option) as con:
        found = watch.report(con, name, since=day)
    # printed first: a webhook that fails (one line, exit 1) does not lose the report a cron job keeps
    if as_json:
        _print_json(found)
    elif as_csv:
        typer.echo(watch.as_csv(found), nl=False)
    else:
        unmatched = [e["entry"] for e in found["entries"] if not e["organization"]]
        out.print(changes_table(found["changes"], f"Watchlist {name}: {len(found['changes'])} changes"
                                f"{f' since {day}' if day else ''}"))
        if unmatched:
            err.print("no organization matches: " + "; ".join(unmatched), highlight=False)
    if webhook:
        watch.post(webhook, _to_json(found).encode("utf-8"))
        err.print(f"report posted to {webhook}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("changes")(user_errors(changes_command))
    app.command("refresh")(user_errors(refresh_command))
    app.add_typer(watch_app, name="watch")
