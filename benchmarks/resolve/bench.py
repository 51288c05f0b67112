"""Name resolution, measured: quality against identifier ground truth, and speed on 100k names.

    python benchmarks/resolve/bench.py quality DB      # DB: a database built with `whosbehind build`
    python benchmarks/resolve/bench.py speed DB [N]    # N distinct names (default 100000)

Quality. The unit is a record: a recipient name with the context its rows carry (street address, city,
state, 5-digit zip, country, NAICS, awarding sub-agency; the phone and fax numbers its rows give), one per
distinct combination, from every raw table that gives a recipient an address and an identifier (query
``resolve_context_records``). Records that share a UEI or DUNS are the same organization. Identifiers are
hidden; organizations are split in two halves by a hash of their id, and each half is measured by a model
trained (EM, u from random pairs) and thresholded on the other half. A fold resolves all records and counts
every pair with at least one held-out record: the held-out half's own pairs and its pairs with the training
half (a false merge across the halves is as real as one within). The two folds are reported one by one and
added up. Pairwise precision / recall / F1, and the clusters that went wrong, side by side with two
baselines run on the same records: exact match after name normalization, and Splink with default settings
on the raw names. Last, ``context_bound``: an estimate of the best a decision on what the rows say could do
against this ground truth, with the labels in hand.
"""

from __future__ import annotations

import datetime
import hashlib
import random
import resource
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from rapidfuzz.distance import JaroWinkler

from whosbehind.resolve import scoring
from whosbehind.resolve.decisions import Judgement
from whosbehind.resolve.families import looks_like_organization
from whosbehind.resolve.names import normalize
from whosbehind.resolve.quality import Score, UnionFind, pairwise
from whosbehind.resolve.train import context_records


def half(org_id: str) -> int:
    return hashlib.sha256(org_id.encode()).digest()[0] % 2


def whosbehind_pairs(model: dict, records: list[dict], threshold: float) -> list[tuple[str, str]]:
    by_id = {r["unique_id"]: r for r in records}
    return [(a, b) for a, b, p in scoring.scored_pairs(model, records, threshold=0.0001)
            if scoring.decide_records(by_id[a], by_id[b], p, threshold).judgement is Judgement.POSITIVE]


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


def describe_record(r: dict) -> str:
    # Some identified recipients are sole proprietors under their own name: never printed.
    name = r["name"] if looks_like_organization(r["name"]) else "(a person's name, withheld)"
    return f"{name} @ {r['address'] or '?'} {r['zip5'] or ''} [{r['truth']}]"


def summary(method: str, score: Score, by_id: dict[str, dict], held_out: set[str]) -> dict:
    def key(uid: str) -> Any:
        return normalize(by_id[uid]["name"])

    # Pairs with a training record are all of two organizations (the halves split organizations).
    across = {(a, b) for a, b in score.false_pairs if a not in held_out or b not in held_out}
    return {"method": method, "score": score,
            "false_same_name": sum(1 for a, b in score.false_pairs if key(a).exact == key(b).exact),
            "across": len(across), "across_same_name": sum(1 for a, b in across if key(a).exact == key(b).exact),
            "missed_other_name": sum(1 for a, b in score.missed_pairs if key(a).core != key(b).core),
            "clusters": {tuple(sorted({describe_record(by_id[m]) for m in c})) for c in score.wrong_clusters}}


def pooled(method: str, folds: list[dict]) -> dict:
    """Both folds added up so that every pair of records counts once: each half's own pairs by the model
    trained on the other half, and each pair across the halves half by one fold's model and half by the
    other's (its two verdicts averaged)."""
    scores = [f["score"] for f in folds]
    predicted = sum(s.predicted_pairs - f["across"] / 2 for s, f in zip(scores, folds, strict=True))
    score = Score.of_counts(predicted, sum(s.true_pairs for s in scores), sum(s.correct for s in scores))
    return {"method": method, "score": score,
            "false_same_name": sum(f["false_same_name"] - f["across_same_name"] / 2 for f in folds),
            "missed_other_name": sum(f["missed_other_name"] for f in folds),
            "clusters": set().union(*(f["clusters"] for f in folds))}


def count(n: float) -> str:
    """A pair count: whole, or with the half a pair across the halves adds to "both folds"."""
    return f"{n:.0f}" if n == int(n) else f"{n:.1f}"


METHODS = ("whosbehind (Splink on name + context, rules)", "baseline: exact match after normalization",
           "baseline: Splink default settings, raw names")


def measure_fold(records: list[dict], train_half: int) -> list[dict]:
    """Train and choose the threshold on one half of the organizations; measure every pair that has a record
    of the other half: the held-out half's own pairs and its pairs with the training half."""
    train = [r for r in records if half(r["truth"]) == train_half]
    held_out = {r["unique_id"] for r in records if half(r["truth"]) != train_half}
    t0 = time.perf_counter()
    model = scoring.train(train)
    threshold, train_score = scoring.choose_threshold(model, train)
    print(f"fold {train_half}: trained on {len(train)} records ({len({r['truth'] for r in train})} organizations, "
          f"{train_score.true_pairs} true pairs) in {time.perf_counter() - t0:.1f} s; merge threshold "
          f"{threshold:.6f} (training precision {train_score.precision:.4f}, recall {train_score.recall:.4f}); "
          f"measured on {len(held_out)} held-out records "
          f"({len({r['truth'] for r in records if r['unique_id'] in held_out})} organizations) and their pairs "
          "with the training records")
    # How far the threshold chosen in training is from the best this model and its rules could do here:
    # the threshold chosen on the measured pairs themselves (which no real run can do), and the loosest one.
    curve = scoring.threshold_curve(model, records, held_out)
    reaching = [(t, sc) for t, sc in curve if sc.precision >= 0.99]
    if reaching:
        t, best = max(reaching, key=lambda ts: ts[1].recall)
        print(f"  bound on these pairs: best recall at precision >= 0.99, threshold chosen on them: {best.recall:.4f} "
              f"(threshold {t:.6f}, precision {best.precision:.4f})")
    else:
        print(f"  bound on these pairs: no threshold reaches precision 0.99 (at the highest, {curve[-1][0]:.10f}: "
              f"precision {curve[-1][1].precision:.4f}, recall {curve[-1][1].recall:.4f})")
    loosest = curve[0][1]
    print(f"  bound on these pairs: every pair the rules allow merged (threshold {curve[0][0]:.4f}): precision "
          f"{loosest.precision:.4f}, recall {loosest.recall:.4f}")
    by_id = {r["unique_id"]: r for r in records}
    truth = {r["unique_id"]: r["truth"] for r in records}
    blocked = pairwise(truth, [(a, b) for a, b, _ in scoring.scored_pairs(model, records, threshold=0.0)], held_out)
    print(f"  bound on these pairs: every candidate pair of the blocking merged, no rule: precision "
          f"{blocked.precision:.4f}, recall {blocked.recall:.4f}")
    found = (whosbehind_pairs(model, records, threshold), exact_pairs(records), splink_default_pairs(records))
    return [summary(m, pairwise(truth, pairs, held_out), by_id, held_out)
            for m, pairs in zip(METHODS, found, strict=True)]


# The day SAM.gov replaced the DUNS number by the UEI: records on either side carry different identifiers.
UEI_SWITCH = datetime.date(2022, 4, 4)


def context_levels(a: dict, b: dict) -> tuple[str, ...]:
    """What the rows say about two records, identifiers apart, at the grain the rules and the model read it."""
    ka, kb = normalize(a["name"]), normalize(b["name"])
    similar = JaroWinkler.similarity(ka.core, kb.core)
    name = ("same name" if ka.exact == kb.exact else "same name, legal form apart" if ka.core == kb.core
            else "same letters" if ka.compact == kb.compact else "same words" if ka.tokens == kb.tokens
            else "name nearly the same" if similar >= 0.97 else "name similar" if similar >= 0.92
            else "same first word" if ka.first_token == kb.first_token else "other name")
    form = ("forms equal" if ka.legal_form == kb.legal_form
            else "forms differ" if ka.legal_form and kb.legal_form else "one form")
    street = ("same street" if a["address"] and a["address"] == b["address"]
              else "street nearly the same" if a["address"] and b["address"]
              and JaroWinkler.similarity(a["address"], b["address"]) >= 0.92
              else "same number" if a["house"] and a["house"] == b["house"] else "other street")
    place = ("same zip" if a["zip5"] and a["zip5"] == b["zip5"]
             else "same city" if a["city"] and a["city"] == b["city"] and a["state"] == b["state"]
             else "same state" if a["state"] and a["state"] == b["state"] else "other place")
    shared = set(a["phones"] or ()) & set(b["phones"] or ())
    phone = ("local number shared" if set(a["local_phones"] or ()) & set(b["local_phones"] or ())
             else "toll-free number shared" if shared else "numbers differ" if a["phones"] and b["phones"]
             else "no number to compare")
    naics = "same NAICS" if a["naics"] and a["naics"] == b["naics"] else "other NAICS"

    def era(r: dict) -> str:
        if not r["first_date"]:
            return "?"
        return "DUNS era" if r["last_date"] < UEI_SWITCH else "UEI era" if r["first_date"] >= UEI_SWITCH else "both"

    eras = {era(a), era(b)}
    when = (f"both in the {next(iter(eras))}" if len(eras) == 1 and eras <= {"DUNS era", "UEI era"}
            else "eras differ, or a record spans the change")
    return name, form, street, place, phone, naics, when


def context_bound(records: list[dict]) -> None:
    """How well a decision on what the rows say could do against this ground truth, chosen with its labels.

    Every candidate pair of the blocking is put in a cell by ``context_levels``; such a decision merges or
    keeps apart whole cells. Best recall at precision >= 0.99: take cells purest first, skipping any that
    would bring precision under 0.99. Best precision at recall >= 0.95: the purest cells until recall is
    reached. Both look at the labels, which no real method can. Left out: pairs the blocking never proposes,
    and pairs that merges imply through other records (they can add right and wrong pairs alike), so these
    are estimates of what the columns allow, not proofs.
    """
    by_id = {r["unique_id"]: r for r in records}
    true_pairs = sum(n * (n - 1) // 2 for n in Counter(r["truth"] for r in records).values())
    cells: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0, 0])
    for a, b, _ in scoring.scored_pairs(scoring.load_model(), records, threshold=0.0):
        ra, rb = by_id[a], by_id[b]
        cells[context_levels(ra, rb)][0 if ra["truth"] == rb["truth"] else 1] += 1
    ranked = sorted(cells.items(), key=lambda kv: (-kv[1][0] / sum(kv[1]), -kv[1][0]))
    same = other = 0
    for _, (s, d) in ranked:
        if (same + s) / (same + s + other + d) >= 0.99:
            same, other = same + s, other + d
    best_recall = same / true_pairs
    same = other = 0
    best_precision = None
    for _, (s, d) in ranked:
        same, other = same + s, other + d
        if same / true_pairs >= 0.95:
            best_precision = same / (same + other)
            break
    print(f"\nwhat the rows allow, {len(cells)} cells of candidate pairs, labels in hand: best recall at precision "
          f">= 0.99: {best_recall:.4f}; best precision at recall >= 0.95: "
          + (f"{best_precision:.4f}" if best_precision is not None else "recall 0.95 not reachable"))
    mixed = sorted(((s, d, k) for k, (s, d) in cells.items() if s and d), key=lambda x: -min(x[0], x[1]))
    print("cells holding pairs of one organization and pairs of two (one / two), most mixed first:")
    for s, d, k in mixed[:8]:
        print(f"  {s} / {d}: " + "; ".join(k))


def quality(db_path: Path) -> None:
    records = context_records(db_path)
    print(f"{len(records)} records of {len({r['truth'] for r in records})} organizations; two folds: each half "
          "of the organizations is measured by a model trained on the other")
    folds = [measure_fold(records, 0), measure_fold(records, 1)]
    rows = [(f"fold {i}", r) for i, fold in enumerate(folds) for r in fold]
    totals = [pooled(m, [fold[j] for fold in folds]) for j, m in enumerate(METHODS)]
    rows += [("both folds", r) for r in totals]
    context_bound(records)
    print("| measured on | method | predicted pairs | true pairs | correct | precision | recall | F1 "
          "| wrong clusters | false pairs with identical names | missed pairs with different names |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for where, r in rows:
        s = r["score"]
        print(f"| {where} | {r['method']} | {count(s.predicted_pairs)} | {s.true_pairs} | {s.correct} | "
              f"{s.precision:.4f} | {s.recall:.4f} | {s.f1:.4f} | {len(r['clusters'])} | "
              f"{count(r['false_same_name'])} of {count(s.predicted_pairs - s.correct)} | "
              f"{r['missed_other_name']} of {s.true_pairs - s.correct} |")
    for r in totals:
        print(f"\nwrong clusters, {r['method']} ({len(r['clusters'])}):")
        for w in sorted(r["clusters"]):
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
    rows = scoring.scored_pairs(model, records, threshold=0.001)
    t2 = time.perf_counter()
    positives = 0
    uf = UnionFind()
    for a, b, p in rows:
        verdict = scoring.decide(names[int(a)], names[int(b)], float(p))
        if verdict.judgement is Judgement.POSITIVE:
            positives += 1
            uf.union(a, b)
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
