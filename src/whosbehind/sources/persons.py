"""Does a recipient's name read as a private person's? (README, principle 4: persons are never named.)

Business-type columns settle it where a format has them (``sole_proprietorship``, the subawardee's business
types; see each format's ``individual_predicate``). The name-only transaction lists have none, so the name
itself is read:

1. A name with a business word is an organization: legal forms (LLC, INC, L.P., P.C. …), and words that name
   a trade, an institution or a place (AUTO, BODY, TRUCKING, CLUB, SCHOOL, NATION, TOWN …), digits, web
   addresses, "THE", "OF". A person trading under a business name is a business, as the issue's rule says.
2. What remains reads as a person when probablepeople (datamade's CRF name parser, trained on US names
   and companies) tags it as a person or a household, or when every word is a given name, a surname or an
   initial of the US Census and Social Security name lists that probablepeople ships, with at least one
   given name ("DOE JOHN", "ROE RICHARD T": surname first, which the parser tends to call a company).
   A professional title after the name ("ATTORNEY AT LAW", "PHD", "ARBITRATOR AND MEDIATOR") does not make
   a business: it is the person's own name and trade.
3. One word alone ("AARDVARK", "GOVPLACE", "THORN") is not a person's name; nor are two surnames joined by
   "&" with no given name ("VITARO & GOODFRIEND": a firm); nor a name the curated ownership file holds as an
   organization ("CAP GEMINI").

The decision is made once per distinct name (cached) and registered in DuckDB as the scalar function
``reads_as_person(name)`` on write connections (``register``), where the ingest predicates call it.
"""

from __future__ import annotations

import contextlib
import re
from functools import lru_cache

import duckdb

# The version of these rules. A database whose raw rows were classified under another version is
# classified again (only ever adding persons: see store/raw.py ``reclassify``). A change that withholds fewer
# names (CAP GEMINI, version .3) reaches a database only when it is built again from its files: a withheld
# name was never stored.
RULES_VERSION = "2026-12-03.1"

# Legal forms, and words that name a business, an institution, a government body or a place of trade.
_LEGAL_FORMS = """
LLC LC LLLP LLP LP INC INCORPORATED CORP CORPORATION CORPORATI CORPORATIO CO COMPANY COMPANIES LTD LIMITED PLLC PC
PA PS PSC SC PLC SE AG AB SA SAS SARL SRL SPA BV NV GMBH MBH KG OY OYJ ABP ASA PTE PTY PVT CV JV IN IE DOO
"""
LEGAL_FORMS = frozenset(_LEGAL_FORMS.split())
_BUSINESS_WORDS = _LEGAL_FORMS + """
GROUP JOINT VENTURE VENTURES PARTNERS PARTNERSHIP ASSOCIATES ASSOCIATE ASSOC ENTERPRISE ENTERPRISES SERVICE
SERVICES SVC SVCS SOLUTIONS SOLUTION SYSTEMS SYSTEM TECHNOLOGY TECHNOLOGIES TECH TECHNICAL CONSULTING
CONSULTANTS CONSULTANT INDUSTRIES INDUSTRIAL INTERNATIONAL INTL HOLDING HOLDINGS TRUST FOUNDATION FUND
UNIVERSITY COLLEGE SCHOOL ACADEMY EDUCATION ASSOCIATION SOCIETY INSTITUTE CENTER CENTERS CENTRE CENTRO HOSPITAL
CLINIC MEDICAL HEALTH HEALTHCARE CARE PHARMACY VETERINARY ANIMAL CHIROPRACTIC DRUG DRUGS DENTAL DENTISTRY
ORTHOPEDICS SURGICAL LABORATORY LABORATORIES LAB LABS REHABILITATION REHAB OPTICS OPTICAL AUDIOLOGICAL APPLIANCE
APPLIANCES PRACTICE TREATMENT THERAPY ACTIVITIES FAMILY CTR TAXI SHOPPE UNLIMITED
COUNTY COUNTIES CITY STATE STATES DEPARTMENT
DEPT AUTHORITY BUREAU COMMISSION COMMISSIONER COMMISNR COUNCIL BOARD DISTRICT TOWN TOWNSHIP VILLAGE MUNICIPALITY
MUNICIPIO NATION TRIBE TRIBAL GOVERNMENT FEDERAL NATIONAL AMERICAN AMERICA UNITED US USA
BUILDERS BUILDING CONSTRUCTION CONTRACTORS CONTRACTOR CONTRACTING ARMAMENT SUPPLY SUPPLIES PRODUCTS PRODUCT
STORE STORES SHOP SHOPS MART MARKET MARKETS MARKETING LAW FIRM OFFICE OFFICES AGENCY DATA TELECOM COURIER
COMM COMMUNICATIONS COMMUNICATION NETWORK NETWORKS AUTO AUTOS AUTOMOTIVE AUTOMOTRIZ MOTOR MOTORS BODY COLLISION
TRUCK TRUCKS TRUCKING TRANSPORT TRANSPORTATION LOGISTICS FREIGHT SHIPPING PACKAGING EXPRESS LINES LINE
MOVING STORAGE LEASING RENTAL RENTALS RENTCORP EQUIPMENT TOOLS MACHINE MACHINES MANUFACTURING MFG
ENGINEERING ENGINEERS ARCHITECTS ARCHITECTURE DESIGN DESIGNS GRAPHICS PRINTING SIGNS MEDIA PUBLISHING
SECURITY PROTECTION DEFENSE TACTICAL ARMOR GUN GUNS FIREARMS RANGE RANGES SHOOTING SHOOTERS SPORTSMEN SPORTSMENS
CLUB CLUBS ATHLETIC OUTFITTERS SPORTS FITNESS GYM SUITS UNIFORMS APPAREL CLOTHING
HOTEL HOTELS HOTELES INN SUITES RESORT LODGE PLAZA RESTAURANT CAFE CATERING FOOD FOODS BAR GRILL SNACK KITCHEN
FARM FARMS RANCH RANCHO STABLES STABLE HORSES KENNEL KENNELS FEED GRAIN HAY TRAINERS BREEDERS DOGS K9
CLEANING JANITORIAL CUSTODIAL LANDSCAPING LAWN MAINTENANCE REPAIR REPAIRS PLUMBING ELECTRIC ELECTRICAL
MECHANICAL HVAC ROOFING PAINTING GLASS FENCE FENCING PEST EXTERMINATING EXTERMINATORS FIRE ALARM LOCKSMITH
WORLD GLOBAL WORLDWIDE NATIONWIDE REGIONAL METRO NORTH SOUTH EAST WEST NORTHERN SOUTHERN EASTERN WESTERN
PACIFIC ATLANTIC VALLEY BAY RIVER MOUNTAIN LAKE
CAPITAL MANAGEMENT FINANCIAL FINANCE BANK BANCORP INSURANCE ESTATE PROPERTIES PROPERTY REALTY
RESEARCH ANALYTICS SOFTWARE COMPUTER COMPUTERS DIGITAL ELECTRONICS INNOVATION INNOVATIONS INTEGRATION
SPECIALISTS SPECIALTY PROFESSIONAL PROFESSIONALS RESOURCE RESOURCES TRAINING PROGRAMS PROGRAM
INTERPRETERS INTERPRETING TRANSLATION TRANSLATIONS LANGUAGE LANGUAGES STAFFING PERSONNEL
CHARITIES CHARITY CHURCH DIOCESE MINISTRIES MISSION ALLIANCE ALLIANCES COALITION LEAGUE UNION COOPERATIVE
SON SONS BROTHERS BROS DAUGHTERS FILS HIJOS ETABLISSEMENTS
AWARDEES UNDISCLOSED OPERATIONS OPERATION WORKS WORX HOUSE HOME HOMES ARC LIGHTHOUSE BLIND
THE OF FOR
"""
BUSINESS_WORDS = frozenset(_BUSINESS_WORDS.split())

# A title or trade written after (or before) a person's own name: not a business word.
TITLES = re.compile(
    r"\b(ATTORNEYS? AT LAW|ATTORNEY|ATTY|ARBITRATOR AND MEDIATOR|ARBITRATOR|MEDIATOR|ESQUIRE|ESQ|"
    r"PH\.? ?D|ABBP|M\.D|D\.D\.S|DDS|D\.V\.M|DVM|CPA|LMHC|LCSW|DR|MR|MRS|MS|MISS)\b\.?"
)
SUFFIXES = frozenset({"JR", "SR", "II", "III", "IV"})
# Business words that are also common surnames ("JOHN WEST", "MARY GLASS"): they make a business unless the
# rest of the name is a given name (and initials) in a person's order.
SURNAME_WORDS = frozenset({"WEST", "NORTH", "SOUTH", "EAST", "LAKE", "RIVER", "BAY", "GLASS", "HOUSE", "LAW",
                           "BANK", "FIRE", "HOME", "PARK", "LINE", "LINES", "BODY", "CARE", "STATE", "CITY",
                           "UNION", "MISSION", "KITCHEN", "FOX", "CAPITAL", "BOARD", "MARKET", "PLAZA", "STORE"})
WORD = re.compile(r"[A-Z](?:[A-Z'\-]*[A-Z])?")


@lru_cache(maxsize=1)
def _name_lists() -> tuple[dict[str, float], dict[str, float]]:
    from probablepeople.gender import gender_names
    from probablepeople.ratios import ratios

    return gender_names, ratios


def is_given_name(word: str) -> bool:
    gender_names, ratios = _name_lists()
    return word.lower() in gender_names or ratios.get(word, 0) >= 0.5


@lru_cache(maxsize=1)
def strong_given_names() -> frozenset[str]:
    """Words the census lists give as a first name nine times in ten or more: "MARTY", not "GRANT" or "CHASE"."""
    return frozenset(w for w, share in _name_lists()[1].items() if share >= 0.9 and w.isalpha() and len(w) > 1)


def is_surname(word: str) -> bool:
    """A word the census lists hold, mostly as a last name ("POTTER", "CHO"; also some words: "COUNTY")."""
    share = _name_lists()[1].get(word)
    return share is not None and share < 0.5


def _spelled_out(text: str) -> list[str]:
    """Runs of single letters joined up: "DAVID W. STANTON, P.S.C." -> ["W", "PSC"]."""
    return ["".join(run.split()).replace(".", "") for run in re.findall(r"\b[A-Z](?:[ .]+[A-Z]\b)+", text)]


def _surname_in_place(text: str, words: list[str]) -> bool:
    """A business word that is also a surname, in a surname's place: "JOHN A WEST", "WEST, JOHN A"."""
    full = [w for w in words if len(w) > 1 and w not in SUFFIXES]
    if len(full) != 2:
        return False
    first, second = full
    if "," in text:
        return first in SURNAME_WORDS and is_given_name(second)
    return is_given_name(first) and second in SURNAME_WORDS


def _parser_says_person(text: str) -> bool:
    import probablepeople

    try:
        _parts, kind = probablepeople.tag(text)
    except probablepeople.RepeatedLabelError:
        return False
    return kind in ("Person", "Household")


@lru_cache(maxsize=1)
def _curated_organizations() -> frozenset[str]:
    """Names the curated ownership file (reviewed like code) holds as organizations, listed or unresolved:
    a company known by a founder's name ("CAP GEMINI") is not taken for a person."""
    from whosbehind.resolve.families import curated_document

    doc = curated_document("ownership.yaml")  # a file that cannot be read is one line, as the build would give it
    names = [o.get("name") for key in ("organizations", "unresolved") for o in (doc.get(key) or [])
             if isinstance(o, dict)]
    return frozenset(" ".join(str(n).upper().split()) for n in names if n)


@lru_cache(maxsize=1)
def _listed_companies() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The names of the companies in the major stock indices (S&P 500, 600 and 100, Nasdaq 100, Dow Jones, FTSE 100,
    DAX, CAC 40, Nikkei 225 …, as the pytickersymbols package lists them), each as its words without business
    words ("Eli Lilly and Company": ELI LILLY), the same words joined (ELILILLY), and the first of them ("JPMORGAN")."""
    from pytickersymbols import PyTickerSymbols

    cores: set[str] = set()
    for stock in PyTickerSymbols().get_all_stocks():
        words = _core_words(str(stock.get("name") or ""))
        if len(words) >= 2:
            cores.add(" ".join(words))
    return (frozenset(cores), frozenset(core.replace(" ", "") for core in cores),
            frozenset(core.split(" ", 1)[0] for core in cores))


def _core_words(name: str) -> list[str]:
    return [w for w in WORD.findall(" ".join(name.upper().split())) if w not in BUSINESS_WORDS and w != "AND"]


def names_a_listed_company(typed: str) -> bool:
    """Whether words a person typed name a listed company (``_listed_companies``) though they read as a person's:
    "Goldman Sachs", "Charles Schwab", "Johnson & Johnson", "Eli Lilly", or "JP Morgan" (its words joined make
    the first word of JPMORGAN CHASE, and no one's name). Such a text is looked up as a company's name, and a
    record holds no private person's name to find (persons are withheld before anything is stored). The records
    themselves are never read so: a recipient listed as "PHILIP MORRIS" with no legal form may be a person, and
    stays withheld (``reads_as_person``)."""
    words = _core_words(typed)
    if len(words) < 2:
        return False
    cores, joined_cores, first_words = _listed_companies()
    joined = "".join(words)
    return (" ".join(words) in cores or joined in joined_cores
            or (joined in first_words and not is_given_name(joined) and joined not in _name_lists()[1]))


# A last name, a comma and a first name, as a sole proprietor's own name is listed ("DOE, JANE FARRIER SERVICE").
_SURNAME_COMMA_GIVEN = re.compile(r"([A-Z][A-Z'-]+)\s*,\s*([A-Z]+)\b(.*)")


def _surname_comma_given(text: str) -> bool:
    """A census last name, a comma, a common first name, then anything but a legal form: the person's own name
    with their trade after it, which business words (SERVICE, TRUCKING) do not make a company's."""
    m = _SURNAME_COMMA_GIVEN.fullmatch(text)
    return (m is not None and is_surname(m[1]) and m[2] in strong_given_names()
            and not LEGAL_FORMS.intersection(WORD.findall(m[3])))


@lru_cache(maxsize=200_000)
def reads_as_person(name: str | None) -> bool:
    """Whether ``name`` reads as a private person's name and carries no business word."""
    if not name:
        return False
    text = " ".join(name.upper().split())
    if text in _curated_organizations():
        return False
    if re.search(r"\d|@|\.(COM|NET|ORG|GOV|US)\b", text):
        return False
    bare = " ".join(TITLES.sub(" ", text).split())
    words = WORD.findall(bare)
    # Legal forms written letter by letter: "P.S.C.", "L.L.C.", "L L C".
    if any(form in BUSINESS_WORDS for form in _spelled_out(bare)):
        return False
    if _surname_comma_given(bare):
        return True
    if not words or any((w in BUSINESS_WORDS and w not in SURNAME_WORDS) or w.endswith("'S") for w in words):
        return False
    if any(w in SURNAME_WORDS for w in words) and not _surname_in_place(bare, words):
        return False
    joined = "&" in bare or "AND" in words
    words = [w for w in words if w not in SUFFIXES and w != "AND"]
    full = [w for w in words if len(w) > 1]  # initials are single letters ("J.D." -> J, D)
    if not full or len(full) > 5 or (len(full) == 1 and len(words) == 1):
        return False
    given = [w for w in full if is_given_name(w)]
    if joined and not given:
        return False  # "VITARO & GOODFRIEND": two surnames, a firm's name
    # A given name among two to five words with no business word ("VITARO SAMUEL A", "GARY, DINEO COLEMAN"),
    # or two or three words that are all census names ("JOHANN ESPINO": the parser reads a company);
    # else the parser's reading ("EZIO BORCHINI", "TAHIR BAIG": names the lists do not hold).
    if given or (len(full) <= 3 and all(w in _name_lists()[1] for w in full)):
        return True
    return _parser_says_person(bare)


def preload() -> None:
    """Load the name parser (its model) and the name lists now, not at the first name a query tests."""
    import probablepeople  # noqa: F401

    _name_lists()
    strong_given_names()
    _curated_organizations()
    _listed_companies()


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Make ``reads_as_person(VARCHAR) -> BOOLEAN`` callable in SQL on this connection."""
    with contextlib.suppress(duckdb.Error):
        con.remove_function("reads_as_person")
    con.create_function(
        "reads_as_person", reads_as_person, ["VARCHAR"], "BOOLEAN",
        null_handling="special", side_effects=False,
    )
