"""Codenames: a few words of a wordlist in the sender's language, drawn with ``secrets``; stored only as an Argon2id
hash.

English: the EFF long wordlist, as the ``xkcdpass`` package ships it (``xkcdpass/static/eff-long``, 7,776 words, the
EFF's large wordlist for passphrases, CC BY 3.0 US, Electronic Frontier Foundation). Seven words give
7776**7 ≈ 2**90 codenames.
Spanish: the BIP-39 Spanish wordlist, as the ``mnemonic`` package ships it (2,048 common words, chosen so that no
two are alike without their accents). Eight words give 2048**8 = 2**88 codenames. A codename is read the same
with or without its accents ("árbol", "arbol"), so the status form does not need to know the language.

From a codename the server derives, with Argon2id and the store's salt, one 32-byte secret, and from that two
independent values (BLAKE2b with different personalisations): the *tag* it stores to find the tip, and the
*seed* of the person's own key pair, which opens the replies sealed to them and is never stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from argon2.low_level import Type, hash_secret_raw

WORDS = {"en": 7, "es": 8}  # about 2**90 and 2**88 codenames

# Argon2id, RFC 9106's second recommended option (64 MiB, 3 passes, 4 lanes); what it costs per codename (and
# so per guess) is measured in benchmarks/RESULTS.md, "Tip line".
ARGON2_TIME_COST = 3
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_PARALLELISM = 4


@lru_cache(maxsize=2)
def wordlist(lang: str = "en") -> tuple[str, ...]:
    """The words codenames are drawn from in this language (English for any other)."""
    if lang == "es":
        from mnemonic import Mnemonic

        # the package keeps the words decomposed (NFKD); they are shown composed, as a keyboard types them
        words = tuple(unicodedata.normalize("NFC", w) for w in Mnemonic("spanish").wordlist)
        size, name = 2048, "the BIP-39 Spanish wordlist shipped by mnemonic"
    else:
        text = resources.files("xkcdpass").joinpath("static/eff-long").read_text("utf-8")
        words = tuple(w.strip() for w in text.splitlines() if w.strip())
        size, name = 7776, "the EFF long wordlist shipped by xkcdpass"
    if len(words) != size or len({normalize(w) for w in words}) != size:
        raise RuntimeError(f"{name} has {len(words)} words, or words alike once written without accents; "
                           f"{size:,} distinct words expected")
    return words


def new_codename(lang: str = "en") -> str:
    """A fresh codename in the sender's language: its number of words (``WORDS``), drawn independently with the
    operating system's secure generator."""
    pool = wordlist(lang)
    return " ".join(secrets.choice(pool) for _ in range(WORDS.get(lang, WORDS["en"])))


def normalize(codename: str) -> str:
    """The codename as typed, in the one form that is hashed: lower case, without accents, words separated by one
    space. (The English words have no accents: their codenames hash as they always have.)"""
    bare = "".join(c for c in unicodedata.normalize("NFKD", codename) if not unicodedata.combining(c))
    return " ".join(re.split(r"[\s\-_.,]+", bare.strip().lower())).strip()


@dataclass(frozen=True)
class Derived:
    tag: bytes    # stored beside the tip: finds it
    seed: bytes   # never stored: the person's private key for replies


def derive(codename: str, salt: bytes) -> Derived:
    secret = hash_secret_raw(normalize(codename).encode("utf-8"), salt, time_cost=ARGON2_TIME_COST,
                             memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_PARALLELISM, hash_len=32,
                             type=Type.ID)
    tag = hashlib.blake2b(secret, digest_size=32, person=b"wb-tip-lookup").digest()
    seed = hashlib.blake2b(secret, digest_size=32, person=b"wb-tip-replies").digest()
    return Derived(tag=tag, seed=seed)
