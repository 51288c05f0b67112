"""Curated ownership, dated: the families a person recognizes, with each link's source, grade and dates."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from samples import Cli
from whosbehind.resolve import families


def _family(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str]:
    """(family id, family name) of the organization written under this name."""
    row = con.execute(
        "SELECT f.id, f.name FROM org_names n JOIN organizations o ON o.id = n.id "
        "JOIN organizations f ON f.id = o.family_id WHERE n.name = ? LIMIT 1", [name]).fetchone()
    assert row is not None, name
    return row


@pytest.fixture(scope="module")
def con(built: Cli):
    c = duckdb.connect(str(built.db), read_only=True)
    yield c
    c.close()


@pytest.mark.parametrize(("member", "head"), [
    ("AT&T ENTERPRISES, LLC", "AT&T INC."),
    ("DELOITTE CONSULTING LLP", "DELOITTE LLP"),
    ("GENERAL DYNAMICS INFORMATION TECHNOLOGY, INC.", "GENERAL DYNAMICS CORPORATION"),
    ("CACI, INC. - FEDERAL", "CACI INTERNATIONAL INC"),
    ("CACI NSS, LLC", "CACI INTERNATIONAL INC"),
    ("LEXISNEXIS RISK SOLUTIONS INC", "RELX PLC"),
    ("RAPISCAN SYSTEMS INC", "OSI SYSTEMS, INC."),
    ("AMERICAN SCIENCE & ENGINEERING INC", "OSI SYSTEMS, INC."),
    ("WEST PUBLISHING CORPORATION", "THOMSON REUTERS CORPORATION"),
    ("THOMSON REUTERS SPECIAL SERVICES LLC", "THOMSON REUTERS CORPORATION"),
    ("DELL FEDERAL SYSTEMS L.P", "DELL TECHNOLOGIES INC."),
    ("LEIDOS, INC.", "LEIDOS HOLDINGS, INC."),
    ("SAIC INC.", "LEIDOS HOLDINGS, INC."),
])
def test_issue_families_reach_the_family_a_person_means(con: duckdb.DuckDBPyConnection, member: str,
                                                        head: str) -> None:
    assert _family(con, member)[1] == head


def test_spun_off_saic_is_not_leidos_and_leidos_is_named_leidos(con: duckdb.DuckDBPyConnection,
                                                                 built: Cli) -> None:
    saic = _family(con, "SCIENCE APPLICATIONS INTERNATIONAL CORPORATION")
    assert saic[1] == "SCIENCE APPLICATIONS INTERNATIONAL CORPORATION" and saic != _family(con, "LEIDOS, INC.")
    top = json.loads(built.run("top", "--agency", "CBP", "--limit", "0", "--json").output)
    names = {r["name"] for r in top}
    assert "LEIDOS HOLDINGS, INC." in names and "SAIC INC." not in names
    # the old name stays searchable: the organization still carries it
    assert con.execute("SELECT count(*) FROM org_names WHERE name = 'SAIC INC.'").fetchone()[0] == 1


def test_explain_shows_each_curated_link_with_grade_date_and_whether_it_was_checked(built: Cli) -> None:
    data = json.loads(built.run("explain", "name:AMERICAN SCIENCE & ENGINEERING INC", "--json").output)
    curated = [link for link in data["family_links"] if link["source"] == "curated"]
    # the cited 10-K would be grade A; a link not read in it counts as C, and says so
    assert curated and curated[0]["grade"] == "C" and str(curated[0]["valid_from"]) == "2016-09-01"
    assert "OSI Systems" in curated[0]["citation"] and curated[0]["checked"] is False
    assert "grade A once checked against this document; not checked" in curated[0]["citation"]
    # a link read in its document keeps its source's grade (Whole Foods, Amazon)
    wf = json.loads(built.run("explain", "name:WHOLE FOODS MARKET, INC.", "--json").output)
    assert any(x["source"] == "curated" and x["grade"] == "C" and x["checked"] for x in wf["family_links"])
    aws = json.loads(built.run("explain", "name:AMAZON WEB SERVICES, INC.", "--json").output)
    assert any(x["source"] == "curated" and x["grade"] == "A" and x["checked"] for x in aws["family_links"])


def test_family_as_of_a_date_follows_sales_and_spin_offs(con: duckdb.DuckDBPyConnection) -> None:
    tr_markets = con.execute("SELECT canonical_id FROM organizations WHERE name = 'THOMSON REUTERS (MARKETS) LLC'"
                             ).fetchone()[0]
    ase = "name:AMERICAN SCIENCE & ENGINEERING INC"
    name = {d: families.family_as_of(con, [tr_markets, ase], d) for d in ("2017-06-30", "2019-06-30", "2025-06-30")}
    assert name["2017-06-30"][tr_markets]["family_name"] == "THOMSON REUTERS CORPORATION"
    assert name["2019-06-30"][tr_markets]["family_name"] == "REFINITIV"
    assert name["2025-06-30"][tr_markets]["family_name"] == "LONDON STOCK EXCHANGE GROUP PLC"
    assert name["2017-06-30"][ase]["family_name"] == "OSI SYSTEMS, INC."
    assert families.family_as_of(con, [ase], date(2015, 1, 1))[ase]["family_id"] == ase
    osi = families.family_as_of(con, [ase], "2025-06-30")[ase]["family_id"]
    members = {d: {m["name"] for m in families.family_members_as_of(con, osi, d)} for d in ("2015-01-01", "2025-06-30")}
    assert "AMERICAN SCIENCE & ENGINEERING INC" in members["2025-06-30"] - members["2015-01-01"]
    assert "RAPISCAN SYSTEMS INC" in members["2015-01-01"] & members["2025-06-30"]


def test_top_as_of_moves_money_between_families_but_keeps_the_total(built: Cli) -> None:
    def ranked(*extra: str) -> dict[str, float]:
        rows = json.loads(built.run("top", "--agency", "DHS", "--limit", "0", "--json", *extra).output)
        return {r["name"]: float(r["obligated"]) for r in rows}

    today, before, at_date = ranked(), ranked("--as-of", "2016-01-01"), ranked("--owner-at-obligation")
    assert sum(today.values()) == pytest.approx(sum(before.values())) == pytest.approx(sum(at_date.values()))
    # American Science & Engineering joined OSI Systems in September 2016
    assert "AMERICAN SCIENCE & ENGINEERING INC" in before and "AMERICAN SCIENCE & ENGINEERING INC" not in today
    assert before["OSI SYSTEMS, INC."] < today["OSI SYSTEMS, INC."]
    bad = built.run("top", "--as-of", "2016-31-01")
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output


def test_the_150_largest_dhs_families_are_each_curated_or_listed_unresolved(built: Cli) -> None:
    top = json.loads(built.run("top", "--agency", "DHS", "--limit", "150", "--json").output)
    doc = families.ownership()
    import yaml

    unresolved = {u["name"] for u in yaml.safe_load(families.curated_text("ownership.yaml"))["unresolved"]}
    con = duckdb.connect(str(built.db), read_only=True)
    curated_heads = {r[0] for r in con.execute("SELECT org_id FROM curated_organizations").fetchall()}
    con.close()
    named = {o.name for o in doc.organizations.values()}
    missing = [r["name"] for r in top if r["id"] not in curated_heads and r["name"] not in named | unresolved]
    assert not missing, missing


def test_a_bad_ownership_entry_is_refused_with_where_it_is() -> None:
    text = """
organizations:
  - {key: a, name: A CO INC}
  - {key: b, name: B CO INC}
links:
  - {child: a, parent: b, kind: owned-ish, grade: A, citations: [{publisher: P, title: T}]}
"""
    with pytest.raises(ValueError, match=r"link 1 \(a -> b\): kind must be one of"):
        families.read_ownership(text)
    with pytest.raises(ValueError, match="unknown source 'nope'"):
        families.read_ownership(text.replace("owned-ish", "subsidiary").replace(
            "citations: [{publisher: P, title: T}]", "source: nope"))
    ok = families.read_ownership(text.replace("owned-ish", "subsidiary"))
    assert ok.links[0].checked is False and ok.links[0].citation == "P, n.d., T"


def test_one_legal_name_joins_registrations_unless_they_report_different_parents() -> None:
    from whosbehind.resolve.pipeline import same_legal_name_decisions

    names = [{"id": "uei:A1", "name": "ACME WIDGETS, INC."}, {"id": "duns:000000001", "name": "ACME WIDGETS INC"},
             {"id": "uei:B2", "name": "ACME WIDGETS, INC."},
             {"id": "name:ACME WIDGETS, INC.", "name": "ACME WIDGETS, INC."},
             {"id": "uei:C3", "name": "FOUR LLC"}, {"id": "uei:C4", "name": "FOUR LLC"},  # generic: context rules only
             {"id": "uei:D1", "name": "COURTESY CHEVROLET"}, {"id": "uei:D2", "name": "COURTESY CHEVROLET"}]  # no form
    joined = {d.pair for d in same_legal_name_decisions(names, {})}
    assert joined == {("duns:000000001", "uei:A1"), ("duns:000000001", "uei:B2"), ("uei:A1", "uei:B2")}
    # two registrations that report two different parents are two companies
    apart = {d.pair for d in same_legal_name_decisions(names, {"uei:A1": {"uei:P1"}, "uei:B2": {"uei:P2"}})}
    assert ("uei:A1", "uei:B2") not in apart and ("duns:000000001", "uei:A1") in apart
    shared = {d.pair for d in same_legal_name_decisions(names, {"uei:A1": {"uei:P1"}, "uei:B2": {"uei:P1"}})}
    assert ("uei:A1", "uei:B2") in shared


def test_a_name_a_parent_field_gave_a_registration_does_not_make_it_that_company(built: Cli) -> None:
    """A subaward's parent field once gave Deloitte & Touche's name to the registration Deloitte Consulting's rows
    report as their parent; Sprint's rows report as their parent, under Sprint's own name, the DUNS Hoover's gives
    SoftBank Group. Joined by those names, Deloitte & Touche answered with Deloitte Consulting's $293M at ICE as
    its own, and SoftBank answered as Sprint itself. Each is its own organization: Deloitte & Touche with its own
    ICE awards, SoftBank as Sprint's reported parent, whose tie is its subsidiary's."""
    touche = built.json("why", "Deloitte & Touche LLP", "--agency", "ICE")
    assert "TOUCHE" in touche["matched"][0]["name"] and touche["family"]["name"] == "DELOITTE LLP"
    own = [p for p in touche["paths"] if p["own"]]
    assert own and all("DELOITTE CONSULTING" not in s["text"] for p in own for s in p["steps"])
    softbank = built.json("why", "SoftBank")
    assert softbank["matched"][0]["name"] == "SOFTBANK GROUP CORP."
    assert softbank["paths"] and not any(p["own"] for p in softbank["paths"])
    assert all(p["relation"] == "subsidiary's" and "SPRINT" in p["tie_of_name"] for p in softbank["paths"])


def test_a_former_name_another_company_uses_today_is_not_the_renamed_company() -> None:
    from whosbehind.resolve.pipeline import curated_ownership_ids

    own = families.read_ownership("""
organizations:
  - key: leidos
    name: LEIDOS INC
    formerly: [{name: "SCIENCE APPLICATIONS INTERNATIONAL CORPORATION", until: 2013-09-27}]
  - {key: saic, name: SCIENCE APPLICATIONS INTERNATIONAL CORPORATION}
  - {key: motorola, name: MOTOROLA SOLUTIONS INC, formerly: [{name: MOTOROLA INC, until: 2011-01-04}]}
""")
    from whosbehind.resolve.names import normalize

    records = [{"org_id": i, "exact": normalize(n).exact} for i, n in (
        ("uei:L", "LEIDOS, INC."), ("duns:S", "SCIENCE APPLICATIONS INTERNATIONAL CORP."),
        ("uei:M", "MOTOROLA SOLUTIONS, INC."), ("duns:M0", "MOTOROLA, INC."))]
    ids = curated_ownership_ids(own, records)
    assert ids == {"leidos": ["uei:L"], "saic": ["duns:S"], "motorola": ["duns:M0", "uei:M"]}
