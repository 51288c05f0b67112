"""The people an award description names as its contacts, withheld before the text is shown anywhere.

Award descriptions were typed by contracting staff, and many name a person with a phone number and an e-mail
address: "ALT POC JIMMY HACKETT 202-732-7183 JIMMY.HACKETT@ICE.DHS.GOV", "COR: BARBARA DILLON; 202-...",
"CHANGE THE COR TO ...", "X, COMPLAINANT V. ...". whosbehind names organizations, never persons (DESIGN.md,
principle 4), so the derived tables carry every description with:

- e-mail addresses, and an address's local part cut off by the record's length, as ``[e-mail withheld]``;
- phone numbers (US forms with separators or parentheses, ten digits that read as one, one cut off at the end)
  as ``[phone withheld]``;
- as ``[name withheld]``: the words after a contact marker (POC, COR, COTR, ATTN, C/O, "CONTRACTING OFFICER'S
  REPRESENTATIVE"...; all of them up to four when a colon or dash follows the marker, else only words that
  read as a name), a surname after MR., MS. or DR., a name before a role in brackets ("(COR)") or a party's role
  ("COMPLAINANT"), a name right before a withheld number or address, a name a role is handed to or from ("CHANGE
  COR TO ...", "APPOINT ... AS"), and any later repeat of a surname withheld.

"Reads as a name" is sources/persons.py's test (given-name lists and datamade's name parser) with a given name or
an initial first, or two words surname first. The raw tables keep the file's words, so a row can still be traced
to its source. Regular expressions, not a named-entity model: the records are upper-case fragments, the names
stand beside markers and roles, and no model can be downloaded where the project is built. Measured on 200
hand-labelled descriptions: benchmarks/privacy/contacts_bench.py.

``register`` makes ``without_contacts(text)`` callable in SQL; step 100 calls it through the macro
``public_text`` (defined in store/sql/100_money_rows.sql), only where RE2 finds what the rules start from.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from functools import lru_cache

import duckdb

EMAIL = re.compile(r"[A-Z0-9._%+'-]+@[A-Z0-9-]+(?:\.[A-Z0-9-]+)*\.[A-Z]{2,}", re.IGNORECASE)
# A name can be glued to its number ("LEWIS703-593-5363"), so a letter may come before one; ten digits alone count
# when they read as a North American number (area code and exchange not starting with 0 or 1).
PHONE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?(?:\(?\d{3}\)\s?\d{3}[\s.-]?\d{4}|\d{3}[\s./-]\d{3}[\s.-]\d{4}"
                   r"|[2-9]\d{2}[2-9]\d{6}|\(\d{3}\)\s?\d{3}[\s.-]?\d{0,3}$)(?!\d)", re.IGNORECASE)

# Words that end a name: the marker's own grammar ("IS", "FOR"), what follows a name in these records ("PHONE",
# "EMAIL"), and the markers themselves ("ATTN: X POC IS Y").
_STOP = ("AND|OR|FOR|TO|FROM|OF|THE|IS|IN|ON|AT|WITH|AS|BY|WILL|SHALL|HAS|WAS|ARE|BE|EMAIL|E-MAIL|PHONE|TEL|"
         "TELEPHONE|CELL|FAX|OFFICE|NAMES?|CHANGE|CHANGES|UPDATE|ASSIGNMENT|APPROVER|A?POC|A?COR|A?COTR|ATTN|ATL|"
         "PRIMARY|SECONDARY|ALTERNATE|ALT|CONTRACTING|REPRESENTATIVE|CLOSEOUT|MODIFICATION|MOD|NEW|ONLY|WHO|"
         "PERIOD|POP|AMB|BPA|ORDER|OFFICER'?S?|TPOC|AN|APPOINT(?:S|ED)?|REMOVE[SD]?|ADD(?:S|ED)?|ASSIGN(?:S|ED)?|"
         "DESIGNATE[SD]?|EXERCISE[SD]?|REPLACE[SD]?")
_TOKEN = rf"(?<![A-Z0-9'])(?!(?:{_STOP})\b)[A-Z][A-Z'.]*(?:-[A-Z][A-Z'.]*)*"
_WORDS = rf"(?:(?:MR|MRS|MS|MSS|MISS|DR)\.?\s+)?{_TOKEN}(?:(?:\s*[&/]\s*|\s+){_TOKEN}){{0,3}}"
_TITLE = re.compile(r"(?:MR|MRS|MS|MSS|MISS|DR)\.?", re.IGNORECASE)

# After a contact marker. With a colon ("COR: X", "ATTN: X") the words are withheld whatever they are; without
# one ("COR JIMMY ...", "UPDATE THE COR INFORMATION") only words that read as a person's name.
MARKER = re.compile(
    r"\b(?P<marker>(?:(?:PRIMARY|SECONDARY|ALTERNATE|ALT\.?|OFM|TECHNICAL|PROGRAM)\s+)?"
    r"(?:A?POC(?:'?S)?|A?COR|A?COTR|ATTN|C/O|DAD|A?SAC|RAC|CONTRACTING\s+OFFICER'?S?\s+REPRESENTATIVE|"
    r"(?:CO|KO|CS|CONTACTS?|ATTENTION|PRIMARY|SECONDARY|ALTERNATE|ADDRESS|DELIVER(?:Y)?\s+TO|SHIP\s+TO)(?=\s*:))\b)"
    r"(?P<gap>\s*(?:\((?:COR|COTR)\)\s*)?(?:(?:PRIMARY|SECONDARY|ALTERNATE)\s*)?(?:IS\s+)?[:;,.-]*\s*)"
    rf"(?P<name>{_WORDS})",
    re.IGNORECASE,
)
# Before a role in brackets or a party's role: "JERRY HOWELL (COR)", "SOPHIA KUAN (TPOC)", "X, COMPLAINANT V. ...".
NAMED_ROLE = re.compile(rf"(?P<name>{_WORDS})(?=\s*\((?:A?COR|A?COTR|T?POC|CO|CS|KO)\)|,?\s+(?:COMPLAINANT|PLAINTIFF|"
                        r"PETITIONER|APPELLANT|CLAIMANT|GRIEVANT|RESPONDENT)\b)", re.IGNORECASE)
# After a title with its dot: "MR. FARAGI", "MS. HEINDL" (the dot tells a title from "MS OFFICE").
TITLED = re.compile(rf"\b(?P<title>(?:MR|MRS|MS|MSS|DR)\.\s*)(?P<name>{_TOKEN}(?:\s+{_TOKEN}){{0,2}})", re.IGNORECASE)
# Right before a number or address withheld for it: "AND FRANCO STEPHEN (832) ...", "POV S BOKOR, 915...".
BEFORE_CONTACT = re.compile(rf"(?P<name>{_WORDS})(?=[\s,:;/-]*\[(?:phone|e-mail) withheld\])", re.IGNORECASE)
# The local part of an address cut off by the record's length: "ACOR: ..., SIMONE.RITTENHOUS".
LOCAL_PART = re.compile(r"(?<![A-Z0-9.@])(?P<given>[A-Z]+)(?:\.[A-Z]+){1,2}(?![A-Z0-9.@])", re.IGNORECASE)
# A role handed from one person to another: "CHANGE COR TO TERESA RIVERA", "REMOVE MARK GONZALES FROM THE
# CONTRACT AS THE COR", "APPOINT SEAN T. NEALY AS A CONTRACTING OFFICER REPRESENTATIVE": read only where the
# description names such a role. A look-ahead, so that "TO REMOVE MARK ..." is read at REMOVE as well.
ROLE = re.compile(r"\b(?:A?COR|A?COTR|CO|KO|CS|CONTRACT(?:ING)?\s+SPECIALIST|CONTRACTING\s+OFFICER|REPRESENTATIVE|"
                  r"APPROVER|A?POC)\b", re.IGNORECASE)
# The same, ending the sentence ("... APPROVER TO KHALID FARAGI.", "APPOINT X Y AS COR"): there a name the
# given-name lists do not hold is taken on the name parser's word.
HANDOVER_END = re.compile(rf"\b(?:TO|FROM|WITH|APPOINT(?:S|ED)?|REMOVE[SD]?|ADD(?:S|ED)?)\s+"
                          rf"(?=(?P<name>{_TOKEN}\s+{_TOKEN}(?:\s+{_TOKEN})?)(?:\s*(?:[.,;]|$)|\s+AS\b))",
                          re.IGNORECASE)
# Right after a name withheld: "POC: [name withheld]: KIMBERLY MOODHE & MARGIE JONES".
AFTER_NAME = re.compile(rf"\[name withheld\]\s*[:;,&/]?\s*(?P<name>{_WORDS})", re.IGNORECASE)
HANDOVER = re.compile(rf"\b(?:TO|FROM|WITH|APPOINT(?:S|ED)?|REMOVE[SD]?|ADD(?:S|ED)?)\s+(?=(?P<name>{_WORDS}))",
                      re.IGNORECASE)


def reads_as_name(words: list[str]) -> bool:
    """Whether these words are a person's name as the records write one: an initial and a surname ("S BOKOR"),
    or words that sources/persons.py reads as a person's with a given name (or an initial) first or last
    ("FRANCO STEPHEN"). The parser alone is not enough here: it reads "UNANTICIPATED INCREASE" as a person."""
    from whosbehind.sources.persons import is_given_name, reads_as_person

    bare = [w.rstrip(".,").upper() for w in words if not _TITLE.fullmatch(w) and w != "&"]
    if len(bare) < 2 or any(len(w) > 1 and not re.search("[AEIOUY]", w) for w in bare):  # "DHS MS ELA"
        return False
    if len(bare) == 2 and len(bare[0]) == 1 and len(bare[1]) > 1:
        return True
    first, last = bare[0], bare[-1]
    surname_first = len(bare) == 2 and len(last) > 1 and is_given_name(last)  # "FRANCO STEPHEN"
    return (len(first) == 1 or is_given_name(first) or surname_first) and reads_as_person(" ".join(bare))


def _name_span(words: list[str], *, from_end: bool, alone: bool = False) -> int:
    """How many words, from the start (or from the end), read as a name: the longest such run, else 0; with
    ``alone``, one given name counts ("ALT. COTR. GIA GIA.X@...": the address after it is withheld)."""
    from whosbehind.sources.persons import is_given_name

    for n in range(len(words), 1, -1):
        if reads_as_name(words[-n:] if from_end else words[:n]):
            return n
    one = words[-1] if from_end else words[0] if words else ""
    return 1 if alone and one and is_given_name(one.rstrip(".,").upper()) else 0


def _parser_says_name(m: re.Match[str]) -> bool:
    from whosbehind.sources.persons import reads_as_person

    words = m["name"].upper().split()
    return all(len(w) > 1 and re.search("[AEIOUY]", w) for w in words) and reads_as_person(m["name"])


def _withhold(text: str, pattern: re.Pattern[str], withheld: set[str], *, from_end: bool = False,
              always: Callable[[re.Match[str]], bool] = lambda m: False, titled: bool = False,
              alone: bool = False) -> str:
    """Replace, in each match's ``name`` group, the words that read as a name (all of them when ``always``);
    the surnames of what reads as a name (or follows a title) are added to ``withheld``."""
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(text):
        start, end = m.span("name")
        words = list(re.finditer(r"\S+", m["name"]))
        n = len(words) if always(m) else _name_span([w.group() for w in words], from_end=from_end, alone=alone)
        if not n:
            continue
        first, last = (words[-n], words[-1]) if from_end else (words[0], words[n - 1])
        # a sentence's full stop is not the name's ("... TO KHALID FARAGI."), an initial's is ("SEAN T.")
        stop = 1 if len(last.group()) > 2 and last.group().endswith(".") else 0
        span = (start + first.start(), start + last.end() - stop)
        if not spans or span[0] >= spans[-1][1]:
            spans.append(span)
            if titled or reads_as_name([w.group() for w in (words[-n:] if from_end else words[:n])]):
                withheld.add(last.group().rstrip(".,").upper())
    for start, end in reversed(spans):
        text = text[:start] + "[name withheld]" + text[end:]
    return text


def _after_colon(m: re.Match[str]) -> bool:
    """A contact marker with a colon or a dash: what follows is the contact. Not for an office's title, which
    also names a place ("SAC - HP BPA", "SAC PHOENIX")."""
    office = re.fullmatch(r"(?:DAD|A?SAC|RAC)", m["marker"].strip(), re.IGNORECASE)
    return not office and (":" in m["gap"] or "-" in m["gap"])


@lru_cache(maxsize=100_000)  # a description recurs on every modification of its award
def without_contacts(text: str | None) -> str | None:
    """The text with the e-mail addresses, phone numbers and names of its contact persons withheld."""
    if not text:
        return text
    from whosbehind.sources.persons import is_given_name

    text = EMAIL.sub("[e-mail withheld]", text)
    text = LOCAL_PART.sub(lambda m: "[e-mail withheld]" if is_given_name(m["given"].upper()) else m[0], text)
    text = PHONE.sub("[phone withheld]", text)
    surnames: set[str] = set()
    text = _withhold(text, MARKER, surnames, always=_after_colon)
    text = _withhold(text, TITLED, surnames, always=lambda m: True, titled=True)
    text = _withhold(text, NAMED_ROLE, surnames, from_end=True)
    text = _withhold(text, BEFORE_CONTACT, surnames, from_end=True, alone=True)
    text = _withhold(text, AFTER_NAME, surnames)
    if ROLE.search(text):
        text = _withhold(text, HANDOVER, surnames)
        text = _withhold(text, HANDOVER_END, surnames, always=_parser_says_name, titled=True)
    return _echoes(text, surnames)


def _echoes(text: str, surnames: set[str]) -> str:
    """A surname withheld once is withheld wherever the text repeats it, with a given name or an initial before
    it: "FROM KIMBERLY HEINDL TO KHALID FARAGI AS MR. FARAGI ..."."""
    from whosbehind.sources.persons import is_given_name

    for surname in sorted(s for s in surnames if len(s) > 2 and not re.fullmatch(_STOP, s, re.IGNORECASE)):
        def one(m: re.Match[str]) -> str:
            before = m["before"]
            keep = before if before and not (len(before.strip()) == 1 or is_given_name(before.strip().upper())) else ""
            return f"{keep}[name withheld]"

        text = re.sub(rf"(?P<before>{_TOKEN}\s+)?(?<![A-Z0-9'])(?:{re.escape(surname)})(?![A-Z0-9'])", one, text,
                      flags=re.IGNORECASE)
    return text


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Make ``without_contacts(VARCHAR) -> VARCHAR`` callable in SQL on this connection."""
    with contextlib.suppress(duckdb.Error):
        con.remove_function("without_contacts")
    con.create_function("without_contacts", without_contacts, ["VARCHAR"], "VARCHAR",
                        null_handling="special", side_effects=False)
