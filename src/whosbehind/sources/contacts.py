"""The people an award description names as its contacts, withheld before the text is shown anywhere.

Award descriptions were typed by contracting staff, and many name a person with a phone number and an e-mail
address: "ALT POC JANE Q DOE 202-555-0101 JANE.DOE@EXAMPLE.GOV", "COR: JOHN ROE; 202-555-...", "CHANGE COR TO
...", "X, COMPLAINANT V. ...". whosbehind names organizations, never persons (README, principle 4), so every
description the derived tables hold, and every published row a page shows, passes through ``without_contacts``:

- e-mail addresses, and an address's local part cut off by the record's length ("JANE.DO"), become
  ``[e-mail withheld]``;
- phone numbers (US forms with separators or parentheses, ten bare digits after a space or a comma, one cut
  off at the end) become ``[phone withheld]``;
- names become ``[name withheld]``, also where one stands on its own (``_free_standing``: a common first name,
  maybe an initial, then a census last name, unless the words are a place's);
  - after a contact marker (POC, COR, COTR, ATTN, C/O, "CONTRACTING OFFICER'S REPRESENTATIVE", "REVIEWED BY",
    and CO, CONTACT, OWNER, REP, "SHIP TO"... when a colon follows). After a colon every word up to four is
    withheld, up to a word that cannot be part of a name (an agency or office such as DHS or HSI, TBD, N/A, a
    digit); otherwise only words that read as a name;
  - after MR., MRS. or MS. (and DR. when a name follows: "REDHILL DR." is a street);
  - before a role in brackets ("(COR)") or a party's role ("COMPLAINANT"), before a withheld number or
    address, right after a withheld name ("[name withheld] & ...");
  - where a role is handed over: a name after TO, FROM or WITH within a few words of a role (COR, CO, APPROVER,
    "CONTRACT SPECIALIST"...), or after APPOINT, ADD, REMOVE, DESIGNATE or ASSIGN and before AS, FROM or TO;
    and whoever a withheld person hands the role to ("FROM [name withheld] TO ..."): what the name parser alone
    reads as a name, or everything before "AT" and a withheld address or number.

"Reads as a name" is sources/persons.py's test (given-name lists and datamade's name parser) with a given name or
an initial first, or two words surname first; where a sentence ends on the words, the parser alone. Regular
expressions, not a named-entity model: the records are upper-case fragments, the names stand beside markers and
roles, and no model can be downloaded where the project is built. Measured on 200 hand-labelled descriptions:
benchmarks/privacy/contacts_bench.py.

``register`` makes ``without_contacts(text)`` callable in SQL on the build's connections; steps 100 and 200 call
it through the macro ``public_text`` (store/sql/100_money_rows.sql), which first asks RE2 whether the text holds
anything these rules start from; ``store/queries.raw_rows`` calls it on the rows shown as published.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from functools import lru_cache

import duckdb

from whosbehind.sources.persons import BUSINESS_WORDS, is_given_name, is_surname, reads_as_person, strong_given_names

WITHHELD_NAME = "[name withheld]"
WITHHELD_EMAIL = "[e-mail withheld]"
WITHHELD_PHONE = "[phone withheld]"
EMAIL = re.compile(r"[A-Z0-9._%+'-]+@[A-Z0-9-]+(?:\.[A-Z0-9-]+)*\.[A-Z]{2,}", re.IGNORECASE)
# The local part of an address cut off by the record's length, its first part a given name: "JANE.DO".
LOCAL_PART = re.compile(r"(?<![A-Z0-9.@])(?P<given>[A-Z]+)(?:\.[A-Z]+){1,2}(?![A-Z0-9.@])", re.IGNORECASE)
# A name can be glued to its number ("DOE202-555-0101"), so a letter may come before a number with separators;
# ten bare digits count only after a space, a comma or a bracket (not "P2016033246", "AAP# ...").
PHONE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?(?:\(?\d{3}\)\s?\d{3}[\s.-]?\d{4}|\d{3}[\s./-]\d{3}[\s.-]\d{4}"
                   r"|\(\d{3}\)\s?\d{3}[\s.-]?\d{0,3}$)(?!\d)"
                   r"|(?<=[\s,;(])[2-9]\d{2}[2-9]\d{6}(?!\d)", re.IGNORECASE)

# Words that cannot be part of a name: grammar, what follows a name in these records, the markers and the verbs
# of a handover, agencies and offices, placeholders, and what else follows a role ("POC INFORMATION", "COR DUTIES").
_STOP = ("AND|OR|FOR|TO|FROM|OF|THE|IS|IN|ON|AT|WITH|AS|BY|WILL|SHALL|HAS|WAS|ARE|BE|AN|EMAIL|E-MAIL|PHONE|TEL|"
         "TELEPHONE|CELL|FAX|OFFICE|NAMES?|CHANGE|CHANGES|UPDATE|ASSIGNMENT|APPROVER|A?POC|T?POC|A?COR|A?COTR|"
         "ATTN|ATL|PRIMARY|SECONDARY|ALTERNATE|ALT|CONTRACTING|REPRESENTATIVE|OFFICER'?S?|CLOSEOUT|MODIFICATION|"
         "MOD|NEW|ONLY|WHO|PERIOD|POP|AMB|BPA|ORDER|APPOINT(?:S|ED)?|REMOVE[SD]?|ADD(?:S|ED)?|ASSIGN(?:S|ED)?|"
         "DESIGNATE[SD]?|EXERCISE[SD]?|REPLACE[SD]?|DHS|ICE|HSI|ERO|CBP|FLETC|OAQ|OCIO|OPLA|FPS|USCIS|TSA|FEMA|"
         "TBD|N/A|NA|SEE|NONE|PENDING|SAME|INFORMATION|INFO|DUTIES|APPOINTMENT|NOMINATION|DESIGNATION|DELEGATION|"
         "LETTER|REVIEW|POINTS?|OBLIGATIONS?|PURCHASE|THERE|TEMP|QUES|QUESTIONS?|LEFT|CONTACT|DETAILS|ROLE|FUNDING|"
         "FUNDS|INVOICES?|CERTIFICATION|TRAINING|REP[A-Z]*TATIVES?|REPS?|EFFECTIVE|HEREBY|UPDATED|CHANGED|WITHIN|"
         "UNDER|BACK|EXTEND|SIGNED|BEING|CORRECTION|ADMIN|SPECIALIST|MANAGER|CO|DEOB[A-Z]*|DE-OBLIGAT[A-Z]*|CASH|"
         "WEBVIEW|A?ISSIGNMENT|PERSON")
_TOKEN_BODY = rf"(?!(?:{_STOP})\b)[A-Z][A-Z'.]*(?:-[A-Z][A-Z'.]*)*"
_TOKEN = rf"(?<![A-Z0-9'.]){_TOKEN_BODY}"  # a word's start: not inside "STE.210" or "AGENCY'S"
_WORDS = rf"(?:(?:MR|MRS|MS|MSS|MISS|DR)\.?\s+)?{_TOKEN}(?:(?:\s*[&/]\s*|\s+){_TOKEN}){{0,3}}"
_TITLE = re.compile(r"(?:MR|MRS|MS|MSS|MISS|DR)\.?", re.IGNORECASE)

MARKER = re.compile(
    r"\b(?P<marker>(?:(?:PRIMARY|SECONDARY|ALTERNATE|ALT\.?|OFM|TECHNICAL|PROGRAM)\s+)?"
    r"(?:A?POC(?:'?S)?|TPOC|A?COR|A?COTR|ATTN|C/O|DAD|CONTRACTING\s+OFFICER'?S?\s+REPRESENTATIVE|"
    r"(?:REVIEWED|PROCESSED|SUBMITTED|REQUESTED|APPROVED)\s+BY|"
    r"(?:CO|KO|CS|CONTACTS?|ATTENTION|PRIMARY|SECONDARY|ALTERNATE|ADDRESS|DELIVER\w*\s+TO|SHIP\s+TO|"
    r"CONTRACT(?:ING)?\s+OFFICER|(?:TECHNICAL\s+)?REP|OWNER|(?:PROJECT|PROGRAM)\s+MANAGER)(?=\s*:))\b)"
    r"(?P<gap>\s*(?:\((?:COR|COTR)\)\s*)?(?:(?:PRIMARY|SECONDARY|ALTERNATE)\s*)?(?:IS\s+)?[:;,.-]*\s*"
    r"(?:(?:DHS|ICE|HSI|ERO|CBP|OAQ|OCIO|OPLA|FPS|FLETC|SA|TBD)[\s/,-]+)*)"  # "COR: ICE ERO JANE DOE"
    rf"(?P<name>{_WORDS})",
    re.IGNORECASE,
)
# After a title with its dot (the dot tells a title from "MS OFFICE").
TITLED = re.compile(rf"\b(?P<title>(?:MR|MRS|MS|MSS|DR)\.\s*)(?P<name>{_TOKEN_BODY}(?:\s+{_TOKEN}){{0,2}})",
                    re.IGNORECASE)
# Before a role in brackets or a party's role: "JANE DOE (COR)", "X, COMPLAINANT V. ...".
NAMED_ROLE = re.compile(rf"(?P<name>{_WORDS})(?=\s*\((?:A?COR|A?COTR|T?POC|CO|CS|KO)\)|,?\s+(?:COMPLAINANT|PLAINTIFF|"
                        r"PETITIONER|APPELLANT|CLAIMANT|GRIEVANT|RESPONDENT)\b)", re.IGNORECASE)
# Right before a number or address withheld for it: "AND JOHN ROE (202) ...", "CALL JANE DOE AT 202...".
BEFORE_CONTACT = re.compile(rf"(?P<name>{_WORDS})(?=[\s,:;/(-]*(?:\bAT\b[\s,:;/(-]*)?\[(?:phone|e-mail) withheld\])",
                            re.IGNORECASE)
# Right after a name withheld: "POC: [name withheld]: JANE DOE & JOHN ROE".
AFTER_NAME = re.compile(rf"\[name withheld\]\s*(?:[:;,&/]|AND\b)?\s*(?P<name>{_WORDS})", re.IGNORECASE)
# A role handed over: a name after TO, FROM or WITH within ten words of the role ("CHANGE COR TO ...",
# "UPDATE THE CONTRACTING OFFICER (CO) FROM ... TO ..."), or between APPOINT (ADD, REMOVE...) and AS, FROM or
# TO ("APPOINT ... AS A CONTRACTING OFFICER REPRESENTATIVE").
_ROLE = (r"(?:A?COR|A?COTR|CO|KO|CS|CONTRACT(?:ING)?\s+(?:SPECIALIST|OFFICER)|REPRESENTATIVE|APPROVER|A?POC|"
         r"TPOC)")
ROLE = re.compile(rf"\b{_ROLE}\b", re.IGNORECASE)
HANDED_TO = re.compile(rf"\b(?P<lead>TO|FROM|WITH)\s+(?=(?P<name>{_WORDS}))", re.IGNORECASE)
ROLE_BEFORE = re.compile(rf"\b{_ROLE}\b(?:[\s,;:]+(?:\[(?:name|e-mail|phone) withheld\]|[A-Z0-9()/&.'-]+)){{0,10}}"
                         r"[\s,;:]*$", re.IGNORECASE)
# The other end of a handover from a person ("FROM [name withheld] TO ...") is a person too: the name parser alone
# decides there, even when the words go on ("... TO ZYGMUNT QUORLAX AND EXTEND THE POP").
FROM_PERSON_TO = re.compile(rf"\bFROM\s+{re.escape(WITHHELD_NAME)}\s+TO\s+(?=(?P<name>{_WORDS}))", re.IGNORECASE)
# ... and whoever it goes to is reached at a withheld address or number, however the name is written
# ("... TO JANE 'JJ' DOE AT [e-mail withheld]"): everything between TO and AT.
FROM_PERSON_TO_CONTACT = re.compile(rf"\bFROM\s+{re.escape(WITHHELD_NAME)}\s+TO\s+(?P<name>[^\s,;.\[][^,;.\[]{{0,40}}?)"
                                    r"(?=\s+AT\s+\[(?:e-mail|phone) withheld\])", re.IGNORECASE)
# Whoever holds a contact role named right after it, however rare the name ("NEW COR, ALESHIRE", "ALT COR LESHON
# SAYE", "OFM POC IS SHANG-JEO GAUBLOMME", "INVOICE APPROVER, KELLEY MURIENTE", "REMOVE CONTRACTING OFFICER, DARNELL
# FLOWERS, AS ..."): every word up to a word that cannot be part of a name is withheld. Not after a dash ("CHANGE COR -
# BROADCOM HW MAINTENANCE").
# A role that is also a sentence's subject ("ONLY THE CONTRACTING OFFICER CAN MAKE ...", "CHANGE IPP APPROVER SO A
# FINAL DEOBLIGATION ...") is followed by its holder only after a comma, a colon or IS.
_HOLDER_ROLE = (r"(?:(?:CONTRACTING\s+OFFICER'?S?\s+REPRESENTATIVE|A?COR|A?COTR|A?POC|TPOC)\b\s*(?:\bIS\s+)?[:;,]*|"
                r"(?:CONTRACTING\s+OFFICER|CONTRACT\s+SPECIALIST|APPROVER)\b\s*(?:\bIS\s+|[:;,]+))")
ROLE_HOLDER = re.compile(rf"\b{_HOLDER_ROLE}\s*(?P<name>{_WORDS})", re.IGNORECASE)
# A role handed from someone to someone ("CHANGE COR FROM MALENA TO BRADLEY", "... REPRESENTATIVE FROM DARAN E.
# STEELE TO ..."): both ends are persons, however their names read.
FROM_TO = re.compile(rf"\bFROM\s+(?P<name>{_WORDS})(?=\s+TO\s)", re.IGNORECASE)
# Someone added to, or removed from, a role: everything between the verb and "AS <role>" ("ADDITION OF KATHLEEN
# 'KATIE' ... AS PRIMARY CONTRACTING OFFICER REPRESENTATIVE").
ADDED_AS = re.compile(r"\b(?:ADDITION\s+OF|ADD(?:S|ED|ING)?|APPOINT(?:S|ED|ING|MENT\s+OF)?|REMOV(?:E[SD]?|AL\s+OF|ING)|"
                      r"DESIGNAT(?:E[SD]?|ION\s+OF|ING)|ASSIGN(?:S|ED|ING|MENT\s+OF)?)\s+"
                      r"(?P<name>[^\s,;.\[][^,;.\[]{0,40}?)"
                      rf"(?=\s+AS\s+(?:(?:THE|AN?|NEW|PRIMARY|SECONDARY|ALTERNATE|ALT)\s+)*{_ROLE}\b)", re.IGNORECASE)
# A word with a letter and then an @ is an e-mail address, cut off or not ("JOHN.P.MEEHAN@ICE."; not "10@$45.00").
EMAIL_CUT = re.compile(r"[A-Z0-9._%+'-]*[A-Z][A-Z0-9._%+'-]*@[A-Z0-9.-]*", re.IGNORECASE)
APPOINTED = re.compile(rf"\b(?:APPOINT(?:S|ED)?|ADD(?:S|ED)?|REMOVE[SD]?|DESIGNATE[SD]?|ASSIGN(?:S|ED)?)\s+"
                       rf"(?P<name>{_WORDS})(?=\s+(?:AS|FROM|TO)\b)", re.IGNORECASE)
# Where the words end a sentence (or precede AS, TO, FROM), the name parser's reading is enough: a name the given-name
# lists do not hold ("... APPROVER TO JOHN ROE.").
_SENTENCE_END = re.compile(r"\s*(?:[.,;]|$)|\s+(?:AS|TO|FROM)\b", re.IGNORECASE)


# A name standing on its own, with no marker, role or number beside it ("... NEEDS ...", "DELIVERY:JANE DOE 440 ...",
# "REMOVE JANE DOE"): a word the census lists give as a first name nine times in ten, maybe an initial, then a word
# they hold mostly as a last name. Place names are written the same way ("DEL RIO", "SAN ANTONIO FIELD", "DOUGLAS
# POE", "VIRGINIA BEACH"): a word that begins a place before it, or a word of a place or a facility after it, keeps
# the words. Measured over every bundled description (benchmarks/privacy/contacts_bench.py for the labelled ones).
_FREE_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*\.?")
_PLACE_BEFORE = "SAN SANTA SANTO ST STE SAINT DEL DE EL LA LAS LOS FORT FT PORT PUERTO MOUNT MT NEW LAKE CORPUS CAPE T"
PLACE_BEFORE = frozenset(_PLACE_BEFORE.split())
# Given names that are more often a month, a place or a facility here ("SEPTEMBER CLASS", "URSULA LUNCH": the
# Ursula processing center; "SAVANNAH OCEAN").
NOT_A_GIVEN_NAME_HERE = frozenset({"DEL", "VAL", "SAN", "MI", "JANUARY", "APRIL", "MAY", "JUNE", "JULY", "AUGUST",
                                   "SEPTEMBER", "URSULA", "SAVANNAH", "CAROLINA", "EVA"})
_PLACE_WORDS = """
RIO FIELD FIELDS AREA AREAS BORDER BORDERS PORT PORTS POE LAND GATE GATES COURT COURTS STATION STATIONS BEACH CITY
COUNTY ISLAND ISLANDS HARBOR AIRPORT SECTOR SECTORS VISTA VERDE CROSS CROSSING BRIDGE VALLEY SPRINGS SPRING HILL
HILLS HEIGHTS PARK PARKS CREEK FALLS RIDGE POINT CENTER CENTRE STREET ROAD AVENUE BUILDING HALL FEDERAL
FORWARD DUE PER CARGO STAND SEA DOOR DIESEL CAMERA DURING CURRENT MARINE RADIO COURSE BUSINESS HUMAN PURCHASE
STUDY SIGHTS TREASURE CABLES DRONE STONE HILTON II III IV
ALABAMA ALASKA ARIZONA ARKANSAS CALIFORNIA COLORADO CONNECTICUT DELAWARE FLORIDA GEORGIA HAWAII IDAHO ILLINOIS
INDIANA IOWA KANSAS KENTUCKY LOUISIANA MAINE MARYLAND MASSACHUSETTS MICHIGAN MINNESOTA MISSISSIPPI MISSOURI
MONTANA NEBRASKA NEVADA OHIO OKLAHOMA OREGON PENNSYLVANIA TENNESSEE TEXAS UTAH VERMONT VIRGINIA WASHINGTON
WISCONSIN WYOMING
AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA
RI SC SD TN TX UT VT VA WA WV WI WY DC PR
"""
PLACE_WORDS = frozenset(_PLACE_WORDS.split())


def _free_standing(text: str) -> str:
    """The text with every name standing on its own (``_FREE_WORD`` above) withheld."""
    # the words of the text itself (upper-casing it first could change its length: "ß" -> "SS"), read upper-cased
    words = list(_FREE_WORD.finditer(text))
    spans: list[tuple[int, int]] = []
    for i, word in enumerate(words[:-1]):
        given = word.group().upper()
        if (given not in strong_given_names() or given in NOT_A_GIVEN_NAME_HERE
                or (word.start() and text[word.start() - 1].isalnum())
                or (i and words[i - 1].group().rstrip(".").upper() in PLACE_BEFORE
                    and not text[words[i - 1].end():word.start()].strip())):
            continue
        j, initial = i + 1, False
        if len(words[j].group().rstrip(".")) == 1 and j + 1 < len(words):
            j, initial = j + 1, True  # "JANE Q. DOE"
        if any(text[a.end():b.start()].strip() for a, b in zip(words[i:j], words[i + 1:j + 1], strict=True)):
            continue  # the words must follow one another, with nothing but spaces between them
        last = words[j].group().rstrip(".").upper()
        surname = last.split("-")[0]
        if (len(surname) < 2 or surname in PLACE_WORDS or surname in BUSINESS_WORDS or re.fullmatch(_STOP, surname)
                or not (is_surname(surname) or (initial and is_given_name(surname)))):
            continue
        end = words[j].start() + len(last)
        if not spans or word.start() >= spans[-1][1]:
            spans.append((word.start(), end))
    for start, end in reversed(spans):
        text = text[:start] + WITHHELD_NAME + text[end:]
    return text


def reads_as_name(words: list[str], *, surname_first: bool = True) -> bool:
    """Whether these words are a person's name as the records write one: an initial and a surname ("J DOE"),
    or words that sources/persons.py reads as a person's with a given name (or an initial) first, or two words
    surname first ("DOE JANE"). The parser alone is not enough here: it reads "UNANTICIPATED INCREASE" as a
    person."""
    bare = [w.rstrip(".,").upper() for w in words if not _TITLE.fullmatch(w) and w != "&"]
    if len(bare) < 2 or any(len(w) > 1 and not re.search("[AEIOUY]", w) for w in bare):  # "DHS MS ELA"
        return False
    first, last = bare[0], bare[-1]
    initial = len(first) == 1 and first not in ("A", "I")  # "ADD A CLIN": an article, not an initial
    if len(bare) == 2 and initial and len(last) > 1:
        return True
    reversed_name = surname_first and len(bare) == 2 and len(last) > 1 and is_given_name(last)
    return (initial or is_given_name(first) or reversed_name) and reads_as_person(" ".join(bare))


def _parser_reads_as_name(words: list[str]) -> bool:
    """The name parser's reading alone, where the words end a sentence: each word as written (a title too)
    longer than a letter and with a vowel."""
    bare = [w.rstrip(".,").upper() for w in words]
    return (len(bare) > 1 and all(len(w) > 1 and re.search("[AEIOUY]", w) for w in bare)
            and reads_as_person(" ".join(bare)))


def _name_span(words: list[str], *, from_end: bool, alone: bool, ends_sentence: bool, surname_first: bool) -> int:
    """How many words, from the start (or the end), read as a name: the longest such run, else 0. With
    ``alone`` one given name counts; with ``ends_sentence`` the whole run may be read by the parser alone."""
    for n in range(len(words), 1, -1):
        if reads_as_name(words[-n:] if from_end else words[:n], surname_first=surname_first):
            return n
    if ends_sentence and _parser_reads_as_name(words):
        return len(words)
    one = (words[-1] if from_end else words[0]) if words else ""
    return 1 if alone and one and is_given_name(one.rstrip(".,").upper()) else 0


def _withhold(text: str, pattern: re.Pattern[str], *, from_end: bool = False, alone: bool = False,
              always: Callable[[re.Match[str]], bool] = lambda m: False,
              skip: Callable[[re.Match[str]], bool] = lambda m: False,
              parser: Callable[[re.Match[str]], bool] = lambda m: True, surname_first: bool = True,
              parser_alone: bool = False) -> str:
    """Replace, in each match's ``name`` group, the words that read as a name (all of them when ``always``,
    none when ``skip``; the name parser alone may decide where the words end a sentence, or everywhere with
    ``parser_alone``, unless ``parser`` says no)."""
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(text):
        if skip(m):
            continue
        start, end = m.span("name")
        words = list(re.finditer(r"\S+", m["name"]))
        ends_sentence = (parser_alone or _SENTENCE_END.match(text, end) is not None) and parser(m)
        n = len(words) if always(m) else _name_span([w.group() for w in words], from_end=from_end, alone=alone,
                                                    ends_sentence=ends_sentence and not from_end,
                                                    surname_first=surname_first)
        if not n:
            continue
        first, last = (words[-n], words[-1]) if from_end else (words[0], words[n - 1])
        # a sentence's full stop is not the name's ("... TO JOHN ROE."), an initial's is ("JANE Q. DOE")
        stop = 1 if len(last.group()) > 2 and last.group().endswith(".") else 0
        span = (start + first.start(), start + last.end() - stop)
        if not spans or span[0] >= spans[-1][1]:
            spans.append(span)
    for start, end in reversed(spans):
        text = text[:start] + WITHHELD_NAME + text[end:]
    return text


def _after_colon(m: re.Match[str]) -> bool:
    """A contact marker with a colon or a dash: what follows is the contact. Not for an office's title (DAD),
    nor a dash after a change of the role ("CHANGE COR - BROADCOM HW MAINTENANCE", "UPDATE WEBVIEW POCS-REMOVAL
    OF WALLPAPER")."""
    if m["marker"].strip().upper() == "DAD":
        return False
    changed = re.search(r"\b(?:CHANGE[SD]?|UPDATE[SD]?)\s+(?:\S+\s+){0,2}$", m.string[:m.start()], re.IGNORECASE)
    return ":" in m["gap"] or ("-" in m["gap"] and not changed)


def _not_a_holder(m: re.Match[str]) -> bool:
    """Words after a role that are no one's name: each a common English word that the census lists do not hold as
    a name ("EFFECTIVE IMMEDIATELY", "CLIMATE CONTROL CONTAINERS"), or with a business or place word among them
    ("MONGODB ENTERPRISES", "ESSEX COUNTY JAIL"), or more than two words that do not begin with a given name (a
    phrase: "INCORPORATE SENSITIVE BUT UNCLASSIFIED"). A name the lists hold ("BRADLEY") makes them a name, and so
    do one or two rare words (surnames such as "ALESHIRE")."""
    from whosbehind.resolve.names import is_common_word  # word frequencies, read on the first call

    words = [w for w in (w.strip(".,'\"").upper() for w in m["name"].split()) if len(w) > 1]
    if not words or any(w in BUSINESS_WORDS or w in PLACE_WORDS for w in words):
        return True
    if len(words) > 2 and not is_given_name(words[0]):  # a phrase, whatever census surname it holds ("BUT")
        return True
    if any(is_given_name(w) or is_surname(w) for w in words):
        return False
    return all(is_common_word(w.lower()) for w in words)


def _street(m: re.Match[str]) -> bool:
    """DR. after a house number and a street name is the street's: "100 REDHILL DR. BLUE ASH"."""
    return m["title"].upper().startswith("DR") and re.search(r"\d+\s+\S+\s+$", m.string[:m.start()]) is not None


@lru_cache(maxsize=100_000)  # a description recurs on every modification of its award
def without_contacts(text: str | None) -> str | None:
    """The text with the e-mail addresses, phone numbers and names of its contact persons withheld."""
    if not text:
        return text
    text = EMAIL.sub(WITHHELD_EMAIL, text)
    text = EMAIL_CUT.sub(WITHHELD_EMAIL, text)
    text = LOCAL_PART.sub(lambda m: WITHHELD_EMAIL if is_given_name(m["given"].upper()) else m[0], text)
    text = PHONE.sub(WITHHELD_PHONE, text)
    text = _withhold(text, MARKER, always=_after_colon)
    # MR., MRS., MS. before any word; DR. before what reads as a name, and not in an address
    text = _withhold(text, TITLED, always=lambda m: not m["title"].upper().startswith("DR"), skip=_street)
    text = _withhold(text, NAMED_ROLE, from_end=True)
    text = _withhold(text, BEFORE_CONTACT, from_end=True, alone=True)
    text = _withhold(text, AFTER_NAME, alone=True)
    text = _free_standing(text)
    if not ROLE.search(text):  # a handover names a role: "ADD A CLIN TO THE ORDER" hands nothing over
        return text
    text = _withhold(text, APPOINTED)
    # "FROM X TO Y": both names are read, each within ten words of the role. A given name (or an initial) must
    # come first here ("WITH LOCKHEED MARTIN" is a company), and after WITH the parser alone never decides ("WORK
    # WITH GIANT OAK").
    text = _withhold(text, HANDED_TO, skip=lambda m: not ROLE_BEFORE.search(m.string, 0, m.start()),
                     parser=lambda m: m["lead"].upper() != "WITH", surname_first=False)
    text = _withhold(text, FROM_PERSON_TO_CONTACT, always=lambda m: True)
    text = _withhold(text, FROM_PERSON_TO, parser_alone=True, surname_first=False)
    # what is left beside a role is its holder, however the name reads
    text = _withhold(text, ADDED_AS, always=lambda m: True, skip=_not_a_holder)
    text = _withhold(text, ROLE_HOLDER, always=lambda m: True, skip=_not_a_holder)
    # a role handed from someone to someone, the role named just before ("CHANGE COR FROM ... TO ...")
    text = _withhold(text, FROM_TO, always=lambda m: True,
                     skip=lambda m: _not_a_holder(m) or not ROLE_BEFORE.search(m.string, 0, m.start()))
    return _withhold(text, FROM_PERSON_TO, always=lambda m: True, skip=_not_a_holder)


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Make ``without_contacts(VARCHAR) -> VARCHAR`` callable in SQL on this connection."""
    with contextlib.suppress(duckdb.Error):
        con.remove_function("without_contacts")
    con.create_function("without_contacts", without_contacts, ["VARCHAR"], "VARCHAR",
                        null_handling="special", side_effects=False)
    # What _free_standing starts from, for RE2 to find before Python is called (public_text, step 100): a strong
    # given name, then a word. On the upper-cased text: RE2 with (?i) over four thousand names is ten times slower.
    names = "|".join(sorted(strong_given_names()))
    con.execute(f"CREATE OR REPLACE TEMP MACRO given_name_then_word(t) AS "
                f"regexp_matches(upper(t), '\\b(?:{names})\\s+(?:[A-Z]\\.?\\s+)?[A-Z]')")
