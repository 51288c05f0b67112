"""Name resolution, measured: quality against identifier ground truth, and speed on 100k names.

    python benchmarks/resolve/bench.py quality DB      # DB: a database built with `whosbehind build`
    python benchmarks/resolve/bench.py speed DB [N]    # N distinct names (default 100000)

Quality: in the bundled records, names that share a UEI or DUNS are the same organization. Identifiers are
hidden; organizations are split in two halves by a hash of their id: the model is trained on one half and
measured on the other. Pairwise precision / recall / F1 over all pairs of names, and the clusters that went
wrong, side by side with two baselines run on the same names: exact match after normalization, and Splink
with default settings on the raw names.
"""

from __future__ import annotations

import hashlib
import random
import resource
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from whosbehind.resolve import scoring
from whosbehind.resolve.decisions import Judgement
from whosbehind.resolve.names import normalize
from whosbehind.resolve.train import training_records


class UnionFind:
    def __init__(self) -> None:
        self.p: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.p.setdefault(x, x)
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a: str, b: str) -> None:
        self.p[self.find(a)] = self.find(b)


def pairs_of(clusters: dict[str, list[str]]) -> set[tuple[str, str]]:
    out = set()
    for members in clusters.values():
        out.update(tuple(sorted(p)) for p in combinations(members, 2))
    return out


def evaluate(name: str, records: list[dict], predicted_pairs: list[tuple[str, str]]) -> dict:
    uf = UnionFind()
    for r in records:
        uf.find(r["unique_id"])
    for a, b in predicted_pairs:
        uf.union(a, b)
    pred: dict[str, list[str]] = defaultdict(list)
    truth: dict[str, list[str]] = defaultdict(list)
    by_id = {r["unique_id"]: r for r in records}
    for r in records:
        pred[uf.find(r["unique_id"])].append(r["unique_id"])
        truth[r["truth"]].append(r["unique_id"])
    p, t = pairs_of(pred), pairs_of(truth)
    tp = len(p & t)
    precision = tp / len(p) if p else 1.0
    recall = tp / len(t) if t else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # False pairs whose names are identical after normalization: indistinguishable on a name alone
    # (the same legal name registered under several DUNS, one per establishment).
    fp_same = sum(1 for a, b in p - t if normalize(by_id[a]["name"]).exact == normalize(by_id[b]["name"]).exact)
    wrong = [sorted({by_id[m]["name"] + " [" + by_id[m]["truth"] + "]" for m in members})
             for members in pred.values() if len({by_id[m]["truth"] for m in members}) > 1]
    return {"method": name, "pred_pairs": len(p), "true_pairs": len(t), "tp": tp, "precision": precision,
            "recall": recall, "f1": f1, "wrong_clusters": len(wrong), "wrong_examples": wrong[:8],
            "fp_same_name": fp_same}


def half(org_id: str) -> int:
    return hashlib.sha256(org_id.encode()).digest()[0] % 2


def whosbehind_pairs(model: dict, records: list[dict]) -> list[tuple[str, str]]:
    out = []
    for row in scoring.predict_within(model, records, threshold=0.001):
        v = scoring.decide(row["name_l"], row["name_r"], float(row["match_probability"]))
        if v.judgement is Judgement.POSITIVE:
            out.append((row["unique_id_l"], row["unique_id_r"]))
    return out


def exact_pairs(records: list[dict]) -> list[tuple[str, str]]:
    first: dict[str, str] = {}
    out = []
    for r in records:
        key = normalize(r["name"]).exact
        if not key:
            continue
        if key in first:
            out.append((first[key], r["unique_id"]))
        else:
            first[key] = r["unique_id"]
    return out


def splink_default_pairs(records: list[dict]) -> list[tuple[str, str]]:
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    raw = [{"unique_id": r["unique_id"], "name": r["name"], "name4": r["name"][:4]} for r in records]
    settings = SettingsCreator(link_type="dedupe_only", comparisons=[cl.JaroWinklerAtThresholds("name")],
                               blocking_rules_to_generate_predictions=[block_on("name4")])
    linker = Linker(DuckDBAPI(duckdb.connect()).register(raw), settings)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name4"))
    preds = linker.inference.predict(threshold_match_probability=0.9).as_record_list()
    return [(p["unique_id_l"], p["unique_id_r"]) for p in preds]


def quality(db_path: Path) -> None:
    records = training_records(db_path)
    train = [r for r in records if half(r["truth"]) == 0]
    test = [r for r in records if half(r["truth"]) == 1]
    t0 = time.perf_counter()
    model = scoring.train(train)
    print(f"trained on {len(train)} names ({len({r['truth'] for r in train})} organizations) "
          f"in {time.perf_counter() - t0:.1f} s; measured on {len(test)} names "
          f"({len({r['truth'] for r in test})} organizations)")
    results = [
        evaluate("whosbehind (Splink model + rules)", test, whosbehind_pairs(model, test)),
        evaluate("baseline: exact match after normalization", test, exact_pairs(test)),
        evaluate("baseline: Splink default settings, raw names", test, splink_default_pairs(test)),
    ]
    print("| method | predicted pairs | true pairs | correct | precision | recall | F1 | wrong clusters "
          "| false pairs with identical names |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['method']} | {r['pred_pairs']} | {r['true_pairs']} | {r['tp']} | {r['precision']:.4f} | "
              f"{r['recall']:.4f} | {r['f1']:.4f} | {r['wrong_clusters']} | "
              f"{r['fp_same_name']} of {r['pred_pairs'] - r['tp']} |")
    for r in results:
        print(f"\nwrong clusters, {r['method']} (first {len(r['wrong_examples'])}):")
        for w in r["wrong_examples"]:
            print("  - " + " | ".join(w))


LEGAL = ["INC", "INC.", "INCORPORATED", "LLC", "L.L.C.", "CORP", "CORPORATION", "CO", "COMPANY", "LTD"]


def variant(name: str, rng: random.Random) -> str:
    """A realistic rewrite of a real name: legal form, THE, punctuation, case, a typo, a vendor number."""
    words = name.replace(",", " ,").split()
    pick = rng.randrange(7)
    if pick == 0 and words and words[-1].strip(".").upper() in {w.strip(".") for w in LEGAL}:
        words[-1] = rng.choice(LEGAL)
    elif pick == 1:
        words = [*words, ", THE"] if words[:1] != ["THE"] else [*words[1:], ", THE"]
    elif pick == 2:
        words = [w.replace(".", "") for w in words]
    elif pick == 3:
        words = [w.title() for w in words]
    elif pick == 4 and words:
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 4:
            j = rng.randrange(1, len(w) - 1)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    elif pick == 5:
        words = [*words, f"({rng.randrange(1000, 9999)})"]
    else:
        words = [*words, rng.choice(["HOLDINGS", "GROUP", "SERVICES", "OF TEXAS", "USA"]), rng.choice(LEGAL)]
    return " ".join(words).replace(" ,", ",")


def speed(db_path: Path, n: int) -> None:
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    found = con.execute("SELECT DISTINCT name FROM match_names WHERE name IS NOT NULL").fetchall()
    real = sorted({r[0] for r in found})
    con.close()
    rng = random.Random(20261123)
    names = list(real)
    seen = set(names)
    while len(names) < n:
        v = variant(rng.choice(real), rng)
        if v not in seen:
            seen.add(v)
            names.append(v)
    names = names[:n]
    model = scoring.load_model()
    t0 = time.perf_counter()
    records = [scoring.record(str(i), f"org{i}", name) for i, name in enumerate(names)]
    t1 = time.perf_counter()
    rows = scoring.predict_within(model, records, threshold=0.001)
    t2 = time.perf_counter()
    positives = 0
    uf = UnionFind()
    for row in rows:
        verdict = scoring.decide(row["name_l"], row["name_r"], float(row["match_probability"]))
        if verdict.judgement is Judgement.POSITIVE:
            positives += 1
            uf.union(row["unique_id_l"], row["unique_id_r"])
    clusters = len({uf.find(str(i)) for i in range(len(names))})
    t3 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(names):,} distinct names ({len(real):,} real, {len(names) - len(real):,} generated variants)")
    print(f"normalize + keys: {t1 - t0:.1f} s; Splink blocking + scoring: {t2 - t1:.1f} s "
          f"({len(rows):,} candidate pairs); rules + clusters: {t3 - t2:.1f} s")
    print(f"total: {t3 - t0:.1f} s; {positives:,} merges, {clusters:,} clusters; peak memory (RSS): {peak_mb:,.0f} MB")


if __name__ == "__main__":
    if sys.argv[1] == "quality":
        quality(Path(sys.argv[2]))
    else:
        speed(Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 100_000)
