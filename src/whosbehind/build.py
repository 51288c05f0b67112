"""The build: the numbered SQL steps in file order, with name resolution between them.

ingest stores raw rows (store/ingest.py); evidence beyond contracts is loaded into its raw tables
(store/evidence.py); then ``derive`` turns all raw tables into the graph. The store never calls resolution:
this module runs both.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from whosbehind.analysis import answer_scope, organization, why
from whosbehind.model import TIE_KIND_TITLES, Grade, IdKind, TieKind
from whosbehind.store import db, digest, ingest

if TYPE_CHECKING:
    from whosbehind.store import evidence

# Name resolution reads the organizations of step 200 and the records of step 205, and writes the tables step 210
# reads; the lookup index normalizes the names step 510 gathers.
RESOLVE_AFTER = "205_resolve_context"
INDEX_AFTER = "510_lookup_names"
# The formats whose rows step 100 reads as award money; a file of another format (subawards) added since the
# last derive takes a full derive.
AWARD_ROW_FORMATS = frozenset({"prime_award_transactions", "transactions_2018", "api_transactions",
                               "prime_award_summaries"})
# The product lexicon reads award descriptions once the evidence nodes and ties exist; step 430 reads its tables.
PRODUCTS_AFTER = "420_evidence_ties"
# FedRAMP providers nothing else matched are matched by name (resolve/providers.py) once step 410 has matched the rest.
PROVIDERS_AFTER = "410_evidence_nodes"


def _resolve_names(con: duckdb.DuckDBPyConnection) -> None:
    from whosbehind.resolve import pipeline  # Splink is imported only when a build resolves names

    pipeline.run(con)


def _match_providers(con: duckdb.DuckDBPyConnection) -> None:
    from whosbehind.resolve import providers

    providers.match(con)


def _read_product_names(con: duckdb.DuckDBPyConnection) -> None:
    from whosbehind.resolve import products

    products.classify(con)


def _build_index(con: duckdb.DuckDBPyConnection) -> None:
    from whosbehind.analysis import lookup  # imported by build.prepare while an ingest copies the file

    lookup.build_index(con)


def write_vocabulary(con: duckdb.DuckDBPyConnection) -> None:
    """The vocabulary of model.py as tables, so that SQL reads the same lists as Python."""
    con.execute("CREATE OR REPLACE TABLE vocabulary_tie_kinds (kind VARCHAR PRIMARY KEY, title VARCHAR NOT NULL)")
    con.executemany("INSERT INTO vocabulary_tie_kinds VALUES (?, ?)", [[str(k), TIE_KIND_TITLES[k]] for k in TieKind])
    con.execute("CREATE OR REPLACE TABLE vocabulary_grades (grade VARCHAR PRIMARY KEY)")
    con.executemany("INSERT INTO vocabulary_grades VALUES (?)", [[str(g)] for g in Grade])
    con.execute("CREATE OR REPLACE TABLE vocabulary_id_kinds (prefix VARCHAR PRIMARY KEY)")
    con.executemany("INSERT INTO vocabulary_id_kinds VALUES (?)", [[str(k)] for k in IdKind])


def _after(step: str) -> Callable[[duckdb.DuckDBPyConnection], Any] | None:
    """What runs in Python right after a numbered step."""
    return {RESOLVE_AFTER: _resolve_names, PROVIDERS_AFTER: _match_providers, PRODUCTS_AFTER: _read_product_names,
            INDEX_AFTER: _build_index}.get(step)


def _run_steps(con: duckdb.DuckDBPyConnection, first: int) -> None:
    # The tables before step `first` stay as they are: they are this code's only if they were before.
    made_by_this_code = first == db.FIRST_DERIVE_STEP or db.derived_by_this_code(con)
    digest.begin(con)  # the steps sum the rows they remove from and add to the tables they keep
    write_vocabulary(con)
    for step in db.step_names(first):
        db.run_step(con, step)
        then = _after(step)
        if then is not None:
            then(con)
    db.mark_derived(con, made_by_this_code=made_by_this_code)


def derive(con: duckdb.DuckDBPyConnection, added: Sequence[str] | None = None) -> bool:
    """Rebuild every derived table from the raw tables: the same raw rows give the same graph.

    ``added``: the sha256 of the files stored since the tables were last derived. When every one holds award
    rows and the tables were derived by this very code, the derive is scoped (``store/sql/scope_added.sql``): the
    tables a full derive drops first (``store/sql/scope_full.sql``) are kept, and made again only for the awards
    those files hold (the money rows, which of them count, the organization each pays, the names each award's rows
    write, each record's awards per agency and year, the products each award names and their evidence, a prime
    award's evidence, each organization's awards) or for those files (the records name resolution reads), widened
    where a change spreads: a DUNS given another UEI (step 200), a record whose family changed (the product ties,
    step 430), a record that resolution puts in another organization (step 500); resolution's own tables are made
    again only when what it reads differs (resolve/pipeline.py); the family and organization totals are brought up
    to date for the groups those records are in, or added up again when a record joined or left one; the ties and
    the evidence each shows are made again for the ties whose evidence changed (step 500).
    Every other table is derived whole; publishing then computes again only
    the answers those changes can reach (analysis/answer_scope.py). The tables are the same as a full derive's;
    tests/fresh checks that on the bundled data, the benchmark at 2M rows. The steps sum the rows they remove
    from and add to a large kept table, so that the digest `check` verifies is brought up to date without reading
    it whole (store/digest.py; the totals tables are small and read whole). Returns whether the derive was scoped.
    """
    scoped = bool(added) and _can_scope(con, added)
    if scoped:
        answer_scope.begin(con)
        con.execute(db.sql_text("scope_added"), [list(added)])
    else:
        db.drop_tables_now_views(con)
        con.execute(db.sql_text("scope_full"))
    _run_steps(con, db.FIRST_DERIVE_STEP)
    return scoped


def _can_scope(con: duckdb.DuckDBPyConnection, added: Sequence[str]) -> bool:
    formats = {r[0] for r in con.execute("SELECT format FROM source_files WHERE list_contains(?, sha256)",
                                         [list(added)]).fetchall()}
    return formats <= AWARD_ROW_FORMATS and db.derived_by_this_code(con)


def derive_evidence(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild what depends on the evidence raw tables (steps 400 on), the contract graph kept as it is."""
    con.execute(db.sql_text("scope_evidence"))
    _run_steps(con, db.FIRST_EVIDENCE_STEP)


def load_evidence(con: duckdb.DuckDBPyConnection, **options: Any) -> evidence.EvidenceReport:
    """Load the evidence beyond contracts (default: the bundled files) and derive what depends on it."""
    from whosbehind.store import evidence  # the evidence loaders: the build's, not an ingest's

    fresh = not db.has_table(con, "organizations")
    return evidence.load(con, derive=derive if fresh else derive_evidence, **options)


def publish(con: duckdb.DuckDBPyConnection, *, processes: int = 1, scoped: bool = False) -> None:
    """Store the organizations' answers and their pages (the tables of step 600), once the graph is derived
    and the build's changes are recorded: an answer carries what changed for its family. ``scoped``: the derive just
    before was scoped, on this connection (as for ``changes.record_build``): only the answers it may have changed
    are computed again (analysis/answer_scope.py)."""
    from whosbehind.web import prerender  # the page template, imported only by a build that publishes

    why.Graph.forget()  # the ties were derived again: the scope and the answers read them anew
    organization.store_answers(con, answer_scope.affected(con) if scoped else None)
    prerender.store_pages(con, processes=processes)


def prepare() -> None:
    """Load what an ingest would load the first time it needs it: the name parser and its name lists (the person
    test the stored rows go through), the modules of name resolution and of the lookup index, the page template,
    which Jinja compiles, and what DuckDB loads to call a Python function (0.2-0.4 s in all in a new process;
    processes that render pages in parallel compile the template again). The ingest runs this while it copies the
    database file."""
    from whosbehind.analysis import lookup  # noqa: F401  (imported, as _build_index would)
    from whosbehind.resolve import pipeline  # noqa: F401  (imported, as _resolve_names would)
    from whosbehind.sources import contacts, persons  # noqa: F401  (db.connect registers their functions)
    from whosbehind.web import prerender

    persons.preload()
    prerender.template_of_pages()
    # Read once here only to have its files read (the result is computed again where it is used): the derive asks
    # for it first (db.derived_by_this_code), when the copy's background flush is running, and a read of a library's
    # metadata that missed the page cache waited 0.25 s there; during the copy it does not.
    db.code_fingerprint()
    # DuckDB imports numpy the first time a Python function is registered (0.1 s), which db.connect does: here,
    # on a connection of no file, while the copy runs.
    with duckdb.connect() as con:
        persons.register(con)


def ingest_into(db_path: Path, paths: list[Path], *, processes: int = 1, **options: Any) -> ingest.IngestReport:
    """The store's all-or-nothing ingest, deriving the graph with these steps; pages are rendered by
    ``processes`` processes (see ``prerender.store_pages``)."""
    return ingest.ingest_into(db_path, paths, derive=derive, publish=functools.partial(publish, processes=processes),
                              prepare=prepare,
                              **options)
