"""The DuckDB store: opening it, creating its tables, and running the numbered SQL steps.

Every SQL statement whosbehind runs lives in ``store/sql``: numbered steps (``000``–``399``) that build the
store, and named queries (``queries/*.sql``) that read it.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import platform
import re
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import duckdb

from whosbehind import settings
from whosbehind.errors import WhosbehindError, first_line
from whosbehind.sources import SourceFormat, all_formats

SQL = resources.files("whosbehind.store").joinpath("sql")
# The build order is the numbered steps in store/sql, in file order: 000-099 define macros and the raw
# schema (run on every connection or at ingest), 100-399 derive the contract graph, 400-599 the evidence
# beyond contracts and the one graph. Name resolution runs between steps (build.py), not from here.
FIRST_DERIVE_STEP = 100
FIRST_EVIDENCE_STEP = 400


def step_names(first: int = FIRST_DERIVE_STEP, last: int = 999) -> list[str]:
    """The numbered steps from ``first`` to ``last``, in the order they run."""
    found = sorted(p.name.removesuffix(".sql") for p in SQL.iterdir() if p.name.endswith(".sql"))
    return [n for n in found if n[:3].isdigit() and first <= int(n[:3]) <= last]


# Memory stays bounded however large the input: DuckDB spills to disk past this limit. Without it, an
# ingest runs about a quarter faster but its peak grows with the file (3.9 GB at 2M rows against 1.3 GB;
# benchmarks/RESULTS.md). WHOSBEHIND_MEMORY_LIMIT sets another cap, read at each connection (set_memory_limit).
# The layout of the derived tables (steps 100-490 and name resolution). Raise it whenever a change to them
# means a database derived before cannot be read as it is: readers then refuse it with one line, and the
# next `whosbehind build` or `ingest` derives it again from the stored raw rows, new files or not.
# 14: the counted money rows are a view (counted_money), no longer a table;
# 13: the strongest evidence of each tie is chosen by the derive (tie_evidence_shown); 12: the change log keeps
# the parts of each change's evidence, and the answers carry them; 11: awards counted per record (record_awards,
# kept per award) in place of family_awards; 10: why-path steps carry their award count;
# 9: handovers from a person withheld at both ends; 8: contact persons withheld; 7: answers
DERIVED_LAYOUT = 14
# Tables an earlier layout stored that this one derives as views, of the same name: a full derive drops them first
# (build.derive), as CREATE OR REPLACE VIEW cannot replace a table. An ingest into a file of an earlier layout always
# derives whole; `build` deriving only the evidence over it (build.derive_evidence) leaves the table until then.
TABLES_NOW_VIEWS = ("counted_money",)


def default_db_path() -> Path:
    return settings.db_path()


def sql_text(name: str) -> str:
    return SQL.joinpath(f"{name}.sql").read_text("utf-8")


@functools.cache  # read once per process: a page's queries run on every visit
def query_text(name: str) -> str:
    return SQL.joinpath("queries", f"{name}.sql").read_text("utf-8")


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class StaleDatabase(WhosbehindError):
    """The database's derived tables were made by another version of whosbehind (or never made)."""


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store. Read-only connections are for reading the derived tables, so they are refused
    (``StaleDatabase``) when those tables are missing or of another layout."""
    if read_only and not path.exists():
        raise WhosbehindError(f"{path}: no database yet; run `whosbehind build` or `whosbehind ingest` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _open_file(path, read_only)
    try:
        set_memory_limit(con)
    except WhosbehindError:
        con.close()
        raise
    # Row numbers come from insertion order, so it must be kept.
    con.execute("SET preserve_insertion_order = true")
    if read_only:
        _load_macros_read_only(con)
        try:
            check_layout(con, path)
        except StaleDatabase:
            con.close()
            raise
    else:
        con.execute(sql_text("000_macros"))
        from whosbehind.sources import contacts, persons

        persons.register(con)  # reads_as_person(name), which the ingest predicates call
        contacts.register(con)  # without_contacts(text), which steps 100 and 200 call through public_text
    return con


def set_memory_limit(con: duckdb.DuckDBPyConnection) -> None:
    """DuckDB's memory cap, WHOSBEHIND_MEMORY_LIMIT (default 1GB). DuckDB reads the size itself; a value it cannot
    read is refused in one line naming the setting."""
    limit = settings.memory_limit()
    refused = WhosbehindError(f"WHOSBEHIND_MEMORY_LIMIT is {limit!r}: give a memory size, such as 1GB or 512MB")
    if limit.strip().startswith("-"):  # DuckDB reads a negative size as no cap at all
        raise refused
    try:
        con.execute(f"SET memory_limit = '{limit.replace(chr(39), chr(39) * 2)}'")
    except (duckdb.ParserException, duckdb.InvalidInputException):
        raise refused from None


def _open_file(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, with one line instead of a traceback when the path is not a database file."""
    refuse_folder(path)
    refuse_other_files(path)
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        first = first_line(exc)
        if "not a valid DuckDB database file" in first:
            raise WhosbehindError(f"{path}: not a whosbehind database (not a DuckDB file); give another --db path"
                                  ) from None
        raise WhosbehindError(f"{path}: cannot open the database: {first}") from None


SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
DUCKDB_MAGIC = b"DUCK"  # bytes 8 to 11 of every DuckDB database file


def refuse_other_files(path: Path) -> None:
    """A file that is not a DuckDB database, told by its first bytes, is refused in one line before DuckDB opens it:
    DuckDB would read a SQLite file through an extension it downloads (and say that the download failed)."""
    if not path.is_file():
        mode = path.stat().st_mode if path.exists() else 0
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):  # DuckDB would wait on a pipe for ever
            raise WhosbehindError(f"{path}: not a whosbehind database (a pipe or socket); give another --db path")
        return  # no file yet (a new database), or a device DuckDB reports on
    with path.open("rb") as handle:
        head = handle.read(16)
    if not head or head[8:12] == DUCKDB_MAGIC:
        return  # an empty file is DuckDB's to judge
    what = "a SQLite database, not a DuckDB file" if head == SQLITE_HEADER else "not a DuckDB file"
    raise WhosbehindError(f"{path}: not a whosbehind database ({what}); give another --db path")


def refuse_folder(path: Path) -> None:
    """A folder given as the database (``--db ""`` is the current folder) is refused in one line."""
    if path.is_dir():
        raise WhosbehindError(f"{path}: is a folder; --db takes a database file (it is created if missing)")


def check_database_file(path: Path) -> None:
    """Refuse, in one line, a path that is not a whosbehind database before anything is built from it: a file that
    is not DuckDB's, or a DuckDB file of something else (tables, none of them whosbehind's), which an ingest would
    otherwise fill with its own tables."""
    if not path.exists():
        return
    con = _open_file(path, read_only=True)
    try:
        foreign = other_tables(con, path)
    finally:
        con.close()
    if foreign:
        raise WhosbehindError(foreign)


def other_tables(con: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    """The line refusing a DuckDB file of something else (tables, none of them whosbehind's), or None."""
    tables = sorted(r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall())
    if tables and "source_files" not in tables:  # every whosbehind database has it (001_schema.sql)
        shown = ", ".join(tables[:3]) + (", ..." if len(tables) > 3 else "")
        return (f"{path}: a DuckDB file of something else (tables {shown}), not a whosbehind database; give "
                "another --db path")
    return None


def has_table(con: duckdb.DuckDBPyConnection, name: str, *, temporary: bool = False) -> bool:
    """Whether the database in use (the file, or the one attached and in USE) has this table; with
    ``temporary``, whether this connection has such a temporary table."""
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND database_name = "
                       "CASE WHEN ? THEN 'temp' ELSE current_database() END", [name, temporary]).fetchone()[0] > 0


def drop_tables_now_views(con: duckdb.DuckDBPyConnection) -> None:
    for name in TABLES_NOW_VIEWS:
        if has_table(con, name):
            con.execute(f"DROP TABLE {quote(name)}")


def derived_layout(con: duckdb.DuckDBPyConnection) -> int | None:
    """The layout the derived tables were made in: 0 when they were made before layouts were recorded,
    None when they never were."""
    if has_table(con, "derived_layout"):
        return con.execute("SELECT layout FROM derived_layout").fetchone()[0]
    return 0 if has_table(con, "organizations") else None


def check_layout(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    layout = derived_layout(con)
    if layout == DERIVED_LAYOUT:
        return
    foreign = other_tables(con, path)  # another program's tables (one may be called organizations)
    if foreign:  # not a whosbehind database at all: an ingest would refuse it too
        raise StaleDatabase(foreign)
    made = "were never derived" if layout is None else f"were derived by another version (layout {layout})"
    raise StaleDatabase(f"{path}: its organizations, ties and totals {made}; this version reads layout "
                        f"{DERIVED_LAYOUT}. Run `whosbehind ingest` again with a file it already holds (nothing "
                        "is added), or `whosbehind build` if it holds the bundled sample: either derives them "
                        "again from the stored rows")


def _load_macros_read_only(con: duckdb.DuckDBPyConnection) -> None:
    # Macros are catalog entries; a read-only connection can still create them in the temp schema.
    con.execute(sql_text("000_macros").replace("CREATE OR REPLACE MACRO", "CREATE OR REPLACE TEMP MACRO"))


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(sql_text("001_schema"))
    for fmt in all_formats():
        con.execute(raw_table_ddl(fmt))
    if con.execute("SELECT count(*) FROM agency_codes").fetchone()[0] == 0:
        load_agency_codes(con)


def raw_table_ddl(fmt: SourceFormat) -> str:
    columns = ",\n    ".join(f"{quote(c)} VARCHAR" for c in fmt.stored_columns)
    return (
        f"CREATE TABLE IF NOT EXISTS {fmt.raw_table} (\n"
        "    _sha256 VARCHAR NOT NULL,   -- sha256 of the source file (see source_files)\n"
        "    _row BIGINT,                -- 1-based data row in that file (the header is not counted)\n"
        "    _run_id VARCHAR NOT NULL,\n"
        "    _individual BOOLEAN NOT NULL, -- recipient is a private person: personal columns are NULL\n"
        f"    {columns}\n)"
    )


def load_agency_codes(con: duckdb.DuckDBPyConnection) -> None:
    path = resources.files("whosbehind.sources").joinpath("reference", "agency_codes.csv")
    with path.open("r", encoding="utf-8") as handle:
        rows = [tuple(r.values()) for r in csv.DictReader(handle)]
    con.executemany("INSERT INTO agency_codes VALUES (?, ?, ?, ?, ?, ?)", rows)


def run_step(con: duckdb.DuckDBPyConnection, step: str) -> None:
    con.execute(sql_text(step))


def mark_derived(con: duckdb.DuckDBPyConnection, *, made_by_this_code: bool = True) -> None:
    """Record the layout, and the code that made every derived table (``code_fingerprint``): none when some
    were made by other code (evidence derived again over contract tables of an earlier version)."""
    con.execute("CREATE OR REPLACE TABLE derived_layout AS SELECT ?::INTEGER AS layout, ?::VARCHAR AS code",
                [DERIVED_LAYOUT, code_fingerprint() if made_by_this_code else None])


def code_fingerprint() -> str:
    """A digest of everything a derive reads besides the stored rows: every file of the package (SQL, Python,
    curated and reference files, the shipped model; the bundled sample aside, which is stored rows) and the
    curated files the settings put in their place, and the versions of Python and of the libraries the package
    requires (a DuckDB, Splink or name-parser release can derive the same rows differently). A scoped derive keeps
    tables an earlier derive made, so it is allowed only when that derive read all of this as it is now."""
    package = Path(str(resources.files("whosbehind")))
    digest = hashlib.sha256()
    digest.update(b"\0versions\0" + "\n".join(installed_versions()).encode())
    for root in (package, settings.curated_dir(), settings.claims_dir(), settings.products_lexicon()):
        if root is None:
            continue
        digest.update(b"\0root\0" + str(root == package).encode())
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            relative = path.relative_to(root).as_posix() if root.is_dir() else path.name
            if root == package and (relative.startswith("sample/") or "__pycache__" in relative):
                continue
            digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


# What a derive's output depends on besides the package's files, when the package's own requirements cannot be read
# (the code run from a checkout that was never installed).
DERIVE_LIBRARIES = ("duckdb", "splink", "probablepeople", "fingerprints", "rapidfuzz", "pyyaml", "numpy", "pyarrow")


def installed_versions() -> list[str]:
    """Python's version and the installed version of each library whosbehind requires directly (extras aside; the
    libraries those require are not listed), as ``name==version`` (``name==absent`` for one not installed)."""
    try:
        requirements = metadata.requires("whosbehind") or []
    except metadata.PackageNotFoundError:
        requirements = list(DERIVE_LIBRARIES)
    found = [f"python=={platform.python_version()}"]
    for requirement in requirements:
        name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9_.\-]*)", requirement)  # a requirement starts with its name
        if name is None or re.search(r"\bextra\s*==", requirement):
            continue
        try:
            found.append(f"{name[1]}=={metadata.version(name[1])}")
        except metadata.PackageNotFoundError:
            found.append(f"{name[1]}==absent")
    return sorted(found)


def derived_by_this_code(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the derived tables were made by this version's code, file for file (``code_fingerprint``)."""
    if derived_layout(con) != DERIVED_LAYOUT:
        return False
    found = con.execute("SELECT * FROM derived_layout").fetchone()
    columns = [d[0] for d in con.description]
    return "code" in columns and found[columns.index("code")] == code_fingerprint()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All or nothing: an error, or a kill, before COMMIT leaves the database as it was."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextmanager
def rows_table(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, str],
               rows: Sequence[Sequence[Any]]) -> Iterator[None]:
    """Python rows as the temporary table ``name`` (column name -> DuckDB type) while the block runs, for the
    stored queries that read them. Each column goes to DuckDB as one list parameter, read at once: an Arrow table
    would do as well, but building one from Python values imports pandas (about 0.2 s of every ingest)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {quote(name)} ("
                + ", ".join(f"{quote(c)} {t}" for c, t in columns.items()) + ")")
    if rows:
        each = ", ".join(f"unnest(${i})" for i in range(1, len(columns) + 1))
        con.execute(f"INSERT INTO {quote(name)} SELECT {each}", [list(values) for values in zip(*rows, strict=True)])
    yield
    # not on an error: a temporary table ends with its connection, and DROP would fail in an aborted transaction
    con.execute(f"DROP TABLE temp.{quote(name)}")
