"""Resolution on names and context, on records of the bundled sample: what a user of `match` and of the
quality benchmark sees."""

from __future__ import annotations

import json

import pytest

from samples import Cli
from whosbehind.resolve import scoring
from whosbehind.resolve.decisions import Judgement
from whosbehind.resolve.names import normalize
from whosbehind.resolve.quality import pairwise, truth_labels
from whosbehind.resolve.train import context_records


def test_one_word_query_finds_the_company(built: Cli) -> None:
    r = json.loads(built.run("match", "Palantir", "--json").output)
    assert r["match"]["id"] == "duns:362130952" and r["match"]["name"].startswith("PALANTIR TECHNOLOGIES")
    assert r["family"]["id"] == "duns:362130952" and r["rule"] == "lone-word-family"


def test_one_word_query_never_guesses_on_a_short_word(built: Cli) -> None:
    assert json.loads(built.run("match", "GEO", "--json").output)["match"] is None


def test_a_row_with_uei_and_duns_joins_both_in_the_ground_truth() -> None:
    labels = truth_labels([["duns:1"], ["uei:A", "duns:1"], ["uei:A"], ["duns:2"]])
    assert labels[0] == labels[1] == labels[2] != labels[3]
    with pytest.raises(ValueError):
        truth_labels([[]])


@pytest.fixture(scope="module")
def records(built: Cli) -> list[dict]:
    return context_records(built.db)


@pytest.mark.parametrize("core", ["harris", "booz allen hamilton", "federal prison industries"])
def test_establishments_with_one_name_keep_their_identities(records: list[dict], core: str) -> None:
    # One legal name under several DUNS, one per establishment: the unit keeps them apart in the ground
    # truth, and the shipped model, reading the addresses, merges none of them across DUNS.
    same = [r for r in records if normalize(r["name"]).core == core]
    assert len({r["truth"] for r in same}) >= 2
    assert all(r["address"] and r["zip5"] for r in same)
    model = scoring.load_model()
    by_id = {r["unique_id"]: r for r in same}
    merged = [(a, b) for a, b, p in scoring.scored_pairs(model, same, threshold=0.0001)
              if scoring.decide_records(by_id[a], by_id[b], p, scoring.context_threshold(model)).judgement
              is Judgement.POSITIVE]
    score = pairwise({r["unique_id"]: r["truth"] for r in same}, merged)
    assert score.correct > 0 and score.false_pairs == set()


def test_private_persons_are_not_records(records: list[dict], built: Cli) -> None:
    import duckdb

    con = duckdb.connect(str(built.db), read_only=True)
    persons = {n for (n,) in con.execute(
        "SELECT DISTINCT upper(recipient_name) FROM raw_transactions_2018 WHERE _individual").fetchall()}
    con.close()
    assert persons and not persons & {r["name"] for r in records}
