"""Pairwise quality of a resolution against identifier ground truth.

Records that share a UEI or DUNS are the same organization (``truth_labels``). A resolution is a set of
merged pairs; its clusters are their connected components. Precision and recall count pairs of records:
every pair inside a predicted cluster against every pair inside a true organization. Used to choose the
merge threshold on training records and by ``benchmarks/resolve/bench.py`` to measure held-out records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def truth_labels(identifiers: Sequence[Iterable[str]]) -> list[str]:
    """One organization label per record: records whose identifiers overlap (directly or through other
    records, e.g. a row giving both a UEI and a DUNS) share a label."""
    uf = UnionFind()
    for ids in identifiers:
        ids = list(ids)
        if not ids:
            raise ValueError("every ground-truth record needs a UEI or a DUNS")
        for other in ids[1:]:
            uf.union(other, ids[0])
    return [uf.find(next(iter(ids))) for ids in identifiers]


def _pairs(groups: Iterable[list[str]]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for members in groups:
        out.update(combinations(sorted(members), 2))
    return out


@dataclass
class Score:
    predicted_pairs: int
    true_pairs: int
    correct: int
    precision: float
    recall: float
    f1: float
    wrong_clusters: list[list[str]] = field(default_factory=list)  # record ids of clusters mixing organizations
    false_pairs: set[tuple[str, str]] = field(default_factory=set)
    missed_pairs: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def of_counts(cls, predicted: int, true: int, correct: int, **details: Any) -> Score:
        """Precision, recall and F1 from pair counts (no prediction: precision 1; nothing to find: recall 1)."""
        precision = correct / predicted if predicted else 1.0
        recall = correct / true if true else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(predicted, true, correct, precision, recall, f1, **details)


def pairwise(truth: dict[str, str], merged: Iterable[tuple[str, str]], held_out: Collection[str] | None = None
             ) -> Score:
    """Score merged record pairs (closed transitively into clusters) against ``truth`` (record id -> org).

    With ``held_out``, only pairs with at least one record in it are counted: a model measured on held-out
    records is judged on their pairs with each other and with the records it was tuned on, so that a false
    merge across the two sets counts like any other.
    """
    uf = UnionFind()
    for uid in truth:
        uf.find(uid)
    for a, b in merged:
        uf.union(a, b)
    predicted: dict[str, list[str]] = defaultdict(list)
    actual: dict[str, list[str]] = defaultdict(list)
    for uid, org in truth.items():
        predicted[uf.find(uid)].append(uid)
        actual[org].append(uid)
    p, t = _pairs(predicted.values()), _pairs(actual.values())
    if held_out is not None:
        counted = set(held_out)
        p = {pair for pair in p if pair[0] in counted or pair[1] in counted}
        t = {pair for pair in t if pair[0] in counted or pair[1] in counted}
    wrong = sorted((sorted(m) for m in predicted.values() if len({truth[x] for x in m}) > 1
                    and (held_out is None or any(x in counted for x in m))), key=lambda m: m[0])
    return Score.of_counts(len(p), len(t), len(p & t), wrong_clusters=wrong, false_pairs=p - t, missed_pairs=t - p)
