"""Codenames: a few words from the EFF long wordlist, drawn with ``secrets``; stored only as an Argon2id hash.

The wordlist is the one the ``xkcdpass`` package ships (``xkcdpass/static/eff-long``, 7,776 words, the EFF's
large wordlist for passphrases, CC BY 3.0 US, Electronic Frontier Foundation). Seven words give
7776**7 ≈ 2**90 codenames.

From a codename the server derives, with Argon2id and the store's salt, one 32-byte secret, and from that two
independent values (BLAKE2b with different personalisations): the *tag* it stores to find the tip, and the
*seed* of the person's own key pair, which opens the replies sealed to them and is never stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from argon2.low_level import Type, hash_secret_raw

WORDS = 7

# Argon2id, RFC 9106's second recommended option (64 MiB, 3 passes, 4 lanes); what it costs per codename (and
# so per guess) is measured in benchmarks/RESULTS.md, "Tip line".
ARGON2_TIME_COST = 3
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_PARALLELISM = 4


@lru_cache(maxsize=1)
def wordlist() -> tuple[str, ...]:
    text = resources.files("xkcdpass").joinpath("static/eff-long").read_text("utf-8")
    words = tuple(w.strip() for w in text.splitlines() if w.strip())
    if len(words) != 7776 or len(set(words)) != 7776:
        raise RuntimeError(f"the EFF long wordlist shipped by xkcdpass has {len(words)} words, not 7,776")
    return words


def new_codename(words: int = WORDS) -> str:
    """A fresh codename: ``words`` words drawn independently with the operating system's secure generator."""
    pool = wordlist()
    return " ".join(secrets.choice(pool) for _ in range(words))


def normalize(codename: str) -> str:
    """The codename as typed, in the one form that is hashed: lower case, words separated by one space."""
    return " ".join(re.split(r"[\s\-_.,]+", codename.strip().lower())).strip()


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
