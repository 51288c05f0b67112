"""Name rules and the decision log, without a database: the hard cases in cases.csv, reversibility, families."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from whosbehind.resolve import families
from whosbehind.resolve.decisions import Decision, Judgement, build_clusters, canonical_id, read_curated
from whosbehind.resolve.names import normalize
from whosbehind.resolve.pipeline import context_decisions, model_decisions
from whosbehind.resolve.places import local_phones, phone_numbers
from whosbehind.resolve.scoring import context_rules, decide, decide_records, load_model, record
from whosbehind.sources import persons

HERE = Path(__file__).parent
REPO = HERE.parents[1]
# The public samples the packaged reference files were cut from, beside the repository (CI has them).
SHARED = REPO.parent / "shared" / "data"
GLEIF = HERE / "gleif"
CASES = list(csv.DictReader((HERE / "cases.csv").open(encoding="utf-8")))


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_hard_case(case: dict[str, str]) -> None:
    # Even the strongest possible model score must not merge a pair the rules call different.
    verdict = decide(case["name_a"], case["name_b"], probability=1.0)
    if case["expected"] == "same":
        assert verdict.judgement is Judgement.POSITIVE, verdict
    else:
        assert verdict.judgement is not Judgement.POSITIVE, verdict


def test_cases_cover_every_hard_kind() -> None:
    kinds = {c["kind"] for c in CASES}
    assert {"legal-form-punctuation", "the-x-vs-x-the", "joint-venture", "leading-word", "initials", "short-generic",
            "renamed", "split-spun-off", "subsidiary-unlike-name"} <= kinds


def test_normalized_keys() -> None:
    assert normalize("GEO GROUP, INC., THE").exact == normalize("The GEO Group Inc").exact == "geo group inc"
    assert normalize("BOOZ ALLEN HAMILTON INCORPORATED (3626)").exact == "booz allen hamilton inc"
    assert normalize("AMAZON.COM LLC").core == normalize("AMAZON.COM INC.").core
    assert normalize("GLOBAL SERVICES LLC").is_generic and not normalize("PALANTIR USG INC").is_generic
    # a number is read with a one-letter word before it: L-3 is L3, A1 is not B1
    assert normalize("L-3 COMMUNICATIONS").numbers == normalize("L3 TECHNOLOGIES").numbers == {"l3"}
    assert normalize("A1 SERVICES").numbers != normalize("B1 SERVICES").numbers


def test_phone_placeholders_and_toll_free_numbers() -> None:
    assert phone_numbers(["7035550100", "9999999999", "2020000000"]) is None  # fiction, one digit repeated
    assert local_phones(["8005551234", "8008273168", "7038480400"]) == ["7038480400"]


@pytest.mark.parametrize("names", [("ACME USA CORP", "ACME INC"), ("ABCDE LLC", "A B C D E")])
def test_context_rules_read_the_same_both_ways(names: tuple[str, str]) -> None:
    # Name shapes whose two sides differ in being generic ("A B C D E" is initials, "ABCDE" a word).
    at = {"address": "1 MAIN ST", "zip5": "22203", "city": "ARLINGTON", "state": "VA", "phones": ["7032001234"]}
    a, b = record("1", "", names[0], **at), record("2", "", names[1], **at)
    one, other = context_rules(a, b), context_rules(b, a)
    assert (one and (one.judgement, one.rule)) == (other and (other.judgement, other.rule))


def test_a_misspelling_is_not_a_word_of_its_own() -> None:
    # Sister names go on with words of their own; a misspelled word is not one.
    at = {"address": "800 N GLEBE RD", "zip5": "22203", "city": "ARLINGTON", "state": "VA"}
    a = record("1", "", "ACCENTURE FEDERAL SERVICES LLC", **at)
    b = record("2", "", "ACCENTURE FEDRAL SERVICES GROUP LLC", **at)
    c = record("3", "", "ACCENTURE INSIGHT SERVICES LLC", **at)
    assert context_rules(a, b) is None  # left to the score
    assert context_rules(a, c).rule == "sister-names"


def _d(a: str, b: str, j: str, by: str = "model:same-name", score: float | None = 0.99) -> Decision:
    return Decision(a, b, Judgement(j), by, "2026-11-23", "test", score)


def test_newer_decision_reverses_older_and_curated_wins() -> None:
    log = [_d("name:A", "uei:X", "positive"), _d("name:A", "uei:X", "negative", by="reviewer", score=None)]
    clusters, _ = build_clusters(log)
    assert clusters.find("name:A") != clusters.find("uei:X")
    # a model decision appended later cannot undo a person's decision
    clusters, _ = build_clusters([*log, _d("name:A", "uei:X", "positive")])
    assert clusters.find("name:A") != clusters.find("uei:X")
    # the person can reverse themself
    clusters, _ = build_clusters([*log, _d("name:A", "uei:X", "positive", by="reviewer", score=None)])
    assert clusters.find("name:A") == clusters.find("uei:X")


def test_negative_blocks_transitive_merge_and_model_never_joins_two_identifiers() -> None:
    log = [_d("uei:X", "name:A", "positive"), _d("name:A", "name:B", "positive"),
           _d("name:B", "uei:Y", "positive", score=0.999)]
    clusters, applied = build_clusters(log)
    assert clusters.find("uei:X") != clusters.find("uei:Y")
    assert any(not a.applied and "identifiers" in a.note for a in applied)
    clusters, _ = build_clusters([*log[:2], _d("uei:X", "name:B", "negative", by="reviewer", score=None)])
    assert clusters.find("uei:X") != clusters.find("name:B")
    assert canonical_id({"name:A", "duns:1", "uei:Z"}) == "uei:Z"


def test_only_a_context_rule_joins_two_identifiers_and_a_person_can_still_forbid_it() -> None:
    by_name = _d("duns:040540304", "uei:DMHDNDCPWUD1", "positive")
    on_context = _d("duns:040540304", "uei:DMHDNDCPWUD1", "positive", by="model:same-name-same-state",
                    score=0.9)
    clusters, _ = build_clusters([by_name])
    assert clusters.find("duns:040540304") != clusters.find("uei:DMHDNDCPWUD1")
    clusters, _ = build_clusters([on_context])
    assert clusters.find("duns:040540304") == clusters.find("uei:DMHDNDCPWUD1")
    forbidden = _d("duns:040540304", "uei:DMHDNDCPWUD1", "negative", by="reviewer", score=None)
    clusters, _ = build_clusters([on_context, forbidden])
    assert clusters.find("duns:040540304") != clusters.find("uei:DMHDNDCPWUD1")


def test_an_ambiguous_name_names_the_other_organizations_by_their_ids() -> None:
    # THE MITRE CORPORATION: two registrations joined by a person, a third elsewhere; the name-only
    # record matches one of the joined pair and the third, so it is ambiguous between two organizations.
    joined = Decision("duns:040540304", "uei:DMHDNDCPWUD1", Judgement.POSITIVE, "reviewer", "2026-11-23", "test")
    name = "THE MITRE CORPORATION"
    pairs = [{"org_id_l": "name:THE MITRE CORPORATION", "org_id_r": other, "name_l": name, "name_r": name,
              "match_probability": 0.72} for other in ("duns:040540304", "uei:GAVABYGCURL7")]
    out = {d.pair: d for d in model_decisions(pairs, [joined])}
    assert {d.judgement for d in out.values()} == {Judgement.UNSURE}
    to_joined = out[("duns:040540304", "name:THE MITRE CORPORATION")]
    to_third = out[("name:THE MITRE CORPORATION", "uei:GAVABYGCURL7")]
    assert to_joined.reason.endswith("also matches uei:GAVABYGCURL7")
    assert to_third.reason.endswith("also matches uei:DMHDNDCPWUD1")  # the joined pair, by its own id


def _placed(uid: str, org: str, name: str, address: str | None = "621 LYNNHAVEN PKWY") -> dict:
    return record(uid, org, name, address=address, city="VIRGINIA BEACH" if address else None, state="VA",
                  zip5="23452" if address else None)


def test_context_joins_one_name_in_one_state_but_one_legal_form_clash_vetoes_the_pair() -> None:
    # Name and address of ATLANTIC DIVING SUPPLY records in the bundled sample (a DUNS before 2022, a UEI
    # after); the form-less and LLC names are variants. One pair of records with clashing legal forms (here
    # at the same address: a changed form) keeps the two identifiers apart, whatever their other records say.
    model = load_model()
    inc_and_bare = [_placed("1", "duns:A", "ATLANTIC DIVING SUPPLY, INC."),
                    _placed("2", "duns:B", "ATLANTIC DIVING SUPPLY")]
    joined = context_decisions(inc_and_bare, model)
    assert [(d.pair, d.decided_by) for d in joined] == [(("duns:A", "duns:B"), "model:same-name-same-state")]
    clash = [*inc_and_bare, _placed("3", "duns:B", "ATLANTIC DIVING SUPPLY, LLC")]
    assert context_decisions(clash, model) == []
    # a record without an address is never compared here, so a names-only rule cannot join identifiers
    no_address = [_placed("1", "duns:A", "ATLANTIC DIVING SUPPLY, INC."),
                  _placed("2", "duns:B", "ATLANTIC DIVING SUPPLY, INC.", address=None)]
    assert context_decisions(no_address, model) == []


def test_curated_log_is_valid() -> None:
    decisions = read_curated(families.curated_text("decisions.csv"))
    assert decisions and all(d.curated and d.reason for d in decisions)
    own = families.ownership()
    for link in own.links:
        assert link.citation and link.grade in "ABC" and link.kind in families.LINK_KINDS
    assert {b.brand for b in families.brands()} >= {"Whole Foods", "AWS"}


def test_curated_log_rejects_unsigned_lines() -> None:
    with pytest.raises(ValueError, match="decided_by"):
        read_curated("left_id,right_id,judgement,decided_by,decided_at,reason\nuei:A,uei:B,positive,,2026-01-01,x\n")


def test_gleif_level2_parsed_from_real_api_json() -> None:
    doc = json.loads((GLEIF / "direct-parent-relationship_549300YX4S1LLSMK2627.json").read_text("utf-8"))
    (rel,) = list(families.parse_gleif_relationships(doc))
    assert (rel.child_lei, rel.parent_lei, rel.kind) == ("549300YX4S1LLSMK2627", "HWUPKR0MPOU8FGXBT394", "direct")
    assert rel.start_date == "2018-04-10" and rel.end_date == "" and rel.publish_date == "2025-05-15"
    entities, rels = families.parse_gleif_dir(GLEIF)
    names = {e.lei: e for e in entities}
    assert names["HWUPKR0MPOU8FGXBT394"].legal_name == "Apple Inc."
    assert "Apple Computer, Inc." in names["HWUPKR0MPOU8FGXBT394"].other_names
    assert {r.record_id for r in rels} <= {r["record_id"] for r in families.gleif_relationships()}


@pytest.mark.skipif(not SHARED.exists(), reason="the public samples beside the repository (../shared) are absent")
def test_packaged_gleif_reference_is_the_whole_public_sample() -> None:
    _, rels = families.parse_gleif_dir(SHARED / "gleif-api-samples")
    assert {r["record_id"] for r in families.gleif_relationships()} == {r.record_id for r in rels}


@pytest.mark.skipif(not SHARED.exists(), reason="the public samples beside the repository (../shared) are absent")
def test_hoovers_list_parsed() -> None:
    text = (SHARED / "torn-apart-ice-fy13-18/hoovers_names_and_duns.csv").read_text("utf-8")
    rows = families.parse_hoovers(text)
    assert len(rows) == 1191
    assert ("Amazon.com, Inc.", "884745530") in rows and ("The Boeing Company", "009256819") in rows
    packaged = families.hoovers_parents()
    # the public list names private persons, found by hand (DUNS 801957981, whose name is not written here) and
    # by the rules that keep them out of every table; none of them is shipped or stored
    by_duns = {duns: name for name, duns in rows}
    people = {name for name, _ in rows if persons.reads_as_person(name)}
    assert by_duns["801957981"] in people and len(people) > 10
    assert not people & {p["name"] for p in packaged} and "801957981" not in {p["duns"] for p in packaged}
    assert 1000 < len(packaged) < 1191


def test_a_legal_form_change_merges_only_at_the_same_street_address() -> None:
    # REMINGTON ARMS COMPANY, INC. and REMINGTON ARMS COMPANY, LLC at 870 Remington Dr, Madison NC: one DUNS
    # in the bundled sample (the company converted). The same pair of names at another address stays apart.
    def at(uid: str, name: str, street: str, zip5: str) -> dict:
        return record(uid, "", name, address=street, city="MADISON", state="NC", zip5=zip5)

    inc = at("1", "REMINGTON ARMS COMPANY, INC.", "870 REMINGTON DR", "27025")
    llc = at("2", "REMINGTON ARMS COMPANY, LLC", "870 REMINGTON DR", "27025")
    elsewhere = at("3", "REMINGTON ARMS COMPANY, LLC", "14 HOEFLER AVE", "27025")
    assert context_rules(inc, llc).rule == "legal-form-changed"
    assert context_rules(inc, elsewhere).rule == "legal-form-differs"
    assert decide_records(inc, elsewhere, 1.0, 0.5).judgement is Judgement.UNSURE


def test_the_decision_log_does_not_depend_on_the_order_splink_lists_equal_pairs_in() -> None:
    # Two names of one record pair scored alike (Splink lists pairs in no fixed order): whichever comes first,
    # the log keeps the same decision, so two builds of the same rows write the same `whosbehind match` log.
    pairs = [{"org_id_l": "name:ATLANTIC DIVING SUPPLY", "org_id_r": "uei:GAVABYGCURL7", "name_l": left,
              "name_r": "ATLANTIC DIVING SUPPLY, INC.", "match_probability": 0.99}
             for left in ("ATLANTIC DIVING SUPPLY", "ATLANTIC DIVING SUPPLY INC")]
    first, second = model_decisions(pairs), model_decisions(pairs[::-1])
    assert len(first) == 1
    assert [(d.pair, d.judgement, d.reason) for d in first] == [(d.pair, d.judgement, d.reason) for d in second]
