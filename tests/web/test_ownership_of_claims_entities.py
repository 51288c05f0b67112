"""Brands and systems that no record names, but that the curated claims speak of (Ring, Amazon Rekognition, Palantir's
ICM): curated ownership places them in a family through a cited link, on every face. Where it does not (curated
ownership under review without that entry), a brand is its owner's through the published claim that makes it a brand,
and a system stands alone.

The second case is the bundled sample built with a copy of the packaged curated files (WHOSBEHIND_CURATED) in which
ownership.yaml no longer names the claims' entities of Ring and Amazon Rekognition."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from importlib import resources

import pytest
from fastapi.testclient import TestClient

from samples import Cli, query
from whosbehind.resolve import families, pipeline
from whosbehind.resolve.names import normalize
from whosbehind.sources import curated
from whosbehind.web.app import create_app

AMAZON = "duns:884745530"


def test_every_claims_entity_curated_ownership_names_is_an_entity_of_the_packaged_claims() -> None:
    entities = curated.load().entities
    named = {o.key: o.entity for o in families.ownership().organizations.values() if o.entity}
    assert len(named) >= 7
    assert families.entity_problems(entities) == []
    assert families.entity_problems(set(entities) - {"ring"}) == [
        "ownership.yaml organization ring: entity 'ring' is not an entity of the curated claims"]


OWNERSHIP = """
organizations:
  - {key: owner, name: OWNER HOLDINGS INC.}
  - {key: brand, name: BRAND LLC, entity: brand}
  - {key: alone, name: ALONE LLC, entity: alone}
links:
  - {child: brand, parent: owner, kind: brand, grade: A, citations: [{publisher: P, title: T}], checked: true}
  - {child: alone, parent: brand, kind: brand, grade: C, citations: [{publisher: Q, title: U}]}
"""


def test_a_claims_entity_is_linked_whether_or_not_a_record_names_its_organization() -> None:
    """A claims' entity curated ownership places gets its link from its own node, never merged with a record: when
    no record names its organization, and when one does (the record is linked too). Its link reaches a family only
    through one the records hold: a database of other records gets no curated organizations."""
    own = families.read_ownership(OWNERSHIP)
    records = [{"org_id": "duns:000000001", "exact": normalize("OWNER HOLDINGS INC.").exact}]

    def children(records: list[dict[str, str]]) -> list[tuple[str, str]]:
        ids = pipeline.curated_ownership_ids(own, records)
        links, _ = pipeline.curated_ownership_rows(own, ids, lambda org_id: org_id)
        return sorted((row[0], row[2]) for row in links)

    # ALONE's parent BRAND is a claims' entity, not a record: so, through BRAND, it joins OWNER's family
    assert children(records) == [("curated:alone", "curated:brand"), ("curated:brand", "duns:000000001")]
    named = [*records, {"org_id": "uei:BRANDUEI0001", "exact": normalize("BRAND LLC").exact}]
    assert children(named) == [("curated:alone", "uei:BRANDUEI0001"), ("curated:brand", "duns:000000001"),
                               ("uei:BRANDUEI0001", "duns:000000001")]
    assert children([{"org_id": "duns:000000002", "exact": normalize("SOMEONE ELSE INC").exact}]) == []
    with pytest.raises(ValueError, match="entity 'brand' is another organization's already"):
        families.read_ownership(OWNERSHIP.replace("entity: alone", "entity: brand"))


def test_a_system_no_record_names_is_of_the_family_its_ownership_link_cites(client: TestClient, built: Cli) -> None:
    """Amazon Rekognition is a service of Amazon Web Services (Amazon's 10-K for 2024, not checked: grade C). Its page
    said "No parent company or subsidiary in these records"; it now names that link, and what ties it to the agencies
    is its parent's, said as such. The claim that ICE uses it is still not established."""
    org = client.get("/api/organizations/curated:rekognition").json()
    assert org["family"]["id"] == AMAZON
    link = next(m["link"] for m in org["family"]["members"] if m["id"] == "curated:rekognition")
    assert link["parent_id"] == "name:AMAZON WEB SERVICES, INC." and link["source"] == "curated"
    assert link["grade"] == "C" and "Form 10-K for 2024" in link["citation"] and "not checked" in link["citation"]
    assert org["strongest"] and all(not s["own"] and s["relation"] == "parent's" for s in org["strongest"])
    assert {s["tie_of"] for s in org["strongest"]} <= {"name:AMAZON WEB SERVICES, INC.", AMAZON}
    for lang, parent_words in (("en", "subsidiary or brand of"), ("es", "filial o marca de")):
        page = client.get("/org/curated:rekognition", params={"lang": lang}).text
        family = " ".join(re.sub(r"<[^>]+>", " ", page.split('<section id="family">')[1].split("</section>")[0])
                          .split())
        assert "No parent company" not in family and "Ninguna matriz" not in family
        assert f"Amazon Rekognition — {parent_words} AMAZON WEB SERVICES, INC." in html.unescape(family), family
    ties = page.split('id="ties-system_use"')[1]
    assert "Not established" in ties or "No demostrado" in ties
    printed = " ".join(built.run("lookup", "Amazon Rekognition", env={"COLUMNS": "200"}).output.split())
    assert "family: AMAZON.COM INC. (duns:884745530)" in printed
    assert "Amazon Rekognition (curated:rekognition) -> AMAZON WEB SERVICES, INC. (curated, grade C)" in printed
    matched = built.json("match", "Amazon Rekognition")
    assert matched["id"] == "curated:rekognition" and matched["family"]["id"] == AMAZON


@pytest.fixture(scope="module")
def without_entities(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Cli, TestClient]]:
    """The bundled sample, built with curated ownership that no longer names the claims' entities of Ring and Amazon
    Rekognition (its organizations RING LLC and AMAZON REKOGNITION stay, as for a company no record names)."""
    folder, databases = tmp_path_factory.mktemp("curated-under-review"), tmp_path_factory.mktemp("built")
    packaged = resources.files("whosbehind") / "curated"
    for name in ("ownership.yaml", "brands.yaml", "decisions.csv"):
        shutil.copyfile(str(packaged / name), folder / name)
    ownership = folder / "ownership.yaml"
    text = ownership.read_text("utf-8")
    for line in ("    entity: ring\n", "entity: rekognition, "):
        assert text.count(line) == 1, line
        text = text.replace(line, "")
    ownership.write_text(text, "utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WHOSBEHIND_CURATED", str(folder))
        cli = Cli(databases / "whosbehind.duckdb")  # not in the curated folder, every file of which is read
        result = cli.run("build")
        assert result.exit_code == 0, result.output
        app = create_app(cli.db)
        with TestClient(app) as client:
            yield cli, client
        app.state.db.close()


def test_a_brand_only_a_published_claim_places_is_its_owners_through_that_claim(
        without_entities: tuple[Cli, TestClient]) -> None:
    """Without its ownership link, Ring is still Amazon's: the published claim that it is an Amazon brand (grade C) is
    its family link, on the API, the page and `lookup`, cited by the article that makes the claim."""
    cli, client = without_entities
    org = client.get("/api/organizations/curated:ring").json()
    assert org["family"]["id"] == AMAZON
    link = next(m["link"] for m in org["family"]["members"] if m["id"] == "curated:ring")
    assert link["source"] == "claim" and link["grade"] == "C" and link["parent_id"] == AMAZON
    assert "Inequality.org" in link["citation"]
    page = re.sub(r"\s+", " ", client.get(f"/org/{AMAZON}", params={"lang": "en"}).text)
    listed = page.split('class="members"', 1)[1].split("</ul>", 1)[0]
    ring = next(i for i in listed.split("<li>") if "/org/curated:ring" in i)
    assert "published claim" in ring and "Inequality.org" in html.unescape(ring), ring
    out = cli.run("lookup", "Amazon", env={"COLUMNS": "200"}).output
    assert re.search(r"Ring \(Amazon Ring\) \(curated:ring\) -> AMAZON\.COM INC\. \(claim, grade C\)", out), out


def test_a_page_whose_only_ties_to_the_agencies_are_unverified_claims_says_so(
        without_entities: tuple[Cli, TestClient]) -> None:
    """Without its ownership link, Amazon Rekognition holds one tie to an agency: the claim that ICE uses it, of grade
    D (not established), which is no tie. Its page, its one-pager and `lookup` say what reaches the agencies is
    unverified claims alone; they do not say its other ties reach none of them."""
    cli, client = without_entities
    org = client.get("/api/organizations/curated:rekognition").json()
    assert org["family"] is None or org["family"]["id"] == "curated:rekognition"
    assert org["strongest"] == [] and org["why"]["by_agency"]
    for path in ("/org/curated:rekognition", "/org/curated:rekognition/onepager"):
        text = re.sub(r"<[^>]+>|\s+", " ", client.get(path, params={"lang": "en"}).text)
        assert "what reaches them are unverified claims alone (grade D), on which no tie rests" in text, path
        assert "reach none of these agencies" not in text, path
    printed = " ".join(cli.run("lookup", "curated:rekognition").output.split())
    assert "what reaches them are unverified claims alone (grade D)" in printed
    assert "reach none" not in printed


def test_a_node_whose_every_path_is_grade_d_is_not_said_tied_on_any_face(
        without_entities: tuple[Cli, TestClient]) -> None:
    """Grade D (a claim its own source does not establish) is never shown on its own: for a node whose every path to
    an agency is grade D, no page headline, one-pager or screening row states a tie, though "why" lists the claim."""
    cli, client = without_entities
    nodes = [r[0] for r in query(
        cli.db, "SELECT id FROM (SELECT source_id AS id FROM ties WHERE grade = 'D' "
        "UNION SELECT target_id FROM ties WHERE grade = 'D') WHERE id NOT LIKE 'agency:%' ORDER BY 1")]
    only_d = [node for node in nodes if (paths := cli.json("why", node)["paths"])
              and all(p["grade"] == "D" for p in paths)]
    assert "curated:rekognition" in only_d
    rows = client.post("/api/check", json=only_d).json()["items"]
    for node, row in zip(only_d, rows, strict=True):
        assert row["tied"] == "no" and row["strongest_grade"] == "", node
        page = client.get(f"/org/{node}", params={"lang": "en"}).text
        assert "No tie to ICE, CBP or DHS" in page and "Not established" in page, node
        assert "Tied to" not in client.get(f"/org/{node}/onepager", params={"lang": "en"}).text, node
