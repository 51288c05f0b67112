"""Merge decisions: an append-only, reversible log, and clusters as its connected components.

A decision says of two organization ids that they are the same (``positive``), not the same
(``negative``) or that nobody could tell (``unsure``), who or what decided, when and why. Nothing is
ever deleted: a decision is reversed by appending a newer one for the same pair. The newest decision
for a pair is the one in force. Curated decisions (people, reviewed in ``curated/decisions.csv``)
always win over the model's.

Clusters are built from positive decisions in a fixed order (curated first, then the model's by
falling score), refusing any union that would put the two sides of a negative decision in one
cluster, or (for the model, except its rules on name and address context) two different
identifier-backed organizations in one cluster.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

CURATED_FIELDS = ("left_id", "right_id", "judgement", "decided_by", "decided_at", "reason")


class Judgement(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    UNSURE = "unsure"


@dataclass(frozen=True)
class Decision:
    left_id: str
    right_id: str
    judgement: Judgement
    decided_by: str  # a person's handle for curated decisions, "model:<rule>" for automatic ones
    decided_at: str  # ISO date
    reason: str
    score: float | None = None

    @property
    def pair(self) -> tuple[str, str]:
        return pair_key(self.left_id, self.right_id)

    @property
    def curated(self) -> bool:
        return not self.decided_by.startswith("model:")


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def read_curated(text: str, source: str = "decisions.csv") -> list[Decision]:
    """Parse the curated log; a malformed line is an error, never skipped."""
    out: list[Decision] = []
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != CURATED_FIELDS:
        raise ValueError(f"{source}: header must be {','.join(CURATED_FIELDS)}")
    for n, row in enumerate(reader, start=2):
        try:
            judgement = Judgement(row["judgement"].strip())
        except ValueError:
            raise ValueError(f"{source} line {n}: judgement must be positive, negative or unsure") from None
        left, right = row["left_id"].strip(), row["right_id"].strip()
        if not left or not right or left == right:
            raise ValueError(f"{source} line {n}: two different ids are needed")
        if not row["decided_by"].strip() or row["decided_by"].startswith("model:"):
            raise ValueError(f"{source} line {n}: decided_by must name the person who decided")
        out.append(Decision(left, right, judgement, row["decided_by"].strip(), row["decided_at"].strip(),
                            row["reason"].strip()))
    return out


def read_curated_file(path: Path) -> list[Decision]:
    return read_curated(path.read_text("utf-8"), source=str(path))


def in_force(decisions: Iterable[Decision]) -> dict[tuple[str, str], Decision]:
    """The decision in force for each pair: curated over model; within each, the last one appended."""
    current: dict[tuple[str, str], Decision] = {}
    for d in decisions:
        held = current.get(d.pair)
        if held is not None and held.curated and not d.curated:
            continue
        current[d.pair] = d
    return current


# Automatic rules allowed to join two identified organizations: they decide on name *and* address context
# (``scoring.decide_records``), never on a name alone.
# One more joins them on the name alone: the same legal name, written in full with its legal form, under
# several registrations (``pipeline.same_legal_name_decisions``), unless the records show two companies.
CONTEXT_RULES = frozenset({"model:same-name-same-state", "model:name-and-context", "model:same-legal-name"})


def joins_identifiers(d: Decision) -> bool:
    return d.curated or d.decided_by in CONTEXT_RULES


def is_identifier_id(org_id: str) -> bool:
    return org_id.split(":", 1)[0] in ("uei", "duns", "lei", "cage")


class Clusters:
    """Union-find over organization ids, with cannot-link constraints."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._members: dict[str, set[str]] = {}
        self._negative: dict[str, set[str]] = {}

    def find(self, x: str) -> str:
        self._parent.setdefault(x, x)
        self._members.setdefault(x, {x})
        root = x
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[x] != root:
            self._parent[x], x = root, self._parent[x]
        return root

    def forbid(self, a: str, b: str) -> None:
        self._negative.setdefault(a, set()).add(b)
        self._negative.setdefault(b, set()).add(a)

    def blocked(self, a: str, b: str, *, one_identifier: bool) -> str | None:
        """Why a and b may not be joined, or None."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        small, big = sorted((self._members[ra], self._members[rb]), key=len)
        for m in small:
            if self._negative.get(m, set()) & big:
                return "a negative decision separates them"
        if one_identifier:
            ids_a = {m for m in self._members[ra] if is_identifier_id(m)}
            ids_b = {m for m in self._members[rb] if is_identifier_id(m)}
            if ids_a and ids_b:
                return "both sides already carry different identifiers"
        return None

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if len(self._members[ra]) < len(self._members[rb]):
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._members[ra] |= self._members.pop(rb)

    def members(self, x: str) -> set[str]:
        """Every id in the cluster of x."""
        return set(self._members[self.find(x)])

    def components(self) -> list[set[str]]:
        return [set(m) for r, m in self._members.items() if self._parent[r] == r]


def canonical_id(members: Iterable[str]) -> str:
    """The id a cluster is known by: a UEI first, then DUNS, LEI, then a name; the smallest of its kind."""
    rank = {"uei": 0, "duns": 1, "lei": 2, "cage": 3}
    return min(members, key=lambda m: (rank.get(m.split(":", 1)[0], 9), m))


@dataclass(frozen=True)
class Applied:
    decision: Decision
    applied: bool
    note: str


def build_clusters(decisions: Iterable[Decision]) -> tuple[Clusters, list[Applied]]:
    """Apply decisions in force: curated negatives, curated positives, the model's rules on name and address
    context (``CONTEXT_RULES``), then its other decisions; within each, by falling score."""
    current = list(in_force(decisions).values())
    clusters = Clusters()
    log: list[Applied] = []
    for d in current:
        clusters.find(d.left_id)
        clusters.find(d.right_id)
        if d.judgement is Judgement.NEGATIVE:
            clusters.forbid(d.left_id, d.right_id)
    positives = [d for d in current if d.judgement is Judgement.POSITIVE]
    positives.sort(key=lambda d: (not d.curated, not joins_identifiers(d), -(d.score or 0.0), d.pair))
    for d in positives:
        why_not = clusters.blocked(d.left_id, d.right_id, one_identifier=not joins_identifiers(d))
        if why_not:
            log.append(Applied(d, False, why_not))
            continue
        clusters.union(d.left_id, d.right_id)
        log.append(Applied(d, True, ""))
    for d in current:
        if d.judgement is not Judgement.POSITIVE:
            log.append(Applied(d, False, f"{d.judgement.value} decision: kept apart"))
    return clusters, log
