"""Resolution inside a real build of the bundled sample: merges, families, brands, match, explain, check."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import duckdb
import pytest

from samples import Cli
from whosbehind.resolve.decisions import CONTEXT_RULES
from whosbehind.resolve.scoring import load_model


def _org(db: Path, org_id: str) -> tuple[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT canonical_id, family_id FROM organizations WHERE id = ?", [org_id]).fetchone()
    finally:
        con.close()


def test_name_variant_joins_identified_company_and_family_counts_it(built: Cli) -> None:
    # "THE GEO GROUP, INC." (FY21-26 lists, name only) is the GEO Group of the DUNS-era records.
    assert _org(built.db, "name:THE GEO GROUP, INC.") == ("duns:612706465", "duns:612706465")
    top = json.loads(built.run("top", "--agency", "ICE", "--limit", "0", "--json").output)
    geo = next(r for r in top if r["id"] == "duns:612706465")
    con = duckdb.connect(str(built.db), read_only=True)
    members = con.execute(
        "SELECT coalesce(sum(m.amount), 0) FROM money m JOIN organizations o ON o.id = m.recipient_id "
        "WHERE o.family_id = 'duns:612706465' AND m.toptier_code = '070' AND m.sub_agency_code = '7012'").fetchone()[0]
    con.close()
    assert round(geo["obligated"], 2) == float(members)
    assert geo["name"] in ("THE GEO GROUP INC", "GEO GROUP INC. THE", "THE GEO GROUP, INC.", "GEO GROUP, INC., THE")


def test_renamed_company_joined_by_curated_decision_only(built: Cli) -> None:
    assert _org(built.db, "name:CORECIVIC, INC.")[0] == "duns:159734151"
    explained = built.run("explain", "name:CORECIVIC, INC.")
    assert "whosbehind-curators" in explained.output and "sec.gov" in explained.output
    # The merged organization, and so its family in rankings, is shown under the newer name.
    top = json.loads(built.run("top", "--agency", "ICE", "--limit", "0", "--json").output)
    family = next(r for r in top if r["id"] == "duns:159734151")
    assert family["name"] == "CORECIVIC, INC."


def test_subsidiary_with_unlike_name_in_parent_family_with_dated_citation(built: Cli) -> None:
    assert _org(built.db, "duns:797470549")[1] == "duns:612706465"  # Cornell Companies -> GEO Group
    data = json.loads(built.run("explain", "duns:797470549", "--json").output)
    sources = {link["source"] for link in data["family_links"]}
    assert {"curated", "usaspending"} <= sources
    curated = next(link for link in data["family_links"] if link["source"] == "curated")
    assert curated["valid_from"] == "2010-08-12" and curated["in_force"]


def test_legal_form_variant_kept_apart_but_in_family(built: Cli) -> None:
    assert _org(built.db, "duns:128990368") == ("duns:128990368", "duns:884745530")  # AMAZON.COM LLC


def test_match_json_contract_and_brand_reaches_family(built: Cli) -> None:
    r = json.loads(built.run("match", "Whole Foods", "--json").output)
    assert r["match"]["id"] == "name:WHOLE FOODS MARKET, INC." and r["family"]["id"] == "duns:884745530"
    assert r["rule"] == "brand" and "wtkr.com" in r["brand"]["citation"]
    r = json.loads(built.run("match", "Geo Group Inc", "--json").output)
    assert r["match"]["id"] == "duns:612706465" and r["family"]["id"] == "duns:612706465"
    assert r["score"] > 0 and any(e["feature"] == "name" for e in r["explanation"])
    # The explanation accounts for the score: the prior and each comparison's weight add up to its log-odds.
    weights = {e["feature"]: e["match_weight"] for e in r["explanation"] if e["feature"] != "decision"}
    assert weights["name"] > 0
    prior = load_model()["probability_two_random_records_match"]
    total = math.log2(prior / (1 - prior)) + sum(weights.values())
    assert total == pytest.approx(math.log2(r["score"] / (1 - r["score"])), abs=0.05)


def test_no_match_is_never_a_guess(built: Cli) -> None:
    for name in ("GEO", "GEO GROUP SERVICES LLC", "Acme Nonexistent Widgets"):
        r = json.loads(built.run("match", name, "--json").output)
        assert r["match"] is None, (name, r)


def test_match_file_one_row_per_input_row(built: Cli, tmp_path: Path) -> None:
    src = tmp_path / "vendors.csv"
    src.write_text('vendor id,name\n1,"The GEO Group, Inc."\n2,City Bakery\n3,\n4,AWS\n', "utf-8")
    out = tmp_path / "out.csv"
    result = built.run("match", "--file", str(src), "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["row"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["family_id"] == "duns:612706465" and rows[0]["tied"] == "yes"
    assert rows[0]["strongest_kind"] == "prime_contract" and rows[0]["strongest_grade"] == "A"
    # "not found" is not "found, no ties": a name the records do not hold has no answer to "tied".
    assert rows[1]["result"] == "not found" and rows[1]["id"] == "" and rows[1]["tied"] == ""
    assert rows[2]["result"] == "not found"
    # AWS is tied to ICE by FedRAMP authorizations (grade A) even though ICE pays it almost nothing directly.
    assert rows[3]["family_id"] == "duns:884745530" and rows[3]["tied"] == "yes"


def test_check_still_reconciles_and_reports_no_family_problems(built: Cli) -> None:
    data = json.loads(built.run("check", "--json").output)
    assert data["ok"] and data["family_issues"] == []


def test_two_identifiers_are_joined_only_on_name_and_address_context(built: Cli) -> None:
    con = duckdb.connect(str(built.db), read_only=True)
    joined = con.execute(
        "SELECT canonical_id, list(id ORDER BY id) FROM organizations WHERE id LIKE 'uei:%' OR id LIKE 'duns:%' "
        "GROUP BY canonical_id HAVING count(*) > 1").fetchall()
    rules = dict(con.execute(
        "SELECT left_id || ' ' || right_id, decided_by FROM resolution_decisions WHERE applied").fetchall())
    con.close()
    assert joined
    for _, members in joined:
        # every identifier in a cluster is tied to another one by a curated decision or a context rule
        for m in members:
            ties = {by for pair, by in rules.items() if m in pair.split() and
                    any(o in pair.split() for o in members if o != m)}
            assert ties and all(not by.startswith("model:") or by in CONTEXT_RULES for by in ties), m


def test_one_registration_across_the_duns_to_uei_change_is_one_organization(built: Cli) -> None:
    # THE MITRE CORPORATION at 7515 Colshire Dr, McLean: a DUNS on the 2013-18 rows, a UEI on the later ones,
    # and no row giving both: joined on name and address.
    assert _org(built.db, "duns:040540304")[0] == "uei:DMHDNDCPWUD1"
    explained = built.run("explain", "duns:040540304").output
    assert "same-name-same-state" in explained and "7515 COLSHIRE DR" in explained
    # Its registration in another state carries the same legal name in full: one organization, several
    # registrations; so are HARRIS CORPORATION's two DUNS in Florida and the one in Virginia.
    assert _org(built.db, "uei:GAVABYGCURL7")[0] == "uei:DMHDNDCPWUD1"
    assert "same-legal-name" in built.run("explain", "uei:GAVABYGCURL7").output
    fl = _org(built.db, "duns:021715206")[0]
    assert _org(built.db, "duns:184575108")[0] == fl == _org(built.db, "duns:101474992")[0]


def test_one_legal_name_under_several_registrations_is_one_organization(built: Cli) -> None:
    # CACI, INC. - FEDERAL (two UEIs and a name-only row), MOTOROLA SOLUTIONS, INC. (a DUNS before 2022, two
    # UEIs, a name-only row) and DELOITTE CONSULTING LLP (a DUNS, four UEIs, a name-only row): each one answer.
    for name, members in (("CACI, INC. - FEDERAL", ("uei:N3PBJAVNKF61", "uei:QSRTXLFKV857")),
                          ("MOTOROLA SOLUTIONS, INC.", ("uei:G2LUXP8ND8U6", "uei:HFK9V1G2B513", "duns:001325463")),
                          ("DELOITTE CONSULTING LLP", ("uei:CKV2L9GZKJK3", "uei:GT54N467W2C6", "duns:019121586"))):
        heads = {_org(built.db, m)[0] for m in (*members, f"name:{name}")}
        assert len(heads) == 1, (name, heads)
        r = json.loads(built.run("match", name, "--json").output)
        assert r["match"] is not None and r["match"]["id"] in heads, (name, r.get("decision"))
    # Today's SAIC (spun off in 2013 under the old name) is not the San Diego registration of the company
    # renamed Leidos: a curated negative decision keeps them apart.
    assert _org(built.db, "duns:078883327")[0] != _org(built.db, "duns:148095086")[0]
