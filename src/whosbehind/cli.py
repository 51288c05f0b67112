"""whosbehind: who builds, hosts, supplies and finances US immigration enforcement, from public records."""

from __future__ import annotations

import errno
import gc
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import duckdb
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from whosbehind import bundled, settings
from whosbehind.analysis import ranking, reconcile
from whosbehind.errors import WhosbehindError, first_line, os_error_text
from whosbehind.jsontext import jsonable
from whosbehind.model import NOT_OFFICIAL, SAID_AS_REPORTED
from whosbehind.store import db

if TYPE_CHECKING:
    from whosbehind.store.ingest import FileOutcome

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
# Markup is off: names, paths and cells come from users and data, and "[/]" in one must print as text.
out = Console(markup=False)
err = Console(stderr=True, markup=False)

from whosbehind.tips.cli import app as tips_app  # noqa: E402  the tip line's moderator commands

app.add_typer(tips_app, name="tips")

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Database file (default: $WHOSBEHIND_DB, else a file in your data folder)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def _db_path(db_option: Path | None) -> Path:
    return db_option or db.default_db_path()


@contextmanager
def _reading(db_option: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The database, read-only, closed again however the command ends."""
    con = db.connect(_db_path(db_option), read_only=True)
    try:
        yield con
    finally:
        con.close()


def user_errors(command: Callable[..., None]) -> Callable[..., None]:
    """One readable line on stderr and a non-zero exit, never a traceback, for problems the user can fix."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except WhosbehindError as exc:
            _error_line(str(exc))
            raise typer.Exit(1) from None
        except OSError as exc:  # a full disk, a file that cannot be read or written
            full = " (the disk is full); nothing from this run was stored" if exc.errno == errno.ENOSPC else ""
            _error_line(os_error_text(exc) + full)
            raise typer.Exit(1) from None
        except duckdb.OutOfMemoryException:  # a query needed more than the cap, even spilling to disk
            _error_line(f"DuckDB ran out of memory within its cap of {settings.memory_limit()} "
                        "(WHOSBEHIND_MEMORY_LIMIT): give it more; the database is as it was")
            raise typer.Exit(1) from None
        except duckdb.IOException as exc:  # DuckDB could not read or write its file (full disk, damaged file)
            _error_line(first_line(exc) + "; nothing from this run was stored")
            raise typer.Exit(1) from None
        except duckdb.Error as exc:
            first = first_line(exc)
            if not first.startswith("Corrupt database file"):
                raise
            # blocks of the file no longer match their checksums: nothing can be read from it with confidence
            _error_line(f"the database file is damaged ({first}); build it again (`whosbehind build`, `whosbehind "
                        "ingest`) or restore a copy; the database is as it was")
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("interrupted: nothing from this run was stored; the database is as it was")
            raise typer.Exit(130) from None

    return run


def _error_line(message: str) -> None:
    err.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False, soft_wrap=True)


def _to_json(value: Any) -> str:
    return json.dumps(jsonable(value), indent=2, ensure_ascii=False)


def _print_json(value: Any) -> None:
    """Plain JSON on stdout: no colours, no re-parsing, fast for long lists."""
    typer.echo(_to_json(value))


def _money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def _run_ingest(
    paths: list[Path],
    db_path: Path,
    command: str,
    as_json: bool,
    then: Callable[[duckdb.DuckDBPyConnection], bool] | None = None,
    derive_all: bool = False,
) -> list[FileOutcome]:
    # The build (resolution, the evidence loaders, the lookup index) is imported only by the commands that write:
    # every other command starts in about half the time.
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from whosbehind.build import ingest_into
    from whosbehind.store.ingest import total_input_bytes

    def on_file(outcome: FileOutcome) -> None:
        if not as_json:
            variant = f", {outcome.header_variant}" if outcome.header_variant not in ("", "published") else ""
            short = outcome.name.rsplit("/", 1)[-1]
            err.print(f"{outcome.status}: {short}: {outcome.format_title}{variant}; {outcome.rows:,} rows",
                      highlight=False, soft_wrap=True)

    with Progress(
        TextColumn("{task.description}", markup=False), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
        console=err, disable=as_json or not err.is_terminal, transient=True,
    ) as progress:
        task = progress.add_task("reading", total=total_input_bytes(paths))
        report = ingest_into(
            db_path, paths, then=then, command=command, derive_all=derive_all,
            processes=os.cpu_count() or 1,  # this command's entry point guards its work: pages rendered per core
            on_bytes=lambda n: progress.advance(task, n),
            on_file=on_file,
            on_stage=lambda s: progress.update(task, description=s),
            on_wait=lambda s: err.print(s, highlight=False, markup=False, soft_wrap=True),
        )
    if as_json:
        _print_json({"run_id": report.run_id, "rows_added": report.rows_added, "derived": report.derived,
                     "scoped": report.scoped, "files": [vars(f) for f in report.files]})
    else:
        err.print(f"{report.rows_added:,} rows added to {db_path} (run {report.run_id})", highlight=False)
        if report.derived and not report.rows_added:
            err.print("organizations, ties and totals derived again from the stored rows", highlight=False)
        elif report.scoped:
            err.print("money derived again for the awards the new files hold; the other awards' rows were kept",
                      highlight=False)
    return report.files


@app.command("ingest")
@user_errors
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="CSV files, zip archives or folders.")],
    db_option: DbOption = None,
    as_json: JsonOption = False,
    derive_all: Annotated[bool, typer.Option(
        "--derive-all", help="Derive every table again from the stored rows, even when the files add nothing or "
        "only awards (after a table was changed by hand, so that `check` passes again once it is put right)."
    )] = False,
) -> None:
    """Store USAspending files (all or nothing) and rebuild organizations, ties and totals."""
    _run_ingest(paths, _db_path(db_option), "ingest", as_json, derive_all=derive_all)


@app.command("build")
@user_errors
def build_command(db_option: DbOption = None, as_json: JsonOption = False) -> None:
    """Ingest the bundled sample of real public records into the database."""
    db_path = _db_path(db_option)

    def check_sample_and_load_evidence(con: duckdb.DuckDBPyConnection) -> bool:
        from whosbehind import build

        bundled.assert_expected_rows(con)
        loaded = build.load_evidence(con)  # FedRAMP snapshots, the ICE facility list and the curated claims
        if not as_json:
            err.print(f"evidence: {len(loaded.snapshots)} FedRAMP snapshots, {loaded.facilities:,} ICE facilities, "
                      f"{loaded.claims} curated claims on {loaded.entities} entities", highlight=False)
        return True  # the evidence steps were derived again

    with resources.as_file(resources.files("whosbehind").joinpath("sample")) as sample:
        _run_ingest([sample], db_path, "build", as_json, then=check_sample_and_load_evidence)


@app.command("top")
@user_errors
def top_command(
    agency: Annotated[str, typer.Option("--agency", help="ICE, CBP, DHS, a code (7012) or a name.")] = "ICE",
    fy: Annotated[int | None, typer.Option("--fy", help="Only this federal fiscal year.")] = None,
    since: Annotated[int | None, typer.Option("--since", help="Only fiscal years from this one on.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="How many families; 0 lists all.")] = 20,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Families as they were on this date (YYYY-MM-DD).")]
    = None,
    at_obligation: Annotated[bool, typer.Option(
        "--owner-at-obligation", help="Each obligation to the family that owned the company on its date.")] = False,
    db_option: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Families ranked by what the agency obligated to them (families as of today unless --as-of)."""
    if limit < 0:
        raise WhosbehindError("--limit must be 0 (all) or a positive number")
    from whosbehind.cli_fresh import parse_day

    day = parse_day(as_of, "--as-of")
    with _reading(db_option) as con:
        chosen = ranking.find_agency(con, agency)
        if day or at_obligation:
            rows = ranking.top_families_as_of(con, chosen, day, at_obligation=at_obligation, fiscal_year=fy,
                                              since=since, limit=limit)
        else:
            rows = ranking.top_families(con, chosen, fiscal_year=fy, since=since, limit=limit)
    if as_json:
        _print_json([{"rank": i, **r} for i, r in enumerate(rows, 1)])
        return
    when = f"FY{fy}" if fy else (f"FY{since} onwards" if since else "all fiscal years in the database")
    when += (", families as owners were at each obligation" if at_obligation
             else f", families as of {day}" if day else "")
    table = Table(title=f"Obligations by {chosen.name} ({chosen.abbreviation or chosen.code}), {when}")
    for column, justify in (("#", "right"), ("family", "left"), ("obligated", "right"), ("awards", "right"),
                            ("fiscal years", "left"), ("id", "left")):
        # Figures are never cut short: the long id column wraps instead.
        table.add_column(column, justify=justify, no_wrap=column in ("obligated", "#"))  # type: ignore[arg-type]
    for i, r in enumerate(rows, 1):
        # Under the total, in grey: what reaches the family only through reported or inferred links, per grade
        # (`linked`; not computed for families as of a date).
        obligated = Text(_money(r["obligated"]))
        for part in r.get("linked") or []:
            obligated.append(f"\n{_money(part['obligated'])} ({part['grade']})", style="dim")
        table.add_row(str(i), r["name"], obligated, f"{r['awards']:,}", f"{r['first_fy']}-{r['last_fy']}", r["id"])
    out.print(table)
    out.print("Source: USAspending records (grade A). Obligations are sums of federal_action_obligation "
              "(award summaries only where no transaction rows exist); see `whosbehind check`.")
    if any(r.get("linked") for r in rows):
        reported = ", ".join(sorted(SAID_AS_REPORTED))
        inferred = ", ".join(sorted(NOT_OFFICIAL - SAID_AS_REPORTED))
        out.print(f"A family counts its members' money. Under a total, an amount with a grade: what members joined to "
                  f"the family only by an ownership link that is reported (grade {reported}) or inferred by whosbehind "
                  f"({inferred}) were paid, net, by the grade of that link; no official record says they are the "
                  "family's (`whosbehind explain ID`).")


@app.command("lookup")
@user_errors
def lookup_command(
    name: Annotated[str, typer.Argument(help="A name in any spelling, a brand, a system, a UEI, a DUNS or an id.")],
    limit: Annotated[int | None, typer.Option(
        "--limit", min=0, max=10_000,
        help="How many awards and subcontracts to list (default: 10 awards and 20 subcontracts, as the page and the "
             "API list them).")] = None,
    db_option: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """An organization: its family, money at three levels, every tie, largest awards, subcontracts."""
    from whosbehind import terminal
    from whosbehind.analysis import organization

    with _reading(db_option) as con:
        lists = {} if limit is None else {"awards": limit, "subcontracts": limit}
        found = organization.for_query(con, name, **lists)
    if as_json:
        _print_json(found)
    elif found["status"] != "found":
        terminal.candidates(out, found)
    else:
        terminal.organization(out, found)



@app.command("check")
@user_errors
def check_command(db_option: DbOption = None, as_json: JsonOption = False) -> None:
    """Reconcile every stored total with its source rows, to the cent; exit 1 on any mismatch."""
    with _reading(db_option) as con:
        report = reconcile.check(con)
    from whosbehind.analysis.why import claim_problems

    _claim_problems = claim_problems()
    if _claim_problems:
        for problem in _claim_problems:
            err.print(Text.assemble(("claim rejected", "red"), f" {problem}"), highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    if as_json:
        _print_json({"ok": report.ok, "summary": report.summary,
                                 "total_mismatches": report.total_mismatches,
                                 "file_count_mismatches": report.file_count_mismatches,
                                 "set_aside": report.set_aside,
                                 "partial_transaction_awards": report.partial_awards,
                                 "family_issues": report.family_issues,
                                 "vocabulary_problems": report.vocabulary_problems,
                                 "derived_mismatches": report.derived_mismatches,
                                 "value_mismatches": report.value_mismatches})
    else:
        s = report.summary
        out.print(f"money rows: {s['money_rows']:,} = counted {s['counted_rows']:,} + set aside "
                  f"{s['set_aside_rows']:,}")
        out.print(f"counted: {_money(s['counted_amount'])}; stored totals: {_money(s['stored_total'])}")
        for r in report.set_aside:
            out.print(f"set aside: {r['rows']:,} rows ({_money(r['amount'])}) from {r['source_format']}: "
                      f"{r['reason']}", highlight=False)
        partial = report.partial_awards
        if partial.get("awards"):
            out.print(f"note: {partial['awards']:,} awards are counted from transaction rows that do not add up to "
                      f"their award summary (summaries minus transactions: {_money(partial['summary_minus_counted'])});"
                      " their transaction files cover only part of the award's life", highlight=False)
        for m in report.total_mismatches[:20]:
            out.print(Text.assemble(("mismatch", "red"), f" {m}"), highlight=False)
        for m in report.file_count_mismatches[:20]:
            out.print(Text.assemble(("row count mismatch", "red"), f" {m}"), highlight=False)
        for v in report.vocabulary_problems:
            out.print(Text(f"{v['what']} not in the vocabulary: {v['value']} ({v['ties']})", style="red"))
        for v in report.value_mismatches[:20]:
            out.print(f"value mismatch {v['file_name']} row {v['row']}: amount {v['amount_text']!r} stored as "
                      f"{v['stored_amount']}, read by check as {v['read_amount']}; date {v['date_text']!r} stored as "
                      f"{v['stored_date']} (FY{v['stored_fiscal_year']}), read by check as {v['read_date']}",
                      highlight=False, markup=False, soft_wrap=True)
        for d in report.derived_mismatches:
            out.print(f"changed: {d['table'] + ': ' if d['table'] else ''}{d['problem']}", highlight=False,
                      markup=False, soft_wrap=True)
        for f in report.family_issues[:20]:
            out.print(Text.assemble((f"family {f['kind']}", "yellow"), f" {f['org_id']}: {f['detail']}"),
                      highlight=False)
        if not report.derived_mismatches:
            out.print("every derived table is as its build recorded it")
        if report.ok:
            out.print("all totals reconcile to the cent", style="green")
        elif (report.accounted and not report.total_mismatches and not report.file_count_mismatches
              and not report.value_mismatches and not report.vocabulary_problems):
            out.print("check FAILED: derived tables differ from what their build recorded (`whosbehind ingest "
                      "--derive-all FILE` with a file it holds derives every table again)", style="red")
        else:
            out.print("totals do NOT reconcile", style="red")
    if not report.ok:
        raise typer.Exit(1)


# The error of the click Typer runs on (its own copy since Typer 0.2x, click itself before) that every mistake in a
# command line derives from: Typer exports BadParameter alone of them. None if a later Typer has no such class.
_CommandLineError: type[Exception] | None = next(
    (c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"), None)


def main() -> None:
    """The `whosbehind` command. A mistake in the command line itself (a missing argument, a value that is not a
    number, an option or a command that does not exist) is one line naming the command and where its help is, as
    every other error is (``user_errors``), rather than Typer's usage text in a frame."""
    if _CommandLineError is None:  # a Typer whose errors are not click's: as Typer shows them
        app()
        return
    try:
        code = app(standalone_mode=False)
    except _CommandLineError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # no arguments at all: the help, as Typer shows it
            exc.show()  # type: ignore[attr-defined]
        else:
            command = _command_path(getattr(exc, "ctx", None))
            message = exc.format_message().rstrip(".")  # type: ignore[attr-defined]
            _error_line(f"{command}: {message} (see `{command} --help`)")
        sys.exit(exc.exit_code)  # type: ignore[attr-defined]
    except typer.Abort:
        _error_line("aborted")
        sys.exit(1)
    # The command has done its work. On its way out Python would look through every object still alive for garbage
    # (0.1 s after an ingest into a 2M-row database, a third of what the process took besides the run itself); the
    # objects are frozen instead, which leaves them to be freed with the process. The commands close their database
    # connections and files themselves, and exit handlers still run; an object caught in a reference cycle is no
    # longer finalized, which at exit changes nothing.
    gc.freeze()
    sys.exit(code if isinstance(code, int) else 0)


def _command_path(ctx: Any) -> str:
    """The command a mistake was made in ("whosbehind top"). The parser's own errors (an option missing its value)
    carry no context: the command is then read from the words typed."""
    if ctx is not None:
        return str(ctx.command_path)
    group: Any = typer.main.get_command(app)
    path = [Path(sys.argv[0]).name if not sys.argv[0].endswith("__main__.py") else "python -m whosbehind"]
    for word in sys.argv[1:]:
        command = getattr(group, "commands", {}).get(word)
        if word.startswith("-") or command is None:
            break
        path.append(word)
        group = command
    return " ".join(path)


@app.command("serve")
@user_errors
def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    db_option: DbOption = None,
    public_url: Annotated[str | None, typer.Option("--public-url", help="Base URL printed on pages and PDFs.")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Server processes.")] = 1,
) -> None:
    """Web pages, JSON API and downloads over the database, read-only (a rebuild swapped in is picked up)."""
    import os

    import uvicorn

    if not host.strip():  # the server would listen on every interface: that is asked for by name, not by omission
        raise WhosbehindError(f"--host {host!r}: give an address to listen on, such as 127.0.0.1 (this machine "
                              "only) or 0.0.0.0 (every interface)")

    db_path = _db_path(db_option).resolve()
    if not db_path.exists():
        raise WhosbehindError(f"{db_path}: no database yet; run `whosbehind build` or `whosbehind ingest` first")
    with duckdb.connect(":memory:") as probe:
        db.set_memory_limit(probe)  # a cap DuckDB cannot read is refused here, in one line, not at each request
    settings.check_web()  # likewise the web's own settings, read when the app starts or web/limits.py is imported
    os.environ["WHOSBEHIND_DB"] = str(db_path)
    if public_url:
        os.environ["WHOSBEHIND_PUBLIC_URL"] = public_url
    from whosbehind.web import limits

    err.print(f"serving {db_path} on http://{host}:{port}/ (read-only)", highlight=False)
    # Header deadline, connection cap, no server banner: web/limits.py (the README lists the limits).
    uvicorn.run("whosbehind.web.server:app", host=host, port=port, workers=workers, log_level="warning",
                access_log=False, **limits.uvicorn_options())


@app.command("match")
@user_errors
def match_command(
    name: Annotated[str | None, typer.Argument(help="A company or brand name.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="A CSV of names (column 'name', else the first).")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the screened list here (CSV).")] = None,
    agency: Annotated[list[str] | None, typer.Option("--agency", help="Agencies in focus (default ICE, CBP, DHS).")]
    = None,
    db_option: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The organization a name belongs to, its family and how it was found; a list rather than a guess."""
    from whosbehind import terminal
    from whosbehind.analysis import lookup, screening

    if (name is None) == (file is None):
        raise WhosbehindError("give a NAME or --file names.csv (one of the two)")
    with _reading(db_option) as con:
        agencies = screening.focus(con, agency)
        names = screening.read_names(file) if file is not None else [name or ""]
        rows = screening.screen(con, names, agencies=agencies)
        found = lookup.scored(con, lookup.lookup(con, name)) if name is not None else None
    if file is not None:
        if output is not None:
            with output.open("w", encoding="utf-8", newline="") as handle:
                screening.write_csv(rows, handle)
            err.print(f"{len(rows):,} names screened; written to {output}", highlight=False, markup=False)
        elif as_json:
            _print_json(screening.as_json(agencies, rows))
        else:
            screening.write_csv(rows, sys.stdout)
        return
    assert found is not None
    result = found.to_dict()
    row = rows[0]
    result.update(match={"id": found.id, "name": found.name} if found.found else None,
                  focus_ties={k: row[k] for k in ("tied", "strongest_kind", "strongest_grade", "strongest_agency",
                                                  "strongest_relation", "strongest_tie_of", "obligated",
                                                  "family_obligated", "agencies")}
                  if found.found else None,
                  **{k: (found.match or {}).get(k) for k in ("score", "rule", "explanation", "matched_name",
                                                              "brand", "scored")})
    if as_json:
        _print_json(result)
        return
    terminal.match(out, result)


@app.command("explain")
@user_errors
def explain_command(
    org_id: Annotated[str, typer.Argument(help="An organization id (uei:..., duns:..., name:...) or a name.")],
    db_option: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Why these records were merged into this organization, and where its family comes from."""
    from whosbehind.analysis import lookup
    from whosbehind.resolve import match as match_mod
    from whosbehind.resolve import screening

    with _reading(db_option) as con:
        found = match_mod.explain(con, org_id.strip())
        if found is None:
            answer = lookup.lookup(con, org_id)
            if not answer.found or answer.id is None:
                raise WhosbehindError(f"{org_id!r}: {answer.reason}")
            found = match_mod.explain(con, answer.id)
            if found is None:
                raise WhosbehindError(f"{answer.name} ({answer.id}) is not an organization of the records "
                                      "(a brand, system or cloud product: `whosbehind lookup` shows its ties)")
            found["family"] = answer.family
    if as_json:
        _print_json(found)
        return
    out.print(Text(screening.describe_explanation(found)))


@app.command("why")
@user_errors
def why_command(
    name: Annotated[str, typer.Argument(help="An organization, brand or system: exact name, UEI or id.")],
    agency: Annotated[str | None, typer.Option("--agency", help="Focus on this agency (default: ICE, CBP, DHS).")]
    = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="How many paths to print (JSON lists every path "
                                       "kept: the strongest 20 of each kind of chain to each agency).")] = 20,
    db_option: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Why is this organization here: every path to an agency in focus, each step with grade and evidence."""
    from whosbehind.analysis import why as why_mod

    with _reading(db_option) as con:
        focus = (ranking.find_agency(con, agency).id,) if agency else why_mod.DEFAULT_FOCUS
        found = why_mod.why(con, name, focus=focus)
    if as_json:
        _print_json(found)
        return
    out.print(why_mod.render(found, limit=limit), highlight=False, soft_wrap=True)


# Corporate family commands (refresh-families) live in their own module.
from whosbehind.cli_families import register as _register_family_commands  # noqa: E402

_register_family_commands(app, user_errors, _db_path)

# Fresh data: refresh, changes, watchlists (cli_fresh.py).
from whosbehind import cli_fresh  # noqa: E402

cli_fresh.register(app)
