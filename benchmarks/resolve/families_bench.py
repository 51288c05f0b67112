"""Resolution judged by families: the labelled name groups of ``families.tsv`` against the families a build makes.

    python benchmarks/resolve/families_bench.py DB [DB_WITHOUT_CURATED]

DB is a database built with `whosbehind build`. DB_WITHOUT_CURATED (optional) is the same build with empty
curated ownership and brands (``WHOSBEHIND_CURATED`` pointing at a folder holding decisions.csv and empty
ownership.yaml / brands.yaml): what the records and the resolver reach on their own.

``families.tsv``: one line per name as the bundled records write a recipient (group, tab, name), grouped by the
corporate family it belongs to as of 2025-26, from public ownership knowledge (annual reports and their
subsidiary exhibits, company statements, reported acquisitions and sales), written down name by name from the
records, not from the resolver's output. It mixes the families the issue names with traps: shared first words
(GRANITE CONSTRUCTION / GRANITE TELECOMMUNICATIONS / GRANITE MOUNTAIN, GEO GROUP / GEO MED, HARRIS CORPORATION /
HARRIS & STEWART / A&A HARRIS / W. HARRIS), near spellings (TRUKINETICS / THE KINETIC GROUP, CISCO-EAGLE),
a small firm named like a large one (SNAP, INC is not Snap Inc.), spin-offs (SAIC / Leidos; EOTech, sold by
L-3 in 2014), sister companies (Peraton, once Harris IT Services, is not L3Harris'), re-registrations (CACI,
Deloitte Consulting, Dell Federal Systems), renames (Corrections Corporation of America, Motorola Inc).
The same public knowledge fed the curated ownership, so a group the curated file covers is met by
construction: the "without curated" column says what the records and the resolver do alone.

Measured: pairwise precision and recall of "same family" over the labelled names (each name's family: the
family of the organization that carries the name on most rows, as recipient, parent or subaward party),
beside two baselines on the same names
(one family per identifier as the records give it, before any resolution; the exact normalized name), and
the accuracy of `whosbehind match` on typed queries (the family reached, or no match where none is right).
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

import duckdb

from whosbehind.resolve.match import match_name
from whosbehind.resolve.names import normalize
from whosbehind.store import db

LABELS = Path(__file__).with_name("families.tsv")
# (query, the family head's name a person means; None = no family is right: "no match")
QUERIES = [
    ("Dell", "DELL TECHNOLOGIES INC."), ("LexisNexis", "RELX PLC"), ("AT&T", "AT&T INC."),
    ("Rapiscan", "OSI SYSTEMS, INC."), ("General Dynamics", "GENERAL DYNAMICS CORPORATION"),
    ("CACI", "CACI INTERNATIONAL INC"), ("Deloitte", "DELOITTE LLP"),
    ("Thomson Reuters", "THOMSON REUTERS CORPORATION"), ("GEO Group", "THE GEO GROUP, INC."),
    ("Whole Foods", "AMAZON.COM INC."), ("Leidos", "LEIDOS HOLDINGS, INC."),
    ("SAIC", "SCIENCE APPLICATIONS INTERNATIONAL CORPORATION"), ("Palantir", "PALANTIR TECHNOLOGIES INC."),
    ("CoreCivic", "CORECIVIC, INC."), ("Motorola Solutions", "MOTOROLA SOLUTIONS, INC."),
    ("Peraton", "PERATON CORP."), ("Amentum", "AMENTUM HOLDINGS, INC."),
    ("Northrop Grumman", "NORTHROP GRUMMAN CORPORATION"), ("Booz Allen Hamilton", "BOOZ ALLEN HAMILTON INC"),
    ("American Science & Engineering", "OSI SYSTEMS, INC."), ("GEO", None), ("Snapchat", None),
]


def read_labels() -> list[tuple[str, str]]:
    lines = LABELS.read_text("utf-8").splitlines()[1:]
    return [tuple(line.split("\t", 1)) for line in lines if line.strip()]  # type: ignore[misc]


def predicted(con: duckdb.DuckDBPyConnection, names: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Each name's family (today) and its identifier as the records give it (step 200), by most rows."""
    rows = con.execute(
        "SELECT n.name, n.id, o.family_id, n.n_rows FROM org_names n JOIN organizations o ON o.id = n.id "
        "WHERE n.name IN (SELECT unnest($names))", {"names": names}).fetchall()
    fam: dict[str, Counter] = defaultdict(Counter)
    ident: dict[str, Counter] = defaultdict(Counter)
    for name, rid, family, n in rows:
        fam[name][family] += n
        ident[name][rid] += n
    return ({k: v.most_common(1)[0][0] for k, v in fam.items()},
            {k: v.most_common(1)[0][0] for k, v in ident.items()})


def curated_keys() -> set[str]:
    """The exact keys of every name curated ownership writes (names, record names, former names)."""
    from whosbehind.resolve import families

    own = families.ownership()
    return {normalize(n).exact for o in own.organizations.values()
            for n in (o.name, *o.records, *(f for f, _ in o.formerly))}


def pairwise(truth: dict[str, str], guess: dict[str, str], only: set[str] | None = None
             ) -> tuple[float, float, list[tuple[str, str, str]]]:
    """Pairwise precision and recall of "same family"; with ``only``, over the pairs with a name in it."""
    tp = fp = fn = 0
    errors = []
    for a, b in combinations(sorted(truth), 2):
        if only is not None and a not in only and b not in only:
            continue
        same, said = truth[a] == truth[b], guess[a] == guess[b]
        tp += same and said
        fp += said and not same
        fn += same and not said
        if said != same:
            errors.append(("false merge" if said else "missed", a, b))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, errors


def measure(path: Path, label: str) -> dict[str, object]:
    labels = read_labels()
    con = db.connect(path, read_only=True)
    try:
        names = [n for _, n in labels]
        fam, ident = predicted(con, names)
        missing = [n for n in names if n not in fam]
        if missing:
            raise SystemExit(f"{path}: labelled names not in the records: {missing}")
        truth = {n: g for g, n in labels}
        out = {"label": label, "names": len(truth), "groups": len(set(truth.values()))}
        out["families"] = pairwise(truth, fam)
        unwritten = {n for n in truth if normalize(n).exact not in curated_keys()}
        out["unwritten"] = (len(unwritten), pairwise(truth, fam, unwritten))
        out["identifiers"] = pairwise(truth, ident)
        out["exact_name"] = pairwise(truth, {n: normalize(n).exact for n in truth})
        answers = []
        for q, want in QUERIES:
            r = match_name(con, q)
            got = r.family["name"] if r.match and r.family else None
            answers.append((q, want, got, got == want))
        out["queries"] = answers
    finally:
        con.close()
    return out


def report(results: list[dict[str, object]]) -> None:
    first = results[0]
    print(f"{first['names']} labelled names in {first['groups']} families (benchmarks/resolve/families.tsv)")
    print(f"{'method':48} {'precision':>9} {'recall':>7}")
    rows = [("one family per identifier (records as given)", first["identifiers"]),
            ("exact normalized name", first["exact_name"])]
    rows += [(f"whosbehind families, {r['label']}", r["families"]) for r in results]
    n, unwritten = first["unwritten"]  # type: ignore[misc]
    rows.insert(3, (f"  of which pairs with one of {n} unwritten names", unwritten))
    for what, (p, rcl, _) in rows:  # type: ignore[misc]
        print(f"{what:48} {p:9.4f} {rcl:7.4f}")
    print("(unwritten: names curated ownership does not write, reached by resolution rather than by construction)")
    for r in results:
        errs = sorted(r["families"][2], key=lambda e: e[0] != "false merge")  # type: ignore[index]
        merges = sum(1 for e in errs if e[0] == "false merge")
        print(f"\n{r['label']}: {len(errs)} wrong pairs ({merges} false merges)")
        for kind, a, b in errs[:80]:
            print(f"  {kind}: {a} / {b}")
        ok = sum(1 for *_, good in r["queries"])  # type: ignore[misc]
        good = sum(1 for *_, g in r["queries"] if g)  # type: ignore[misc]
        print(f"typed queries ({r['label']}): {good}/{ok} reach the family a person means")
        for q, want, got, g in r["queries"]:  # type: ignore[misc]
            wanted = "" if g else f" (want {want or 'no match'})"
            print(f"  {'ok ' if g else 'BAD'} {q!r}: {got or 'no match'}{wanted}")


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit(__doc__)
    results = [measure(Path(argv[0]), "with curated ownership")]
    if len(argv) > 1:
        results.append(measure(Path(argv[1]), "without curated ownership"))
    report(results)


if __name__ == "__main__":
    main(sys.argv[1:])
