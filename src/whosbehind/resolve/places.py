"""Addresses, normalized for comparison: the context that tells two establishments with one name apart.

Procurement records write the same street many ways ("8283 GREENSBORO DRIVE", "8283 Greensboro Dr.",
"8283 GREENSBORO DR STE 600"). ``address_key`` keeps what identifies the building: the words of the first
address line, upper case, with the usual USPS street-suffix and direction abbreviations, without
punctuation and without the suite or floor (a company moving one floor up is still at its address).
"""

from __future__ import annotations

import re
from functools import lru_cache

# USPS Publication 28 abbreviations for the words that vary most in these records.
_ABBREVIATIONS = {
    "STREET": "ST", "AVENUE": "AVE", "AV": "AVE", "ROAD": "RD", "DRIVE": "DR", "BOULEVARD": "BLVD",
    "LANE": "LN", "COURT": "CT", "PLACE": "PL", "PARKWAY": "PKWY", "HIGHWAY": "HWY", "CIRCLE": "CIR",
    "SQUARE": "SQ", "TERRACE": "TER", "TRAIL": "TRL", "TURNPIKE": "TPKE", "EXPRESSWAY": "EXPY",
    "CENTER": "CTR", "CENTRE": "CTR", "PLAZA": "PLZ", "SUITE": "STE", "BUILDING": "BLDG", "FLOOR": "FL",
    "NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W", "NORTHEAST": "NE", "NORTHWEST": "NW",
    "SOUTHEAST": "SE", "SOUTHWEST": "SW", "MOUNT": "MT", "FORT": "FT", "SAINT": "ST",
}
# Everything from a unit designator on names a unit inside the building, not the building.
_UNIT = re.compile(r"\b(STE|APT|UNIT|FL|RM|ROOM|BLDG|#)\b.*$")
_NON_WORD = re.compile(r"[^A-Z0-9# ]+")


@lru_cache(maxsize=200_000)
def address_key(address: str | None) -> str | None:
    """The first address line as a comparison key, or None when nothing is left to compare."""
    text = _NON_WORD.sub(" ", (address or "").upper().replace("#", " # "))
    words = [_ABBREVIATIONS.get(w, w) for w in text.split()]
    key = _UNIT.sub("", " ".join(words)).strip()
    return key or None


def house_number(address_key_value: str | None) -> str | None:
    """The leading number of an address key ("8283 GREENSBORO DR" -> "8283"): a cheap blocking key."""
    if not address_key_value:
        return None
    first = address_key_value.split(" ", 1)[0]
    return first if any(c.isdigit() for c in first) else None


def clean_code(value: str | None) -> str | None:
    """A code or place name compared as written: upper case, single spaces, None when empty."""
    text = " ".join((value or "").upper().split())
    return text or None


# Toll-free area codes: one number answers for a whole company (its branches and often its subsidiaries), so
# sharing it says less than sharing a local number.
TOLL_FREE_AREA_CODES = frozenset({"800", "833", "844", "855", "866", "877", "888"})


def phone_numbers(numbers: list[str] | None) -> list[str] | None:
    """A record's 10-digit phone and fax numbers, sorted, without placeholders that many unrelated records
    could carry: a 555 exchange (reserved for fiction and directory help) or one digit seven times."""
    kept = sorted({n for n in numbers or () if n[3:6] != "555" and len(set(n[3:])) > 1})
    return kept or None


def local_phones(numbers: list[str] | None) -> list[str] | None:
    """The numbers of ``phone_numbers`` that ring at one place: without toll-free ones."""
    local = [n for n in phone_numbers(numbers) or () if n[:3] not in TOLL_FREE_AREA_CODES]
    return local or None
