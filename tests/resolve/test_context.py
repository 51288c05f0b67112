"""Resolution on names and context, on records of the bundled sample: what a user of `match` and of the
quality benchmark sees."""

from __future__ import annotations

import json

import pytest

from samples import Cli
from whosbehind.resolve import scoring
from whosbehind.resolve.decisions import Judgement
from whosbehind.resolve.names import is_truncation, normalize
from whosbehind.resolve.quality import pairwise, truth_labels
from whosbehind.resolve.train import context_records


def test_one_word_query_finds_the_company(built: Cli) -> None:
    r = json.loads(built.run("match", "Palantir", "--json").output)
    assert r["match"]["id"] == "duns:362130952" and r["match"]["name"].startswith("PALANTIR TECHNOLOGIES")
    assert r["family"]["id"] == "duns:362130952" and r["rule"] == "lone-word-family"
    assert r["status"] == "found" and r["basis"] == "name match"
    # its score is its own best name pair's, not that of PALANTIR USG, the other organization of the family
    own = [c["score"] for c in r["scored"] if c["id"] == r["match"]["id"]]
    assert own and r["score"] == pytest.approx(max(own), abs=1e-4)


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


def _merged(records: list[dict]) -> list[tuple[str, str]]:
    """Record pairs the shipped model and the context rules merge."""
    model = scoring.load_model()
    by_id = {r["unique_id"]: r for r in records}
    return [(a, b) for a, b, p in scoring.scored_pairs(model, records, threshold=0.0001)
            if scoring.decide_records(by_id[a], by_id[b], p, scoring.context_threshold(model)).judgement
            is Judgement.POSITIVE]


@pytest.mark.parametrize("core", ["harris", "federal prison industries", "west publishing"])
def test_one_name_is_one_company_within_a_state_never_across_states(records: list[dict], core: str) -> None:
    # HARRIS CORPORATION in Palm Bay and Melbourne (FL) and in Lynchburg (VA); FEDERAL PRISON INDUSTRIES in
    # five states; WEST PUBLISHING CORPORATION at two addresses in Minnesota.
    same = [r for r in records if normalize(r["name"]).core == core]
    assert all(r["address"] and r["state"] for r in same)
    by_id = {r["unique_id"]: r for r in same}
    merged = _merged(same)
    assert merged and all(by_id[a]["state"] == by_id[b]["state"] for a, b in merged)
    groups = pairwise({r["unique_id"]: r["state"] for r in same}, merged)
    assert groups.recall == 1.0 and groups.precision == 1.0  # one organization per state, exactly


def test_holding_company_is_not_its_operating_company_at_the_same_address(records: list[dict]) -> None:
    booz = [r for r in records if normalize(r["name"]).core.startswith("booz allen hamilton")]
    holding = [r for r in booz if "HOLDING" in r["name"]]
    operating = [r for r in booz if "HOLDING" not in r["name"] and r["address"] in {h["address"] for h in holding}]
    assert holding and operating
    # Kept apart by rule, not by a score that a retrained model could lift over its threshold.
    for h in holding:
        for o in operating:
            verdict = scoring.context_rules(h, o)
            assert verdict is not None and verdict.rule == "legal-form-differs", (h["name"], o["name"])
            assert scoring.decide_records(h, o, 1.0, 0.5).judgement is Judgement.UNSURE


def test_private_persons_are_not_records(records: list[dict], built: Cli) -> None:
    import duckdb

    con = duckdb.connect(str(built.db), read_only=True)
    persons = {n for (n,) in con.execute(
        "SELECT DISTINCT upper(recipient_name) FROM raw_transactions_2018 WHERE _individual").fetchall()}
    con.close()
    assert persons and not persons & {r["name"] for r in records}


def _named(records: list[dict], *names: str) -> list[dict]:
    return [r for r in records if r["name"] in names]


def test_phone_and_fax_numbers_are_ten_digits_and_toll_free_ones_are_set_apart(records: list[dict]) -> None:
    numbers = [p for r in records for p in r["phones"] or ()]
    assert numbers and all(len(p) == 10 and p.isdigit() for p in numbers)
    toll_free = [r for r in records if set(r["phones"] or ()) - set(r["local_phones"] or ())]
    assert toll_free and all(p[:3] in {"800", "833", "844", "855", "866", "877", "888"}
                             for r in toll_free for p in set(r["phones"]) - set(r["local_phones"] or ()))


@pytest.mark.parametrize("pair", [("KCORP SUPPORT SERVICES, INC.", "KCORP TECHNOLOGY SERVICES, INC."),
                                  ("TIME WARNER CABLE ENTERPRISES LLC",
                                   "TIME WARNER CABLE INFORMATION SERVICES (HAWAII), LLC")])
def test_sister_companies_at_one_address_with_one_phone_stay_apart(records: list[dict], pair: tuple) -> None:
    # Two DUNS each in the bundled sample, at one street address and one phone number: the strongest
    # context there is, which is why a name rule, not a score, keeps them apart.
    left, right = _named(records, pair[0]), _named(records, pair[1])
    together = [(a, b) for a in left for b in right if a["address"] == b["address"]
                and set(a["local_phones"] or ()) & set(b["local_phones"] or ())]
    assert together and all(a["truth"] != b["truth"] for a, b in together)
    for a, b in together:
        verdict = scoring.decide_records(a, b, 1.0, 0.5)
        assert verdict.judgement is Judgement.UNSURE and verdict.rule == "sister-names", verdict


def test_the_same_letters_spaced_otherwise_are_one_name_with_context_only(records: list[dict]) -> None:
    # One DUNS (038049532) under both spellings, at one address in Ashburn.
    spaced, joined = _named(records, "M V M, INC."), _named(records, "MVM INCORPORATED")
    assert spaced and joined and spaced[0]["truth"] == joined[0]["truth"]
    verdict = scoring.decide_records(spaced[0], joined[0], 0.0, 0.5)
    assert verdict.judgement is Judgement.POSITIVE and verdict.rule == "same-name-same-state"
    # on names alone, spaced initials are too short to be sure
    assert scoring.decide("M V M, INC.", "MVM INCORPORATED", 1.0).judgement is Judgement.UNSURE
    assert normalize("L-3 COMMUNICATIONS CORPORATION").numbers == normalize("L3 TECHNOLOGIES, INC.").numbers


def test_a_name_cut_off_by_a_short_field_is_the_long_name(records: list[dict]) -> None:
    cut, whole = (_named(records, "INTERNATIONAL BUSINESS MACHINE"),
                  _named(records, "INTERNATIONAL BUSINESS MACHINES CORPORATION"))
    assert cut and whole and cut[0]["state"] == whole[0]["state"] and cut[0]["truth"] == whole[0]["truth"]
    verdict = scoring.decide_records(cut[0], whole[0], 0.0, 0.5)
    assert verdict.judgement is Judgement.POSITIVE, verdict
    # cut between two words, it could be another company's whole name
    assert not is_truncation("SYSTEMS RESEARCH AND", "SYSTEMS RESEARCH AND APPLICATIONS CORPORATION")
    assert is_truncation("SYSTEMS RESEARCH AND APPLICATI", "SYSTEMS RESEARCH AND APPLICATIONS CORPORATION")


def test_a_country_word_and_another_legal_form_need_the_same_street_and_one_number(records: list[dict]) -> None:
    # One DUNS (033095568) as CELLEBRITE INC. and CELLEBRITE USA CORP at one Parsippany address.
    inc = [r for r in _named(records, "CELLEBRITE INC.") if r["local_phones"]]
    corp = [r for r in _named(records, "CELLEBRITE USA CORP") if r["address"] == inc[0]["address"]]
    assert inc and corp and inc[0]["truth"] == corp[0]["truth"]
    verdict = scoring.decide_records(inc[0], corp[0], 0.0, 0.5)
    assert verdict.judgement is Judgement.POSITIVE and verdict.rule == "legal-form-changed", verdict
    unlisted = {**corp[0], "phones": None, "local_phones": None}
    assert scoring.decide_records(inc[0], unlisted, 1.0, 0.5).rule == "legal-form-differs"


def test_a_false_merge_across_held_out_and_training_records_counts() -> None:
    truth = {"a1": "A", "a2": "A", "b1": "B"}
    held_out = {"a1", "a2"}
    right = pairwise(truth, [("a1", "a2")], held_out)
    across = pairwise(truth, [("a1", "a2"), ("a2", "b1")], held_out)
    assert right.precision == 1.0 and right.recall == 1.0
    assert across.predicted_pairs == 3 and across.correct == 1 and across.false_pairs == {("a1", "b1"), ("a2", "b1")}
    # pairs of training records alone are not measured
    assert pairwise(truth, [("a1", "a2")], {"b1"}).predicted_pairs == 0


def test_every_decision_on_two_records_reads_the_same_both_ways(records: list[dict]) -> None:
    # Over every candidate pair of the bundled records: which record comes first never changes the verdict.
    model = scoring.load_model()
    by_id = {r["unique_id"]: r for r in records}
    pairs = scoring.scored_pairs(model, records, threshold=0.0)
    assert len(pairs) > 1000
    for a, b, p in pairs:
        one, other = (scoring.decide_records(by_id[x], by_id[y], p, 0.99) for x, y in ((a, b), (b, a)))
        assert (one.judgement, one.rule) == (other.judgement, other.rule), (by_id[a]["name"], by_id[b]["name"])


def test_phone_numbers_weigh_in_an_explanation_but_are_never_shown(records: list[dict]) -> None:
    pair = [r for r in _named(records, "KCORP SUPPORT SERVICES, INC.", "KCORP TECHNOLOGY SERVICES, INC.")
            if r["local_phones"]][:2]
    (row,) = scoring.predict_within(scoring.load_model(), pair, threshold=0.0)
    (phone,) = [e for e in scoring.explain_pair(scoring.load_model(), row) if e["feature"] == "phone"]
    assert phone["level"] == "a local phone or fax number shared" and phone["match_weight"] > 0
    assert phone["left"] is None and phone["right"] is None
