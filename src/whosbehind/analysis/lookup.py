"""The single way in: what a person typed -> the organization, brand, system or agency it names.

Every face asks this module: CLI `lookup`, `match`, `why`, `explain`, `match --file`; the web search,
suggestions, organization pages and check-a-list; the API lookup, screening and OpenRefine reconciliation.
The answer is one node of the graph (step 500: a canonical organization, or an evidence node that is no
organization's) with its family, or a short list of candidates with what tells them apart, or "not found".

The order, strongest first, so that a typed name never lands on a company that merely contains its letters:
1. an id as stored (``uei:…``, ``name:…``, ``curated:…``, ``fedramp:…``), a UEI or a DUNS;
2. an exact name from any source (records, curated entities, brands and products, FedRAMP, agency abbreviations),
   compared on resolution's normalized keys (case, punctuation, "The", legal form when none is typed);
3. resolution's matcher (Splink scores and the rules of ``resolve.scoring.decide``);
4. a short name that begins, as whole words, the names of one family ("TASER"), unless it is one
   common English word that begins no curated name ("Chase", "Apollo"): many companies carry it, so its names
   are listed;
5. otherwise names containing the text, as a list: substring search never decides identity;
6. a text no name holds at all: an exact name or a short name (steps 2 and 4) with its words run together or
   apart otherwise than typed ("Lexis Nexis" is LEXISNEXIS, "Motorolasolutions" MOTOROLA SOLUTIONS, INC.),
   answered as that name spelled as stored would be.
A legal name found under several registrations is one organization with several registrations (the one
paid most answers, the others are listed) unless the name is too generic to tell companies apart.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal

import duckdb

from whosbehind.model import LookupBasis
from whosbehind.resolve.names import NameKey, normalize
from whosbehind.store import db, queries

Status = Literal["found", "list", "not_found", "withheld"]  # withheld: a private person's name
MAX_CANDIDATES = 10
# SAM.gov's Unique Entity ID: 12 letters and digits, never the letters O or I, never a 0 first. A word of 12 letters
# ("CORRECTIONAL") is read as a name, not as an identifier no record has.
_UEI = re.compile(r"^[A-HJ-NP-Z1-9][A-HJ-NP-Z0-9]{11}$")
_DUNS = re.compile(r"^\d{9}$")


@dataclass
class Answer:
    query: str
    status: Status
    id: str | None = None
    name: str | None = None
    kind: str | None = None
    family: dict[str, Any] | None = None  # {"id", "name"} of the family head
    basis: LookupBasis | None = None  # how the text was read (model.LookupBasis)
    reason: str = ""
    candidates: list[dict[str, Any]] = field(default_factory=list)
    families: int | None = None  # a list: how many families its names reach (candidates holds the first ten)
    asked_for: dict[str, str] | None = None  # the record or node the text named, when part of this answer
    match: dict[str, Any] | None = None  # the matcher's score and explanation, when it decided

    @property
    def found(self) -> bool:
        return self.status == "found"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- the index (a build step) ---------------------------------------------------------------------------


def build_index(con: duckdb.DuckDBPyConnection) -> None:
    """Fill ``lookup_names`` (step 510) with every name of every node and its normalized keys: a name the last
    derive normalized keeps its keys when this derive is scoped (table ``lookup_keys_before``), the others are
    normalized here."""
    kept = {r["name"]: (r["exact"], r["core"], r["first_token"], r["compact"])
            for r in queries.rows(con, "lookup_kept_keys")}
    rows = []
    for r in queries.rows(con, "lookup_index_names"):
        keys = kept.get(r["name"])
        if keys is None:
            key = normalize(r["name"])
            if not key.exact:
                continue
            keys = (key.exact, key.core, key.first_token, key.compact)
        rows.append((r["node_id"], r["name"], r["source"], *keys))
    columns = ("node_id", "name", "source", "exact", "core", "first_token", "compact")
    with db.rows_table(con, "incoming_lookup_names", dict.fromkeys(columns, "VARCHAR"), rows):
        con.execute(db.query_text("lookup_store_index"))


# --- the lookup -----------------------------------------------------------------------------------------


def lookup(con: duckdb.DuckDBPyConnection, text: str, *, use_matcher: bool = True) -> Answer:
    """One answer for what a person typed."""
    return lookup_many(con, [text], use_matcher=use_matcher)[0]


def lookup_many(con: duckdb.DuckDBPyConnection, texts: list[str], *, use_matcher: bool = True) -> list[Answer]:
    """One answer per text, in order. The matcher runs once for all texts that need it (check a list)."""
    return _lookup_all(con, texts, use_matcher=use_matcher, respace=True)


def _lookup_all(con: duckdb.DuckDBPyConnection, texts: list[str], *, use_matcher: bool,
                respace: bool) -> list[Answer]:
    """``lookup_many``; ``respace`` False leaves out the last step (a text spaced otherwise), for the name that step
    looks up as the records space it."""
    answers: list[Answer | None] = [_direct(con, t) for t in texts]
    pending = [i for i, a in enumerate(answers) if a is None]
    withheld: dict[int, Answer] = {}
    if use_matcher and pending:
        from whosbehind.resolve import match as matcher

        results = matcher.match_names(con, [texts[i] for i in pending])
        for i, result in zip(pending, results, strict=True):
            answers[i] = _from_matcher(con, texts[i], result)
            if result.rule == "individual":  # a private person's name: never matched, listed or named
                withheld[i] = Answer(texts[i], "not_found", basis=LookupBasis.PRIVATE_PERSON,
                                     reason=result.explanation[0]["level"])
    out = [a if a is not None else _fallback(con, texts[i]) for i, a in enumerate(answers)]
    out = [withheld[i] if i in withheld and not a.found else a for i, a in enumerate(out)]
    if respace:
        # Only a text no name holds as typed, not even in part ("Neo Tech" may be short for NEO TECHNOLOGIES, INC.,
        # which holds it, as well as NEOTECH ENGINEERED PRODUCTS, INC; "Officefurniture" is OFFICEFURNITURE.COM, LLC,
        # not OFFICE FURNITURE WAREHOUSE INC.), nor an identifier, nor a person's name.
        unread = [i for i, a in enumerate(out) if answers[i] is None and i not in withheld and a.status == "not_found"]
        for i, spaced in zip(unread, _spaced_otherwise(con, [texts[i] for i in unread], use_matcher=use_matcher),
                             strict=True):
            out[i] = spaced or out[i]
    return out


def is_withheld(answer: Answer) -> bool:
    return answer.status == "withheld"


def _direct(con: duckdb.DuckDBPyConnection, text: str) -> Answer | None:
    """Ids, identifiers and exact names: an answer, a list, or None to ask the matcher."""
    query = text.strip()
    if not query:
        return Answer(text, "not_found", reason="nothing was typed")
    by_id = _by_identifier(con, query)
    if by_id is not None:
        return by_id
    key = normalize(query)
    if not key.exact:
        return Answer(text, "not_found", reason="the text has no letters or digits to look up")
    column, value = ("exact", key.exact) if key.legal_form else ("core", key.core)
    hits = queries.rows(con, "lookup_exact", column=column, value=value)
    if not hits and column == "exact":
        hits = queries.rows(con, "lookup_exact", column="core", value=key.core)
    if hits:
        return _decide(con, text, key, hits, LookupBasis.EXACT_NAME)
    return None


def _by_identifier(con: duckdb.DuckDBPyConnection, query: str) -> Answer | None:
    upper = query.upper().replace("-", "") if _DUNS.match(query.replace("-", "")) else query.upper()
    tries: list[tuple[str, LookupBasis]] = [(query, LookupBasis.ORGANIZATION_ID)]
    if _UEI.match(upper):
        tries.append(("uei:" + upper, LookupBasis.UEI))
    if _DUNS.match(upper):
        tries += [("duns:" + upper, LookupBasis.DUNS)]
        uei = con.execute("SELECT uei FROM duns_to_uei WHERE duns = ?", [upper]).fetchone()
        if uei:
            tries.append(("uei:" + uei[0], LookupBasis.DUNS_BESIDE_UEI))
    for node_id, basis in tries:
        found = queries.one(con, "lookup_node", id=node_id)
        if found is not None:
            asked = None if found["id"] == node_id else {"id": node_id, "name": found["asked_name"] or node_id}
            return _answer(query, found, basis, f"{basis} {node_id}", asked_for=asked)
    # An identifier no record has; twelve letters without a digit ("Transparency") are more likely a word: looked up
    # as a name.
    if _DUNS.match(upper) or (_UEI.match(upper) and any(c.isdigit() for c in upper)):
        return Answer(query, "not_found", reason=f"no organization with this identifier in the database ({upper})")
    return None


def _decide(con: duckdb.DuckDBPyConnection, text: str, key: NameKey, hits: list[dict[str, Any]],
            basis: LookupBasis) -> Answer:
    """Several names can lead to several nodes: one node answers; one family answers with its organization
    paid most (several registrations of one company) unless the name is too generic; else a list."""
    nodes = _rank(con, sorted({h["node_id"] for h in hits}))
    if len(nodes) == 1:
        found = _answer(text, nodes[0], basis, f"{basis}: {hits[0]['name']}")
        sources = {h["source"] for h in hits}
        if "curated brand" in sources:
            # the brand's own key when the text spaces it otherwise than the brand and other names it fits
            brand = (queries.one(con, "lookup_brand", key=key.exact) or queries.one(con, "lookup_brand", key=key.core)
                     or queries.one(con, "lookup_brand", key=normalize(
                         next(h["name"] for h in hits if h["source"] == "curated brand")).exact))
            found.basis = LookupBasis.BRAND
            found.match = {"score": 1.0, "rule": "brand", "matched_name": hits[0]["name"], "brand": brand,
                           "explanation": [{"feature": "brand", "level": "curated brand list (grade "
                                            f"{brand['grade'] if brand else '?'})", "left": text,
                                            "right": hits[0]["name"], "match_weight": None}]}
        elif sources == {"curated product"}:
            product = queries.one(con, "lookup_product", product=hits[0]["name"]) or {}
            found.basis = LookupBasis.PRODUCT
            found.reason = (f"{hits[0]['name']} is a product of {found.name} (curated product list"
                            + (f", {product['source_url']}" if product.get("source_url") else "") + ")")
        return _prefer_family_head(con, found, key)
    families = {n["family_id"] for n in nodes}
    same_name = len({h["core"] for h in hits}) == 1
    if len(families) == 1 or (same_name and not key.is_generic):
        # One family: its head when it has this name. One legal name over several families: the registration
        # whose parent is known (a registration made for the parent's reports), else the one paid most.
        best = (_head_or_first(nodes, key) if len(families) == 1
                else next((n for n in nodes if n["id"] != n["family_id"]), nodes[0]))
        others = [n for n in nodes if n["id"] != best["id"]]
        why = ("of one family, the one paid most answers" if len(families) == 1 and best is nodes[0]
               else "of one family, its head answers" if len(families) == 1
               else "under one legal name, the one whose parent is known answers" if best["id"] != best["family_id"]
               else "under one legal name, the one paid most answers")
        found = _answer(text, best, basis, f"{basis}; {len(nodes)} registrations {why}")
        found.candidates = [_candidate(con, n) for n in others[:MAX_CANDIDATES]]
        return found
    return Answer(text, "list", basis=basis, families=len(families),
                  reason=f"the name fits {len(nodes)} organizations of {len(families)} families",
                  candidates=[_candidate(con, n) for n in nodes[:MAX_CANDIDATES]])


def _head_or_first(nodes: list[dict[str, Any]], key: NameKey) -> dict[str, Any]:
    """A name typed with its legal form ("AMAZON.COM LLC") means the organization known by exactly that name;
    a name without one ("Amazon") the family head when its name begins like the query; else the one paid most."""
    if key.legal_form:
        exact = [n for n in nodes if normalize(n["name"]).exact == key.exact]
        if exact:
            return exact[0]
    for n in nodes:
        if n["id"] == n["family_id"] and _begins_with(n["name"], key.first_token):
            return n
    return nodes[0]


def _from_matcher(con: duckdb.DuckDBPyConnection, text: str, result: Any) -> Answer | None:
    """Resolution's matcher decided (one organization, or several): map its records to their nodes."""
    detail = {"score": result.score, "rule": result.rule, "matched_name": result.matched_name,
              "explanation": result.explanation, "brand": result.brand, "scored": result.candidates}
    if result.rule == "individual":  # a private person's name: never matched, named or listed
        return Answer(text, "withheld", basis=LookupBasis.INDIVIDUAL, reason=result.explanation[0]["level"],
                      match={**detail, "scored": []})
    if result.match:
        node = queries.one(con, "lookup_node", id=result.match["id"])
        if node is not None:
            found = _answer(text, node, LookupBasis.NAME_MATCH, f"resolution's matcher ({result.rule})")
            found.match = detail
            return _prefer_family_head(con, found, normalize(text))
    if result.rule == "ambiguous":
        ids = sorted({c["id"] for c in result.candidates if c["decision"] == "positive"})
        nodes = _rank(con, sorted({n["id"] for i in ids if (n := queries.one(con, "lookup_node", id=i))}))
        if nodes:
            key = normalize(text)
            # The matcher's five best candidates may all be records of one organization though the name fits others
            # further down: that one is offered to choose, never answered as the match.
            if len(nodes) > 1 and (len({n["family_id"] for n in nodes}) == 1 or (
                    len({normalize(n["name"]).core for n in nodes}) == 1 and not key.is_generic)):
                hits = [{"node_id": n["id"], "name": n["name"], "core": normalize(n["name"]).core} for n in nodes]
                return _decide(con, text, key, hits, LookupBasis.NAME_MATCH)
            return Answer(text, "list", basis=LookupBasis.NAME_MATCH, families=len({n["family_id"] for n in nodes}),
                          reason=(f"the name fits {len(nodes)} organizations" if len(nodes) > 1
                                  else result.explanation[0]["level"]),
                          candidates=[_candidate(con, n) for n in nodes[:MAX_CANDIDATES]], match=detail)
    return None


def _prefer_family_head(con: duckdb.DuckDBPyConnection, found: Answer, key: NameKey) -> Answer:
    """A one-word name ("Palantir", "Amazon") means the company that heads the family when its name begins
    with that word."""
    if key.lone_word is None or key.legal_form or not found.family or found.family["id"] == found.id:
        return found
    head = queries.one(con, "lookup_node", id=found.family["id"])
    if head is not None and _begins_with(head["name"], key.lone_word):
        better = _answer(found.query, head, found.basis, found.reason + "; the family head has this name")
        better.match = found.match
        better.asked_for = {"id": found.id or "", "name": found.name or ""}
        return better
    return found


def _fallback(con: duckdb.DuckDBPyConnection, text: str) -> Answer:
    """A short name that begins the names of one family, else a list of names containing the text."""
    key = normalize(text)
    if (key.core and not key.is_generic) or (key.lone_word and len(key.core) >= 3):
        hits = queries.rows(con, "lookup_prefix", core=key.core, products=" " in key.core)
        if hits:
            nodes = _rank(con, sorted({h["node_id"] for h in hits}))
            families = {n["family_id"] for n in nodes}
            from whosbehind.resolve import match as matcher  # as above: the matcher's module only when needed

            if key.lone_word and matcher.common_word_alone(con, key.lone_word):
                # "Chase" begins one name here (a county jail), but it is a word many companies carry
                return Answer(text, "list", basis=LookupBasis.COMMON_WORD, families=len(families),
                              reason=f"{text.strip()!r} is a common word, which names no one company; "
                                     "these names begin with it (not a match)",
                              candidates=[_candidate(con, n) for n in nodes[:MAX_CANDIDATES]])
            if len(families) == 1:
                best = _head_or_first(nodes, key)
                found = _answer(text, best, LookupBasis.SHORT_NAME,
                                f"every name beginning with {key.core!r} belongs to one family")
                found.candidates = [_candidate(con, n) for n in nodes if n["id"] != best["id"]][:MAX_CANDIDATES]
                return _prefer_family_head(con, found, key)
            return Answer(text, "list", basis=LookupBasis.SHORT_NAME, families=len(families),
                          reason=f"names beginning with {key.core!r} belong to {len(families)} families",
                          candidates=[_candidate(con, n) for n in nodes[:MAX_CANDIDATES]])
    hits = queries.rows(con, "lookup_contains", term=text.strip(), limit=MAX_CANDIDATES * 3)
    if hits:
        nodes = _rank(con, sorted({h["node_id"] for h in hits}))
        return Answer(text, "list", basis=LookupBasis.NAMES_CONTAINING,
                      reason="no organization has this name; these names contain the text (not a match)",
                      candidates=[_candidate(con, n) for n in nodes[:MAX_CANDIDATES]])
    return Answer(text, "not_found", reason="no organization, brand or system by this name in the database")


@dataclass
class _Spacing:
    """How a text's letters fit stored names spaced otherwise: names equal to it but for spaces (``hits``), else
    names whose first words give its letters (``leads``: node -> those words), and the ways the records space them."""

    hits: list[dict[str, Any]]
    leads: dict[str, str]
    spellings: set[str]


def _spaced_otherwise(con: duckdb.DuckDBPyConnection, texts: list[str], *, use_matcher: bool) -> list[Answer | None]:
    """Per text, a name stored with its words run together or apart otherwise than typed ("Lexis Nexis": LEXISNEXIS,
    a brand of RELX; "Motorolasolutions": MOTOROLA SOLUTIONS, INC.), or a short name beginning such names
    ("Boozallen"): the answer the words spaced as stored give, legal form kept, with every step above (exact name,
    matcher, short name; the matcher runs once for all). None when the text fits no such name."""
    keys = [normalize(t) for t in texts]
    fits = [_spacing(con, k) for k in keys]
    # One way the records space it: the name so spaced is looked up, and found before this step.
    respelled = {i: f"{next(iter(f.spellings))} {keys[i].legal_form}".strip()
                 for i, f in enumerate(fits) if f is not None and len(f.spellings) == 1}
    looked_up = dict(zip(respelled, _lookup_all(con, list(respelled.values()), use_matcher=use_matcher,
                                                respace=False), strict=True))
    out: list[Answer | None] = []
    for i, (text, fit) in enumerate(zip(texts, fits, strict=True)):
        found: Answer | None
        if fit is None:
            found = None
        elif i in looked_up:
            found = looked_up[i] if looked_up[i].status in ("found", "list") else None
        elif fit.hits:
            # Spaced in several ways: decided as one exact name's registrations are ("Ope nText": OPEN TEXT INC. and
            # OpenText, two families, are a list).
            found = _decide(con, text, keys[i], fit.hits, LookupBasis.EXACT_NAME)
        else:
            nodes = _rank(con, sorted(fit.leads))
            found = Answer(text, "list", basis=LookupBasis.SHORT_NAME, families=len({n["family_id"] for n in nodes}),
                           reason=f"names beginning with the letters of {text.strip()!r}",
                           candidates=[_candidate(con, n) for n in nodes[:MAX_CANDIDATES]])
        if found is not None:
            found.query = text
            found.reason += (f"; {text.strip()!r} read with its words spaced as the records space them: "
                             + " or ".join(repr(words) for words in sorted(fit.spellings)))
        out.append(found)
    return out


def _spacing(con: duckdb.DuckDBPyConnection, key: NameKey) -> _Spacing | None:
    """The stored names a text fits once its spaces are set aside. The letters must tell a company apart as the
    stored words do, so none for a generic text ("A B C" and "ABC" are too short to be sure), a common English word
    once run together ("Tabletop": TABLE TOP TELEPHONE CO INC; "Sun Rise": SUNRISE is the word of many
    companies), or words that read as a person's name once spaced as stored ("Joecorley": JOE CORLEY)."""
    joined = key.compact
    if key.is_generic:
        return None
    from whosbehind.resolve import match as matcher  # as in _fallback: the matcher's module only when needed

    if matcher.common_word_alone(con, joined):
        return None
    hits = queries.rows(con, "lookup_compact", compact=joined)
    # A short name: names whose first whole words give the text's letters; FedRAMP product names only when those
    # words are several, as for a short name typed as stored (lookup_prefix.sql).
    leads = {} if hits else {
        h["node_id"]: lead for h in queries.rows(con, "lookup_compact_prefix", compact=joined)
        if (lead := _leading_words(h["core"], joined)) and (h["source"] != "FedRAMP product" or " " in lead)}
    spellings = {h["core"] for h in hits} | set(leads.values())
    # never a person's name, as the matcher reads what is typed (matcher.typed_as_person)
    spelled = [normalize(words) for words in spellings]
    if not spelled or any(k.is_generic or matcher.typed_as_person(con, k.core, k) for k in spelled):
        return None
    return _Spacing(hits, leads, spellings)


def _leading_words(core: str, joined: str) -> str | None:
    """The first whole words of a normalized name that, run together, are ``joined``: "lexisnexis" of "lexisnexis
    special services"; None when its letters run on inside a word ("lexisnexisa ...")."""
    words: list[str] = []
    for word in core.split():
        words.append(word)
        letters = "".join(words)
        if letters == joined:
            return " ".join(words)
        if not joined.startswith(letters):
            return None
    return None


def _begins_with(name: str, word: str) -> bool:
    """Whether a name's first word is this word, a web domain counting as its word ("AMAZON.COM INC.")."""
    first = normalize(name).first_token
    return bool(word) and (first == word or (first.startswith(word) and first[len(word):] in ("com", "net", "org")))


def scored(con: duckdb.DuckDBPyConnection, found: Answer) -> Answer:
    """The matcher's score and explanation for an answer found by an exact name, when the matcher reaches the
    same organization (`whosbehind match` shows which values produced the score)."""
    if not found.found or found.match is not None:
        return found
    from whosbehind.resolve import match as matcher

    result = matcher.match_name(con, found.query)
    node = queries.one(con, "lookup_node", id=result.match["id"]) if result.match else None
    if node is not None and node["id"] in (found.id, (found.asked_for or {}).get("id")):
        found.match = {"score": result.score, "rule": result.rule, "matched_name": result.matched_name,
                       "explanation": result.explanation, "brand": result.brand, "scored": result.candidates}
    else:
        found.match = {"score": None, "rule": found.basis, "matched_name": found.name, "brand": None,
                       "explanation": [{"feature": "decision", "level": found.reason, "left": found.query,
                                        "right": found.name, "match_weight": None}]}
    return found


# --- shared shapes --------------------------------------------------------------------------------------


def _rank(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[dict[str, Any]]:
    """Nodes with their family and money, the one paid most first."""
    if not ids:
        return []
    return queries.rows(con, "lookup_nodes", ids=ids)


def family_of(node: dict[str, Any]) -> dict[str, str]:
    """A node's family as every face gives it, from a row of ``lookup_nodes`` (or ``lookup_node``): a family head
    known by no other name is named as the node is."""
    return {"id": node["family_id"], "name": node["family_name"] or node["name"]}


def _answer(query: str, node: dict[str, Any], basis: LookupBasis | None, reason: str, *,
            asked_for: dict[str, str] | None = None) -> Answer:
    return Answer(query, "found", id=node["id"], name=node["name"], kind=node["kind"],
                  family=family_of(node),
                  basis=basis, reason=reason, asked_for=asked_for)


def _candidate(con: duckdb.DuckDBPyConnection, node: dict[str, Any]) -> dict[str, Any]:
    """A candidate and what tells it apart: its identifiers, places, years, family and money."""
    detail = queries.one(con, "lookup_candidate_detail", id=node["id"]) or {}
    return {"id": node["id"], "name": node["name"], "kind": node["kind"],
            "family": family_of(node),
            "obligated": node["obligated"] or Decimal(0),
            "identifiers": detail.get("identifiers") or [],
            "first_fy": detail.get("first_fy"), "last_fy": detail.get("last_fy")}
