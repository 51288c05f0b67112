"""`whosbehind changes`: FedRAMP products that appeared at or left ICE between the bundled snapshots, and
awards, modifications, claims and family links between builds."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from fresh_helpers import NEW_AWARD, copy_db, modification_file
from samples import Cli, query
from whosbehind.analysis import changes as changes_mod
from whosbehind.store import changes as record
from whosbehind.store import db, queries
from whosbehind.store.evidence import bundled_dir
from whosbehind.web import formatting, i18n

ICE_FEDRAMP = "22-002-04"


def _authorized_at_ice(snapshot: str) -> set[str]:
    """Products the raw snapshot file lists at ICE, read straight from the bundled JSON (not the database)."""
    from whosbehind.sources import fedramp

    snap = fedramp.read_snapshot(bundled_dir() / "fedramp" / f"data-{snapshot}.json.gz")
    return {a["product_id"] for a in snap.authorizations
            if a["fedramp_agency_id"] == ICE_FEDRAMP and a["relation"] != "in_process"}


def test_ice_fedramp_changes_between_the_two_latest_snapshots(built: Cli) -> None:
    rows = built.json("changes", "--agency", "ICE", "--since", "2025-04-18")
    before, after = _authorized_at_ice("2025-04-17"), _authorized_at_ice("2026-04-28")
    appeared = {r["source_id"] for r in rows if r["change"] == "appeared"}
    disappeared = {r["source_id"] for r in rows if r["change"] == "disappeared"}
    assert appeared == after - before and appeared
    assert disappeared == before - after and disappeared
    for r in rows:
        assert r["kind"] == "cloud_authorization"
        assert r["agency"] == {"id": "agency:7012", "name": "U.S. Immigration and Customs Enforcement"}
        assert r["detected_between"] == ["2025-04-17", "2026-04-28"]
        assert r["amount"] is None and r["organization"]["id"] and r["organization"]["name"]
        assert "FedRAMP Marketplace" in r["evidence"]
    # Palantir's cloud appeared at ICE in 2026 and is named by its organization in the contract records.
    palantir = [r for r in rows if "PALANTIR" in (r["organization"]["name"] or "").upper()]
    assert palantir and all(r["change"] == "appeared" for r in palantir)
    # Each change is listed under the organization every other face gives its provider: the Marketplace's
    # "Palantir Technologies", matched through the curated entity's keys, is Palantir's organization, as for
    # Palantir's other product, whose UEI the records carry.
    canonical = dict(query(built.db, "SELECT p.product_id, n.canonical_id FROM fedramp_products p "
                                     "JOIN node_canonical n ON n.node_id = p.provider_id"))
    assert all(r["organization"]["id"] == canonical[r["source_id"]] for r in rows)
    assert len(palantir) > 1 and {r["organization"]["id"] for r in palantir} == {
        built.json("lookup", "fedramp-csp:PALANTIR TECHNOLOGIES")["id"]}


def test_fedramp_change_without_provider_or_pointer_reads_cleanly(built_db: Path) -> None:
    # A real ICE change from the bundled snapshots, as the Marketplace might publish it without a provider or a
    # pointer: the JSON evidence leaves those out rather than printing "None" or empty brackets.
    con = db.connect(built_db, read_only=True)
    try:
        row = next(iter(queries.rows(con, "changes_fedramp", since=None, agencies=["agency:7012"], orgs=None,
                                     limit=None)))
    finally:
        con.close()
    full = changes_mod._fedramp(row)["evidence"]
    assert f"({row['csp']})" in full and row["pointer"] in full
    bare = changes_mod._fedramp({**row, "csp": None, "pointer": None})["evidence"]
    assert "None" not in bare and "()" not in bare and "  " not in bare
    assert bare.startswith(f"FedRAMP Marketplace data.json: {row['cso'] or row['product_id']} ")
    assert bare.endswith("(grade A)")


def test_changes_since_excludes_older_snapshots_and_dhs_covers_ice(built: Cli) -> None:
    everything = built.json("changes", "--agency", "DHS")
    assert {tuple(r["detected_between"]) for r in everything} == {("2023-10-10", "2025-04-17"),
                                                                 ("2025-04-17", "2026-04-28")}
    assert "agency:7012" in {r["agency"]["id"] for r in everything}
    ice_recent = built.json("changes", "--agency", "ICE", "--since", "2025-04-18")
    assert {(r["source_id"], r["change"]) for r in ice_recent} <= {(r["source_id"], r["change"]) for r in everything}


def test_first_build_is_the_baseline(built: Cli) -> None:
    rows = built.json("changes")
    assert rows and all(r["kind"] == "cloud_authorization" for r in rows)


def test_new_award_and_modification_between_builds(built_db: Path, tmp_path: Path) -> None:
    cli = Cli(copy_db(built_db, tmp_path))
    path, modified_key = modification_file(tmp_path / "new_rows.csv")
    assert cli.run("ingest", str(path)).exit_code == 0
    rows = [r for r in cli.json("changes", "--agency", "CBP") if r["kind"] == "prime_contract"]
    by_key = {r["source_id"]: r for r in rows}
    assert set(by_key) == {NEW_AWARD.upper(), modified_key.upper()}
    new, mod = by_key[NEW_AWARD.upper()], by_key[modified_key.upper()]
    assert new["change"] == "appeared" and new["amount"] == 606988300.0
    assert new["organization"]["name"] == "BCCG A JOINT VENTURE"
    assert mod["change"] == "changed" and mod["amount"] - mod["previous_amount"] == 1000.0
    assert mod["agency"]["id"] == "agency:7014" and len(mod["detected_between"]) == 2
    bccg = [r for r in cli.json("changes") if r["organization"]["name"] == "BCCG A JOINT VENTURE"]
    assert cli.json("changes", "--org", "BCCG A JOINT VENTURE") == bccg
    # a page words the modification from its parts: both amounts as money, both row counts, in its language
    before, after = f"${mod['previous_amount']:,.2f}", f"${mod['amount']:,.2f}"
    rows = f"{mod['parts']['previous_source_rows']:,} → {mod['parts']['source_rows']:,}"
    assert mod["parts"]["source_rows"] == mod["parts"]["previous_source_rows"] + 1
    with i18n.use("en"):
        english = formatting.change_evidence(mod)
    with i18n.use("es"):
        spanish = formatting.change_evidence(mod)
    assert english.startswith(f"obligated {before} → {after} ({rows} transaction row")
    last = mod["parts"]["last_date"]  # the award's latest row: the modification's 2025-10-01 or a later one
    assert last >= "2025-10-01" and f"last action {last}" in english and english.endswith("(USAspending, grade A)")
    assert spanish.startswith(f"importe comprometido: {before} → {after} ({rows} fila")
    assert f"última operación {last}" in spanish and "obligated" not in spanish


def test_claims_and_family_links_between_builds(built_db: Path, tmp_path: Path) -> None:
    path = copy_db(built_db, tmp_path)
    con = db.connect(path)
    claim, gone = [r[0] for r in con.execute("SELECT id FROM raw_curated_claims ORDER BY id LIMIT 2").fetchall()]
    child, parent = con.execute("SELECT child_id, parent_id FROM current_parents ORDER BY child_id LIMIT 1").fetchone()
    con.execute("UPDATE raw_curated_claims SET summary = summary || ' <script>x()</script>' WHERE id = ?", [claim])
    con.execute("DELETE FROM raw_curated_claims WHERE id = ?", [gone])
    con.execute("DELETE FROM current_parents WHERE child_id = ?", [child])
    assert record.record_build(con, "run-test", "test") == 3
    found = changes_mod.list_changes(con)
    con.close()
    logged = {(r["change"], r["kind"] == "parent", r["source_id"]) for r in found if r["kind"] != "cloud_authorization"}
    assert ("changed", False, claim) in logged and ("disappeared", False, gone) in logged
    assert ("disappeared", True, parent) in logged and len(logged) == 3
    link = next(r for r in found if r["kind"] == "parent")
    assert link["organization"]["id"] == child and parent in link["evidence"]
    # a Spanish page words each from its parts; the claim's summary is the source's own English, marked so
    corrected = next(r for r in found if r["source_id"] == claim)
    with i18n.use("es"):
        worded_link, worded_claim = formatting.change_evidence(link), formatting.change_evidence(corrected)
    assert worded_link.startswith("empresa matriz ") and f"({parent})" in worded_link and "grado " in worded_link
    assert worded_claim.startswith(f"afirmación documentada {claim} (grado ")
    # the summary is escaped: a page shows the words, never runs them
    assert worded_claim.endswith(' &lt;script&gt;x()&lt;/script&gt;</span>') and '<span lang="en">' in worded_claim
    assert "<script>" not in worded_claim
    # a link whose parent has no name on file names it by its id alone
    with i18n.use("en"):
        unnamed = formatting.change_evidence({**link, "parts": {**link["parts"], "parent_name": None}})
    assert unnamed.startswith(f"parent company ({parent}), ") and "  " not in unnamed
    # a change logged before its parts were kept shows its stored English words, marked as English
    with i18n.use("es"):
        older = formatting.change_evidence({**link, "parts": None})
    with i18n.use("en"):
        older_en = formatting.change_evidence({**link, "parts": None})
    assert older == f'<span lang="en">{older_en}</span>' and parent in older_en


def test_every_build_is_recorded(built_db: Path) -> None:
    con = duckdb.connect(str(built_db), read_only=True)
    builds = con.execute("SELECT command, previous_build_id, changes, awards FROM builds").fetchall()
    con.close()
    assert len(builds) == 1 and builds[0][0] == "build" and builds[0][1] is None and builds[0][3] > 10000


def test_bad_since_and_unknown_org_are_one_line(built: Cli) -> None:
    bad = built.run("changes", "--since", "last week")
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output
    nobody = built.run("changes", "--org", "ZZZQQQ NO SUCH COMPANY XYZ")
    assert nobody.exit_code == 1 and "no organization matches" in nobody.output


def test_json_shape(built: Cli) -> None:
    row = built.json("changes", "--agency", "ICE")[0]
    assert {"change", "kind", "organization", "agency", "source_id", "amount", "detected_between",
            "evidence"} <= set(row)
    json.dumps(row)


def test_an_organizations_answer_carries_what_changed_for_its_family(built: Cli) -> None:
    """The page, the API and `lookup --json` show the newest changes of the family from the stored answer: the
    same changes `whosbehind changes --org` lists, newest first, with the same count."""
    con = db.connect(built.db, read_only=True)
    try:
        orgs = [r[0] for r in con.execute(
            "SELECT DISTINCT f.org_id FROM fedramp_agency_changes f JOIN organizations o ON o.id = f.org_id "
            "WHERE o.canonical_id = o.id ORDER BY 1 LIMIT 5").fetchall()]
    finally:
        con.close()
    assert orgs
    for org_id in orgs:
        listed = built.json("changes", "--org", org_id)
        answer = built.json("lookup", org_id)
        assert answer["id"] == org_id and answer["changes"]["total"] == len(listed) > 0
        key = [(c["source_id"], c["change"], c["agency"]["id"], tuple(c["detected_between"])) for c in listed]
        shown = [(c["source_id"], c["change"], c["agency"]["id"], tuple(c["detected_between"]))
                 for c in answer["changes"]["recent"]]
        assert sorted(shown) == sorted(key[:20]) if len(key) <= 20 else set(shown) <= set(key)
