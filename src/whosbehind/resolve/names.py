"""Company names, normalized for comparison.

Legal forms are recognized by ``fingerprints`` (the OpenSanctions library: "Incorporated" -> "inc",
"Limited Liability Company" -> "llc", in many languages). On top of it we drop what never tells two
companies apart in US procurement records: a leading or trailing "THE", "AND"/"&", punctuation, and
bracketed vendor numbers like "(3626)". Everything a name keeps is a distinguishing word.

Three keys, from strict to loose:

``exact``  the name with legal forms abbreviated, order kept: "THE GEO GROUP INC" = "GEO GROUP, INC., THE".
``core``   the same without its legal form: "AMAZON.COM INC." = "AMAZON.COM LLC" (a weaker hint).
``tokens`` the words of ``core``, sorted: word order variants.
``compact`` ``core`` without spaces: initials spaced or not ("M V M" = "MVM", "J OLIVA" = "JOLIVA"). A hint
           for records with context only: on names alone "A B C" and "ABC" are too short to be sure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import fingerprints

# Words that carry no identity on their own. A name made only of these (plus a legal form) is generic:
# "SERVICES INC", "GLOBAL SOLUTIONS LLC". Generic and very short names are never merged on a fuzzy score.
GENERIC_WORDS = frozenset(
    {
        "a", "an", "and", "of", "the", "for", "to", "at", "in", "on", "by", "usa", "us", "america",
        "american", "national", "international", "global", "general", "united", "group", "holdings",
        "holding", "services", "service", "solutions", "solution", "systems", "system", "technologies",
        "technology", "tech", "consulting", "consultants", "associates", "enterprises", "enterprise",
        "industries", "company", "companies", "co", "corp", "inc", "llc", "ltd", "lp", "llp", "management",
        "partners", "partnership", "resources", "products", "supply", "supplies", "trading", "federal",
        "government", "security", "professional", "business", "contractors", "construction", "engineering",
    }
)
STOP_WORDS = frozenset({"the", "and", "of"})
# A vendor number or a location tag in brackets at the end: "(3626)", "(DBA ...)" is handled separately.
_BRACKET_NUMBER = re.compile(r"\(\s*\d+\s*\)")
_DBA = re.compile(r"\b(D/?B/?A|DOING BUSINESS AS|T/?A|TRADING AS)\b.*$", re.IGNORECASE)
_LEGAL_FORMS = frozenset(
    {
        "inc", "llc", "ltd", "corp", "co", "lp", "llp", "plc", "pllc", "pc", "pa", "gmbh", "ag", "sa", "nv",
        "bv", "srl", "spa", "kk", "oy", "ab", "as", "sarl", "sas",
    }
)


@dataclass(frozen=True)
class NameKey:
    """A name as written and its comparison keys. Empty keys mean the name has nothing to compare."""

    name: str
    exact: str
    core: str
    legal_form: str
    tokens: str

    @property
    def first_token(self) -> str:
        return self.core.split(" ", 1)[0] if self.core else ""

    @property
    def lone_word(self) -> str | None:
        """The only word of a one-word name ("Palantir"), else None."""
        return self.core if self.core and " " not in self.core else None

    @property
    def compact(self) -> str:
        return self.core.replace(" ", "")

    @property
    def numbers(self) -> frozenset[str]:
        """The words of the name that carry digits, a one-letter word before one joined to it: "L-3" and "L3"
        carry the same number ("l3"), "A1" and "B1" different ones, "JV 2" another than "JV"."""
        words = self.core.split()
        out = set()
        for i, word in enumerate(words):
            if any(c.isdigit() for c in word):
                joined = i > 0 and len(words[i - 1]) == 1 and words[i - 1].isalpha()
                out.add(words[i - 1] + word if joined else word)
        return frozenset(out)

    @property
    def is_joint_venture(self) -> bool:
        """A joint venture is related to its members, never the same organization as any of them."""
        words = self.core.split()
        return "jv" in words or any(a == "joint" and b.startswith("venture") for a, b in pairwise(words))

    @property
    def is_generic(self) -> bool:
        """Too short or too common to identify a company by itself ("ABC INC", "GLOBAL SERVICES LLC")."""
        words = self.core.split()
        if not words:
            return True
        if len(self.core.replace(" ", "")) <= 4:
            return True
        return all(w in GENERIC_WORDS or len(w) <= 2 for w in words)


@lru_cache(maxsize=200_000)
def normalize(name: str | None) -> NameKey:
    raw = (name or "").strip()
    text = _DBA.sub("", raw)
    text = _BRACKET_NUMBER.sub(" ", text)
    # "&" and "AND" are the same word; "A&B" keeps its letters apart.
    text = text.replace("&", " and ")
    fp = fingerprints.generate(text, keep_order=True) or ""
    words = [w for w in fp.split() if w not in STOP_WORDS]
    legal = [w for w in words if w in _LEGAL_FORMS]
    core_words = [w for w in words if w not in _LEGAL_FORMS]
    exact = " ".join(words)
    core = " ".join(core_words)
    return NameKey(
        name=raw,
        exact=exact,
        core=core,
        legal_form=" ".join(legal),
        tokens=" ".join(sorted(core_words)),
    )


# A word English text uses at least once in a million words (3 on wordfreq's Zipf scale): "CHASE", "APOLLO",
# "LIBERTY", "STERLING", not "PALANTIR" or "LEIDOS". Many unrelated companies carry such a word in their names,
# so, typed alone, it does not tell which one a person means, however few of them the records hold.
COMMON_WORD_ZIPF = 3.0


@lru_cache(maxsize=20_000)
def is_common_word(word: str) -> bool:
    """Whether a word is common in English (wordfreq's frequencies, drawn from books, news, the web and
    subtitles): a famous company's name can be too ("Oracle", "Lockheed"), and is then found by an exact name or
    by a curated name it begins (``resolve.match.common_word_alone``), never by the word alone."""
    from wordfreq import zipf_frequency  # its word lists are read on the first call

    return zipf_frequency(word, "en") >= COMMON_WORD_ZIPF


# The lengths at which older records cut names off: in the bundled records, every name that is another name's
# first characters ending inside a word is 30 characters long ("SYSTEMS RESEARCH AND APPLICATI"), but one (60).
TRUNCATED_LENGTHS = frozenset({30, 60})


def is_truncation(short: str, long: str) -> bool:
    """``short`` is ``long`` cut off inside a word by a field limit: "INTERNATIONAL BUSINESS MACHINE" of
    "INTERNATIONAL BUSINESS MACHINES CORPORATION"."""
    a, b = clean_display(short), clean_display(long)
    return len(a) in TRUNCATED_LENGTHS and len(b) > len(a) and b.startswith(a) and a[-1].isalnum() \
        and b[len(a)].isalnum()


def clean_display(name: str | None) -> str:
    """Upper case, single spaces: how names are stored (same as the clean_name SQL macro)."""
    return re.sub(r"\s+", " ", (name or "").strip().upper())
