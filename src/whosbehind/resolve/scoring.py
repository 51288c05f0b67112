"""Scoring pairs of names with Splink (DuckDB backend), and the rules that turn a score into a decision.

The Splink model (a Fellegi-Sunter model: how much each level of agreement on name, legal form,
industry and agency weighs) is trained once from the bundled records, where organizations sharing
a UEI or DUNS are known to be the same (``train``), and shipped in ``reference/splink_model.json``.
Builds only load it and predict, so the same inputs give the same decisions on every build.

A score alone never merges. ``decide`` adds hard rules that protect against the errors a name
model makes: different legal forms on the same words, generic or very short names, different numbers,
names that share only a leading word.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
from rapidfuzz.distance import JaroWinkler, Levenshtein

from whosbehind.resolve.decisions import Judgement
from whosbehind.resolve.names import NameKey, normalize

MODEL_FILE = "splink_model.json"
# A pair is merged automatically only at or above this probability, and only if `decide` agrees.
MERGE_THRESHOLD = 0.999
# Pairs between this and the merge threshold are kept as "unsure" for review, never merged.
REVIEW_THRESHOLD = 0.9

for _name in ("splink", "splink.internals"):
    logging.getLogger(_name).setLevel(logging.WARNING)


def record(unique_id: str, org_id: str, name: str, *, naics: str | None = None, agency: str | None = None,
           truth: str | None = None) -> dict[str, Any]:
    """One name as Splink sees it: the comparison keys and the blocking keys."""
    key = normalize(name)
    words = key.core.split()
    return {
        "unique_id": unique_id,
        "org_id": org_id,
        "name": key.name,
        "exact": key.exact or None,
        "core": key.core or None,
        "tokens": key.tokens or None,
        "legal_form": key.legal_form or None,
        "first_token": key.first_token or None,
        "block_a": f"{words[0]} {words[1][:3]}" if len(words) > 1 else (words[0] if words else None),
        "block_b": f"{words[0][:3]} {words[-1]}" if words else None,
        "naics": (naics or "").strip().upper() or None,
        "agency": (agency or "").strip().upper() or None,
        "truth": truth,
    }


def settings(link_type: str = "dedupe_only") -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

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
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=[
            name,
            cl.ExactMatch("legal_form"),
            cl.ExactMatch("naics"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("core"),
            block_on("tokens"),
            block_on("block_a"),
            block_on("block_b"),
        ],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        additional_columns_to_retain=["org_id", "name"],
    )


def train(records: Sequence[dict[str, Any]], *, label_column: str = "truth", seed: int = 1) -> dict[str, Any]:
    """Estimate the model: u from random pairs, m from pairs known to be the same (shared identifier)."""
    from splink import DuckDBAPI, Linker, block_on

    db_api = DuckDBAPI(duckdb.connect())
    sdf = db_api.register(list(records), dataset_display_name="train")
    linker = Linker(sdf, settings())
    linker.training.estimate_probability_two_random_records_match([block_on("exact")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    linker.training.estimate_m_from_label_column(label_column)
    model = linker.misc.save_model_to_json()
    # Industry context is one value per organization, so pairs sharing an identifier always agree on it and
    # the label estimate is degenerate (m = 1). Use a stated prior instead: the same company is paid under
    # the same most-common NAICS description 70% of the time.
    for comp in model["comparisons"]:
        if comp["output_column_name"] == "naics":
            for level in comp["comparison_levels"]:
                if level.get("is_null_level"):
                    continue
                exact = "Exact" in level.get("label_for_charts", "")
                level["m_probability"] = 0.7 if exact else 0.3
    return model


def load_model(path: Path | None = None) -> dict[str, Any]:
    if path is not None:
        return json.loads(path.read_text("utf-8"))
    return json.loads(resources.files("whosbehind.resolve").joinpath("reference", MODEL_FILE).read_text("utf-8"))


def _linker(model: dict[str, Any], tables: list[list[dict[str, Any]]], link_type: str) -> tuple[Any, list[Any]]:
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI(duckdb.connect())
    sdfs = [db_api.register(t, dataset_display_name=f"t{i}") for i, t in enumerate(tables)]
    model = {**model, "link_type": link_type}
    linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], model)
    return linker, sdfs


def predict_within(model: dict[str, Any], records: list[dict[str, Any]], threshold: float = REVIEW_THRESHOLD
                   ) -> list[dict[str, Any]]:
    """Scored candidate pairs within one list of names (blocking, then the model)."""
    if len(records) < 2:
        return []
    linker, _ = _linker(model, [records], "dedupe_only")
    return linker.inference.predict(threshold_match_probability=threshold).as_record_list()


def predict_between(model: dict[str, Any], left: list[dict[str, Any]], right: list[dict[str, Any]],
                    threshold: float = 0.0) -> list[dict[str, Any]]:
    """Scored candidate pairs from left to right names (never within either side)."""
    if not left or not right:
        return []
    linker, _ = _linker(model, [left, right], "link_only")
    return linker.inference.predict(threshold_match_probability=threshold).as_record_list()


@dataclass(frozen=True)
class Verdict:
    judgement: Judgement
    rule: str
    reason: str


def _one_token_apart(a: NameKey, b: NameKey) -> bool:
    """The names differ in one word only, and that word is a likely typo (same start, close spelling)."""
    ta, tb = a.core.split(), b.core.split()
    if len(ta) != len(tb):
        return False
    diffs = [(x, y) for x, y in zip(ta, tb, strict=True) if x != y]
    if len(diffs) != 1:
        return False
    x, y = diffs[0]
    return min(len(x), len(y)) >= 5 and x[0] == y[0] and Levenshtein.distance(x, y) <= 2


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
        bf = row.get(f"bf_{col}")
        value_col = {"name": "name"}.get(col, col)
        out.append({
            "feature": col,
            "level": (level or {}).get("label_for_charts", str(gamma)),
            "left": row.get(f"{value_col}_l"),
            "right": row.get(f"{value_col}_r"),
            "match_weight": round(math.log2(bf), 2) if bf else 0.0,
        })
    return out
