"""Products that award descriptions name, and who makes them (curated/products.yaml, read by PRODUCTS.md's rules).

USAspending shows only the prime recipient; the description often says what was bought: "AMAZON WEB SERVICES
FOR CBP", "MICROSOFT ELA FOR ADDITIONAL O365 LICENSES". This module reads each description with the lexicon's
patterns (regular expressions on word boundaries, per clause) and a few context rules, and says for each award
which makers' products it names and in which role:

- ``product``: the product itself is bought or renewed (licences, subscriptions, cloud resources, units,
  equipment, maintenance renewals);
- ``services``: the recipient performs work around it (support services, professional services, consulting,
  migration, development, training, O&M).

Context rules (a word list alone would misread the records):

1. traps: a product's ``not`` patterns cancel it in that clause ("GOTHAM SATELLITE", "CLEAR TRASH BAGS");
   ``requires`` must match the clause for an ordinary word to count as a product name (CLEAR).
2. medium: a product named after VIA or USING is how the work is done ("court reporting via Microsoft Teams").
3. environment: a product named after a preposition (FOR, ON, IN, INTO, TO, WITH, OF) that follows another
   maker's product in the same clause is where the bought product runs ("CISCO CATALYST 8000V FOR AWS
   GOVCLOUD", "TOAD FOR ORACLE", "SAILPOINT ... FOR AMAZON WEB SERVICE"); so is a product named right after
   another maker's product ("SAILPOINT SERVICENOW SOFTWARE").
4. migration away: a product named after FROM or OFF in a clause about migrating is being left.

An award is attributed as a whole (all its rows) when its first row names the product or at least half its rows
do; otherwise only the rows that name it (one modification "ADDING MICROSOFT G5 LICENSES" to an equipment
maintenance contract is not a Microsoft award). One maker per award gets one product (the most named, specific
before generic), so an award is never counted twice for the same maker. The role is the one the naming rows
show, weighted by their obligations.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

import duckdb
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from whosbehind import settings
from whosbehind.errors import WhosbehindError
from whosbehind.sources import curated
from whosbehind.store import db

LEXICON = Path(__file__).resolve().parents[1] / "curated" / "products.yaml"


def lexicon_path() -> Path:
    """$WHOSBEHIND_PRODUCTS (settings.py), else the lexicon shipped in the package (curated/products.yaml)."""
    return settings.products_lexicon() or LEXICON
Role = Literal["product", "services"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LexiconSource(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    publisher: str
    title: str
    date: str | None = None
    url: str | None = Field(default=None, pattern=r"^https?://")
    note: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: object) -> str | None:
        return None if v is None else str(v)


def _check_patterns(values: list[str]) -> list[str]:
    for v in values:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"{v!r} is not a regular expression: {exc}") from exc
    return values


class Product(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=2)
    maker: str  # a curated entity id (curated/claims/entities.yaml)
    kind: str
    aliases: list[str] = Field(min_length=1)
    requires: str | None = None
    not_: list[str] = Field(default=[], alias="not")
    generic: bool = False  # the maker's name alone: used only when no specific product of the maker is named
    note: str | None = None
    source: str

    _patterns = field_validator("aliases", "not_")(classmethod(lambda cls, v: _check_patterns(v)))


class FedrampHost(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    text: str  # pattern on the Marketplace's description, upper-cased
    fedramp_id: str | None = None  # the host's own Marketplace product, when it has one
    name: str
    entity: str  # curated entity that makes the host
    unless: str | None = None  # the host is not read in a sentence where this matches

    _pattern = field_validator("text")(classmethod(lambda cls, v: _check_patterns([v])[0]))


class LexiconFile(_Strict):
    sources: list[LexiconSource] = []
    products: list[Product] = []
    fedramp_hosts: list[FedrampHost] = []


def _bounded(pattern: str) -> str:
    return rf"(?<![A-Z0-9])(?:{pattern})(?![A-Z0-9])"


@dataclass
class Lexicon:
    products: dict[str, Product]
    sources: dict[str, LexiconSource]
    hosts: list[FedrampHost]
    path: str
    alias_re: dict[str, re.Pattern[str]] = field(default_factory=dict)
    not_re: dict[str, re.Pattern[str] | None] = field(default_factory=dict)
    requires_re: dict[str, re.Pattern[str] | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # one pass over all names first (without the boundary checks, which make a long alternation slow): most
        # descriptions name no product and are skipped at once
        self.any_re = re.compile("|".join(a for p in self.products.values() for a in p.aliases))
        for p in self.products.values():
            self.alias_re[p.id] = re.compile("|".join(_bounded(a) for a in p.aliases))
            self.not_re[p.id] = re.compile("|".join(_bounded(a) for a in p.not_)) if p.not_ else None
            self.requires_re[p.id] = re.compile(p.requires) if p.requires else None


def load_lexicon(path: Path | None = None, entity_ids: set[str] | None = None) -> Lexicon:
    """Read and check the lexicon; a bad file is one readable error naming the file and the entry."""
    path = path or lexicon_path()
    try:
        doc = curated.read_yaml(path.read_text("utf-8")) or {}
        parsed = LexiconFile.model_validate(doc)
    except (OSError, yaml.YAMLError) as exc:
        raise WhosbehindError(f"{path}: cannot read the product lexicon: {' '.join(str(exc).split())}") from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        raise WhosbehindError(f"{path}: {'.'.join(str(x) for x in err['loc'])}: {err['msg']}") from exc
    products: dict[str, Product] = {}
    sources = {s.id: s for s in parsed.sources}
    for p in parsed.products:
        if p.id in products:
            raise WhosbehindError(f"{path}: product {p.id}: duplicated id")
        if p.source not in sources:
            raise WhosbehindError(f"{path}: product {p.id}: cites unknown source {p.source!r}")
        if entity_ids is not None and p.maker not in entity_ids:
            raise WhosbehindError(f"{path}: product {p.id}: maker {p.maker!r} is not a curated entity")
        products[p.id] = p
    for h in parsed.fedramp_hosts:
        if entity_ids is not None and h.entity not in entity_ids:
            raise WhosbehindError(f"{path}: fedramp host {h.id}: entity {h.entity!r} is not a curated entity")
    return Lexicon(products, sources, parsed.fedramp_hosts, path.name)


# --- reading one description ---------------------------------------------------------------------------------

CLAUSE_SPLIT = re.compile(r"\s*(?:;|\|\||\.\s+|\.$|\s-\s)\s*")
MEDIUM = re.compile(r"(?<![A-Z])(?:VIA|USING)\s+(?:THE\s+|A\s+|AN\s+)?(?:[A-Z0-9&-]+\s+){0,2}$")
PREPOSITION = re.compile(r"(?<![A-Z])(?:FOR|ON|IN|INTO|TO|WITH|OF|UNDER)(?![A-Z])")
# The product is where something else is kept or used: "essential for ICE SharePoint", "back up ... to their
# Microsoft OneDrive account", "required ... to utilize current Cisco hardware", "a module built on the
# ServiceNow platform", "equipment incompatible with Windows 11".
MENTION_ONLY = re.compile(r"(?<![A-Z])(?:ESSENTIAL FOR|(?:IN)?COMPATIBLE\b.*\bWITH|BACK UP\b.*\bTO|UTILIZE|"
                          r"INTEROPERABLE WITH|BUILT ON)\b")
# The same where the product is the object of the words, a few words on, with nothing bought between them and it:
# "housed in a Windows 11 operating system", "equipment that will accommodate a Verizon aircard", "a tool that
# enhances and customizes SharePoint"; or it only dates or ends the work: "maintenance until the Salesforce
# platform is fully implemented", "the decommissioning of (2) NetApp storage devices and (2) Cisco switches".
# ("SUPPORT UNTIL 9/30 AND PURCHASE OF CISCO SWITCHES" buys Cisco switches.)
_NOT_BOUGHT = (r"(?:(?!(?:PURCHASE|PROCURE|BUY|ACQUIRE|NEW|REPLACE\w*|INSTALL\w*|DEPLOY\w*|UPGRADE\w*|"
               r"IMPLEMENT\w*|LICEN[CS]\w*)\b)[A-Z0-9&'()/.,-]+\s+)")
# after UNTIL, AND or FOR starts what is bought: "SUPPORT UNTIL SEPTEMBER AND CISCO SMARTNET"
_NOT_BOUGHT_NOR_JOINED = rf"(?:(?!(?:AND|FOR)\b){_NOT_BOUGHT})"
OBJECT_ONLY = re.compile(rf"(?<![A-Z])(?:UNTIL\s+{_NOT_BOUGHT_NOR_JOINED}{{0,3}}"
                         rf"|(?:HOUSED IN|ACCOMM?ODATES?)\s+{_NOT_BOUGHT}{{0,3}}"
                         rf"|(?:ENHANCES|CUSTOMIZES)\s+{_NOT_BOUGHT}{{0,2}}"
                         rf"|(?:DECOMMISSION\w*|COMPATIBILITY)\s+{_NOT_BOUGHT}{{0,8}})$")
# The product is why the work is done, not what it works on: "... AS MICROSOFT WINDOWS NEARS END-OF-SUPPORT"; or
# it names the kind of seller wanted: "A CISCO SYSTEMS QUALIFIED VENDOR IS PREFERRED".
RETIRING = re.compile(r"\s+(?:[A-Z0-9]+\s+){0,2}(?:NEARS|NEARING|REACH(?:ES|ED|ING)|IS AT)\s+(?:ITS\s+)?"
                      r"END[- ]OF[- ](?:SUPPORT|LIFE)"
                      r"|\s+(?:[A-Z]+\s+)?(?:QUALIFIED|AUTHORIZED|CERTIFIED)\s+(?:VENDOR|RESELLER|PARTNER|DEALER)S?"
                      r"\s+(?:IS\s+|ARE\s+)?PREFERRED")
# Accessories made by others for the product: "COMMUNICATION HEADSET FOR NEW MOTOROLA APPX RADIOS", "HOLSTERS FOR
# GLOCK DUTY WEAPONS", "CASES FOR THE IPAD", "WIRELESS SERVICE FOR IPADS".
ACCESSORY_FOR = re.compile(r"(?<![A-Z])(?:HOLSTERS?|HEADSETS?|EARPIECES?|CASES?|COVERS?|SCREEN PROTECTORS?|MOUNTS?|"
                           r"MOUNTING (?:PLATES?|KITS?)|STRAPS?|SLINGS?|LIGHTS?|SIGHTS?|OPTICS?|HANDGUARDS?|"
                           r"(?:WIRELESS|CELLULAR|DATA) (?:SERVICES?|PLANS?|LINES?))\s+"
                           r"(?:FOR|TO FIT|COMPATIBLE WITH)\s+(?:[A-Z0-9&/-]+\s+){0,3}$")
# "... PLANET IN SHAREPOINT": a clause that only says where something is, with nothing bought or done in it.
LOCATION = re.compile(r"(?<![A-Z])(?:IN|ON|WITHIN)\s+(?:THE\s+)?(?:[A-Z0-9&/-]+\s+){0,2}$")
MIGRATING_FROM = re.compile(r"(?<![A-Z])MIGRAT\w*.*(?<![A-Z])(?:FROM|OFF)\s+(?:THE\s+)?"
                            r"(?:(?!(?:TO|INTO)\s)[A-Z0-9&-]+\s+){0,2}$")
# What the description buys: strong product words win over service words, service words over weak product words.
STRONG_PRODUCT = re.compile(_bounded(
    r"LICEN[CS]E[SD]?|LICENES|LICENSING|SUBSCRIPTIONS?|RENEWALS?|RENEW|HARDWARE|EQUIPMENT|UNITS?|DEVICES?|"
    r"CONSUMPTION|ENROLLMENT|ELA|ENTERPRISE LICENSE|SEATS?|CARTRIDGES|SUPPLIES|SUPPLY|WEAPONS|PISTOLS?|HANDGUNS|"
    r"RADIOS?|"
    r"PHONES|SMARTPHONES|TABLETS|LINES|WIRELESS|DATA POOL|ACCESS|PRODUCTS|KITS?|CREDITS|BUNDLE|PLANS|SWITCHES|"
    r"ROUTERS|TRUE-UP|UPGRADES?|SAAS|PAAS|WARRANT(Y|IES)|ACCESSORIES|PURCHASE|PROCURE|OPTIONAL UNITS|COMPUTERS|"
    r"SPEC(IAL)? EDITION|"
    r"HOSTING|RESOURCES|PURCAHSE|ENTERPRISE EDITION|(SOFTWARE|SW) (SUPPORT|MAINTENANCE)(?! SERVICES)|"
    r"SMART ?NET|ENTERPRISE AGREEMENT"))
SERVICE = re.compile(_bounded(
    r"SUPPORT SERVICES?|PROFESSIONAL SERVICES?|PROSERV(E|ICE)?|CONSULT\w*|TECHNICAL SUPPORT|TECH SUPPORT|ADVISORY|"
    r"MIGRAT\w*|IMPLEMENT\w*|INTEGRATION|DEVELOPMENT|DEVELOPER|ARCHITECT\w*|ENGINEERING|O&M|"
    r"OPERATIONS? ?(AND|&|/) ?MAINTENANCE|ADMINISTRATION|CONFIGURATION|TRAINING|TRANSITION|HELP DESK|ENHANCEMENTS?|"
    r"TECHNICAL ACCOUNT MANAGER|CENTER OF INNOVATION|PREMIER(?= SUPPORT| SERVICES?|$)|ENTERPRISE SERVICES|"
    r"RELOCATION|INSTALLATION|DESIGN SERVICES?|"
    r"SUPPORT|CERTIFICATIONS?|VOUCHERS?|MANAGEMENT SERVICES|IMAGING|ENCRYPTION"))
SERVICE_ON = re.compile(SERVICE.pattern
                        + r"\s+(?:[A-Z0-9.,&/-]+\s+){0,3}?(?:FOR|OF|ON|WITH|TO)\s+(?:[A-Z0-9.,&/-]+\s+){0,3}$")
# Work named right after the product: "MS TEAMS TRAINING", "SHAREPOINT MIGRATION", "SALESFORCE CONSULTING".
SERVICE_AFTER = re.compile(r"\s+(?:(?!(?:FOR|AND|OR|TO|OF|WITH|IN|ON)\s)[A-Z0-9&]+\s+)?"
                           r"(?:TRAINING|MIGRATION|CONSULTING|IMPLEMENTATION|INTEGRATION|"
                           r"DEVELOPMENT|PROFESSIONAL SERVICES?|SUPPORT SERVICES?)(?![A-Z])")
# Cloud "hosting" and "resources" are the product itself (strong); these weak words yield to service words.
WEAK_PRODUCT = re.compile(_bounded(r"SOFTWARE|PLATFORM|CLOUD|DATABASE|MAINTENANCE|SERVER|TOOL"))


@dataclass(frozen=True)
class Mention:
    product: str
    maker: str
    start: int
    end: int
    clause: str
    role: Role


# What follows these words says why the thing is bought, not what is bought ("REDHAT SOFTWARE WHICH IS REQUIRED
# TO SUPPORT SYSTEM INTEGRATION", "VMWARE WORKSTATION ... REQUIRED FOR ... TRAINING PROGRAM", "VMWARE SOFTWARE FOR
# PRODUCTION AND DR SUPPORT": support that the product gives, not support services around it).
PURPOSE = re.compile(r"(?<![A-Z])(?:TO SUPPORT|IN SUPPORT OF|WHICH|THAT|REQUIRED (?:FOR|TO)|USED (?:BY|FOR|TO)|"
                     r"TO ENABLE|TO ASSIST|TO HELP|NEEDED FOR|FOR (?:[A-Z&]+ ){0,3}SUPPORT(?! SERVICES?))(?![A-Z])")


# "SHAREPOINT SERVICES", "SALESFORCE SERVICES": services around software. A cloud's or a network's "services"
# ("AMAZON WEB SERVICES", "FIRSTNET SERVICES", "VERIZON WIRELESS SERVICES") are the product itself.
SERVICE_KINDS_EXCLUDED = {"cloud_platform", "network"}
# "IPAD AND SERVICES" is the product and other services, not services around it.
NAMED_SERVICES = re.compile(r"\s+(?:(?!AND\s|OR\s|&\s)[A-Z0-9&]+\s+)?SERVICES?(?![A-Z])")


def _role(clause: str, start: int, end: int, kind: str) -> Role:
    before = clause[:start]
    purpose = PURPOSE.search(clause, end)
    if purpose:
        clause = clause[:purpose.start()]
    # "maintenance and support services for Cisco networking devices": work on the product, whatever it lists
    if ((SERVICE_ON.search(before) and not STRONG_PRODUCT.search(before))
            or (SERVICE_AFTER.match(clause, end) and not STRONG_PRODUCT.search(clause, end))):
        return "services"
    if STRONG_PRODUCT.search(clause):
        return "product"
    if SERVICE.search(clause) or (kind not in SERVICE_KINDS_EXCLUDED and NAMED_SERVICES.match(clause, end)):
        return "services"
    return "product"


def clauses(text: str) -> list[str]:
    norm = " ".join((text or "").upper().split())
    return [c for c in CLAUSE_SPLIT.split(norm) if c]


def read(text: str, lex: Lexicon) -> list[Mention]:
    """The products a description names as bought or worked on, each with its role (rules in the module doc)."""
    found: list[Mention] = []
    if not text or not lex.any_re.search(" ".join(text.upper().split())):
        return found
    for clause in clauses(text):
        spans: list[tuple[int, int, Product]] = []
        for p in lex.products.values():
            nre, req = lex.not_re[p.id], lex.requires_re[p.id]
            for m in lex.alias_re[p.id].finditer(clause):
                if nre is not None and nre.search(clause):
                    continue
                if req is not None and not req.search(clause):
                    continue
                spans.append((m.start(), m.end(), p))
        # overlapping names: the longest wins ("KHARON CLEARVIEW" over "CLEARVIEW", "AWS ELEMENTAL" over "AWS")
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        kept: list[tuple[int, int, Product]] = []
        for s in sorted(spans, key=lambda s: -(s[1] - s[0])):
            if all(s[1] <= k[0] or s[0] >= k[1] for k in kept):
                kept.append(s)
        kept.sort(key=lambda s: s[0])
        accepted: list[tuple[int, int, Product]] = []
        for start, end, p in kept:
            before = clause[:start]
            if (MEDIUM.search(before) or MIGRATING_FROM.search(before) or MENTION_ONLY.search(before)
                    or OBJECT_ONLY.search(before)
                    or ACCESSORY_FOR.search(before) or RETIRING.match(clause, end)):
                continue
            if LOCATION.search(before) and not (STRONG_PRODUCT.search(clause) or SERVICE.search(clause)
                                                or WEAK_PRODUCT.search(clause)):
                continue
            others = [k for k in accepted if k[2].maker != p.maker]
            if any(PREPOSITION.search(clause[k[1]:start]) or not clause[k[1]:start].strip() for k in others):
                continue
            accepted.append((start, end, p))
            found.append(Mention(p.id, p.maker, start, end, clause, _role(clause, start, end, p.kind)))
    return found


# --- awards ---------------------------------------------------------------------------------------------------

@dataclass
class Row:
    award_key: str
    sha256: str
    row_no: int
    action_date: object
    modification: str | None
    amount: Decimal
    description: str | None


def classify_awards(rows: list[Row], lex: Lexicon) -> list[tuple[str, str, int, str, str, str]]:
    """(award_key, sha256, row_no, product, role, quote) for every row an attributed award covers."""
    by_award: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_award[r.award_key].append(r)
    cache: dict[str, list[Mention]] = {}
    out: list[tuple[str, str, int, str, str, str]] = []
    for award_key, award_rows in by_award.items():
        award_rows.sort(key=lambda r: (str(r.action_date), r.modification or "", r.sha256, r.row_no))
        named: dict[int, list[Mention]] = {}
        for i, r in enumerate(award_rows):
            d = r.description or ""
            if d not in cache:
                cache[d] = read(d, lex)
            if cache[d]:
                named[i] = cache[d]
        if not named:
            continue
        makers: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for i, ms in named.items():
            for m in ms:
                if i not in makers[m.maker][m.product]:
                    makers[m.maker][m.product].append(i)
        for maker, products in makers.items():
            product = max(products, key=lambda p: (len(products[p]), not lex.products[p].generic,
                                                   -min(products[p]), p))
            naming = sorted({i for idx in products.values() for i in idx})
            whole = 0 in naming or 2 * len(naming) >= len(award_rows)
            covered = range(len(award_rows)) if whole else naming
            weight = {"product": Decimal(0), "services": Decimal(0)}
            count = {"product": 0, "services": 0}
            for i in naming:
                roles = {m.role for m in named[i] if m.maker == maker}
                for role in roles:
                    weight[role] += abs(award_rows[i].amount or Decimal(0))
                    count[role] += 1
            if weight["product"] != weight["services"]:
                role = "product" if weight["product"] > weight["services"] else "services"
            else:
                role = "product" if count["product"] >= count["services"] else "services"
            # the quote: in each file, the row naming this product with the largest obligation (else a row
            # naming another of the maker's products, else the award's best)
            best_in_file: dict[str, int] = {}
            for i in sorted(naming, key=lambda i: i not in products[product]):
                if best_in_file.get(award_rows[i].sha256) in products[product] and i not in products[product]:
                    continue
                f = award_rows[i].sha256
                if f not in best_in_file or abs(award_rows[i].amount) > abs(award_rows[best_in_file[f]].amount):
                    best_in_file[f] = i
            overall = max(products[product], key=lambda i: (abs(award_rows[i].amount), -i))
            for i in covered:
                r = award_rows[i]
                q = award_rows[best_in_file.get(r.sha256, overall)].description or ""
                out.append((award_key, r.sha256, r.row_no, product, role, " ".join(q.split())))
    return out


def classify(con: duckdb.DuckDBPyConnection, lex: Lexicon | None = None) -> int:
    """Fill ``product_mention_rows`` and ``product_lexicon`` from ``money`` (then step 430 builds the tables)."""
    if lex is None:
        from whosbehind.sources import curated  # the makers are curated entities, read from the same files

        lex = load_lexicon(entity_ids=set(curated.load().entities))
    # DuckDB's regular expressions (RE2, linear time) pick the awards with any row that may name a product;
    # Python then reads those awards' descriptions with the full rules.
    # Only the awards of this derive's scope (step 100: all of them, or those of the files an ingest just stored)
    # are read again; each award is read on its own rows, so the others' product rows stay as they are.
    rows = [Row(*r) for r in con.execute(db.query_text("product_candidate_rows"), [lex.any_re.pattern]).fetchall()]
    found = classify_awards(rows, lex)
    con.execute("CREATE OR REPLACE TABLE product_lexicon (product VARCHAR, product_name VARCHAR, maker_entity VARCHAR,"
                " kind VARCHAR, generic BOOLEAN, source VARCHAR, source_url VARCHAR)")
    con.executemany("INSERT INTO product_lexicon VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(p.id, p.name, p.maker, p.kind, p.generic, p.source, lex.sources[p.source].url)
                     for p in lex.products.values()])
    con.execute("CREATE TABLE IF NOT EXISTS product_mention_rows (award_key VARCHAR, sha256 VARCHAR, row_no BIGINT, "
                "product VARCHAR, role VARCHAR, quote VARCHAR)")
    con.execute("DELETE FROM product_mention_rows p USING scope_awards a "
                "WHERE p.award_key IS NOT DISTINCT FROM a.award_key")
    if found:
        _insert(con, found)
    _deployments(con, lex)
    return len(found)


def _insert(con: duckdb.DuckDBPyConnection, found: list[tuple[str, str, int, str, str, str]]) -> None:
    with db.rows_table(con, "product_rows_in", {"award_key": "VARCHAR", "sha256": "VARCHAR", "row_no": "BIGINT",
                                                "product": "VARCHAR", "role": "VARCHAR", "quote": "VARCHAR"}, found):
        con.execute("INSERT INTO product_mention_rows SELECT * FROM product_rows_in")


# --- FedRAMP deployment text ----------------------------------------------------------------------------------

HOSTING_WORDS = re.compile(r"DEPLOY|HOSTED|HOSTS? |RUNS? ON|RUNNING ON|LEVERAG|BUILT ON|RESIDES?|ON TOP OF|INHERIT|"
                           r"INFRASTRUCTURE (OF|FROM|PROVIDED)|UTILIZ\w* .*(CLOUD|GOVCLOUD)|OPERATES? (IN|ON|WITHIN)")


def deployment_mentions(text: str, hosts: list[FedrampHost]) -> list[tuple[FedrampHost, str]]:
    """The hosts a product's Marketplace description says it is deployed on, each with the words that say so.

    A host counts in a sentence or line that speaks of deploying, hosting, running or leveraging, and in the
    short lines of a list that such a line opens ("PFCS – High includes PFCS deployments on" / "AWS GovCloud")."""
    if not text:
        return []
    lines = [ln.strip() for ln in text.replace("\r", "").split("\n")]
    scopes: list[str] = []
    opener: str | None = None
    for ln in lines:
        if not ln:
            continue
        up = ln.upper()
        if opener is not None and len(ln) <= 60:
            scopes.append(opener + " " + ln)
            continue
        opener = None
        for sentence in re.split(r"(?<=[.!?])\s+", ln):
            if HOSTING_WORDS.search(sentence.upper()):
                scopes.append(sentence)
        if HOSTING_WORDS.search(up) and (up.endswith(("ON", ":", "ON:")) or len(ln) <= 80):
            opener = ln
    out: list[tuple[FedrampHost, str]] = []
    seen: set[str] = set()
    for scope in scopes:
        up = " ".join(scope.upper().split())
        spans = [(m.start(), m.end(), h) for h in hosts for m in re.finditer(_bounded(h.text), up)
                 if not (h.unless and re.search(h.unless, up))]
        kept: list[tuple[int, int, FedrampHost]] = []
        for s in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):  # "AWS GovCloud" over "AWS"
            if all(s[1] <= k[0] or s[0] >= k[1] for k in kept):
                kept.append(s)
        for _, _, h in sorted(kept, key=lambda s: s[0]):
            key = h.fedramp_id or h.id
            if key not in seen:
                seen.add(key)
                out.append((h, " ".join(scope.split())))
    return out


def _deployments(con: duckdb.DuckDBPyConnection, lex: Lexicon) -> None:
    con.execute("CREATE OR REPLACE TABLE fedramp_deployment_mentions (sha256 VARCHAR, snapshot_date DATE, "
                "product_id VARCHAR, host VARCHAR, host_fedramp_id VARCHAR, host_entity VARCHAR, host_name VARCHAR, "
                "text VARCHAR, pointer VARCHAR)")
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'raw_fedramp_descriptions' "
                       "AND database_name = current_database()").fetchone()[0]:
        return
    rows = []
    for sha, day, pid, desc, pointer in con.execute(
            "SELECT sha256, snapshot_date, product_id, service_desc, pointer FROM raw_fedramp_descriptions "
            "WHERE service_desc IS NOT NULL").fetchall():
        for h, words in deployment_mentions(desc, lex.hosts):
            if h.fedramp_id == pid:
                continue
            rows.append((sha, day, pid, h.id, h.fedramp_id, h.entity, h.name, words, pointer))
    if rows:
        con.executemany("INSERT INTO fedramp_deployment_mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
