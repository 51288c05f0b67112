"""Loading one CSV into its raw table, checking it, and recording where it came from.

The raw tables keep every published column as text, verbatim (so nothing is lost to a wrong type), except
the columns that name individuals, which are never stored. The typed view of the data (amounts as exact
decimals, dates as dates) is built by the derive steps, using the date order detected here for each file.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime

import duckdb

from whosbehind.errors import InputError
from whosbehind.sources import SourceFormat, all_formats
from whosbehind.sources.files import CsvInput, duckdb_literal_path
from whosbehind.store.db import quote

EXPORT_STAMP = re.compile(r"_(\d{4}-\d{2}-\d{2})_H(\d{2})M(\d{2})S(\d{2})")


@dataclass(frozen=True)
class Detected:
    fmt: SourceFormat
    has_header: bool
    file_columns: tuple[str, ...]  # the names as the file spells them (for read_csv)
    header_variant: str


def detect_format(item: CsvInput) -> Detected:
    """Recognise the format from the first line; a file we do not know is refused, never guessed."""
    fields = tuple(next(csv.reader(io.StringIO(item.first_line)), []))
    formats = all_formats()
    for fmt in formats:
        if fields == fmt.columns:
            return Detected(fmt, True, fields, "published")
        renamed = tuple(fmt.aliases.get(f, f) for f in fields)
        if fmt.aliases and renamed == fmt.columns:
            return Detected(fmt, True, fields, "older column names")
    for fmt in formats:
        if fmt.headerless_continuations and len(fields) == len(fmt.columns) and fields[0] != fmt.columns[0]:
            return Detected(fmt, False, fmt.columns, "no header (series continuation)")
    raise InputError(item.display_name, _unknown_header_message(fields, formats), line=1)


def _unknown_header_message(fields: tuple[str, ...], formats: list[SourceFormat]) -> str:
    same_width = [f for f in formats if len(f.columns) == len(fields)]
    if same_width:
        fmt = same_width[0]
        expected = {fmt.aliases.get(c, c) for c in fmt.columns} | set(fmt.columns)
        unexpected = [f for f in fields if f not in expected][:3]
        missing = [c for c in fmt.columns if c not in fields][:3]
        return (
            f"header has {len(fields)} columns like {fmt.title}, but differs: "
            f"unexpected {unexpected}, missing {missing}"
        )
    known = "; ".join(f"{f.title}" for f in formats)
    shown = ", ".join(fields[:4]) + (", …" if len(fields) > 4 else "")
    return f"unknown header ({len(fields)} columns: {shown}); known formats: {known}"


def load(
    con: duckdb.DuckDBPyConnection, item: CsvInput, detected: Detected, run_id: str, ingested_at: datetime
) -> int:
    """Append the file's rows to its raw table, then check them. Raises InputError on bad content."""
    fmt = detected.fmt
    _append_rows(con, item, detected, run_id)
    rows = con.execute(f"SELECT count(*) FROM {fmt.raw_table} WHERE _sha256 = ?", [item.sha256]).fetchone()[0]
    _check_amounts(con, item, fmt)
    date_order = detect_date_order(con, item, fmt)
    _check_dates(con, item, fmt, date_order)
    export_ts, basis = _export_timestamp(con, item, fmt, date_order, ingested_at)
    individuals = con.execute(
        f"SELECT count(*) FROM {fmt.raw_table} WHERE _sha256 = ? AND _individual", [item.sha256]
    ).fetchone()[0]
    con.execute(
        "INSERT INTO source_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            item.sha256, item.file_name, item.display_name, fmt.key, detected.header_variant, date_order,
            rows, individuals, export_ts, basis, run_id, ingested_at,
        ],
    )
    return rows


def _append_rows(con: duckdb.DuckDBPyConnection, item: CsvInput, detected: Detected, run_id: str) -> None:
    fmt = detected.fmt
    canonical = dict(zip(detected.file_columns, fmt.columns, strict=True))
    columns_spec = "{" + ", ".join(f"'{c.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for c in
                                  detected.file_columns) + "}"
    personal = set(fmt.personal_columns)
    stored = set(fmt.stored_columns)
    # Each other name that reads as a person's (a parent, a trade name) blanks its own columns.
    blanked_by: dict[str, list[str]] = {}
    for index, (_predicate, columns) in enumerate(fmt.person_checks):
        for column in columns:
            blanked_by.setdefault(column, []).append(f"_person_{index}")
    select_list = []
    for file_col, canon in canonical.items():
        if canon not in stored:
            continue  # names and pay of individual officers: dropped before anything is stored
        value = quote(file_col)
        flags = (["_individual"] if canon in personal else []) + blanked_by.get(canon, [])
        if flags:
            value = f"CASE WHEN {' OR '.join(flags)} THEN NULL ELSE {value} END"
        select_list.append(f"{value} AS {quote(canon)}")
    checks = "".join(
        f", coalesce({predicate}, false) AS _person_{index}"
        for index, (predicate, _columns) in enumerate(fmt.person_checks)
    )
    # One reader thread: under the memory limit, DuckDB's parallel reader has to hold batches back to keep
    # them in file order, and ran about 20% slower than a single reader (benchmarks/RESULTS.md); one reader
    # also keeps the row order, which the row numbers below rely on, without any buffering.
    source = (
        f"read_csv('{_sql_string(duckdb_literal_path(item.local_path))}', header = {str(detected.has_header).lower()}, "
        "auto_detect = false, delim = ',', quote = '\"', escape = '\"', strict_mode = true, parallel = false, "
        f"encoding = 'utf-8', columns = {columns_spec})"
    )
    try:
        con.execute(
            f"INSERT INTO {fmt.raw_table} (_sha256, _row, _run_id, _individual, "
            + ", ".join(quote(c) for c in fmt.stored_columns)
            + ") SELECT ?, NULL, ?, _individual, "
            + ", ".join(select_list)
            + f" FROM (SELECT *, coalesce({fmt.individual_predicate}, false) AS _individual{checks} "
            + f"FROM {source})",
            [item.sha256, run_id],
        )
    except duckdb.OutOfMemoryException:
        raise  # the memory cap, not the file: the CLI says so
    except duckdb.Error as exc:
        raise _csv_error(item, exc) from exc
    # Rows were appended in file order, so their row ids are consecutive in that order.
    con.execute(
        f"UPDATE {fmt.raw_table} SET _row = rowid - (SELECT min(rowid) FROM {fmt.raw_table} "
        "WHERE _sha256 = $1) + 1 WHERE _sha256 = $1",
        [item.sha256],
    )


def reclassify(con: duckdb.DuckDBPyConnection) -> bool:
    """Apply the current person rules to rows stored under older ones; True when any row changed.

    Rows can only become private persons here, never the reverse (their names are gone), and the current
    predicates include the older ones, so a database ingested by an earlier version ends up as a fresh
    ingest would. ``person_rules`` records the rules version the raw rows were classified under.
    """
    from whosbehind.sources.persons import RULES_VERSION

    con.execute("CREATE TABLE IF NOT EXISTS person_rules (version VARCHAR NOT NULL)")
    stored = con.execute("SELECT max(version) FROM person_rules").fetchone()[0]
    if stored == RULES_VERSION:
        return False
    changed = 0
    if stored is not None or con.execute("SELECT count(*) FROM source_files").fetchone()[0]:
        for fmt in all_formats():
            changed += con.execute(
                f"UPDATE {fmt.raw_table} SET _individual = true "
                f"WHERE NOT _individual AND coalesce({fmt.individual_predicate}, false)"
            ).fetchone()[0]
            if fmt.personal_columns:  # also the columns a newer version blanks on persons' rows
                changed += con.execute(
                    f"UPDATE {fmt.raw_table} SET " + ", ".join(f"{quote(c)} = NULL" for c in fmt.personal_columns)
                    + " WHERE _individual AND ("
                    + " OR ".join(f"{quote(c)} IS NOT NULL" for c in fmt.personal_columns) + ")"
                ).fetchone()[0]
            for predicate, columns in fmt.person_checks:
                blank = ", ".join(f"{quote(c)} = NULL" for c in columns)
                changed += con.execute(
                    f"UPDATE {fmt.raw_table} SET {blank} WHERE coalesce({predicate}, false)"
                ).fetchone()[0]
            con.execute(
                "UPDATE source_files SET individual_rows = n FROM (SELECT _sha256, count(*) FILTER "
                f"(WHERE _individual) AS n FROM {fmt.raw_table} GROUP BY _sha256) r WHERE sha256 = r._sha256"
            )
    con.execute("DELETE FROM person_rules")
    con.execute("INSERT INTO person_rules VALUES (?)", [RULES_VERSION])
    return changed > 0


def _sql_string(text: str) -> str:
    return text.replace("'", "''")


def _csv_error(item: CsvInput, exc: duckdb.Error) -> InputError:
    """DuckDB says a lot; the user needs the line and the reason."""
    message = str(exc)
    line_match = re.search(r"CSV Error on Line: (\d+)", message)
    reason = "cannot read this CSV"
    for text in message.splitlines():
        text = text.strip()
        if not text or text.startswith(("CSV Error on Line", "Original Line", "Possible Solution", "file =")):
            continue
        if "Error" in text and ":" in text and not line_match:
            reason = text.split(":", 1)[1].strip()
            break
        if line_match:
            reason = text
            break
    if "unterminated quote" in message.lower():
        reason = "a quoted field is never closed (the file may be cut short)"
    elif "Expected Number of Columns" in message:
        found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
        if found:
            expected, seen = int(found.group(1)), int(found.group(2))
            hint = " (the file may be cut short)" if seen < expected else " (an unquoted comma in a value?)"
            reason = f"expected {expected} fields, found {seen}{hint}"
    line = int(line_match.group(1)) if line_match else None
    return InputError(item.display_name, reason, line=line)


def _check_amounts(con: duckdb.DuckDBPyConnection, item: CsvInput, fmt: SourceFormat) -> None:
    for column in fmt.amount_columns:
        bad = con.execute(
            f"SELECT min(_row), count(*), arg_min({quote(column)}, _row) FROM {fmt.raw_table} "
            f"WHERE _sha256 = ? AND nullif(trim({quote(column)}), '') IS NOT NULL "
            f"AND parse_amount({quote(column)}) IS NULL",
            [item.sha256],
        ).fetchone()
        if bad[1]:
            more = f" ({bad[1]} rows like it)" if bad[1] > 1 else ""
            raise InputError(
                item.display_name,
                f"{column} is {bad[2]!r}, which is not an amount as USAspending writes them (digits, an optional "
                f"minus sign, at most two decimals){more}; the file was not stored",
                row=bad[0],
            )


def detect_date_order(con: duckdb.DuckDBPyConnection, item: CsvInput, fmt: SourceFormat) -> str:
    """How this file writes slashed dates: month first (M/D/YY), day first (DD/MM/YYYY), or none (ISO).

    Decided from values that can only be read one way (a first part above 12 is a day); when every value
    reads both ways, from the fiscal-year columns; otherwise the file is refused rather than guessed.
    """
    parts = " UNION ALL ".join(
        f"SELECT split_part(trim({quote(c)}), ' ', 1) AS v FROM {fmt.raw_table} WHERE _sha256 = $1"
        for c in fmt.date_columns
    )
    slashed, day_first, month_first = con.execute(
        "SELECT count(*), "
        "count(*) FILTER (WHERE TRY_CAST(split_part(v, '/', 1) AS INT) > 12), "
        "count(*) FILTER (WHERE TRY_CAST(split_part(v, '/', 2) AS INT) > 12) "
        f"FROM ({parts}) WHERE v LIKE '%/%'",
        [item.sha256],
    ).fetchone()
    if slashed == 0:
        return "ISO"
    if day_first and month_first:
        raise InputError(item.display_name, "dates are written both day-first and month-first in one file")
    if day_first:
        return "DMY"
    if month_first:
        return "MDY"
    fitting = [order for order in ("MDY", "DMY") if _fits_fiscal_years(con, item, fmt, order)]
    if len(fitting) == 1:
        return fitting[0]
    raise InputError(
        item.display_name,
        "ambiguous dates: every date reads both as month/day and day/month, and no fiscal-year column "
        "settles it; re-export the file with ISO dates (YYYY-MM-DD)",
    )


def _fits_fiscal_years(con: duckdb.DuckDBPyConnection, item: CsvInput, fmt: SourceFormat, order: str) -> bool:
    if not fmt.fiscal_year_checks:
        return False
    for date_col, fy_col in fmt.fiscal_year_checks:
        mismatched, compared = con.execute(
            f"SELECT count(*) FILTER (WHERE federal_fiscal_year(parse_date({quote(date_col)}, $2)) "
            f"IS DISTINCT FROM TRY_CAST({quote(fy_col)} AS INT)), count(*) FROM {fmt.raw_table} "
            f"WHERE _sha256 = $1 AND nullif({quote(date_col)}, '') IS NOT NULL "
            f"AND nullif({quote(fy_col)}, '') IS NOT NULL",
            [item.sha256, order],
        ).fetchone()
        if mismatched or not compared:
            return False
    return True


def _check_dates(con: duckdb.DuckDBPyConnection, item: CsvInput, fmt: SourceFormat, order: str) -> None:
    for column in fmt.date_columns:
        bad = con.execute(
            f"SELECT min(_row), count(*), arg_min({quote(column)}, _row) FROM {fmt.raw_table} "
            f"WHERE _sha256 = $1 AND nullif(trim({quote(column)}), '') IS NOT NULL "
            f"AND parse_date({quote(column)}, $2) IS NULL",
            [item.sha256, order],
        ).fetchone()
        if bad[1]:
            more = f" ({bad[1]} rows like it)" if bad[1] > 1 else ""
            raise InputError(
                item.display_name, f"{column} is {bad[2]!r}, which is not a date as USAspending writes them "
                f"(YYYY-MM-DD or M/D/YY, a time of day at most after it){more}", row=bad[0]
            )


def _export_timestamp(
    con: duckdb.DuckDBPyConnection, item: CsvInput, fmt: SourceFormat, order: str, ingested_at: datetime
) -> tuple[datetime, str]:
    """When the export was made: its file-name stamp, else the newest date inside it."""
    stamp = EXPORT_STAMP.search(item.file_name)
    if stamp:
        day, hours, minutes, seconds = stamp.groups()
        return datetime.fromisoformat(f"{day}T{hours}:{minutes}:{seconds}"), "file name stamp"
    newest = con.execute(
        "SELECT max(d) FROM (" + " UNION ALL ".join(
            f"SELECT parse_date({quote(c)}, $2) AS d FROM {fmt.raw_table} WHERE _sha256 = $1"
            for c in fmt.date_columns
        ) + ")",
        [item.sha256, order],
    ).fetchone()[0]
    if newest is not None:
        return datetime(newest.year, newest.month, newest.day), "newest date in the file"
    return ingested_at, "ingest time"
