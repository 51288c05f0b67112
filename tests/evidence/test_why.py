"""`whosbehind why`: paths from organizations and brands to ICE, CBP and DHS, graded by their weakest step."""

from __future__ import annotations


def _chain(path: dict) -> list[str]:
    return [s["kind"] for s in path["steps"] if s["kind"] != "same_as"]


def test_json_shape(evidence_cli) -> None:
    found = evidence_cli.json("why", "Palantir Technologies Inc.")
    assert found["paths"]
    for path in found["paths"]:
        assert {"agency", "grade", "steps"} <= path.keys()
        for step in path["steps"]:
            assert {"from", "to", "kind", "grade", "source"} <= step.keys()
        graded = [s["grade"] for s in path["steps"] if s["grade"]]
        assert path["grade"] == max(graded, key="ABCDE".index)  # the weakest step


def test_palantir_is_tied_to_ice_by_contract_and_cloud_authorization(evidence_cli) -> None:
    paths = evidence_cli.json("why", "Palantir Technologies Inc.")["paths"]
    ice = [p for p in paths if p["agency"] == "agency:7012"]
    assert any(_chain(p) == ["prime_contract"] and p["grade"] == "A" and p["own"] for p in ice)
    # FedRAMP: Palantir Federal Cloud Service - High lists ICE (2026-04 snapshot).
    cloud = [p for p in ice if _chain(p) == ["offers", "cloud_authorization"]]
    assert any("FR2434554673" in p["steps"][-1]["from"] for p in cloud)
    assert all(p["grade"] == "A" for p in cloud)


def test_aws_reaches_ice_through_the_icm_system(evidence_cli) -> None:
    paths = evidence_cli.json("why", "AWS")["paths"]
    hosting = [p for p in paths if _chain(p) == ["hosting", "system_use"] and p["agency"] == "agency:7012"]
    assert any(p["steps"][0]["to"] == "curated:icm" and p["grade"] == "C" for p in hosting)
    not_established = [p for p in paths if any(s["to"] == "curated:immigrationos" for s in p["steps"])
                       and _chain(p)[0] == "hosting"]
    assert not_established and all(p["grade"] == "D" and p["disputed"] for p in not_established)


def test_a_brand_reaches_its_owners_ties_as_the_owners(evidence_cli) -> None:
    found = evidence_cli.json("why", "Whole Foods")
    paths = found["paths"]
    assert paths and found["family"]["id"] == "duns:884745530"  # Amazon's
    assert all(not p["own"] and p["inferred_tie_grade"] == "E" for p in paths)
    assert all(f"not {found['matched'][0]['name']}'s own" in p["text"] for p in paths)
    # never from Amazon down to a sibling (AWS) as if it were Whole Foods' path: up, then ties only
    assert all("parent_down" not in _chain(p) and "brand_down" not in _chain(p) for p in paths)
    assert all("control" not in p["text"].lower() for p in paths)


def test_a_subsidiary_shows_its_parents_ties_as_the_parents(evidence_cli) -> None:
    paths = evidence_cli.json("why", "AMAZON.COM LLC")["paths"]
    own = [p for p in paths if p["own"]]
    parents = [p for p in paths if p["relation"] == "parent's"]
    assert own and all(_chain(p) == ["prime_contract"] for p in own)
    assert parents and all(p["tie_of"] != "duns:128990368" for p in parents)


def test_a_bank_reaches_ice_only_through_the_operator_it_finances(evidence_cli) -> None:
    paths = evidence_cli.json("why", "Citizens Bank")["paths"]
    assert paths
    assert all("financing" in _chain(p) for p in paths)
    assert all(p["tie_of"] in ("curated:citizens-financial-group",) or not p["own"] for p in paths)


def test_facility_operators_reach_ice_through_the_facility_list(evidence_cli) -> None:
    paths = evidence_cli.json("why", "The GEO Group, Inc.")["paths"]
    facility = [p for p in paths if _chain(p) == ["facility_operation", "detention_facility"]]
    assert any(p["steps"][-1]["from"] == "facility:ADLNTCA" for p in facility)
    assert all(p["grade"] == "B" for p in facility)


def test_a_partners_partner_is_never_walked(evidence_cli) -> None:
    # Flock has a reported partnership with Ring; Ring's own partnerships are Ring's, not Flock's ties.
    for name in ("Flock Safety", "Ring"):
        for p in evidence_cli.json("why", name)["paths"]:
            assert _chain(p).count("partnership") <= 1


def test_one_path_per_chain_of_evidence_and_capped_length(evidence_cli) -> None:
    from whosbehind.analysis.why import MAX_STEPS

    for name in ("AWS", "Amazon", "Palantir", "Citizens Bank"):
        paths = evidence_cli.json("why", name)["paths"]
        chains = [tuple((s["kind"], s["from"], s["to"]) for s in p["steps"]) for p in paths]
        assert len(chains) == len(set(chains))
        assert all(len(p["steps"]) <= MAX_STEPS + 1 for p in paths)  # + the "part of" step into a focus agency


def test_a_news_source_is_never_called_the_facility_list(evidence_cli) -> None:
    for p in evidence_cli.json("why", "Citizens Bank")["paths"]:
        for s in p["steps"]:
            if s["grade"] == "C":
                assert "facility list" not in s["source"] and "USAspending" not in s["source"]


def test_unknown_name_is_a_readable_error(evidence_cli) -> None:
    result = evidence_cli.run("why", "No Such Company Ltd")
    assert result.exit_code == 1
    assert "no organization" in result.output


def test_a_changed_tie_reaches_back_to_every_organization_whose_paths_walk_it(evidence_cli) -> None:
    """After a scoped ingest, only the answers whose why-paths may step on a changed tie are computed again
    (why.reaching from the ends the walk leaves that tie by). For the ties the deepest paths of a tenth of the
    bundled organizations walk, every organization whose paths walk the tie is among those reached."""
    import duckdb

    from whosbehind.analysis import why
    from whosbehind.store import queries

    con = duckdb.connect(str(evidence_cli.db), read_only=True)
    try:
        why.Graph.forget()
        graph = why.Graph.of(con)
        starts = [r["id"] for r in queries.rows(con, "answer_ids")][::10]
        stored = {step: key for key in graph.ties for step in why.steps_of(*key)}  # a step's stored tie
        walkers: dict[tuple[str, str, str], set[str]] = {}
        depth: dict[tuple[str, str, str], int] = {}
        for start, found in why.paths_from_many(con, starts, evidence=False).items():
            for path in found["paths"]:
                for at, step in enumerate(path["steps"]):
                    key = stored[(step["from"], step["to"], step["kind"])]
                    walkers.setdefault(key, set()).add(start)
                    depth[key] = max(depth.get(key, 0), at)
        deepest = sorted(walkers, key=lambda k: (-depth[k], k))[:40]
        assert deepest and depth[deepest[0]] >= 3  # paths through families and products, not only one step
        for key in deepest:
            assert walkers[key] <= why.reaching(graph, set(why.walked_from(*key))), key
    finally:
        con.close()


def test_a_published_parent_link_is_worded_as_reported(evidence_cli, built_db) -> None:
    # A parent link of grade C (published, e.g. a filing's list of subsidiaries not yet checked) is said as
    # reported, with where; an official one (A, B) as a fact. Taken from the build's own links, both kinds.
    from samples import query

    children = {grade: [r[0] for r in query(
        built_db, "SELECT source_id FROM ties WHERE kind = 'parent' AND grade = ? ORDER BY source_id LIMIT 40", grade)]
        for grade in ("B", "C")}
    for grade, candidates in children.items():
        steps = []
        for child in candidates:  # the first whose paths to an agency go up that link
            steps = [s for p in evidence_cli.json("why", child)["paths"] for s in p["steps"]
                     if s["kind"] == "parent_up" and s["grade"] == grade]
            if steps:
                break
        assert steps, grade
        for s in steps:
            assert ("is a subsidiary of" in s["text"]) and s["text"].startswith("Reported in ") == (grade == "C"), s
        if grade == "C":  # and the child's page, in both languages, words its link the same way
            from fastapi.testclient import TestClient

            from whosbehind.web.app import create_app

            with TestClient(create_app(built_db)) as client:
                english = client.get(f"/org/{child}").text
                spanish = client.get(f"/org/{child}", params={"lang": "es"}).text
            assert "Reported: " in english and "Reported (" in english, child
            assert "Publicado: " in spanish and "Publicado (" in spanish, child


def test_a_path_through_other_products_is_not_called_a_direct_tie(evidence_cli) -> None:
    """New Relic reaches ICE only because products ICE reused are built on or leverage New Relic's: its own tie, but
    the text says it is indirect, with its number of steps; GEO's contracts and the facilities it operates for ICE
    are its own, direct, though a facility's path has two steps."""
    text = evidence_cli.run("why", "New Relic", "--agency", "ICE").stdout
    headers = [line for line in text.splitlines() if " - path grade " in line]
    assert headers and all("(own tie, indirect: 3 steps)" in h for h in headers), headers
    geo = evidence_cli.run("why", "GEO GROUP", "--agency", "ICE").stdout
    assert "path grade A (own tie)" in geo
    # its contracts, and the facilities it operates (two steps: operator, facility), are its own, direct
    assert "operates" in geo.lower() or "facility" in geo.lower()
    assert "indirect" not in geo
