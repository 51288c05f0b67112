"""The curated claim files: the seed articles' claims load, and bad claims are rejected by `check`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from whosbehind.errors import WhosbehindError
from whosbehind.sources import curated


def test_seed_claims_validate_and_cover_the_named_parties() -> None:
    cur = curated.load()
    assert cur.problems == []
    assert len(cur.claims) >= 40
    for entity in ("palantir", "aws", "amazon", "geo-group", "corecivic", "att", "citizens-financial-group",
                   "whole-foods", "ring", "firstnet", "icm", "hart", "immigrationos", "jpmorgan-chase"):
        assert entity in cur.entities
    # Every claim cites a source with a quote.
    assert all(c.citations and all(x.quote for x in c.citations) for c in cur.claims)


def test_the_seeds_caveats_lower_the_grade() -> None:
    cur = curated.load()
    by_id = {c.id: c for c in cur.claims}
    assert by_id["aws-may-host-immigrationos"].grade == "D"
    assert by_id["aws-may-host-immigrationos"].status == "not_established"
    assert by_id["ice-use-of-rekognition"].grade == "D"
    assert by_id["aws-hosts-icm"].grade == "C"


def _copy_claims(tmp_path: Path) -> Path:
    target = tmp_path / "claims"
    shutil.copytree(curated.DEFAULT_DIR, target)
    return target


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    citations:\n      - source: inequality-skip-amazon\n        quote: Amazon-owned “Project Kuiper” "
         "satellite internet\n", "    citations: []\n", "no citation"),
        ("    subject: project-kuiper\n", "    subject: blue-origin\n", "unknown subject 'blue-origin'"),
        ("    object: flock-safety\n    period: {start: 2025}\n", "    object: flock-safety\n"
         "    period: {start: 2025-13}\n", "not a calendar date"),
        ("    object: flock-safety\n    period: {start: 2025}\n", "    object: flock-safety\n"
         "    period: {start: 2025, end: 2024}\n", "starts (2025) after it ends"),
    ],
)
def test_bad_claims_are_rejected(tmp_path: Path, old: str, new: str, expected: str) -> None:
    folder = _copy_claims(tmp_path)
    path = folder / "brands.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    problems = curated.load(folder).problems
    assert any(expected in p for p in problems), problems


def test_a_duplicated_claim_is_rejected(tmp_path: Path) -> None:
    folder = _copy_claims(tmp_path)
    text = (folder / "brands.yaml").read_text("utf-8")
    block = text[text.index("  - id: firstnet-of-att"):text.index("  - id: citizens-bank-of-cfg")]
    (folder / "more.yaml").write_text("claims:\n" + block.replace("firstnet-of-att", "firstnet-again"), "utf-8")
    problems = curated.load(folder).problems
    assert any("duplicates claim firstnet-of-att" in p for p in problems), problems


def test_check_command_fails_on_a_bad_claim(evidence_cli, tmp_path: Path) -> None:
    folder = _copy_claims(tmp_path)
    path = folder / "hosting.yaml"
    path.write_text(path.read_text("utf-8").replace("    subject: aws\n    object: hart\n",
                                                    "    subject: aws\n    object: nowhere\n", 1), "utf-8")
    result = evidence_cli.run("check", env={"WHOSBEHIND_CLAIMS": str(folder)})
    assert result.exit_code == 1
    assert "unknown object 'nowhere'" in result.output
    assert evidence_cli.run("check").exit_code == 0


def test_claims_without_an_entity_curated_ownership_names_are_refused_in_one_line(evidence_cli, tmp_path: Path
                                                                                 ) -> None:
    """Curated ownership places Amazon Rekognition, a claims' entity, in its family: claims (WHOSBEHIND_CLAIMS)
    that no longer hold that entity are named as a problem by `check`, and a build from them is refused in one
    line, rather than a family link starting from a node that is not there."""
    from whosbehind.store import evidence

    folder = _copy_claims(tmp_path)
    entities = folder / "entities.yaml"
    text = entities.read_text("utf-8")
    block = text[text.index("  - id: rekognition\n"):text.index("  - id: cbp-cloud-systems\n")]
    entities.write_text(text.replace(block, ""), "utf-8")  # the claims about it are then problems of their own
    line = "ownership.yaml organization rekognition: entity 'rekognition' is not an entity of the curated claims"
    result = evidence_cli.run("check", env={"WHOSBEHIND_CLAIMS": str(folder)})
    assert result.exit_code == 1 and line in " ".join(result.output.split()), result.output
    con = duckdb.connect()
    with pytest.raises(WhosbehindError, match="curated claims do not validate .*" + re.escape(line)):
        evidence.load(con, claims_dir=folder, derive=lambda con: None)
    con.close()


def test_a_claim_file_that_is_not_text_or_not_a_file_is_a_problem_named_by_its_file(evidence_cli, tmp_path: Path
                                                                                   ) -> None:
    """A spreadsheet saved as .yaml by mistake, and a folder named like a claim file: each is one problem naming the
    file (they were a UnicodeDecodeError and an IsADirectoryError traceback), and `check` says so in its report."""
    folder = _copy_claims(tmp_path)
    (folder / "exported.yaml").write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5U\xff")
    (folder / "drafts.yaml").mkdir()
    problems = curated.load(folder).problems
    assert "exported.yaml: not UTF-8 text (byte 15: invalid start byte)" in problems, problems
    assert any(p.startswith("drafts.yaml: cannot be read (") for p in problems), problems
    result = evidence_cli.run("check", env={"WHOSBEHIND_CLAIMS": str(folder)})
    assert result.exit_code == 1
    assert "exported.yaml: not UTF-8 text" in result.output and "Traceback" not in result.output
