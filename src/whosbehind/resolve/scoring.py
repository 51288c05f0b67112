"""Scoring pairs of records with Splink (DuckDB backend), and the rules that turn a score into a decision.

A record is a name with the context a row gives it: street address, zip, city, state, industry (NAICS)
and awarding agency; name-only records (the API transaction lists) leave the context empty, and an empty
value weighs nothing either way. The Splink model (Fellegi-Sunter: how much each level of agreement on
name, legal form, address, place, industry and agency weighs) is trained by expectation maximisation on
records of the bundled sample, with u-probabilities from random pairs (``train``), and shipped in
``reference/splink_model.json`` together with the merge threshold chosen on the training records.
Builds only load it and predict, so the same inputs give the same decisions on every build.

A score alone never merges. ``decide`` (names only) adds hard rules that protect against the errors a
name model makes: different legal forms on the same words, generic or very short names, different
numbers, names that share only a leading word. ``decide_records`` is used when both records carry an
address: then the context can separate two establishments with one name, or join a renamed company
at its unchanged address.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
from rapidfuzz.distance import JaroWinkler, Levenshtein

from whosbehind.resolve.decisions import Judgement
from whosbehind.resolve.names import NameKey, is_truncation, normalize
from whosbehind.resolve.places import address_key, clean_code, house_number, local_phones, phone_numbers

MODEL_FILE = "splink_model.json"
# Keys of the shipped model file that are ours, not Splink's; stripped before Splink reads the settings.
THRESHOLD_KEY = "whosbehind_context_threshold"
# A pair is merged automatically only at or above this probability, and only if `decide` agrees.
MERGE_THRESHOLD = 0.999
# Pairs between this and the merge threshold are kept as "unsure" for review, never merged.
REVIEW_THRESHOLD = 0.9
# A word that says where a company operates rather than which company it is: "CELLEBRITE USA CORP".
COUNTRY_WORDS = frozenset({"usa", "us", "america", "americas"})

for _name in ("splink", "splink.internals"):
    logging.getLogger(_name).setLevel(logging.WARNING)


def record(unique_id: str, org_id: str, name: str, *, naics: str | None = None, agency: str | None = None,
           truth: str | None = None, address: str | None = None, city: str | None = None,
           state: str | None = None, zip5: str | None = None, phones: list[str] | None = None) -> dict[str, Any]:
    """One record as Splink sees it: the comparison keys and the blocking keys of its name and context."""
    key = normalize(name)
    words = key.core.split()
    street = address_key(address)
    return {
        "unique_id": unique_id,
        "org_id": org_id,
        "name": key.name,
        "exact": key.exact or None,
        "core": key.core or None,
        "tokens": key.tokens or None,
        "compact": key.compact or None,
        "legal_form": key.legal_form or None,
        "first_token": key.first_token or None,
        "block_a": f"{words[0]} {words[1][:3]}" if len(words) > 1 else (words[0] if words else None),
        "block_b": f"{words[0][:3]} {words[-1]}" if words else None,
        # A one-word name ("Palantir") shares no two-word key with its company's full name: it blocks on
        # its only word against the first word of other names.
        "lone_word": words[0] if len(words) == 1 else None,
        "naics": clean_code(naics),
        "agency": clean_code(agency),
        "address": street,
        "house": house_number(street),
        "zip5": clean_code(zip5),
        "city": clean_code(city),
        "state": clean_code(state),
        "phones": phone_numbers(phones),
        "local_phones": local_phones(phones),
        "truth": truth,
    }


def context_record(unique_id: str, org_id: str, row: dict[str, Any], truth: str | None = None
                   ) -> dict[str, Any]:
    """A record of query ``resolve_context_records`` (a name with the context its rows carry), with the dates
    of its first and last action beside it (for the reader; the model does not compare them)."""
    return {**record(unique_id, org_id, row["name"], naics=row["naics"], agency=row["agency"],
                     address=row["address"], city=row["city"], state=row["state"], zip5=row["zip5"],
                     phones=row["phones"], truth=truth),
            "first_date": row["first_date"], "last_date": row["last_date"]}


CONTEXT_COLUMNS = ("address", "house", "zip5", "city", "state", "phones", "local_phones")


def settings(link_type: str = "dedupe_only") -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on
    from splink.blocking_rule_library import CustomRule

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("core"),
            cll.ExactMatchLevel("exact").configure(label_for_charts="same name up to punctuation and THE"),
            cll.ExactMatchLevel("core").configure(label_for_charts="same name, legal form apart"),
            cll.ExactMatchLevel("tokens").configure(label_for_charts="same words, other order"),
            cll.JaroWinklerLevel("core", 0.97).configure(label_for_charts="name nearly the same (JW>=0.97)"),
            cll.JaroWinklerLevel("core", 0.92).configure(label_for_charts="name similar (JW>=0.92)"),
            cll.JaroWinklerLevel("core", 0.85).configure(label_for_charts="name somewhat similar (JW>=0.85)"),
            cll.ElseLevel().configure(label_for_charts="names differ"),
        ],
    )
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address").configure(label_for_charts="same street address"),
            cll.JaroWinklerLevel("address", 0.92).configure(label_for_charts="street address nearly the same"),
            cll.ExactMatchLevel("house").configure(label_for_charts="same house number, other street text"),
            cll.ElseLevel().configure(label_for_charts="street addresses differ"),
        ],
    )
    # Zip, city and state say the same thing at three grains: one comparison, so they are counted once.
    place = cl.CustomComparison(
        output_column_name="place",
        comparison_levels=[
            cll.And(cll.NullLevel("zip5"), cll.NullLevel("city")).configure(is_null_level=True),
            cll.ExactMatchLevel("zip5").configure(label_for_charts="same zip code"),
            cll.And(cll.ExactMatchLevel("city"), cll.ExactMatchLevel("state")).configure(
                label_for_charts="same city and state, other zip"),
            cll.ExactMatchLevel("state").configure(label_for_charts="same state, other city"),
            cll.ElseLevel().configure(label_for_charts="different places"),
        ],
    )
    phone = cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            cll.NullLevel("phones"),
            cll.ArrayIntersectLevel("local_phones", 1).configure(label_for_charts="a local phone or fax number shared"),
            cll.ArrayIntersectLevel("phones", 1).configure(label_for_charts="a toll-free number shared"),
            cll.ElseLevel().configure(label_for_charts="no number shared"),
        ],
    )
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=[
            name,
            cl.ExactMatch("legal_form"),
            address,
            place,
            phone,
            cl.ExactMatch("naics"),
            cl.ExactMatch("agency"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("core"),
            block_on("tokens"),
            # initials spaced otherwise ("M V M" / "MVM"): only the context rules read it, so only with addresses
            CustomRule("l.compact = r.compact AND l.address IS NOT NULL AND r.address IS NOT NULL"),
            block_on("block_a"),
            block_on("block_b"),
            # a renamed company at its unchanged address
            block_on("address", "zip5"),
            CustomRule("l.lone_word = r.first_token"),
            CustomRule("l.first_token = r.lone_word"),
        ],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        additional_columns_to_retain=["org_id", "name"],
    )


def train(records: Sequence[dict[str, Any]], *, seed: int = 1) -> dict[str, Any]:
    """Estimate the model without labels: u from random pairs, m by expectation maximisation.

    EM runs twice on two blocks so that every comparison is estimated on pairs not chosen by it: pairs
    with the same name core teach what context agreement is worth, pairs at the same street address and
    zip teach what name agreement is worth.
    """
    from splink import DuckDBAPI, Linker, block_on

    db_api = DuckDBAPI(duckdb.connect())
    sdf = db_api.register(list(records), dataset_display_name="train")
    linker = Linker(sdf, settings())
    linker.training.estimate_probability_two_random_records_match([block_on("exact", "zip5")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("core"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("address", "zip5"))
    return neutral_where_untrained(linker.misc.save_model_to_json())


def neutral_where_untrained(model: dict[str, Any]) -> dict[str, Any]:
    """A level the training records never showed (e.g. one awarding agency only) gets weight 0 (m = u):
    it says nothing either way, rather than Splink's generic defaults."""
    for comp in model["comparisons"]:
        for level in comp["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            if m is None or u is None:
                level["m_probability"] = level["u_probability"] = m if m is not None else (u or 0.5)
    return model


def load_model(path: Path | None = None) -> dict[str, Any]:
    if path is not None:
        return json.loads(path.read_text("utf-8"))
    return json.loads(resources.files("whosbehind.resolve").joinpath("reference", MODEL_FILE).read_text("utf-8"))


def context_threshold(model: dict[str, Any]) -> float:
    """The match probability at or above which two records with addresses are merged (chosen in training)."""
    return float(model.get(THRESHOLD_KEY, MERGE_THRESHOLD))


def _linker(model: dict[str, Any], tables: list[list[dict[str, Any]]], link_type: str) -> tuple[Any, list[Any]]:
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI(duckdb.connect())
    sdfs = [db_api.register(t, dataset_display_name=f"t{i}") for i, t in enumerate(tables)]
    splink_model = {k: v for k, v in model.items() if not k.startswith("whosbehind_")}
    # The settings are the shipped model's, over the columns `record` writes (tests/resolve trains and scores with
    # them): Splink's check of every column each SQL string names would only log, and took a quarter of a
    # second per linker: twice per build, once per lookup that reaches the matcher.
    linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], {**splink_model, "link_type": link_type},
                    validate_settings=False)
    return linker, sdfs


def predict_within(model: dict[str, Any], records: list[dict[str, Any]], threshold: float = REVIEW_THRESHOLD
                   ) -> list[dict[str, Any]]:
    """Scored candidate pairs within one list of records (blocking, then the model), every column."""
    if len(records) < 2:
        return []
    linker, _ = _linker(model, [records], "dedupe_only")
    return linker.inference.predict(threshold_match_probability=threshold).as_record_list()


def scored_pairs(model: dict[str, Any], records: list[dict[str, Any]], threshold: float = REVIEW_THRESHOLD
                 ) -> list[tuple[str, str, float]]:
    """(unique_id_l, unique_id_r, match_probability) of scored candidate pairs within one list of records.

    Only the three columns leave DuckDB: a million scored pairs stay small in Python.
    """
    if len(records) < 2:
        return []
    linker, _ = _linker(model, [records], "dedupe_only")
    rel = linker.inference.predict(threshold_match_probability=threshold).as_duckdbpyrelation()
    return rel.select("unique_id_l, unique_id_r, match_probability").fetchall()


def predict_between(model: dict[str, Any], left: list[dict[str, Any]], right: list[dict[str, Any]],
                    threshold: float = 0.0) -> list[dict[str, Any]]:
    """Scored candidate pairs from left to right records (never within either side)."""
    if not left or not right:
        return []
    linker, _ = _linker(model, [left, right], "link_only")
    return linker.inference.predict(threshold_match_probability=threshold).as_record_list()


@dataclass(frozen=True)
class Verdict:
    judgement: Judgement
    rule: str
    reason: str


def _misspelled(word: str, other: str) -> bool:
    """A likely typo of one word for the other: same start, close spelling, long enough to tell."""
    return min(len(word), len(other)) >= 5 and word[0] == other[0] and Levenshtein.distance(word, other) <= 2


def _one_token_apart(a: NameKey, b: NameKey) -> bool:
    """The names differ in one word only, and that word is a likely typo."""
    ta, tb = a.core.split(), b.core.split()
    if len(ta) != len(tb):
        return False
    diffs = [(x, y) for x, y in zip(ta, tb, strict=True) if x != y]
    return len(diffs) == 1 and _misspelled(*diffs[0])


def decide(name_a: str, name_b: str, probability: float) -> Verdict:
    """Turn a model score into a decision. Precision first: anything doubtful is `unsure`, never merged."""
    a, b = normalize(name_a), normalize(name_b)
    if not a.core or not b.core:
        return Verdict(Judgement.UNSURE, "empty", "a name has no distinguishing words")
    if a.is_joint_venture != b.is_joint_venture:
        return Verdict(Judgement.UNSURE, "joint-venture", "a joint venture is related to its members, not the same")
    if a.exact == b.exact:
        if a.is_generic and not a.legal_form:
            return Verdict(Judgement.UNSURE, "generic", f"{a.core!r} is too generic to identify a company")
        return Verdict(Judgement.POSITIVE, "same-name", "same name apart from punctuation, case, THE and AND")
    if a.core == b.core:
        if a.legal_form and b.legal_form:
            return Verdict(Judgement.UNSURE, "legal-form-differs",
                           f"same words but different legal forms ({a.legal_form} / {b.legal_form})")
        if a.is_generic:
            return Verdict(Judgement.UNSURE, "generic", f"{a.core!r} is too generic to identify a company")
        return Verdict(Judgement.POSITIVE, "same-name-no-form", "same name; one side gives no legal form")
    if probability < MERGE_THRESHOLD:
        return Verdict(Judgement.UNSURE, "below-threshold", f"score {probability:.4f} below {MERGE_THRESHOLD}")
    if a.is_generic or b.is_generic:
        return Verdict(Judgement.UNSURE, "generic", "generic or very short names are never merged on a fuzzy score")
    if a.numbers != b.numbers:
        return Verdict(Judgement.UNSURE, "numbers-differ", "the names carry different numbers")
    if a.legal_form and b.legal_form and a.legal_form != b.legal_form:
        return Verdict(Judgement.UNSURE, "legal-form-differs", "different legal forms")
    if not _one_token_apart(a, b):
        return Verdict(Judgement.UNSURE, "words-differ", "the names differ by more than a spelling variant")
    return Verdict(Judgement.POSITIVE, "spelling-variant",
                   f"one word spelled differently (Jaro-Winkler {JaroWinkler.similarity(a.core, b.core):.3f})")


def has_address(rec: dict[str, Any]) -> bool:
    return bool(rec.get("address") and (rec.get("zip5") or rec.get("city")))


def _same_street(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a.get("address") and a["address"] == b.get("address") and a.get("zip5") and a["zip5"] == b.get("zip5"))


def _share_local_number(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(set(a.get("local_phones") or ()) & set(b.get("local_phones") or ()))


def _same_name(a: dict[str, Any], b: dict[str, Any], ka: NameKey, kb: NameKey) -> bool:
    """The same words, however spaced ("M V M" / "MVM"), or one name cut off inside a word by a short field."""
    return ka.compact == kb.compact or is_truncation(a["name"], b["name"]) or is_truncation(b["name"], a["name"])


def _sister_names(a: NameKey, b: NameKey) -> bool:
    """Two names with the same first word that each go on with a word of their own, not a misspelling of one
    of the other's ("KCORP SUPPORT SERVICES" / "KCORP TECHNOLOGY SERVICES"): sister companies often sit at one
    address with one phone number. "ACCENTURE FEDRAL SERVICES GROUP" is not a sister of "ACCENTURE FEDERAL
    SERVICES"."""
    if a.first_token != b.first_token:
        return False
    wa, wb = set(a.core.split()), set(b.core.split())
    own_a = {w for w in wa - wb if not any(_misspelled(w, x) for x in wb - wa)}
    own_b = {w for w in wb - wa if not any(_misspelled(w, x) for x in wa - wb)}
    return bool(own_a and own_b)


def _without_country(key: NameKey) -> str:
    """The name's words without country words at the end: "cellebrite usa" -> "cellebrite"."""
    words = key.core.split()
    while len(words) > 1 and words[-1] in COUNTRY_WORDS:
        words.pop()
    return " ".join(words)


def context_rules(a: dict[str, Any], b: dict[str, Any]) -> Verdict | None:
    """The decisions on two records with addresses that no score can overrule, or None to let the score decide.

    Kept apart: names without distinguishing words, a joint venture and a member, different numbers,
    different legal forms (a holding corporation and its operating company often share the name and the
    address), and sister names, which begin alike and go on differently (related companies often share an
    address and a phone number). Merged:
    - the same name at the same street address under another legal form (a company that converted, INC to
      LLC), or the same name but for a country word at its end ("CELLEBRITE INC." / "CELLEBRITE USA CORP")
      when the two records also share a local phone or fax number;
    - the same name in the same state, legal forms equal or given on one side only: two companies of one name
      registered in one state are rare, and this is how a company that moved or has a second office shows
      up. A generic name needs the same legal form.
    "The same name" includes the same letters spaced otherwise and a name cut off by a short field.
    """
    ka, kb = normalize(a["name"]), normalize(b["name"])
    if not ka.core or not kb.core:
        return Verdict(Judgement.UNSURE, "empty", "a name has no distinguishing words")
    if ka.is_joint_venture != kb.is_joint_venture:
        return Verdict(Judgement.UNSURE, "joint-venture", "a joint venture is related to its members, not the same")
    if ka.numbers != kb.numbers:
        return Verdict(Judgement.UNSURE, "numbers-differ", "the names carry different numbers")
    same_name = _same_name(a, b, ka, kb)
    if ka.legal_form and kb.legal_form and ka.legal_form != kb.legal_form:
        country_apart = _without_country(ka) == _without_country(kb) and _share_local_number(a, b)
        if _same_street(a, b) and not (ka.is_generic or kb.is_generic) and (same_name or country_apart):
            what = "same name" if same_name else "same name apart from a country word, one phone or fax number"
            return Verdict(Judgement.POSITIVE, "legal-form-changed",
                           f"{what} at the same street address, legal form {ka.legal_form} / {kb.legal_form}")
        return Verdict(Judgement.UNSURE, "legal-form-differs",
                       f"different legal forms ({ka.legal_form} / {kb.legal_form})")
    if not same_name:
        if _sister_names(ka, kb):
            return Verdict(Judgement.UNSURE, "sister-names",
                           "the names share their first word, and each has words of its own: related companies")
        return None
    same_form = ka.legal_form == kb.legal_form != ""
    if (not (ka.is_generic or kb.is_generic) or same_form) and a.get("state") and a["state"] == b.get("state"):
        return Verdict(Judgement.POSITIVE, "same-name-same-state",
                       f"same name, legal forms agreeing, both in {a['state']}")
    return None


def decide_records(a: dict[str, Any], b: dict[str, Any], probability: float, threshold: float) -> Verdict:
    """Decide on two records. With an address on both sides, ``context_rules`` first, then the model's
    score over name and context at the threshold chosen in training; otherwise the names-only rules of
    ``decide`` apply."""
    if not (has_address(a) and has_address(b)):
        return decide(a["name"], b["name"], probability)
    ruled = context_rules(a, b)
    if ruled is not None:
        return ruled
    if probability < threshold:
        return Verdict(Judgement.UNSURE, "below-threshold",
                       f"score {probability:.4f} on name and context below {threshold:.4f}")
    return Verdict(Judgement.POSITIVE, "name-and-context",
                   f"score {probability:.4f} on name and context at or above {threshold:.4f}")


# Candidate merge thresholds, as Splink match weights (log2 Bayes factor of the whole record pair).
THRESHOLD_WEIGHTS = tuple(w / 2 for w in range(-8, 61))


def threshold_curve(model: dict[str, Any], records: list[dict[str, Any]], held_out: Collection[str] | None = None
                    ) -> list[tuple[float, Any]]:
    """Pairwise precision and recall of the merges at every candidate threshold (lowest first), measured on
    these records against their ``truth`` labels (with ``held_out``, on the pairs that have one of those)."""
    from whosbehind.resolve.quality import pairwise

    by_id = {r["unique_id"]: r for r in records}
    truth = {r["unique_id"]: r["truth"] for r in records}
    # A pair a rule merges is merged at every threshold; one a rule keeps apart, at none.
    ruled: list[tuple[str, str]] = []
    scored_only: list[tuple[str, str, float]] = []
    for a, b, p in scored_pairs(model, records, threshold=0.0001):
        verdict = decide_records(by_id[a], by_id[b], p, 0.0)
        if verdict.judgement is not Judgement.POSITIVE:
            continue
        if verdict.rule == "name-and-context":
            scored_only.append((a, b, p))
        else:
            ruled.append((a, b))
    curve = []
    for weight in THRESHOLD_WEIGHTS:
        threshold = 2**weight / (1 + 2**weight)
        merged = ruled + [(a, b) for a, b, p in scored_only if p >= threshold]
        curve.append((threshold, pairwise(truth, merged, held_out)))
    return curve


def choose_threshold(model: dict[str, Any], records: list[dict[str, Any]], *, min_precision: float = 0.99
                     ) -> tuple[float, Any]:
    """The lowest match probability whose merges reach ``min_precision`` on these (training) records,
    measured pairwise against their ``truth`` labels. When no threshold reaches it (records that no context
    tells apart, e.g. one name at one address under two identifiers), the one with the best F-beta at
    beta 0.25: precision counted four times as much as recall, because a wrong merge is the worst error."""
    curve = threshold_curve(model, records)
    for threshold, score in curve:
        if score.precision >= min_precision and score.correct:
            return threshold, score

    def f_beta(s: Any, beta: float = 0.25) -> float:
        b2 = beta * beta
        return (1 + b2) * s.precision * s.recall / (b2 * s.precision + s.recall) if s.correct else 0.0

    return max(curve, key=lambda ts: (f_beta(ts[1]), ts[0]))


def explain_pair(model: dict[str, Any], row: dict[str, Any]) -> list[dict[str, Any]]:
    """Which values produced a score: each comparison's level, the values compared and its weight."""
    out: list[dict[str, Any]] = []
    for comp in model["comparisons"]:
        col = comp["output_column_name"]
        gamma = row.get(f"gamma_{col}")
        # Splink numbers a comparison's levels: the null level -1, the others from n-1 (first) down to 0.
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        by_gamma = {len(levels) - 1 - i: lv for i, lv in enumerate(levels)}
        level = by_gamma.get(gamma) if gamma != -1 else {"label_for_charts": "no value to compare"}
        # Splink writes each comparison's weight (log2 of its Bayes factor) as mw_<comparison>.
        weight = row.get(f"{model.get('match_weight_column_prefix', 'mw_')}{col}")
        # Phone and fax numbers are compared, never shown: the level says whether one was shared.
        shown = None if col == "phone" else {"name": "name", "place": "zip5"}.get(col, col)
        out.append({
            "feature": col,
            "level": (level or {}).get("label_for_charts", str(gamma)),
            "left": row.get(f"{shown}_l") if shown else None,
            "right": row.get(f"{shown}_r") if shown else None,
            "match_weight": round(float(weight), 2) if weight is not None else 0.0,
        })
    return out
