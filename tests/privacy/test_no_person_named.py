"""No private person is named anywhere a person can read (README, principle 4; issue 12).

The persons are the names labelled ``person`` in benchmarks/privacy/labels.csv, read back from the bundled
rows they point at. Every face is read the way a user would reach it, and the organizations to visit are
taken from the faces themselves (rankings, search results, exports), not from a list kept here, so the scan
follows the answers as they change. A hit is reported by file and row, never by the name.
"""

from __future__ import annotations

import html
import io
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from samples import Cli, write_csv
from whosbehind.resolve.match import WITHHELD
from whosbehind.web.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks" / "privacy"))
from records import labelled

AGENCIES = ("ICE", "CBP", "DHS")
TOP_VISITED = 8  # organizations of each ranking whose every page is read


class Persons:
    """The labelled persons, and a scanner that finds any of them in a text (any case, any spacing, with or
    without the comma of "SURNAME, GIVEN")."""

    def __init__(self) -> None:
        items = [i for i in labelled() if i["label"] == "person"]
        self.ref: dict[str, str] = {}
        for item in items:
            self.ref.setdefault(self.key(item["text"]), f"{item['member']} row {item['row']} ({item['column']})")
        self.names = sorted({i["text"] for i in items})
        words = [self.words(n) for n in self.names]
        self.keys = sorted({" ".join(w) for w in words if w})
        alternatives = sorted({r"[\s,.]+".join(map(re.escape, w)) for w in words if w}, key=len, reverse=True)
        self.sql_pattern = r"(?i)\b(?:" + "|".join(alternatives) + r")\b"  # for DuckDB (RE2: no look-behind)

    @staticmethod
    def words(name: str) -> list[str]:
        return re.findall(r"[A-Z0-9'\-]+", name.upper())

    def key(self, name: str) -> str:
        return " ".join(self.words(name))

    def hits(self, text: str) -> set[str]:
        # Words of the text upper-cased and joined by single spaces, as the keys are: substring tests are fast.
        words = " " + " ".join(self.words(html.unescape(text))) + " "
        return {self.ref[key] for key in self.keys if f" {key} " in words}


@pytest.fixture(scope="module")
def persons() -> Persons:
    found = Persons()
    assert len(found.names) >= 150, "labels.csv holds the labelled persons"
    return found


class Faces:
    """Collects what each face shows; ``leaks`` lists every face that shows a labelled person."""

    def __init__(self, persons: Persons) -> None:
        self.persons = persons
        self.read = 0
        self.leaks: dict[str, set[str]] = {}

    def scan(self, face: str, text: str, *, query: str | None = None) -> None:
        self.read += 1
        if query is not None:  # a question may be echoed back: the answer must not add a person to it
            text = text.replace(json.dumps(query)[1:-1], " ").replace(query, " ")
        found = self.persons.hits(text)
        if found:
            self.leaks.setdefault(face, set()).update(found)


def _ids(ranking: list[dict] | dict) -> list[str]:
    items = ranking["items"] if isinstance(ranking, dict) else ranking
    return [r["id"] for r in items if r.get("kind") != "individuals"][:TOP_VISITED]


def db_hits(db: Path, persons: Persons) -> dict[str, set[str]]:
    """Every table.column of the database (raw tables included) that holds a labelled person's name."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns: dict[str, list[str]] = {}
        for table, column in con.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = 'main' AND data_type = 'VARCHAR'").fetchall():
            if (table, column) != ("match_names", "tokens"):  # sorted word sets: the company
                columns.setdefault(table, []).append(column)  # PAT V. MACK, INC. gives "mack pat v"
        leaks = {}
        for table, cols in columns.items():
            test = " OR ".join(f'regexp_matches("{c}", $p)' for c in cols)
            hit = con.execute(f'SELECT count(*) FROM "{table}" WHERE {test}', {"p": persons.sql_pattern})
            if not hit.fetchone()[0]:
                continue
            for c in cols:
                values = con.execute(f'SELECT DISTINCT "{c}" FROM "{table}" WHERE regexp_matches("{c}", $p)',
                                     {"p": persons.sql_pattern}).fetchall()
                found = persons.hits("\n".join(v[0] for v in values))
                if found:
                    leaks[f"{table}.{c}"] = found
        return leaks
    finally:
        con.close()


def test_the_database_holds_no_labelled_person(built_db, persons):
    """The names never reach the store: every text column of every table, raw tables included."""
    assert db_hits(built_db, persons) == {}


def test_persons_rows_keep_their_money_but_nothing_that_names_or_identifies_them(built_db):
    from whosbehind.sources import all_formats

    con = duckdb.connect(str(built_db), read_only=True)
    try:
        withheld = 0
        for fmt in all_formats():
            columns = [c for c in fmt.personal_columns if c in fmt.stored_columns]
            assert {"recipient_uei", "subawardee_uei", "recipient_duns", "subawardee_duns"} & set(columns) or (
                fmt.key == "api_transactions"), f"{fmt.key}: a person's identifiers resolve to their name"
            kept = " OR ".join(f'"{c}" IS NOT NULL' for c in columns)
            withheld += con.execute(f"SELECT count(*) FROM {fmt.raw_table} WHERE _individual").fetchone()[0]
            assert con.execute(f"SELECT count(*) FROM {fmt.raw_table} WHERE _individual AND ({kept})"
                               ).fetchone()[0] == 0, fmt.key
        assert withheld > 500
        assert con.execute("SELECT count(*) FROM money WHERE individual AND recipient_id <> 'individuals'"
                           ).fetchone()[0] == 0
    finally:
        con.close()


def test_no_cli_answer_names_a_labelled_person(built, persons, tmp_path):
    faces = Faces(persons)
    visited: list[str] = []
    for agency in AGENCIES:
        result = built.run("top", "--agency", agency, "--limit", "0", "--json")
        assert result.exit_code == 0, result.output
        faces.scan(f"top {agency}", result.output)
        ranking = json.loads(result.output)
        assert any(r["kind"] == "individuals" for r in ranking), "persons' money is counted, under one bucket"
        visited += [i for i in _ids(ranking) if i not in visited]
    for n, org_id in enumerate(visited):
        for args in (("lookup", org_id), ("lookup", org_id, "--json"), ("why", org_id, "--json"),
                     ("explain", org_id, "--json"))[: 4 if n < 5 else 2]:
            result = built.run(*args)
            faces.scan(" ".join(args[:1]) + " " + org_id, result.output)
    # Every labelled person, asked for by name: an individual recipient, never a match or a candidate.
    names = tmp_path / "names.csv"
    write_csv(names, [["name"], *[[n] for n in persons.names]])
    screened = built.run("match", "--file", str(names), "--json")
    assert screened.exit_code == 0, screened.output
    rows = json.loads(screened.output)["items"]
    assert [(r["id"], r["candidates"], r["note"].startswith(WITHHELD)) for r in rows] == [
        ("", [], True)] * len(persons.names)
    for row in rows:
        faces.scan("match --file", json.dumps({k: v for k, v in row.items() if k != "input"}))
    # one by one: two written GIVEN M SURNAME and one SURNAME, GIVEN MIDDLE (the first of each, by name)
    plain = [n for n in persons.names if "," not in n and len(n.split()) == 3 and len(n.split()[1]) == 1]
    comma = [n for n in persons.names if "," in n and len(n.replace(",", " ").split()) == 3]
    assert len(plain) >= 2 and comma
    for name in [*plain[:2], comma[0]]:
        text = built.run("match", name)
        assert WITHHELD in text.output
        faces.scan("match", text.output, query=name)
        answer = built.json("match", name)
        assert answer["match"] is None and answer["candidates"] == [] and answer["status"] == "not_found"
        assert answer["basis"] == "private person" and answer["reason"].startswith(WITHHELD)
        faces.scan("match --json", json.dumps(answer), query=name)
        why = built.run("why", name)
        faces.scan("why", why.output, query=name)
    assert faces.read > 3 * TOP_VISITED
    assert faces.leaks == {}


def _org_ids_in_csv(text: str) -> Iterator[str]:
    import csv

    for row in csv.DictReader(io.StringIO(text)):
        yield row.get("id") or ""


def test_no_page_api_answer_or_export_names_a_labelled_person(built_db, persons, monkeypatch):
    monkeypatch.setenv("WHOSBEHIND_WARM", "0")  # the pages are read here, not timed
    faces = Faces(persons)
    app = create_app(built_db)
    try:
        with TestClient(app) as client:
            def get(face: str, url: str, **params) -> str:
                response = client.get(url, params=params)
                assert response.status_code == 200, (url, response.status_code)
                faces.scan(face, response.text, query=params.get("q"))
                return response.text

            visited: list[str] = []
            get("home", "/")
            for agency in AGENCIES:
                get("agency page", f"/agency/{agency}")
                get("agency API", f"/api/agencies/{agency}", limit=500)
                ranking = json.loads(get("top API", "/api/top", agency=agency, limit=500))
                visited += [i for i in _ids(ranking) if i not in visited]
            # Suggestions for each person's longest word, searches for some of the names and words: the
            # organizations they bring up are visited too (the neighbours of a person's name).
            words = sorted({max(Persons.words(n), key=len) for n in persons.names})
            for word in words:
                found = json.loads(get("suggestions", "/api/suggest", q=word))["items"]
                visited += [r["id"] for r in found[:1] if r.get("id") and r["id"] not in visited]
            for name in persons.names[::6]:
                get("search API", "/api/search", q=name)
            for word in words[::15]:
                get("search page", "/search", q=word)
            reconcile = {f"q{i}": {"query": n} for i, n in enumerate(persons.names)}
            response = client.get("/api/reconcile", params={"queries": json.dumps(reconcile)})
            faces.scan("reconciliation", json.dumps(
                {k: v["result"] for k, v in response.json().items()}))
            check = client.post("/api/check", json=persons.names[::3])
            assert check.status_code == 200
            faces.scan("check API", json.dumps(
                [{k: v for k, v in item.items() if k != "input"}
                 for item in check.json()["items"]]))
            for org_id in visited[:40]:
                get("organization page", f"/org/{org_id}")
                get("organization API", f"/api/organizations/{org_id}")
                get("one-pager", f"/org/{org_id}/onepager")
                get("organization evidence page", f"/org/{org_id}/evidence")
                get("organization CSV", f"/api/organizations/{org_id}/export.csv")
            for table in ("organizations", "ties", "evidence"):
                text = get(f"{table}.csv", f"/api/export/{table}.csv")
                if table == "organizations":
                    assert len(list(_org_ids_in_csv(text))) > 1000
                parquet = client.get(f"/api/export/{table}.parquet")
                assert parquet.status_code == 200
                frame = pq.read_table(io.BytesIO(parquet.content))
                faces.scan(f"{table}.parquet", "\n".join(
                    str(v) for column in frame.columns for v in column.to_pylist() if isinstance(v, str)))
            get("FollowTheMoney export", "/api/export/graph.ftm.jsonl")
    finally:
        app.state.db.close()
    assert faces.read > 200
    assert faces.leaks == {}


def test_a_database_ingested_under_the_earlier_rules_is_classified_again(tmp_path, persons, monkeypatch):
    """Raw rows keep the person decision made when they were stored; a database from a version that let these
    names through is classified again by the next ingest, and readers refuse it until then."""
    from samples import API_FY2025, API_ZIP, member_rows
    from whosbehind.sources import persons as persons_rules

    # The FY2025 list cut to the rows that pay labelled persons and the 300 rows before its first such row.
    rows = member_rows(API_ZIP, API_FY2025)
    paid = [i for i, r in enumerate(rows[1:], start=1) if persons.hits(r[rows[0].index("Recipient Name")])]
    assert len(paid) >= 5
    path = write_csv(tmp_path / API_FY2025.rsplit("/", 1)[-1],
                     [rows[0], *rows[max(1, paid[0] - 300):paid[0]], *(rows[i] for i in paid)])
    cli = Cli(tmp_path / "old.duckdb")
    # As the earlier version stored it: the earlier predicates only (no name reading), no record of the rules.
    monkeypatch.setattr(persons_rules, "reads_as_person", lambda name: False)
    assert cli.run("ingest", str(path)).exit_code == 0
    monkeypatch.undo()
    con = duckdb.connect(str(cli.db))
    stored = "\n".join(r[0] for r in con.execute(
        'SELECT DISTINCT "Recipient Name" FROM raw_api_transactions WHERE "Recipient Name" IS NOT NULL').fetchall())
    assert persons.hits(stored), "the earlier rules let some labelled persons through"
    individuals_before = con.execute("SELECT sum(individual_rows) FROM source_files").fetchone()[0]
    con.execute("DROP TABLE person_rules")
    con.execute("UPDATE derived_layout SET layout = layout - 1")
    con.close()
    refused = cli.run("top", "--agency", "CBP")
    assert refused.exit_code == 1 and "another version" in refused.output
    again = cli.json("ingest", str(path))
    assert again["rows_added"] == 0 and again["derived"] is True
    assert db_hits(cli.db, persons) == {}
    con = duckdb.connect(str(cli.db), read_only=True)
    assert con.execute("SELECT sum(individual_rows) FROM source_files").fetchone()[0] > individuals_before
    con.close()
    # A fresh ingest of the same file decides the same rows.
    fresh = Cli(tmp_path / "fresh.duckdb")
    assert fresh.run("ingest", str(path)).exit_code == 0
    counts = []
    for db in (cli.db, fresh.db):
        con = duckdb.connect(str(db), read_only=True)
        counts.append(con.execute("SELECT count(*), sum(amount) FROM money WHERE individual").fetchone())
        con.close()
    assert counts[0] == counts[1]


def test_a_listed_company_typed_is_a_company_but_a_recipient_so_named_stays_withheld():
    """What a person types may name a listed company ("Morgan Stanley", "Charles Schwab", "JP Morgan"); a recipient
    of the records written so, with no legal form, may be a person of that name, and stays withheld. Only a listed
    company's whole name counts: "Stanley Black" begins STANLEY BLACK & DECKER but may be anyone's name."""
    from whosbehind.sources.persons import names_a_listed_company, reads_as_person

    for typed in ("Morgan Stanley", "Charles Schwab", "Johnson & Johnson", "Eli Lilly", "JP Morgan",
                  "J P Morgan Chase"):
        assert names_a_listed_company(typed), typed
    for record in ("MORGAN STANLEY", "CHARLES SCHWAB", "PHILIP MORRIS"):
        assert reads_as_person(record), record
    for person in ("Stanley Black", "Charles", "John Smith", "Philip Morrison", "Morgan"):
        assert not names_a_listed_company(person), person


def test_the_curated_files_name_no_person_outside_a_byline():
    """The curated claims, sources, ownership, brands and products are published with the evidence they back: a
    quote is located by the role of whoever said it ("quoting the lead of Mijente's … campaign"), an event by what
    happened, never by a person's name (a first name nine times in ten, then a census last name). An article's
    byline (``author``) is the one place a name stands: it credits the writer as a citation does."""
    import unicodedata

    import yaml

    from whosbehind.sources.persons import is_surname, strong_given_names

    def texts(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from texts(v, str(k))
        elif isinstance(node, list):
            for v in node:
                yield from texts(v, key)
        elif isinstance(node, str) and key != "author":
            yield node

    given = strong_given_names()
    curated = Path(__file__).resolve().parents[2] / "src" / "whosbehind" / "curated"
    found = []
    for path in sorted(curated.rglob("*.yaml")):
        for n, text in enumerate(texts(yaml.safe_load(path.read_text("utf-8"))), 1):
            bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
            for first, last in re.findall(r"\b([A-Z][a-z]+) ([A-Z][a-z]+)\b", bare):
                if first.upper() in given and is_surname(last.upper()):
                    found.append(f"{path.name}: a person's name in its text no. {n}")  # where, never the name
    assert found == []
